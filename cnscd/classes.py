"""Class breaks for a choropleth: quantiles, natural breaks (Fisher-Jenks), equal interval.

Breaks come from mapclassify, except Fisher-Jenks, whose pure-Python loop in mapclassify takes
~10 s for the 3,321 communes without numba; `fisher_jenks` is the same optimum, vectorised.
A class index of 0 means "no figure" (drawn grey, "chưa báo cáo").
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")


class ClassesError(ValueError):
    """Bad classification input, with a message in Vietnamese and English."""


@dataclass(frozen=True)
class Classes:
    """Class breaks: class i (1-based) holds values in (edges[i-1], edges[i]] (first closed)."""

    scheme: str
    edges: tuple[float, ...]     # k + 1 numbers: min, upper bound of class 1, ..., max

    @property
    def k(self) -> int:
        return max(len(self.edges) - 1, 0)


def classify(y: np.ndarray, scheme: str, k: int = 5) -> Classes:
    """Breaks by mapclassify: quantiles, natural breaks (Fisher-Jenks) or equal interval."""
    import mapclassify

    if scheme not in SCHEMES:
        raise ClassesError(f"Cách phân lớp không hợp lệ: {scheme!r} (chọn {', '.join(SCHEMES)}) / "
                           f"Unknown classification {scheme!r} (choose {', '.join(SCHEMES)})")
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return Classes(scheme, ())
    k = max(1, min(int(k), int(np.unique(y).size)))
    if k == 1:
        return Classes(scheme, (float(y.min()), float(y.max())))
    if scheme == "natural_breaks":
        bins = np.unique(fisher_jenks(y, k))
    else:
        cls = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}[scheme]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mapclassify warns when ties make fewer classes
            bins = np.unique(cls(y, k=k).bins)
    return Classes(scheme, (float(y.min()), *map(float, bins)))


def fisher_jenks(y: np.ndarray, k: int, max_points: int = 800) -> np.ndarray:
    """Upper bounds of k Fisher-Jenks classes (least within-class squared deviation).

    Same optimum as mapclassify.FisherJenks, but its pure-Python loop takes ~10 s for 3,321
    communes without numba; this is the same dynamic programme vectorised with numpy. Above
    `max_points` values it runs on that many evenly spaced quantiles (deterministic), which
    moves a break by at most one quantile step; the top bound is always the true maximum.
    """
    x = np.sort(np.asarray(y, dtype=float))
    if x.size > max_points:
        x = np.quantile(x, np.linspace(0, 1, max_points))
    n = x.size
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(n)[:, None]           # class start
    j = np.arange(n)[None, :]           # class end (inclusive)
    cnt = (j - i + 1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (s2[j + 1] - s2[i]) - (s1[j + 1] - s1[i]) ** 2 / cnt
    ssd = np.where(j >= i, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()                # one class covering x[0..j]
    starts = []
    for _ in range(1, k):
        # cost of c classes ending at j = min over start i of cost(c-1 classes ending at i-1) + ssd(i, j)
        prev = np.concatenate([[np.inf], cost[:-1]])[:, None]
        total = prev + ssd
        arg = np.argmin(total, axis=0)
        cost = total[arg, np.arange(n)]
        starts.append(arg)
    uppers, end = [x[-1]], n - 1
    for arg in reversed(starts):
        start = int(arg[end])
        uppers.append(x[start - 1])
        end = start - 1
    return np.array(sorted(uppers))


def add_class(frame: pl.DataFrame, classes: Classes) -> pl.DataFrame:
    """`class_idx`: 0 = no figure ("chưa báo cáo"), 1..k = the classes."""
    if classes.k == 0:
        return frame.with_columns(class_idx=pl.lit(0, dtype=pl.Int32))
    y = frame["measure_value"].to_numpy().astype(float)
    upper = np.asarray(classes.edges[1:])
    idx = np.searchsorted(upper, y, side="left") + 1
    idx = np.clip(idx, 1, classes.k)
    idx = np.where(np.isfinite(y), idx, 0)
    return frame.with_columns(class_idx=pl.Series(idx, dtype=pl.Int32))
