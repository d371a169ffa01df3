"""Roles and snapshot publication (issue 12 §1, §5): content-addressed snapshots behind a pointer
renamed into place last, verified by viewers, pruned; a bad hash or an unreachable directory never
replaces a good snapshot; an editor killed mid-import or mid-publish publishes nothing."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from cnscd.store import follow, role, snapshot, warehouse
from tests.ingest_fixtures import district_report, dry, export_all, small_base, wh  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def tiny(path: Path, version: int) -> Path:
    """A warehouse whose two tables both carry `version`: a reader that mixed two snapshots would see a != b."""
    path.unlink(missing_ok=True)
    c = duckdb.connect(str(path))
    c.execute("CREATE TABLE a(v INTEGER); CREATE TABLE b(v INTEGER)")
    c.execute("INSERT INTO a SELECT ? FROM range(2000)", [version])
    c.execute("INSERT INTO b SELECT ? FROM range(2000)", [version])
    c.close()
    return path


def read(reader: warehouse.Reader) -> tuple[int, int]:
    """Like one rerun: pin the snapshot, then two separate queries (the app runs many per rerun)."""
    reader.pin()
    got = []
    for table in ("a", "b"):
        cur = reader.connection().cursor()
        try:
            got.append(cur.execute(f"SELECT max(v) FROM {table}").fetchone()[0])
        finally:
            cur.close()
        time.sleep(0.001)      # give a publisher the chance to land between the two queries
    return tuple(got)


@pytest.fixture
def snapdir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "snapshots"
    monkeypatch.setenv("CNSCD_SNAPSHOT_DIR", str(d))
    monkeypatch.setenv("CNSCD_ROLE", "viewer")
    return d


def test_publish_is_content_addressed_and_leaves_no_temp_files(tmp_path, snapdir):
    src = tiny(tmp_path / "w.duckdb", 1)
    pointer = snapshot.publish(src, snapdir)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert pointer["sha256"] == digest and pointer["file"] == f"warehouse-{digest}.duckdb"
    assert json.loads((snapdir / "CURRENT.json").read_text()) == pointer
    assert (snapdir / pointer["file"]).read_bytes() == src.read_bytes()
    assert oct((snapdir / pointer["file"]).stat().st_mode & 0o777) == "0o444"
    assert sorted(p.name for p in snapdir.iterdir()) == sorted([".publish.lock", "CURRENT.json", pointer["file"]])
    again = snapshot.publish(src, snapdir)          # same content: same file, a new pointer
    assert again["file"] == pointer["file"]


def test_viewer_follows_the_pointer_and_says_how_old_its_snapshot_is(tmp_path, snapdir):
    snapshot.publish(tiny(tmp_path / "w.duckdb", 1), snapdir)
    reader = warehouse.Reader()
    assert reader.follower is not None and read(reader) == (1, 1)
    snapshot.publish(tiny(tmp_path / "w.duckdb", 2), snapdir)
    assert read(reader) == (2, 2)
    st = reader.follower.status()
    assert st["error"] is None and 0 <= st["age_s"] < 60
    caption, warning = role.snapshot_lines(st, "en")
    assert caption.startswith(f"Data: snapshot {st['sha256'][:10]} published") and warning is None
    reader.close()


def test_prune_keeps_the_last_n(tmp_path, snapdir):
    names = []
    for v in range(5):
        names.append(snapshot.publish(tiny(tmp_path / "w.duckdb", v), snapdir, keep=2)["file"])
        time.sleep(0.01)
    left = sorted(p.name for p in snapdir.glob("warehouse-*.duckdb"))
    assert left == sorted(names[-2:])
    assert snapshot.read_pointer(snapdir)["file"] == names[-1]


def test_a_corrupt_snapshot_is_refused_and_the_previous_one_kept(tmp_path, snapdir):
    snapshot.publish(tiny(tmp_path / "w.duckdb", 1), snapdir)
    reader = warehouse.Reader()
    assert read(reader) == (1, 1)
    # a pointer naming a file whose bytes do not hash to its name (bit rot, a half-synced volume)
    good = snapshot.publish(tiny(tmp_path / "w.duckdb", 2), snapdir, keep=5)
    bad = snapdir / good["file"]
    os.chmod(bad, 0o644)
    with open(bad, "r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff" * 64)
    v1 = follow.Follower(snapdir)   # a fresh viewer starting now has nothing good to serve
    with pytest.raises(snapshot.SnapshotError, match="bad hash"):
        v1.current()
    assert read(reader) == (1, 1)        # the running viewer looks, refuses, keeps its verified snapshot
    st = reader.follower.status()
    assert "bad hash" in st["error"] and "sai mã băm" in st["error"]
    caption, warning = role.snapshot_lines(st, "vi")
    assert warning.startswith("Không lấy được bản dữ liệu mới hơn") and "sai mã băm" in warning
    snapshot.publish(tiny(tmp_path / "w.duckdb", 3), snapdir)       # the next good publication is taken
    assert read(reader) == (3, 3) and reader.follower.status()["error"] is None
    reader.close()


def test_an_unreachable_snapshot_directory_keeps_the_served_snapshot(tmp_path, snapdir):
    snapshot.publish(tiny(tmp_path / "w.duckdb", 1), snapdir)
    reader = warehouse.Reader()
    assert read(reader) == (1, 1)
    snapdir.rename(tmp_path / "gone")        # the shared volume went away
    assert read(reader) == (1, 1)
    assert "Cannot reach the snapshot directory" in reader.follower.status()["error"]
    reader.close()


def test_publish_while_readers_read_no_error_no_mix(tmp_path, snapdir):
    snapshot.publish(tiny(tmp_path / "w.duckdb", 0), snapdir)
    reader = warehouse.Reader()            # one per server process, shared by its sessions' threads
    stop, errors, seen = threading.Event(), [], {i: [] for i in range(50)}
    read_one = threading.Condition()

    def viewer(i: int) -> None:
        got = seen[i]
        try:
            while not stop.is_set():
                a, b = read(reader)
                if a != b:
                    errors.append(f"viewer {i} saw a mix: {a} != {b}")
                with read_one:
                    got.append(a)
                    read_one.notify_all()
        except Exception as exc:  # noqa: BLE001 - any error fails the test
            errors.append(f"viewer {i}: {exc!r}")
            with read_one:
                read_one.notify_all()

    def every_viewer_read(v: int) -> bool:
        """Wait (no fixed sleep) until every viewer has read version v since it was published."""
        with read_one:
            return read_one.wait_for(lambda: errors or all(g and g[-1] == v for g in seen.values()), timeout=60)

    threads = [threading.Thread(target=viewer, args=(i,)) for i in range(50)]
    for th in threads:
        th.start()
    assert every_viewer_read(0), "the viewers did not start reading"
    for v in range(1, 6):           # each publication lands while all fifty are reading
        snapshot.publish(tiny(tmp_path / "w.duckdb", v), snapdir)
        assert every_viewer_read(v), f"not every viewer reached version {v}: {[g[-1:] for g in seen.values()]}"
    stop.set()
    for th in threads:
        th.join(10)
    assert not errors, errors[:5]
    assert all(g == sorted(g) for g in seen.values()), "a viewer went back to an older snapshot"
    assert all(g and g[-1] == 5 for g in seen.values())
    reader.close()


def test_a_pinned_rerun_finishes_on_its_snapshot(tmp_path, snapdir):
    snapshot.publish(tiny(tmp_path / "w.duckdb", 1), snapdir)
    reader = warehouse.Reader()
    reader.pin()
    snapshot.publish(tiny(tmp_path / "w.duckdb", 2), snapdir)
    other = {}
    th = threading.Thread(target=lambda: other.setdefault("v", read(reader)))   # a new rerun in another session
    th.start()
    th.join()
    assert other["v"] == (2, 2)
    assert reader.connection().execute("SELECT max(v) FROM a").fetchone()[0] == 1   # this rerun: still 1
    assert read(reader) == (2, 2)                                                  # its next rerun: 2
    reader.close()


def test_a_viewer_refuses_to_write(tmp_path, monkeypatch):
    monkeypatch.setenv("CNSCD_ROLE", "viewer")
    monkeypatch.setenv("CNSCD_EDITOR_URL", "http://localhost:8501/editor")
    p = tiny(tmp_path / "w.duckdb", 1)
    with pytest.raises(warehouse.WarehouseError, match="viewing only.*localhost:8501/editor"):
        with warehouse.write_transaction(p):
            pass
    assert not role.offered("nhap-lieu") and not role.offered("ranh-gioi") and role.offered("ban-do")
    monkeypatch.setenv("CNSCD_ROLE", "boss")
    with pytest.raises(ValueError, match="viewer hoặc editor.*viewer or editor"):
        role.role()


def test_the_editor_publishes_after_an_accepted_batch_only(wh, snapdir, monkeypatch):
    from cnscd.ingest import commit, rollback

    monkeypatch.setenv("CNSCD_ROLE", "editor")
    refused = dry(wh, district_report(rows=[[1, "Huyện Không Có", 1, 1, 2, 3]]), "bad.xlsx")
    assert not refused.ok
    assert not snapdir.exists() or not (snapdir / "CURRENT.json").exists()
    m = commit(dry(wh, district_report(), "dong_thap.xlsx"), "an")
    pointer = snapshot.read_pointer(snapdir)
    assert pointer["sha256"] == hashlib.sha256(wh.read_bytes()).hexdigest()
    assert warehouse.Reader().follower is None       # the editor reads the live file it writes
    rollback(m["batch_id"], "an")                    # a rollback is a write too: published
    after = snapshot.read_pointer(snapdir)
    assert after["sha256"] != pointer["sha256"] and after["sha256"] == hashlib.sha256(wh.read_bytes()).hexdigest()


# ---- an editor killed with SIGKILL ---------------------------------------------------------------------------

def _editor_env(live: Path, snapdir: Path) -> dict:
    return {**os.environ, "CNSCD_WAREHOUSE": str(live), "CNSCD_SNAPSHOT_DIR": str(snapdir),
            "CNSCD_ROLE": "editor", "CNSCD_IMPORTS_DIR": str(live.parent / "imports")}


def _kill_when(proc: subprocess.Popen, folder: Path, pattern: str, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(folder.glob(pattern)):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            return True
        time.sleep(0.002)
    return False


def test_an_editor_killed_mid_import_publishes_nothing_and_a_retry_does(warehouse_file, tmp_path):
    live = tmp_path / "editor" / "warehouse.duckdb"
    live.parent.mkdir()
    shutil.copyfile(warehouse_file, live)        # the full demo warehouse: its copy takes long enough to hit
    snapdir = tmp_path / "snapshots"
    first = snapshot.publish(live, snapdir)
    before = export_all(live)
    report = tmp_path / "dong_thap.xlsx"
    report.write_bytes(district_report())
    cmd = [sys.executable, "-m", "data", "import", str(report)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_editor_env(live, snapdir), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert _kill_when(proc, live.parent, "warehouse.duckdb.*.tmp"), proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot.read_pointer(snapdir) == first, "a killed import published a snapshot"
    assert [p.name for p in snapdir.glob("warehouse-*.duckdb")] == [first["file"]]
    assert export_all(live) == before, "the killed import changed the live warehouse"
    viewer = follow.Follower(snapdir)
    assert viewer.current() == snapdir / first["file"] and viewer.status()["error"] is None

    time.sleep(max(0.0, 1.05 - (time.time() % 1)))   # batch ids have one-second resolution
    retry = subprocess.run(cmd, cwd=ROOT, env=_editor_env(live, snapdir), capture_output=True, text=True, timeout=120)
    assert retry.returncode == 0, retry.stdout + retry.stderr
    after = snapshot.read_pointer(snapdir)
    assert after["sha256"] != first["sha256"]
    assert after["sha256"] == hashlib.sha256(live.read_bytes()).hexdigest()
    assert viewer.current() == snapdir / after["file"]


def test_a_publisher_killed_mid_copy_publishes_nothing(warehouse_file, tmp_path):
    snapdir = tmp_path / "snapshots"
    small = tiny(tmp_path / "w.duckdb", 1)
    first = snapshot.publish(small, snapdir)
    cmd = [sys.executable, "-m", "cnscd.store.snapshot", "publish", "--from", str(warehouse_file), "--dir", str(snapdir)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert _kill_when(proc, snapdir, ".incoming-*.tmp"), proc.communicate()
    assert snapshot.read_pointer(snapdir) == first
    assert follow.Follower(snapdir).current() == snapdir / first["file"]
    done = snapshot.publish(warehouse_file, snapdir)           # the next publisher clears the leftover
    assert not list(snapdir.glob(".incoming-*.tmp")) and done["sha256"] != first["sha256"]


def test_a_viewer_app_serves_the_snapshot_and_says_how_old_it_is(warehouse_file, snapdir, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    pointer = snapshot.publish(warehouse_file, snapdir)
    monkeypatch.setenv("CNSCD_ROLE", "viewer")
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(snapdir / "no-local-warehouse.duckdb"))   # a viewer needs none
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file("../app.py", default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.sidebar.caption]
    assert f"Dữ liệu: bản phát hành {pointer['sha256'][:10]} lúc" in " ".join(captions), captions
    assert not at.sidebar.warning[1:], [w.value for w in at.sidebar.warning]   # only the demo banner
    st.cache_resource.clear()
