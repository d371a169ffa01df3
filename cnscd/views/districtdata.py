"""Frames of the district comparison page: the units below one province (legacy districts before
1 July 2025, communes of the 34 provinces after), one indicator or two, and their monthly trend.

Like mapdata, every function takes a `query(name, **params)` callable, so it runs cached in the app
(`cnscd.ui.cache.view`) and plain in tests. Units are keyed by `unit_code`; the label shown is
`display_name` (core_unit, data/unit_labels.py), which tells "TP. Cao Lãnh" from "H. Cao Lãnh".
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd.views import mapdata
from cnscd.months import back as months_back

Query = mapdata.Query


def ranking(query: Query, *, indicator: str, period_end: dt.date, version: str, province: str,
            higher_is_better: bool = True) -> pl.DataFrame:
    """One row per child unit: value, rank, target, % of target (units without a report kept).
    This frame is also the chart's export: its name columns are the disambiguated ones."""
    frame, _ = mapdata.map_frame(query, indicator=indicator, period_end=period_end, version=version,
                                 level=mapdata.CHILD_LEVEL[version], province=province,
                                 higher_is_better=higher_is_better)
    # a unit where nobody lives (Hoàng Sa) is never expected to report: no bar, not "not reported"
    return frame.filter(pl.col("is_reporting").fill_null(True)).select(
        "unit_code", "display_name", "unit_name", "value", "rank", "n_ranked", "target_value", "pct_target",
        pl.col("^source_title(_en)?$"), "is_demo", "has_report")


def province_reference(query: Query, *, indicator: str, period_end: dt.date, version: str, province: str,
                       aggregation: str, child_values: list[float | None]) -> float | None:
    """The line the bars are read against: for a rate, the province's own pooled rate (a mean of
    rates would weigh a tiny commune like a city); for a count, the mean per reporting unit."""
    if aggregation == "ratio":
        prov = mapdata.values(query, version=version, level="province", province=province,
                              indicator=indicator, period_end=period_end)
        v = prov["value"].drop_nulls()
        return float(v[0]) if len(v) else None
    vals = [v for v in child_values if v is not None]
    return sum(vals) / len(vals) if vals else None


def series(query: Query, *, indicator: str, period_end: dt.date, version: str, province: str,
           months: int = 12) -> pl.DataFrame:
    """Monthly values of every child unit over the `months` up to `period_end` (same version): what
    queries/district_series.sql returns, read from the frames kept per snapshot (mapdata.month_values)."""
    level = mapdata.CHILD_LEVEL[version]
    every = query("map_units", version=version, level=level)
    units = every.filter(pl.col("province_code") == province)
    start = months_back(period_end, months - 1)
    obs = mapdata.of_province(query("map_observations", version=version, level=level, indicator=indicator),
                              every, province).filter(pl.col("period_end").is_between(start, period_end))
    return (obs.join(units.select("unit_code", "display_name"), on="unit_code", how="inner")
            .select("unit_code", "display_name", "period_end", "value", "is_demo")
            .sort("unit_code", "period_end", maintain_order=True))


def table(rank_frame: pl.DataFrame, trend: pl.DataFrame) -> pl.DataFrame:
    """The sortable table: ranking columns plus `trend`, the list of monthly values (sparkline)."""
    lists = trend.sort("period_end").group_by("unit_code", maintain_order=True).agg(trend=pl.col("value"))
    out = rank_frame.join(lists, on="unit_code", how="left")
    return out.sort(["rank", "unit_code"], nulls_last=True).select(
        "unit_code", "display_name", "value", "rank", "target_value", "pct_target", "trend")


def pair(query: Query, *, x: str, y: str, period_end: dt.date, version: str, province: str) -> pl.DataFrame:
    """Two indicators side by side for the scatter: unit_code, display_name, x, y (both reported).
    The units and values of `ranking` (which also ranks and classes them: not needed here)."""
    def reported(indicator: str) -> pl.DataFrame:
        return mapdata.values(query, version=version, level=mapdata.CHILD_LEVEL[version], province=province,
                              indicator=indicator, period_end=period_end).filter(pl.col("is_reporting").fill_null(True))
    a, b = reported(x), reported(y)
    return (a.select("unit_code", "display_name", "is_demo", x="value")
            .join(b.select("unit_code", y="value"), on="unit_code", how="inner")
            .filter(pl.col("x").is_not_null() & pl.col("y").is_not_null()))


def series_of(trend: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """The monthly rows of the units `codes` (the small multiples' own data, for its export)."""
    return trend.filter(pl.col("unit_code").is_in(codes))


def top_units(rank_frame: pl.DataFrame, n: int) -> list[str]:
    """The n best-ranked units, for small multiples (a province can have 100+ communes)."""
    return rank_frame.filter(pl.col("rank").is_not_null()).sort(["rank", "unit_code"]).head(n)["unit_code"].to_list()


def column_labels(frame: pl.DataFrame, lang: str, **extra: str) -> dict[str, str]:
    """Headers of a district chart's table and CSV/XLSX export, for the columns `frame` has
    (`extra`: column -> header, e.g. the scatter's x and y)."""
    from cnscd.text import t

    words = {"unit_code": t("col_unit_code", lang), "display_name": t("unit_col", lang),
             "unit_name": t("official_name_col", lang), "value": t("value", lang), "rank": t("rank", lang),
             "target_value": t("target", lang), "pct_target": t("measure_pct_target", lang),
             "source_title": t("source", lang), "is_demo": t("col_is_demo", lang), "period_end": t("period", lang),
             "trend": t("sparkline", lang)}
    return {c: h for c, h in (words | extra).items() if c in frame.columns}
