"""Frame helpers the page views share: boundary version by date, targets covering a period,
population by nearest year. Pure Polars; `query(name, **params)` is passed in (cached in the app,
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


def with_targets(frame: pl.DataFrame, targets: pl.DataFrame, indicator: str) -> pl.DataFrame:
    """Add target_value: the target of the same unit/version/indicator whose period covers period_end
    (the earliest-ending such target: the one the unit is working towards)."""
    tg = (targets.filter(pl.col("indicator_code") == indicator)
          .select("unit_code", "boundary_version", pl.col("period_start").alias("t_start"),
                  pl.col("period_end").alias("t_end"), "target_value", pl.col("is_demo").alias("target_is_demo")))
    if tg.height == 0:
        return frame.with_columns(target_value=pl.lit(None, pl.Float64), target_end=pl.lit(None, pl.Date),
                                  target_is_demo=pl.lit(None, pl.Boolean))
    keys = frame.select("unit_code", "boundary_version", "period_end").unique()
    matched = (keys.join(tg, on=["unit_code", "boundary_version"])
               .filter((pl.col("t_start") <= pl.col("period_end")) & (pl.col("period_end") <= pl.col("t_end")))
               .sort("t_end").group_by("unit_code", "boundary_version", "period_end", maintain_order=True)
               .first().select("unit_code", "boundary_version", "period_end", "target_value",
                               pl.col("t_end").alias("target_end"), "target_is_demo"))
    return frame.join(matched, on=["unit_code", "boundary_version", "period_end"], how="left")


def with_population(frame: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """Add population: the unit's figure for the latest year <= the period's year (else its earliest)."""
    pop = population.select("unit_code", "boundary_version", "year", "population", "is_estimate").sort("year")
    f = frame.with_columns(year=pl.col("period_end").dt.year().cast(pl.Int64)).sort("year")
    pop = pop.with_columns(pl.col("year").cast(pl.Int64))
    back = f.join_asof(pop, on="year", by=["unit_code", "boundary_version"], strategy="backward", check_sortedness=False)
    fwd = f.join_asof(pop.rename({"population": "pop_f", "is_estimate": "est_f"}), on="year",
                      by=["unit_code", "boundary_version"], strategy="forward", check_sortedness=False).select("pop_f", "est_f")
    out = pl.concat([back, fwd], how="horizontal")
    return out.with_columns(population=pl.coalesce("population", "pop_f"),
                            population_is_estimate=pl.coalesce("is_estimate", "est_f")).drop(
        "pop_f", "est_f", "is_estimate", "year")


def rank_within(frame: pl.DataFrame, column: str, higher_is_better: bool) -> pl.DataFrame:
    """Rank provinces (not the nation) within each version and period; 1 = best."""
    prov = frame.filter(pl.col("unit_level") == "province")
    ranked = prov.with_columns(
        rank=pl.col(column).rank("min", descending=higher_is_better).over("boundary_version", "period_end"),
        n_units=pl.col(column).count().over("boundary_version", "period_end"),
    ).select("unit_code", "boundary_version", "period_end", "rank", "n_units")
    return frame.join(ranked, on=["unit_code", "boundary_version", "period_end"], how="left")
