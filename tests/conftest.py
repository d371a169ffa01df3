"""Shared fixtures: one built warehouse per test session, through the same build the app uses."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIVE = ROOT / "data" / "warehouse.duckdb"


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory) -> Path:
    """A private copy of the built demo warehouse (built once if `python -m data build` was not run)."""
    from data.build import build

    target = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    if LIVE.is_file():
        shutil.copyfile(LIVE, target)
    else:
        result = build(target, log=lambda *_: None)
        assert not result.failures, result.failures
    return target


@pytest.fixture(scope="session")
def con(warehouse_file):
    """One read-only connection for the whole session. Tests that write, stream or hold a result open
    use their own connection or `con.cursor()`; see `_shared_con_left_clean` for the leftovers."""
    import duckdb

    c = duckdb.connect(str(warehouse_file), read_only=True)
    yield c
    c.close()


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
