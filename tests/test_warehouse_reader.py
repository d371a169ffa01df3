"""Readers follow a replaced warehouse file and never see half of a write."""
from __future__ import annotations

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
