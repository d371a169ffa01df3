"""Yearly demo targets: set at the lowest level from the value reached, summed upwards.

Most units' targets sit near what they reached (±8 %); about one province in five, and one
lowest-level unit in eight besides, were set 5–35 % above it — those are the units behind
target that leadership looks for. Counts add up across levels; the dossier rate target is a
programme percentage, the same for every unit of a period.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from cnscd.months import index as month_index
from data.demo_tree import Tree

COUNT_TARGETS = ("teams_total", "members", "vneid_activations", "ewallet_installs", "shops_epayment",
                 "people_guided_dvc")
# (period_start, period_end, online-dossier share target %)
PERIODS = {
    "legacy": [(dt.date(2022, 1, 1), dt.date(2022, 12, 31), 50.0), (dt.date(2023, 1, 1), dt.date(2023, 12, 31), 60.0),
               (dt.date(2024, 1, 1), dt.date(2024, 12, 31), 70.0), (dt.date(2025, 1, 1), dt.date(2025, 6, 30), 75.0)],
    "2025": [(dt.date(2025, 7, 1), dt.date(2025, 12, 31), 80.0), (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 90.0)],
}


def _at(values: np.ndarray, t: int) -> np.ndarray:
    """Level at month t; past the series, the last three months' pace carried on."""
    last = values.shape[1] - 1
    if t <= last:
        return values[:, t].astype(float)
    pace = np.maximum(values[:, last] - values[:, max(last - 3, 0)], 0) / 3.0
    return values[:, last] + pace * (t - last)


def targets(tree: Tree, low_series: dict[str, np.ndarray], rng: np.random.Generator) -> pl.DataFrame:
    n_p, n_l = len(tree.prov), len(tree.low)
    codes = ["VN", *tree.prov, *tree.low]
    frames = []
    for start, end, pct in PERIODS[tree.version]:
        t_end = month_index(end, tree.start)
        behind_p = rng.random(n_p) < 0.2
        behind_l = rng.random(n_l) < 0.125
        factor = np.exp(rng.normal(-0.01, 0.06, n_l))
        factor *= np.where(behind_p[tree.low_group], rng.uniform(1.05, 1.25, n_l), 1.0)
        factor *= np.where(behind_l, rng.uniform(1.08, 1.25, n_l), 1.0)
        for code in COUNT_TARGETS:
            low = np.rint(_at(low_series[code], t_end) * factor)
            prov = np.bincount(tree.low_group, low, n_p)
            values = np.concatenate([[low.sum()], prov, low])
            keep = values > 0
            frames.append(pl.DataFrame({"unit_code": np.array(codes)[keep], "indicator_code": code,
                                        "period_start": start, "period_end": end, "target_value": values[keep]}))
        frames.append(pl.DataFrame({"unit_code": codes, "indicator_code": "dossiers_online_pct",
                                    "period_start": start, "period_end": end, "target_value": pct}))
    return pl.concat(frames).with_columns(boundary_version=pl.lit(tree.version))
