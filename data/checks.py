"""Integrity checks of a warehouse: each `queries/check_*.sql` returns one row per failure.

A check file's header says what must hold. Its rows are the problems (`problem` text) plus one
summary row with `problem` NULL whose `n_compared` says how many things it compared: a check that
compared nothing proves nothing (a join that matched no row passes vacuously), so that is a failure
too. `run_all` returns every problem as "<check name>: <problem>" (empty list = all hold).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

import queries

MAX_REPORTED = 20  # per check; the count is reported too


@dataclass(frozen=True)
class CheckResult:
    name: str
    problems: list[str]
    n_compared: int | None  # None: the check did not say (an old-style check file)

    @property
    def failures(self) -> list[str]:
        out = list(self.problems)
        if self.n_compared == 0:
            out.append("compared nothing (0 rows matched what this check compares), so it proves nothing")
        return out


def check_names() -> list[str]:
    return [n for n in queries.names() if n.startswith("check_")]


def run(con: duckdb.DuckDBPyConnection, name: str) -> CheckResult:
    rows = queries.run(con, name)
    if "n_compared" not in rows.columns:
        return CheckResult(name, rows["problem"].drop_nulls().to_list(), None)
    counted = rows.filter(pl.col("problem").is_null())["n_compared"].drop_nulls()
    n = int(counted.sum()) if counted.len() else 0
    return CheckResult(name, rows["problem"].drop_nulls().to_list(), n)


def run_all(con: duckdb.DuckDBPyConnection) -> list[str]:
    failures: list[str] = []
    for name in check_names():
        problems = run(con, name).failures
        failures += [f"{name}: {p}" for p in problems[:MAX_REPORTED]]
        if len(problems) > MAX_REPORTED:
            failures.append(f"{name}: … and {len(problems) - MAX_REPORTED} more")
    return failures
