"""Readers follow a replaced warehouse file and never see half of a write."""
from __future__ import annotations

import threading

import duckdb
import pytest

from cnscd.store import warehouse


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "w.duckdb"
    c = duckdb.connect(str(p))
    c.execute("CREATE TABLE t(x INTEGER)")
    c.execute("INSERT INTO t VALUES (1)")
    c.close()
    return p


def count(con) -> int:
    return con.execute("SELECT count(*) FROM t").fetchone()[0]


def test_reader_sees_the_new_generation_after_a_write(small):
    reader = warehouse.Reader(small)
    old = reader.connection()
    assert count(old) == 1
    with warehouse.write_transaction(small) as con:
        con.execute("INSERT INTO t VALUES (2), (3)")
    new = reader.connection()
    assert count(new) == 3, "the reader kept the replaced file's database"
    reader.close()


def test_a_failed_write_changes_nothing(small):
    reader = warehouse.Reader(small)
    with pytest.raises(RuntimeError):
        with warehouse.write_transaction(small) as con:
            con.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("planted")
    assert count(reader.connection()) == 1
    assert not [p for p in small.parent.iterdir() if p.suffix in (".tmp", ".ro")]


def test_missing_file_says_how_to_build(tmp_path):
    with pytest.raises(warehouse.WarehouseError, match="python -m data build"):
        warehouse.Reader(tmp_path / "none.duckdb").connection()


def _two_threads_at_once(reader) -> list[str]:
    """Two threads (a session's script and the background warm read, or two viewers' first queries)
    run a query on `reader.connection()` at the same moment; DuckDB 2.0 refuses a connection that is
    busy in another thread, so each must get its own."""
    start, errors, sums = threading.Barrier(2), [], []

    def one() -> None:
        try:
            start.wait(10)
            for _ in range(3):
                sums.append(reader.connection().execute("SELECT sum(range) FROM range(30000000)").fetchone()[0])
        except Exception as exc:  # noqa: BLE001 - any error fails the test
            errors.append(repr(exc))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sums == [sum(range(30000000))] * 6 or errors
    return errors


def test_two_threads_query_one_reader_at_once(small):
    reader = warehouse.Reader(small)
    assert not _two_threads_at_once(reader)
    assert count(reader.connection()) == 1
    reader.close()


def test_two_threads_query_one_snapshot_at_once(small, tmp_path, monkeypatch):
    from cnscd.store import snapshot

    d = tmp_path / "snapshots"
    monkeypatch.setenv("CNSCD_SNAPSHOT_DIR", str(d))
    monkeypatch.setenv("CNSCD_ROLE", "viewer")
    snapshot.publish(small, d)
    reader = warehouse.Reader()
    reader.pin()
    assert not _two_threads_at_once(reader)
    reader.close()


def test_a_thread_after_close_gets_a_working_connection(small):
    reader = warehouse.Reader(small)
    assert count(reader.connection()) == 1
    reader.close()                                   # closes the connection and this thread's cursor
    assert count(reader.connection()) == 1           # a new one, not the closed cursor
    reader.close()
