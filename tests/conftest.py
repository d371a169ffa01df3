"""Shared fixtures: one built warehouse per test session, through the same build the app uses (never a
stale one: var/warehouse.duckdb is rebuilt first when its input fingerprint differs from the inputs'),
and the one chromium (CHROMIUM_PATH) for the export and browser tests."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cnscd.store import statedir  # noqa: E402

LIVE = Path(os.environ.get("CNSCD_WAREHOUSE") or statedir.path() / "warehouse.duckdb")
# Tests never write into the repository's state directory (cnscd/statedir.py): the session has its own.
_STATE = tempfile.mkdtemp(prefix="cnscd-state-")
os.environ["CNSCD_STATE_DIR"] = _STATE


def _scan_components_once() -> None:
    """Every new AppTest scans each installed distribution's metadata for Streamlit v2 component manifests
    (~0.2 s CPU over ~190 packages, a few hundred AppTests a session); a served app scans once, at start.
    The installed packages do not change during a session: scan once, give every AppTest that list."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:          # another Streamlit: nothing to share
        return
    scan, kept = manifest_scanner.scan_component_manifests, []

    def once(max_workers=None):
        if not kept:
            kept.append(scan(max_workers))
        return list(kept[0])
    manifest_scanner.scan_component_manifests = once


_scan_components_once()


def pytest_unconfigure(config):
    shutil.rmtree(_STATE, ignore_errors=True)


def built_fingerprint(path: Path) -> str | None:
    """The input fingerprint a warehouse file was built from (None: built before fingerprints)."""
    import duckdb

    import queries
    from data import fingerprint

    c = duckdb.connect(str(path), read_only=True)
    try:
        info = dict(queries.run(c, "build_info").iter_rows())
    finally:
        c.close()
    return info.get(fingerprint.KEY)


def fresh_live_warehouse(live: Path = LIVE) -> str:
    """Rebuild `live` when it is missing or was built from other inputs than today's; say which."""
    from data import fingerprint
    from data.build import build

    import fcntl

    live.parent.mkdir(parents=True, exist_ok=True)
    # the suite runs in parallel workers (pytest -n): one rebuilds, the others wait and find it current
    with open(live.parent / ".warehouse-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if live.is_file() and built_fingerprint(live) == fingerprint.fingerprint():
            return "current"
        why = "missing" if not live.is_file() else "stale (its inputs changed since it was built)"
        result = build(live, log=lambda *_: None)
        assert not result.failures, f"{live} was {why}; the rebuild failed: {result.failures}"
        return why


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory) -> Path:
    """A private copy of the built demo warehouse; var/warehouse.duckdb is (re)built first when it is
    missing or older than its inputs (data/fingerprint.py), so no session reads stale data."""
    target = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    state = fresh_live_warehouse()
    if state != "current":
        print(f"\nvar/warehouse.duckdb was {state}: rebuilt before the session", file=sys.stderr)
    shutil.copyfile(LIVE, target)
    return target


@pytest.fixture(scope="session")
def chromium() -> str:
    """The chromium every export and browser test uses (CHROMIUM_PATH, else `chromium` on PATH). None
    there FAILS the test that needs it, naming the variable; tests that need no chromium still run."""
    from cnscd.export import ExportError
    from cnscd.export.engine import browser_path

    try:
        return browser_path()
    except ExportError as err:
        pytest.fail(f"chromium is required here: {err}", pytrace=False)


@pytest.fixture(scope="session")
def con(warehouse_file):
    """One read-only connection for the whole session. Tests that write, stream or hold a result open
    use their own connection or `con.cursor()`; see `_shared_con_left_clean` for the leftovers."""
    import duckdb

    c = duckdb.connect(str(warehouse_file), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def truth(con):
    """What the pages must show, by SQL over the session's warehouse copy (tests/numbers.py)."""
    from tests.numbers import Truth

    return Truth(con)


@pytest.fixture(autouse=True)
def _shared_con_left_clean(request):
    """After each test that used the shared `con`, drop any unfinished result it left on it.

    `con.execute(sql).fetchone()` leaves the rest of the result pending (DuckDB 2: until a fetch returns
    no rows), and the next `con.sql(...)` on the same connection, in another file, fails with
    "connection has an unfinished result from execute()". The connection is read-only, so aborting
    the leftover loses nothing."""
    yield
    if "con" in request.fixturenames:
        request.getfixturevalue("con").abort()


@pytest.fixture
def warehouse_env(warehouse_file, monkeypatch) -> Path:
    """Point the app and CLIs at the session's warehouse copy (read-only use)."""
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    return warehouse_file
