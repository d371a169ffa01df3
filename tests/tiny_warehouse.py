"""The one builder of the tiny warehouses the tests make (maps and districts: tests/mapfixtures.py; the
import: tests/ingest_fixtures.py; the fact checks: tests/test_facts.py; the seed rows' keys:
tests/test_seed_figures.py): queries/schema.sql, then the given tables in the order their foreign keys
need, through the gateway's insert (columns by name, missing ones null)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

import queries
from queries import insert

ORDER = ("core_boundary_version", "core_source", "core_unit", "core_crosswalk", "core_indicator",
         "core_population", "core_observation", "core_target")


def versions(source_ids: tuple[str, str] = ("demo", "demo")) -> pl.DataFrame:
    """Both boundary versions with the real validity dates (legacy to 30/6/2025, 2025 from 1/7/2025)."""
    return pl.DataFrame({
        "boundary_version": ["legacy", "2025"], "valid_from_date": [None, dt.date(2025, 7, 1)],
        "valid_to_date": [dt.date(2025, 6, 30), None], "label_vi": ["63 tỉnh", "34 tỉnh"],
        "label_en": ["63 provinces", "34 provinces"],
        "levels": ["nation,province,district,commune", "nation,province,commune"], "source_id": list(source_ids)})


def fill(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    """The schema and `tables` (name -> frame; any of ORDER) into `con`."""
    unknown = set(tables) - set(ORDER)
    assert not unknown, f"not a table of the tiny warehouse: {sorted(unknown)}"
    queries.execute_script(con, "schema")
    for name in ORDER:
        if name in tables:
            insert(con, name, tables[name])
    return con


def connect(**tables: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory tiny warehouse (the caller closes it)."""
    return fill(duckdb.connect(), tables)


def build(path: Path, **tables: pl.DataFrame) -> Path:
    """A tiny warehouse written to `path` (replaced if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        fill(con, tables)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
