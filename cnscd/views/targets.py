"""Targets: each province's progress against its target for one indicator at one month, and the
achievements reported in articles (computed from the stored figure and target, never typed in)."""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd.views.common import Query, version_at, with_targets


def progress(query: Query, *, indicator: str, period: str, nation_label: str = "Toàn quốc") -> pl.DataFrame:
    """Provinces (and the nation) of the version in force at `period` with value, target_value,
    pct = value / target × 100, sorted from furthest behind; units without a target are dropped."""
    end = dt.date.fromisoformat(period)
    version = version_at(query, end)
    s = query("province_series", indicator=indicator, mode="reported")
    s = s.filter((pl.col("period_end") == end) & (pl.col("boundary_version") == version))
    s = with_targets(s, query("unit_targets"), indicator)
    s = s.filter(pl.col("target_value").is_not_null() & (pl.col("target_value") > 0))
    return (s.with_columns(pct=100.0 * pl.col("value") / pl.col("target_value"),
                           label=pl.when(pl.col("unit_level") == "nation").then(pl.lit(nation_label))
                           .otherwise(pl.col("short_name")),
                           is_demo=pl.col("is_demo") | pl.col("target_is_demo").fill_null(False))
            .sort("pct"))


def below(progress_frame: pl.DataFrame, threshold: float) -> pl.DataFrame:
    return progress_frame.filter((pl.col("unit_level") == "province") & (pl.col("pct") < threshold))


def achievements(query: Query) -> pl.DataFrame:
    """Article figures matched with an article target: achieved_pct = value / target × 100."""
    a = query("article_achievements")
    cat = query("indicator_catalogue").select("indicator_code", "name_vi", "name_en", "unit_of_measure",
                                              "unit_of_measure_en")
    return a.join(cat, on="indicator_code", how="left").sort("unit_code", "indicator_code")
