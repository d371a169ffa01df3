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
    import duckdb

    c = duckdb.connect(str(warehouse_file), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def truth(con):
    """What the pages must show, by SQL over the session's warehouse copy (tests/numbers.py)."""
    from tests.numbers import Truth

    return Truth(con)


@pytest.fixture
def warehouse_env(warehouse_file, monkeypatch) -> Path:
    """Point the app and CLIs at the session's warehouse copy (read-only use)."""
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    return warehouse_file
