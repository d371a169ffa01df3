"""Integrity checks of a warehouse: each `queries/check_*.sql` returns one row per failure.

A check file's header says what must hold; its rows carry a `problem` text. `run_all`
returns every problem as "<check name>: <problem>" (empty list = all hold).
"""
from __future__ import annotations

import duckdb

import queries

MAX_REPORTED = 20  # per check; the count is reported too


def check_names() -> list[str]:
    return [n for n in queries.names() if n.startswith("check_")]


def run_all(con: duckdb.DuckDBPyConnection) -> list[str]:
    failures: list[str] = []
    for name in check_names():
        rows = queries.run(con, name)
        if rows.height:
            problems = rows["problem"].to_list()
            shown = problems[:MAX_REPORTED]
            failures += [f"{name}: {p}" for p in shown]
            if len(problems) > MAX_REPORTED:
                failures.append(f"{name}: … and {len(problems) - MAX_REPORTED} more")
    return failures
