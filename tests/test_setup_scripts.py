"""scripts/system-packages.sh, sourced by both README commands (scripts/setup.sh, scripts/test.sh):
what it runs as root, as a user with password-less sudo, and as a user without sudo (issue 11 §7).

The commands are stand-ins on a PATH of their own (`id`, `sudo`, `apt-get` record their calls), so the
test runs the script's real logic without installing anything. The real thing was run on this machine
as root (CI) and as a sudo user `tester` on a fresh clone (the session note says when).
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def _stubs(tmp: Path, uid: int, sudo_ok: bool | None) -> Path:
    """A PATH directory: `id -u` says uid; `sudo` (absent when sudo_ok is None) works or refuses;
    `apt-get` records its arguments and DEBIAN_FRONTEND. No chromium, no pdftoppm on this PATH."""
    bin_ = tmp / "bin"
    bin_.mkdir()
    log = tmp / "calls.log"

    def stub(name: str, body: str) -> None:
        p = bin_ / name
        p.write_text("#!/bin/bash\n" + body + "\n")
        p.chmod(0o755)

    stub("id", f'[ "$1" = "-u" ] && echo {uid}')
    stub("apt-get", f'echo "apt-get $* DEBIAN_FRONTEND=${{DEBIAN_FRONTEND:-}}" >> {log}')
    if sudo_ok is not None:
        # like sudo: drops the caller's environment (env_reset), refuses without a password when not allowed
        stub("sudo", f'echo "sudo $*" >> {log}\n'
                     + ("" if sudo_ok else 'exit 1\n')
                     + '[ "$1" = "-n" ] && shift\nexec env -i PATH="$PATH" "$@"')
    for tool in ("env", "true"):
        os.symlink(f"/usr/bin/{tool}", bin_ / tool)
    return bin_


def _run(tmp: Path, uid: int, sudo_ok: bool | None, *args: str) -> tuple[int, list[str], str]:
    bin_ = _stubs(tmp, uid, sudo_ok)
    proc = subprocess.run(["/bin/bash", "-c", f'. "{SCRIPT}"; install_system_packages {" ".join(args)}'],
                          env={"PATH": str(bin_)}, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=30)
    log = tmp / "calls.log"
    calls = log.read_text().splitlines() if log.exists() else []
    return proc.returncode, calls, proc.stderr


def test_as_root_apt_get_runs_directly(tmp_path):
    code, calls, _ = _run(tmp_path, 0, None, "--test")
    assert code == 0
    assert not any(c.startswith("sudo") for c in calls)
    install = [c for c in calls if c.startswith("apt-get install")]
    assert len(install) == 1 and "chromium" in install[0] and "poppler-utils" in install[0]
    assert install[0].endswith("DEBIAN_FRONTEND=noninteractive")


def test_as_user_with_sudo_goes_through_sudo_with_the_frontend_kept(tmp_path):
    code, calls, _ = _run(tmp_path, 1000, True)
    assert code == 0
    assert "sudo -n true" in calls
    assert "sudo -n apt-get update -qq" in calls
    install = [c for c in calls if c.startswith("apt-get install")]
    # sudo resets the environment: the frontend survives only because it is set inside sudo (`env`)
    assert len(install) == 1 and install[0].endswith("DEBIAN_FRONTEND=noninteractive")
    assert "poppler-utils" not in install[0]          # only the test command needs it


def test_as_user_without_sudo_says_what_to_install_and_installs_nothing(tmp_path):
    code, calls, err = _run(tmp_path, 1000, False)
    assert code == 1
    assert not any(c.startswith("apt-get") for c in calls)
    assert "please install" in err and "Cần cài" in err and "chromium" in err


@pytest.mark.parametrize("name", ["setup.sh", "test.sh"])
def test_both_readme_commands_use_it(name):
    text = (ROOT / "scripts" / name).read_text()
    assert ". scripts/system-packages.sh" in text and "install_system_packages" in text
    assert "apt-get" not in text            # one place that installs system packages


def _script(name: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=os.environ | (env or {}))


def test_pins_met_reads_the_installed_versions_through_includes(tmp_path):
    """scripts/test.sh runs pip only when scripts/pins_met.py says a pin is not met."""
    assert _script("pins_met.py", str(ROOT / "requirements-dev.txt")).returncode == 0   # this venv is pinned
    (tmp_path / "inner.txt").write_text("# runtime\nduckdb==0.0.1\n")
    (tmp_path / "dev.txt").write_text("-r inner.txt\npytest==9.2.0\n")
    proc = _script("pins_met.py", str(tmp_path / "dev.txt"))
    assert proc.returncode == 1 and "duckdb==0.0.1 (installed: " in proc.stderr
    (tmp_path / "inner.txt").write_text("no-such-package-cnscd==1.0\n")
    proc = _script("pins_met.py", str(tmp_path / "dev.txt"))
    assert proc.returncode == 1 and "not installed" in proc.stderr
    (tmp_path / "inner.txt").write_text("duckdb>=1\n")
    assert _script("pins_met.py", str(tmp_path / "dev.txt")).returncode == 1   # not an exact pin: pip decides


def test_warehouse_current_builds_only_a_missing_or_stale_warehouse(tmp_path, warehouse_file):
    """scripts/test.sh runs `python -m data build` only when scripts/warehouse_current.py exits 1."""
    import shutil

    assert _script("warehouse_current.py", env={"CNSCD_WAREHOUSE": str(warehouse_file)}).returncode == 0
    proc = _script("warehouse_current.py", env={"CNSCD_WAREHOUSE": str(tmp_path / "none.duckdb")})
    assert proc.returncode == 1 and "missing" in proc.stderr
    (tmp_path / "bad.duckdb").write_text("not a database")
    assert _script("warehouse_current.py", env={"CNSCD_WAREHOUSE": str(tmp_path / "bad.duckdb")}).returncode == 1
    # built from other inputs: a copy whose recorded fingerprint differs
    import duckdb

    stale = tmp_path / "stale.duckdb"
    shutil.copyfile(warehouse_file, stale)
    c = duckdb.connect(str(stale))
    try:
        c.execute("UPDATE core_build_info SET value = 'other inputs' WHERE key = 'input_fingerprint'")  # test-only
    finally:
        c.close()
    proc = _script("warehouse_current.py", env={"CNSCD_WAREHOUSE": str(stale)})
    assert proc.returncode == 1 and "older than its inputs" in proc.stderr
