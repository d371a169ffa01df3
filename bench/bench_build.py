"""Build time and a query-path baseline: DuckDB query vs the same aggregation in pandas."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import duckdb

import queries
from data.build import build


def _median(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / "w.duckdb"
        t0 = time.perf_counter()
        result = build(target, log=lambda *_: None)
        seconds = time.perf_counter() - t0
        con = duckdb.connect(str(target), read_only=True)
        q = lambda: queries.run(con, "export_observations", unit_codes=["87"], indicator_codes=[],  # noqa: E731
                                period_from=None, period_to=None)
        duck = _median(q)
        # naive baseline: load the whole table into pandas and filter there
        naive = _median(lambda: (lambda df: df[df.unit_code == "87"])(con.table("core_observation").df()), n=3)
        con.close()
    return [
        {"name": "python -m data build (s)", "value": seconds, "unit": "s", "target": "< 60 s",
         "baseline": None},
        {"name": "export one province's observations (DuckDB)", "value": duck * 1000, "unit": "ms", "target": "—",
         "baseline": naive * 1000, "baseline_label": "whole table → pandas → filter"},
        {"name": "rows in core_observation", "value": result.row_counts["core_observation"], "unit": "rows",
         "baseline": None},
    ]
