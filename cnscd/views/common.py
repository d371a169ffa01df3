"""Frame helpers the page views share: boundary version by date, and the joins that attach the target
in force and the population of a period (the rules themselves are the out_* views in queries/schema.sql). Pure Polars; `query(name, **params)` is passed in (cached in the app,
direct in tests), so nothing here needs Streamlit."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import polars as pl

Query = Callable[..., pl.DataFrame]


def version_at(query: Query, day: dt.date) -> str:
    """The boundary version in force on `day`: legacy to 30/6/2025, 2025 from 1/7/2025 (the validity
    dates of core_boundary_version); ValueError for a day no version covers."""
    for row in query("boundary_versions").to_dicts():
        lo, hi = row["valid_from_date"], row["valid_to_date"]
        if (lo is None or lo <= day) and (hi is None or day <= hi):
            return row["boundary_version"]
    raise ValueError(f"Không có địa giới nào hiệu lực ngày {day} / no boundary version in force on {day}")


def today_version(query: Query) -> str:
    bv = query("boundary_versions").filter(pl.col("valid_to_date").is_null())
    return bv["boundary_version"][0]


def break_date(query: Query) -> dt.date | None:
    """First day of today's boundary version (1 July 2025), where reported series break."""
    bv = query("boundary_versions").filter(pl.col("valid_to_date").is_null())
    return bv["valid_from_date"][0] if bv.height else None


def with_targets(frame: pl.DataFrame, in_force: pl.DataFrame, indicator: str) -> pl.DataFrame:
    """Add target_value, target_end, target_is_demo: the target in force at each row's period_end, as
    `targets_in_force` (out_target_in_force) picked it. The rule lives in that view only; this is a join."""
    tg = (in_force.filter(pl.col("indicator_code") == indicator)
          .select("unit_code", "boundary_version", "period_end", "target_value",
                  pl.col("target_period_end").alias("target_end"), pl.col("is_demo").alias("target_is_demo")))
    return frame.join(tg, on=["unit_code", "boundary_version", "period_end"], how="left")


def pooled_pct_of_target(frame: pl.DataFrame) -> pl.DataFrame:
    """The nation's % of target, per month: 100 × Σ value / Σ target over the provinces that have a
    target (> 0) in force that month, each province's target as `with_targets` attached it (so the
    nation reads as the provinces do, and covers every month any province has a target). Counts only
    (a rate's target cannot be summed: the nation keeps its own). period_end, pct, value, target_value,
    n_with_target, n_provinces."""
    prov = frame.filter(pl.col("unit_level") == "province")
    has = pl.col("target_value") > 0
    return (prov.group_by("period_end")
            .agg(value=pl.col("value").filter(has).sum(), target_value=pl.col("target_value").filter(has).sum(),
                 n_with_target=has.sum(), n_provinces=pl.len())
            .filter(pl.col("n_with_target") > 0)
            .with_columns(pct=100.0 * pl.col("value") / pl.col("target_value"))
            .sort("period_end"))


def with_population(frame: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """Add population and population_is_estimate: the figure `unit_population` (out_population) says is
    used for the period's year (the nearest year, the later one on a tie). The rule lives in that view."""
    pop = population.select("unit_code", "boundary_version", "from_year", "to_year", "population",
                            pl.col("is_estimate").alias("population_is_estimate"))
    keys = frame.select("unit_code", "boundary_version", "period_end").unique().with_columns(
        _year=pl.col("period_end").dt.year().cast(pl.Int64))
    hit = (keys.join(pop, on=["unit_code", "boundary_version"])
           .filter((pl.col("from_year") <= pl.col("_year")) & (pl.col("_year") <= pl.col("to_year")))
           .select("unit_code", "boundary_version", "period_end", "population", "population_is_estimate"))
    return frame.join(hit, on=["unit_code", "boundary_version", "period_end"], how="left")


def rank_within(frame: pl.DataFrame, column: str, higher_is_better: bool) -> pl.DataFrame:
    """Rank provinces (not the nation) within each version and period; 1 = best."""
    prov = frame.filter(pl.col("unit_level") == "province")
    ranked = prov.with_columns(
        rank=pl.col(column).rank("min", descending=higher_is_better).over("boundary_version", "period_end"),
        n_units=pl.col(column).count().over("boundary_version", "period_end"),
    ).select("unit_code", "boundary_version", "period_end", "rank", "n_units")
    return frame.join(ranked, on=["unit_code", "boundary_version", "period_end"], how="left")
