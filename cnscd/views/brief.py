"""Frames of a province's monthly briefing pack (cnscd/brief.py), each from the builder of the page that
shows the same numbers, so the pack can never disagree with a page:
- the cards: overview.snapshot / overview.cards (the Overview page), plus last year's month through the
  same two, for the change on last year;
- the ranking of its communes (districts before 1/7/2025) against target: mapdata.map_frame with the
  measure "% of target" (the Map page inside the province, measure "% mục tiêu": same values, same ranks);
- the units behind target: that ranking below the Targets page's default threshold;
- the "what changed" sentences: overview.what_changed for the province;
- the DTI rank history: the Targets page's rows of the province (targets.unit_dti_goals), else the
  published ranks.
Pure Polars over `query(name, **params)`, like every view.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd import months
from cnscd.text import CHILDREN_KEYS, column, in_lang, t, word
from cnscd.views import mapdata, overview, targets
from cnscd.views.common import Query, version_at

# the overview's headline cards and shops taking e-payment, in the order the pack shows them
CARDS = ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
         "shops_epayment", "people_guided_dvc", "dossiers_online_pct")
MAIN = "teams_total"          # the month's main indicator: the pages' default (ui.widgets.DEFAULT_INDICATOR)
BEHIND_PCT = 80.0             # the Targets page's default threshold (% of target)


def cards(query: Query, *, unit_code: str, version: str, period: dt.date, lang: str) -> list[dict]:
    """overview.cards of the province at `period`, each with `delta_year` (the change on the same month a
    year before, written as the card writes its change on last month) or None when that month has no
    comparable figure (no data, or the other boundary version: a merged province did not exist)."""
    cat = query("indicator_catalogue")
    snap = overview.snapshot(query, period=period.isoformat(), codes=CARDS)
    now = overview.cards(snap, cat, lang, period, unit=unit_code)
    year_ago = months.back(period, 12)
    comparable = _has_month(query, year_ago) and version_at(query, year_ago) == version
    by_code: dict[str, str | None] = {}
    if comparable:
        then = overview.snapshot(query, period=year_ago.isoformat(), codes=CARDS)
        prev = then.filter(pl.col("unit_code") == unit_code).select("indicator_code", prev="value")
        mine = snap.filter(pl.col("unit_code") == unit_code).drop("prev", "delta", "delta_pct", "pct_target")
        yoy = overview.changes(mine.join(prev, on="indicator_code", how="left"))
        by_code = {c["code"]: c["delta"] for c in overview.cards(yoy, cat, lang, period, unit=unit_code)}
    return [c | {"delta_year": by_code.get(c["code"])} for c in now]


def _has_month(query: Query, day: dt.date) -> bool:
    return query("month_periods").filter(pl.col("period_end") == day).height > 0


def snapshot_sources(query: Query, *, unit_code: str, period: dt.date, lang: str) -> list[str]:
    """Titles (in `lang`) of the sources behind the province's cards at `period`."""
    snap = overview.snapshot(query, period=period.isoformat(), codes=CARDS)
    ids = snap.filter(pl.col("unit_code") == unit_code)["source_id"].drop_nulls().unique().to_list()
    src = query("source_list")
    return sorted(src.filter(pl.col("source_id").is_in(ids))[column("title", lang)].to_list())


def what_changed(query: Query, *, unit_code: str, period: dt.date, lang: str, place: str | None = None) -> list[str]:
    """The Overview's sentences for the province, as its page shows them: its teams, then the largest gains
    and the furthest behind among its own districts (legacy) or communes (2025)."""
    snap = overview.snapshot(query, period=period.isoformat())
    below = overview.children(query, period=period.isoformat(), province=unit_code)
    among = word(CHILDREN_KEYS, version_at(query, period), lang)
    return overview.what_changed(snap, query("indicator_catalogue"), lang, period, unit=unit_code, place=place,
                                 below=below, among=among,
                                 units=overview.table_units(query, period=period.isoformat(), province=unit_code))


def ranking(query: Query, *, unit_code: str, version: str, period: dt.date, indicator: str = MAIN
            ) -> pl.DataFrame:
    """The province's communes (districts) by % of target, best first, as the Map page's "% of target"
    measure ranks them (units without a figure last, no rank); a unit where nobody lives is left out."""
    frame, _ = mapdata.map_frame(query, indicator=indicator, period_end=period, version=version,
                                 level=mapdata.CHILD_LEVEL[version], province=unit_code, measure="pct_target")
    return (frame.filter(pl.col("is_reporting").fill_null(True))
            .select("unit_code", "display_name", "value", "target_value", "pct_target", "rank", "n_ranked",
                    "has_report", pl.col("^source_title(_en)?$"), "is_demo")
            .sort(["rank", "display_name", "unit_code"], nulls_last=True))


def behind(rank_frame: pl.DataFrame, threshold: float = BEHIND_PCT) -> pl.DataFrame:
    """The units under `threshold` % of their target, furthest behind first."""
    return rank_frame.filter(pl.col("pct_target") < threshold).sort(["pct_target", "unit_code"])


def not_reported(rank_frame: pl.DataFrame) -> list[str]:
    return rank_frame.filter(~pl.col("has_report")).sort("display_name")["display_name"].to_list()


def dti_history(query: Query, *, unit_code: str, version: str, lang: str) -> pl.DataFrame:
    """year, unit, rank_text, goal_text, status: the province's DTI rank goals against its published
    ranks (targets.unit_dti_goals: the Targets page's rows of the province) or, for a province without goals, the ranks published for
    it and for its predecessors / successor across the reform (unit_dti_series)."""
    goals = targets.unit_dti_goals(query, unit_code, version, lang)
    if goals.height:
        return goals.select(
            "year", "unit", "rank_text",
            goal_text=pl.concat_str(pl.col("goal_rank").cast(pl.Int64).cast(pl.String), pl.lit(" ("),
                                    pl.col("goal_year").cast(pl.String), pl.lit(")")), status="status")
    ranks = query("unit_dti_series", unit_code=unit_code, boundary_version=version, indicator="dti_rank")
    sizes = (query("dti_years", indicator="dti_rank").filter(pl.col("unit_level") == "province")
             .select("year", "boundary_version", "n_units"))
    out = ranks.join(sizes, on=["year", "boundary_version"], how="left").sort("year", "unit_code")
    # a rank of a predecessor / successor names its boundary version: in 2025 Đồng Tháp's pack, the 2022
    # row "Đồng Tháp" is legacy Đồng Tháp (87), not the merged province (a name that collides across versions)
    unit = [name if v == version else f"{name} {t('all_63_provinces', lang)}" if v == "legacy"
            else t("dti_in_34", lang, name=name)
            for name, v in zip(out["short_name"], out["boundary_version"])]
    return out.with_columns(short_name=pl.Series(unit, dtype=pl.String)).select(
        pl.col("year").cast(pl.Int64), unit="short_name",
        rank_text=pl.concat_str(pl.col("value").cast(pl.Int64).cast(pl.String), pl.lit("/"),
                                pl.col("n_units").cast(pl.String)),
        goal_text=pl.lit("–"), status=pl.lit(t("brief_dti_no_goal", lang)))


def dti_sources(query: Query, *, unit_code: str, version: str, lang: str) -> list[str]:
    ranks = query("unit_dti_series", unit_code=unit_code, boundary_version=version, indicator="dti_rank")
    return sorted(in_lang(ranks, "source_title", lang)["source_title"].drop_nulls().unique().to_list())
