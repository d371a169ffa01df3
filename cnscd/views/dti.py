"""The provincial DTI on the map and the targets page: which year a month shows, the map values of that
year, and a province's own rank goals against its published ranks.

The DTI is a yearly index (aggregation 'none'): a month shows the index of its own year, or else of the
latest year published under the month's boundary version up to it, never a value interpolated between
years, carried across the reform or summed from other units. A unit without a published value is
"chưa công bố / not published". Pure Polars over `query(name, **params)`, as cnscd.views.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import polars as pl

from cnscd import fmt
from cnscd.text import pick, t

Query = Callable[..., pl.DataFrame]
PREFIX = "dti_"


def is_annual(indicator: str) -> bool:
    """The DTI indicators (data/dti.py loads them as yearly observations)."""
    return indicator.startswith(PREFIX)


def map_indicator_codes(catalogue: pl.DataFrame) -> list[str]:
    """Core indicators, then the provincial DTI indicators, in catalogue order (the national DTI is not
    a provincial figure and has no map)."""
    keep = catalogue.filter(pl.col("is_core") | (pl.col("indicator_code").str.starts_with(PREFIX)
                                                 & (pl.col("lowest_level") == "province")))
    return keep.sort("sort_order")["indicator_code"].to_list()


def year_for(query: Query, *, indicator: str, version: str, period_end: dt.date) -> dict[str, Any] | None:
    """The DTI year a month shows under `version`: its own year if published, else the latest published
    year before it. None when nothing was published up to that year."""
    years = query("dti_years", indicator=indicator).filter(
        (pl.col("boundary_version") == version) & (pl.col("unit_level") == "province")
        & (pl.col("year") <= period_end.year)).sort("year")
    if years.height == 0:
        return None
    row = years.row(-1, named=True)
    return row | {"is_this_year": row["year"] == period_end.year}


def map_values(query: Query, *, version: str, level: str, province: str | None, indicator: str,
               period_end: dt.date) -> pl.DataFrame:
    """map_values' columns for the DTI year `period_end` shows (all values NULL when none)."""
    y = year_for(query, indicator=indicator, version=version, period_end=period_end)
    return query("dti_values", version=version, level=level, province=province, indicator=indicator,
                 year=y["year"] if y else -1)


def rank_indicator(indicator: str) -> str | None:
    """The published rank that goes with a published DTI score (dti_score -> dti_rank, dti_gov_score ->
    dti_gov_rank); None for any other indicator (the components dti_idx_* have no published rank)."""
    if is_annual(indicator) and indicator.endswith("_score") and indicator != "dti_national_score":
        return indicator.removesuffix("_score") + "_rank"
    return None


def score_ranks(query: Query, *, version: str, level: str, province: str | None, indicator: str,
                period_end: dt.date) -> pl.DataFrame | None:
    """unit_code, published_rank: the published rank of the same year as the score the month shows (a
    score map's year, never the rank's own latest year), or None for an indicator without one."""
    code = rank_indicator(indicator)
    if code is None:
        return None
    y = year_for(query, indicator=indicator, version=version, period_end=period_end)
    ranks = query("dti_values", version=version, level=level, province=province, indicator=code,
                  year=y["year"] if y else -1)
    return ranks.select("unit_code", published_rank="value")


def published_ranks(frame: pl.DataFrame, indicator: str, score_ranks: pl.DataFrame | None = None) -> pl.DataFrame:
    """For a DTI rank map the rank is the published one, out of every unit of the ranking (5 published
    of 34 in 2024 reads "1/34", not "1/5"); ties stay as published (two provinces at 15 in 2022). A score
    map takes the published rank of the same year (`score_ranks`) when every scored unit has one: Trà Vinh's
    DTI 2022 score 0,6077 is rank 25/63, not "6/6" among the six scores published (before); else the
    scores' own ranking."""
    if is_annual(indicator) and indicator.endswith("_rank"):
        return frame.with_columns(rank=pl.col("value").cast(pl.Int32), n_ranked=pl.lit(frame.height, pl.Int32))
    if score_ranks is None or not is_annual(indicator):
        return frame
    hit = frame.join(score_ranks, on="unit_code", how="left")
    scored = hit.filter(pl.col("value").is_not_null())
    if scored.height == 0 or scored["published_rank"].null_count():
        return frame
    return hit.with_columns(rank=pl.when(pl.col("value").is_not_null()).then(pl.col("published_rank").cast(pl.Int32)),
                            n_ranked=pl.lit(frame.height, pl.Int32)).drop("published_rank")


def caption(query: Query, *, indicator: str, version: str, period_end: dt.date, lang: str) -> str:
    """'DTI 2022 (năm của tháng đang xem) · 63 / 63 tỉnh có số liệu công bố; ...'."""
    month = fmt.month(period_end, lang)
    y = year_for(query, indicator=indicator, version=version, period_end=period_end)
    if y is None:
        return t("dti_none", lang, month=month)
    which = t("dti_this_year", lang) if y["is_this_year"] else t("dti_latest_year", lang, month=month)
    published = f"; {t('dti_published', lang, date=fmt.date(y['published_date'], lang))}" if y["published_date"] else ""
    others = t("dti_others", lang) if y["n_published"] < y["n_units"] else ""
    return t("dti_caption", lang, year=y["year"], which=which, published=published, n=y["n_published"],
              total=y["n_units"], others=others)


def rank_goals(query: Query, *, unit_code: str, boundary_version: str, lang: str = "vi") -> pl.DataFrame:
    """A province's own DTI rank goals (targets of `dti_rank`) against its published ranks, one row per
    year from the first published DTI to the last goal: year, unit (the province, or its successor
    where the year was ranked in the 34 provinces), rank (NULL = not published), goal (the goal in force
    that year: the earliest-ending one not yet past), met (rank <= goal: lower is better, so a rank is
    never divided by its goal), status text."""
    goals = (query("unit_targets").filter((pl.col("indicator_code") == "dti_rank")
                                          & (pl.col("unit_code") == unit_code)
                                          & (pl.col("boundary_version") == boundary_version))
             .with_columns(goal_year=pl.col("period_end").dt.year()).sort("goal_year"))
    ranks = query("unit_dti_series", unit_code=unit_code, boundary_version=boundary_version, indicator="dti_rank")
    # only the province itself, or (for a year ranked under the other version) its successor
    ranks = ranks.filter((pl.col("unit_code") == unit_code) & (pl.col("boundary_version") == boundary_version)
                         | (pl.col("boundary_version") != boundary_version))
    published = query("dti_years", indicator="dti_rank").filter(pl.col("unit_level") == "province")
    if goals.height == 0:
        return pl.DataFrame()
    # the years something was published, and the goal years (not every year in between)
    years = sorted(set(published["year"].to_list()) | set(goals["goal_year"].to_list()))
    name_of = {(r["unit_code"], r["boundary_version"]): r["short_name"] for r in ranks.iter_rows(named=True)}
    rows = []
    for y in years:
        hit = ranks.filter(pl.col("year") == y)
        in_force = goals.filter(pl.col("goal_year") >= y)
        goal = in_force.row(0, named=True) if in_force.height else None
        if goal is None:
            continue
        r = hit.row(0, named=True) if hit.height else None
        rank = r["value"] if r else None
        met = None if rank is None else rank <= goal["target_value"]
        status = (t("dti_not_published", lang) if rank is None else
                  t("dti_met", lang, goal=int(goal["target_value"])) if met else
                  t("dti_not_met", lang, rank=int(rank), goal=int(goal["target_value"])))
        pub = published.filter(pl.col("year") == y)
        other = pub.height > 0 and pub["boundary_version"][0] != boundary_version
        unit = name_of.get((r["unit_code"], r["boundary_version"])) if r else None
        n = int(pub["n_units"][0]) if pub.height else None
        rank_text = (f"{int(rank)}/{n}" if rank is not None else f"{t('dti_not_published', lang)}"
                     + (f" (–/{n})" if n else ""))
        rows.append({"year": y, "unit": unit, "in_other_version": other, "rank": rank, "n_ranked": n,
                     "rank_text": rank_text,
                     "goal_rank": goal["target_value"], "goal_year": goal["goal_year"], "met": met, "status": status,
                     "source_title": pick(r, "source_title", lang) if r else None, "source_url": r["source_url"] if r else None,
                     "goal_quote_vi": goal["quote_vi"]})
    schema = {"year": pl.Int64, "unit": pl.String, "in_other_version": pl.Boolean, "rank": pl.Float64,
              "n_ranked": pl.Int64, "rank_text": pl.String, "goal_rank": pl.Float64,
              "goal_year": pl.Int32, "met": pl.Boolean, "status": pl.String, "source_title": pl.String,
              "source_url": pl.String, "goal_quote_vi": pl.String}
    return pl.DataFrame(rows, schema=schema)
