"""Class breaks for a choropleth: quantiles, natural breaks (Fisher-Jenks), equal interval.

Breaks come from mapclassify, except Fisher-Jenks, whose pure-Python loop in mapclassify takes
~10 s for the 3,321 communes without numba; `fisher_jenks` is jenkspy's exact optimum, in C.
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
    # every value classified was a whole number (a count): the edges are whole too, so a class reads
    # "25 – 44" and holds exactly the whole numbers it names
    whole: bool = False

    @property
    def k(self) -> int:
        return max(len(self.edges) - 1, 0)


def classify(y: np.ndarray, scheme: str, k: int = 5) -> Classes:
    """Breaks: quantiles or equal interval by mapclassify, natural breaks (Fisher-Jenks) by jenkspy."""
    import mapclassify

    if scheme not in SCHEMES:
        raise ClassesError(f"Cách phân lớp không hợp lệ: {scheme!r} (chọn {', '.join(SCHEMES)}) / "
                           f"Unknown classification {scheme!r} (choose {', '.join(SCHEMES)})")
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if y.size == 0:
        return Classes(scheme, ())
    whole = bool(np.all(y == np.round(y)))
    k = max(1, min(int(k), int(np.unique(y).size)))
    if k == 1:
        return Classes(scheme, (float(y.min()), float(y.max())), whole)
    if scheme == "natural_breaks":
        bins = np.unique(fisher_jenks(y, k))
    else:
        cls = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}[scheme]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mapclassify warns when ties make fewer classes
            bins = np.unique(cls(y, k=k).bins)
    if whole:
        # a quantile or interval bound between two whole values (44.8): the whole numbers at or below it
        # are the class, so the bound is its floor; the top bound is the maximum itself
        bins = np.unique(np.floor(bins))
        bins = bins[bins >= y.min()]
    return Classes(scheme, (float(y.min()), *map(float, bins)), whole)


def fisher_jenks(y: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of k Fisher-Jenks classes (least within-class squared deviation), exact: jenkspy's
    dynamic programme in C over every value (3,321 communes in well under 0.1 s). The top bound is
    the maximum; every bound is a data value."""
    import jenkspy

    return np.asarray(jenkspy.jenks_breaks(np.asarray(y, dtype=float), n_classes=int(k))[1:], dtype=float)


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
