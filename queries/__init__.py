"""The one query gateway: every SQL statement the app runs lives in queries/*.sql.

`run(name, **params)` loads `queries/<name>.sql`, binds `params` as DuckDB named
parameters (`$name` in the SQL) and returns a Polars frame. Values are never formatted
into SQL text. A query file declares its parameters in its header comment
(`-- params: a, b`); calling it with an undeclared or a missing parameter is refused
before anything runs, with the file and the names in the message (the aiosql habit).

The write half (datasette's `execute_write` beside `execute`): `write(con, name, **params)` runs a
DDL/DML file on `con` itself, inside whatever transaction the caller holds, and `insert(con, table,
frame)` appends a Polars frame to a table by column name. No other module runs SQL text.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

QUERY_DIR = Path(__file__).resolve().parent
_PARAM_LINE = re.compile(r"^--[ \t]*params:[ \t]*(.*)$", re.MULTILINE)
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class QueryError(RuntimeError):
    """A query failed; carries the query name and parameters."""

    def __init__(self, name: str, params: dict[str, Any], cause: BaseException | str):
        self.name, self.params, self.cause = name, params, cause
        super().__init__(f"query {name!r} with {params!r}: {cause}")


@functools.lru_cache(maxsize=None)
def load(name: str) -> tuple[str, frozenset[str]]:
    """Return the SQL text of `name` and its declared parameters (checked against use)."""
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(name, {}, f"no file {path.name} in queries/")
    sql = path.read_text(encoding="utf-8")
    declared_m = _PARAM_LINE.search(sql)
    declared = frozenset(p.strip() for p in declared_m.group(1).split(",") if p.strip()) if declared_m else frozenset()
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    used = frozenset(_PARAM_USE.findall(body))
    if declared != used:
        raise QueryError(name, {}, f"{path.name}: declared params {sorted(declared)} but uses {sorted(used)}")
    return sql, declared


def names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if p.stem != "schema")


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run queries/<name>.sql on `con` with bound `params`; return a Polars frame."""
    sql = _checked(name, params)
    try:
        cur = con.cursor()
        try:
            return cur.sql(sql, params=params).pl()
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise QueryError(name, params, exc) from exc


def _checked(name: str, params: dict[str, Any]) -> str:
    sql, declared = load(name)
    given = frozenset(params)
    if given != declared:
        missing, extra = sorted(declared - given), sorted(given - declared)
        raise QueryError(name, params, f"missing params {missing}, unexpected params {extra}")
    return sql


def write(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the statement in queries/<name>.sql on `con` itself (not a cursor: a cursor is a separate
    connection with its own transaction, and a batch's writes must sit in the caller's one
    transaction). Returns what the statement returns (empty frame for DDL)."""
    sql = _checked(name, params)
    try:
        rel = con.sql(sql, params=params or None)
        return rel.pl() if rel is not None else pl.DataFrame()
    except duckdb.Error as exc:
        raise QueryError(name, params, exc) from exc


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append `frame` to `table`, matching columns by name: columns the frame lacks are NULL (they
    must be nullable), columns the table lacks are left out (a replaced-rows file carries both
    tables' columns). Returns the number of rows."""
    cols = con.table(table).columns
    frame = frame.with_columns([pl.lit(None).alias(c) for c in cols if c not in frame.columns]).select(cols)
    if frame.height:
        con.from_arrow(frame.to_arrow()).insert_into(table)
    return frame.height


def run_dbapi(con: Any, name: str, **params: Any) -> pl.DataFrame:
    """Run queries/<name>.sql on a DB-API connection that is not the warehouse (the units package's
    SQLite file), with the same parameter checks; returns a Polars frame."""
    sql = _checked(name, params)
    return pl.read_database(sql, con, execute_options={"parameters": params} if params else None,
                            infer_schema_length=None)


def execute_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run a parameterless DDL script such as schema.sql."""
    sql, declared = load(name)
    if declared:
        raise QueryError(name, {}, "scripts take no parameters")
    con.execute(sql)
