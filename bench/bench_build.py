"""Build time and a query-path baseline: DuckDB query vs the same aggregation in pandas. The build's and
the demo generator's times (formerly wall-clock asserts in tests/test_build.py and tests/test_demo.py)
come with baselines from the same run: the build against its own demo generation, the generation
against a random Polars frame of the warehouse's observation count."""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import re

import duckdb
import numpy as np
import polars as pl

import queries
from data import demo
from data.build import build


def _median(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _random_frame_seconds(n: int) -> float:
    """The floor under the generator: a frame of n rows with its columns filled at random."""
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    pl.DataFrame({c: rng.random(n) for c in demo.OBS_COLUMNS})
    return time.perf_counter() - t0


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / "w.duckdb"
        said: list[str] = []
        t0 = time.perf_counter()
        result = build(target, log=said.append)
        seconds = time.perf_counter() - t0
        generation = float(next(m.group(1) for line in said
                                if (m := re.search(r"demo series generated in ([\d.]+) s", line))))
        n_obs = result.row_counts["core_observation"]   # demo rows and the few real ones
        floor = _random_frame_seconds(n_obs)
        con = duckdb.connect(str(target), read_only=True)
        q = lambda: queries.run(con, "export_observations", unit_codes=["87"], indicator_codes=[],  # noqa: E731
                                period_from=None, period_to=None)
        duck = _median(q)
        # naive baseline: load the whole table into pandas and filter there
        naive = _median(lambda: (lambda df: df[df.unit_code == "87"])(con.table("core_observation").df()), n=3)
        con.close()
    return [
        {"name": "python -m data build (s)", "value": seconds, "unit": "s", "target": "< 60 s",
         "baseline": generation, "baseline_label": "its demo generation alone"},
        {"name": "demo.generate (s)", "value": generation, "unit": "s", "target": "< 30 s",
         "baseline": floor, "baseline_label": f"random Polars frame, {n_obs:,} rows × {len(demo.OBS_COLUMNS)} columns"},
        {"name": "export one province's observations (DuckDB)", "value": duck * 1000, "unit": "ms", "target": "—",
         "baseline": naive * 1000, "baseline_label": "whole table → pandas → filter"},
        {"name": "rows in core_observation", "value": result.row_counts["core_observation"], "unit": "rows",
         "baseline": None},
    ]
