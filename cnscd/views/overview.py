"""Overview: headline figures for the nation and each province at one month, with the change since the
previous month, % of target and a 12-month trend; and the "what changed" sentences.

The page follows its unit: for the nation the sentences and the table speak of the provinces; for one
province (`children`) of its districts (legacy) or communes (2025), and the trend is that province's."""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd import collate, fmt, months
from cnscd.text import column, pick, t
from cnscd.views.common import Query, version_at, with_targets
from cnscd.views.mapdata import CHILD_LEVEL, of_province

HEADLINE = ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
            "people_guided_dvc", "dossiers_online_pct")
SPARK_MONTHS = 12
ALL_TIME = ("1900-01-01", "2999-12-31")     # recent_series over every month: read once per snapshot
VIEW_INDICATOR = "headline"   # the overview's View shows the HEADLINE set, not one indicator
# the units a "what changed" sentence counts ("1/34 tỉnh/thành"), by level (None: below a province, none reported)
PARTIAL_LEVEL_KEYS = {"province": "partial_provinces", "district": "partial_districts",
                      "commune": "partial_communes", None: "partial_units"}


def snapshot(query: Query, *, period: str, codes: tuple[str, ...] = HEADLINE) -> pl.DataFrame:
    """One row per (unit, headline indicator) for the units of the version in force at `period`
    (ISO month end): value, prev, delta, delta_pct, target_value, pct_target, spark (list), is_demo.
    `codes`: the indicators (the briefing pack adds shops taking e-payment to the overview's)."""
    end = dt.date.fromisoformat(period)
    version = version_at(query, end)
    # every month at once, kept per snapshot (~2 MiB): a new month is a filter, not a query
    s = query("recent_series", start_date=ALL_TIME[0], end_date=ALL_TIME[1])
    s = s.filter(pl.col("period_end").is_between(months.back(end, SPARK_MONTHS - 1), end)
                 & pl.col("indicator_code").is_in(list(codes)))
    units = query("unit_list").select("boundary_version", "unit_code", "unit_level", "short_name")
    s = s.join(units, on=["boundary_version", "unit_code"])
    # The nation is one unit across boundary versions; a province is only comparable within one.
    s = s.filter((pl.col("unit_level") == "nation") | (pl.col("boundary_version") == version))
    return _assemble(s, query("targets_in_force"), end, codes)


def children(query: Query, *, period: str, province: str) -> pl.DataFrame:
    """The same rows as `snapshot` for the units below one province of the version in force at `period`:
    its legacy districts, or its 2025 communes (unit_level district / commune); places where nobody
    lives are left out, as in the district ranking."""
    end = dt.date.fromisoformat(period)
    version = version_at(query, end)
    level = CHILD_LEVEL[version]
    s, targets = child_rows(query, version=version, level=level, province=province,
                            start=months.back(end, SPARK_MONTHS - 1), end=end)
    return _assemble(s, targets, end, HEADLINE)


def child_rows(query: Query, *, version: str, level: str, province: str, start: dt.date,
               end: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the headline rows of queries/child_recent_series.sql between `start` and `end`, the targets in force
    at `end` as child_targets_in_force gives them) for one province's units, read from the frames the map
    keeps per snapshot and level (map_observations, map_targets, map_units: every province and month at
    once), so a province's new month is a filter in memory (tests/test_map_stores.py holds both equal)."""
    every = query("map_units", version=version, level=level)
    units = every.filter((pl.col("province_code") == province) & pl.col("is_reporting")).select(
        "unit_code", pl.col("display_name").alias("short_name")).lazy()
    keys = dict(boundary_version=pl.lit(version), unit_level=pl.lit(level))
    obs, tgt = [], []
    for code in HEADLINE:     # one lazy plan per frame, collected once (not ~30 small eager steps)
        where = dict(version=version, level=level, indicator=code)
        # the province's rows of the level's frame (split once per kept frame), then the months
        obs.append(of_province(query("map_observations", **where), every, province).lazy()
                   .filter(pl.col("period_end").is_between(start, end))
                   .join(units, on="unit_code", how="semi").with_columns(indicator_code=pl.lit(code), **keys))
        tgt.append(of_province(query("map_targets", **where), every, province).lazy()
                   .filter(pl.col("period_end") == end)
                   .join(units, on="unit_code", how="semi").with_columns(indicator_code=pl.lit(code), **keys))
    s = (pl.concat(obs).join(units, on="unit_code", how="inner")
         .select("unit_code", "boundary_version", "unit_level", "indicator_code", "period_end", "value", "is_demo",
                 "source_id", "short_name")
         .sort("indicator_code", "unit_code", "period_end", maintain_order=True))
    s, tgt = pl.collect_all([s, pl.concat(tgt)])
    return s, tgt


def table_units(query: Query, *, period: str, province: str | None = None) -> pl.DataFrame:
    """unit_code, short_name of every unit the Overview's table lists at `period`, with a figure or not:
    the provinces of the version in force, or one province's districts / communes (queries/child_units.sql;
    places where nobody lives are left out, as in the district ranking and `children`)."""
    version = version_at(query, dt.date.fromisoformat(period))
    if province is None:
        return query("unit_list").filter((pl.col("boundary_version") == version)
                                         & (pl.col("unit_level") == "province")).select("unit_code", "short_name")
    return query("child_units", version=version, level=CHILD_LEVEL[version], province=province)


def _assemble(s: pl.DataFrame, targets: pl.DataFrame, end: dt.date, codes: tuple[str, ...]) -> pl.DataFrame:
    """value at `end`, prev (the month before), the 12-month spark, target in force and changes.
    One Polars plan, collected twice (was ~40 small eager steps, a fixed cost each: a new view of a
    province paid ~12 ms for them); the rows, columns and order of the step-by-step assembly
    (tests/test_overview_assemble.py keeps it and compares)."""
    keys = ["unit_code", "indicator_code"]
    rows = s.lazy()
    spark = (rows.sort("period_end").group_by(*keys, maintain_order=True)
             .agg(spark=pl.col("value"), spark_dates=pl.col("period_end")))
    prev = rows.filter(pl.col("period_end") == months.back(end, 1)).select(*keys, pl.col("value").alias("prev"))
    out = (rows.filter(pl.col("period_end") == end).join(prev, on=keys, how="left")
           .join(spark, on=keys, how="left"))
    # the target in force at each row's month, per indicator of `codes` (common.with_targets' join, all
    # indicators at once); rows of other indicators are dropped, unless no row is of `codes`
    mine = out.filter(pl.col("indicator_code").is_in(list(codes))).collect()
    if mine.height:
        tg = targets.lazy().filter(pl.col("indicator_code").is_in(list(codes))).select(
            "unit_code", "boundary_version", "period_end", "indicator_code", "target_value",
            pl.col("target_period_end").alias("target_end"), pl.col("is_demo").alias("target_is_demo"))
        out = mine.lazy().join(tg, on=["unit_code", "boundary_version", "period_end", "indicator_code"], how="left")
    else:
        out = out.with_columns(target_value=pl.lit(None, pl.Float64))
    order = {c: i for i, c in enumerate(codes)}
    return (changes(out).with_columns(order=pl.col("indicator_code").replace_strict(order, default=99))
            .sort("order", "unit_code").drop("order").collect())


def changes(frame: pl.DataFrame) -> pl.DataFrame:
    """delta, delta_pct (against `prev`) and pct_target (against `target_value`) of a snapshot's rows; the
    briefing pack sets `prev` to last year's value for its change on last year."""
    return frame.with_columns(
        delta=pl.col("value") - pl.col("prev"),
        delta_pct=pl.when(pl.col("prev") > 0).then(100.0 * (pl.col("value") - pl.col("prev")) / pl.col("prev")),
        pct_target=pl.when(pl.col("target_value") > 0).then(100.0 * pl.col("value") / pl.col("target_value")))


def what_changed(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str, period: dt.date, *, unit: str = "VN",
                 place: str | None = None, below: pl.DataFrame | None = None, among: str | None = None,
                 units: pl.DataFrame | None = None) -> list[str]:
    """Sentences from the data: the unit's teams, the largest gains, the furthest behind target.

    For the nation (`unit` VN) the gains and the furthest behind are among the provinces of `snap`; for a
    province, `place` is its name, `below` its units (`children`) and `among` their word ("các huyện").
    `units` (`table_units`: every unit the comparisons could name): when some of them have no figure this
    month, a sentence says how many reported, so "the largest gain" among the few that did is read as such
    (a new month's reports arrive one province at a time); a unit without its own figure says so."""
    cat = {r["indicator_code"]: r for r in catalogue.iter_rows(named=True)}
    prev_label = fmt.month(months.back(period, 1), lang)
    out: list[str] = []
    nation = unit == "VN"

    def name(code: str) -> str:
        r = cat[code]
        return pick(r, "name", lang)

    def uom(code: str) -> str:
        r = cat[code]
        return pick(r, "unit_of_measure", lang)

    def lc(code: str) -> str:
        """The indicator inside a sentence: its catalogue phrase ("teams", never "teams, total"), else its
        name lower-cased (an acronym keeps its capitals: "VNeID", never "vNeID")."""
        phrase = cat[code].get(column("phrase", lang))
        if phrase:
            return phrase
        s = name(code)
        return s if s[1:2].isupper() else s[:1].lower() + s[1:]

    own = snap.filter((pl.col("unit_code") == unit) & (pl.col("indicator_code") == "teams_total"))
    if not nation:
        own = own.filter(pl.col("unit_level") == "province")
    if own.height and own["prev"][0] is not None:
        r = own.row(0, named=True)
        words = dict(value=fmt.number(r["value"], lang), unit_m=uom("teams_total"),
                     sign="+" if r["delta"] >= 0 else "−", delta=fmt.number(abs(r["delta"]), lang), prev=prev_label)
        out.append(t("sent_nation", lang, **words) if nation else t("sent_unit", lang, unit=place or unit, **words))
    elif not own.height:
        out.append(t("sent_no_figure", lang, unit=t("nation", lang) if nation else place or unit,
                     period=fmt.month(period, lang)))
    rows = snap.filter(pl.col("unit_level") == "province") if below is None else below
    if units is not None and units.height:
        reported = rows.filter(pl.col("period_end") == period)["unit_code"].unique()
        n = units.filter(pl.col("unit_code").is_in(reported.implode()))["unit_code"].n_unique()
        if n < units["unit_code"].n_unique():
            level = "province" if below is None else below["unit_level"][0] if below.height else None
            out.append(t("sent_partial", lang, n=n, total=units["unit_code"].n_unique(),
                         level=t(PARTIAL_LEVEL_KEYS[level], lang), period=fmt.month(period, lang)))
    for code in ("teams_total", "vneid_activations"):
        gains = rows.filter((pl.col("indicator_code") == code) & pl.col("delta").is_not_null()).sort(
            "delta", "unit_code", descending=[True, False])
        if gains.height and gains["delta"][0] > 0:
            r = gains.row(0, named=True)
            words = dict(unit=r["short_name"], ind_lc=lc(code), delta=fmt.number(r["delta"], lang),
                         pct=fmt.pct(r["delta_pct"], lang, signed=True), prev=prev_label)
            # several units share the largest gain (5 communes +1 team each): one named "the largest" would be
            # a false ranking, so the sentence names the first (by code) and counts the others
            tied = gains.filter(pl.col("delta") == r["delta"]).height - 1
            if tied:
                out.append(t("sent_gain_tie", lang, others=tied, **words) if among is None else
                           t("sent_gain_in_tie", lang, among=among, others=tied, **words))
            else:
                out.append(t("sent_gain", lang, **words) if among is None else
                           t("sent_gain_in", lang, among=among, **words))
    behind = rows.filter(pl.col("pct_target").is_not_null()).sort("pct_target", "unit_code")
    if behind.height:
        r = behind.row(0, named=True)
        year = r["target_end"].year if r.get("target_end") else period.year
        words = dict(unit=r["short_name"], ind_lc=lc(r["indicator_code"]), pct=fmt.pct(r["pct_target"], lang),
                     year=year)
        out.append(t("sent_behind", lang, **words) if among is None else t("sent_behind_in", lang, among=among, **words))
    return out


def units_table(frame: pl.DataFrame, level: str = "province", units: pl.DataFrame | None = None,
                lang: str = "vi") -> pl.DataFrame:
    """The units of `level` down (the provinces of the nation, or a province's districts / communes),
    headline indicators across (value, and change and % of target for teams), trend list. With `units`
    (table_units) every one of them is a row: when some have no figure that month, a `report` column says
    "chưa báo cáo" (the map's word) beside their empty cells, so the table never silently shortens."""
    prov = frame.filter(pl.col("unit_level") == level)
    if prov.height == 0 and units is None:
        return pl.DataFrame()
    wide = prov.pivot(on="indicator_code", index=["unit_code", "short_name"], values="value",
                      aggregate_function="first") if prov.height else pl.DataFrame(
        schema={"unit_code": pl.String, "short_name": pl.String})
    teams = prov.filter(pl.col("indicator_code") == "teams_total").select(
        "unit_code", pl.col("delta").alias("teams_delta"), pl.col("pct_target").alias("teams_pct_target"),
        pl.col("spark").alias("teams_trend"))
    out = wide.join(teams, on="unit_code", how="left")
    reported = set(prov["unit_code"].to_list())
    if units is not None and set(units["unit_code"].to_list()) - reported:
        out = (units.select("unit_code", "short_name").join(out.drop("short_name"), on="unit_code", how="left")
               .with_columns(report=pl.when(pl.col("unit_code").is_in(list(reported))).then(pl.lit(""))
                             .otherwise(pl.lit(t("no_report", lang)))))
        out = out.select("unit_code", "short_name", "report", pl.exclude("unit_code", "short_name", "report"))
    return collate.sort(out, "short_name", "unit_code")


def rows_of(snap: pl.DataFrame, unit: str = "VN") -> pl.DataFrame:
    """The rows behind one unit's lines: the whole snapshot for the nation (its figures are the sums of
    the provinces'), the province's own rows otherwise."""
    return snap if unit == "VN" else snap.filter((pl.col("unit_code") == unit) & (pl.col("unit_level") == "province"))


def unit_options(snap: pl.DataFrame, nation_label: str) -> dict[str, str]:
    """{unit_code: name} for the card picker: the nation first, then provinces by name."""
    units = snap.select("unit_code", "unit_level", "short_name").unique()
    prov = collate.sort(units.filter(pl.col("unit_level") == "province"), "short_name", "unit_code")
    return {"VN": nation_label} | dict(zip(prov["unit_code"], prov["short_name"]))


def cards(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str, period: dt.date, unit: str = "VN") -> list[dict]:
    """One unit's headline cards as plain dicts (label, value, delta text, help, spark and each month's
    value as text, demo)."""
    cat = {r["indicator_code"]: r for r in catalogue.iter_rows(named=True)}
    prev_label = fmt.month(months.back(period, 1), lang)
    out = []
    for r in snap.filter(pl.col("unit_code") == unit).iter_rows(named=True):
        c = cat.get(r["indicator_code"])
        if c is None:
            continue
        uom = pick(c, "unit_of_measure", lang)
        dec = fmt.decimals_for(c["unit_of_measure"])
        value = fmt.pct(r["value"], lang, dec) if uom == "%" else fmt.number(r["value"], lang, dec)
        delta = None
        if r["delta"] is not None:
            d = (fmt.number(r["delta"], lang, dec, signed=True) + " " + t("pct_points", lang)
                 if uom == "%" else f"{fmt.number(r['delta'], lang, dec, signed=True)} "
                                     f"({fmt.pct(r['delta_pct'], lang, 1, signed=True)})")
            delta = d
        target = (t("of_target", lang, pct=fmt.pct(r["pct_target"], lang)) if r["pct_target"] is not None else None)
        shown = (lambda v: fmt.pct(v, lang, dec)) if uom == "%" else (lambda v: fmt.number(v, lang, dec))
        # each sparkline month as the card writes its value (its hover text): "T9/2026: 89.703"
        spark_labels = [f"{fmt.month(d, lang)}: {shown(v) if v is not None else '–'}"
                        for d, v in zip(r.get("spark_dates") or [], r["spark"] or [])]
        out.append({"code": r["indicator_code"], "label": pick(c, "name", lang),
                    "value": value, "delta": delta, "delta_help": t("change_vs_prev", lang, period=prev_label),
                    "target": target, "spark": r["spark"] or [], "spark_labels": spark_labels,
                    "is_demo": bool(r["is_demo"]),
                    "unit": "" if uom == "%" else uom,
                    "help": " · ".join(x for x in (pick(c, "description", lang),
                                                   t("demo_tag", lang) if r["is_demo"] else None) if x),
                    "higher_is_better": bool(c["higher_is_better"])})
    return out


def headline_frame(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str, unit: str = "VN") -> pl.DataFrame:
    """Long frame of one unit's 12-month trends (the nation's, or a province's within its boundary
    version) for the headline chart and its export."""
    level = "nation" if unit == "VN" else "province"
    nat = snap.filter((pl.col("unit_level") == level) & (pl.col("unit_code") == unit)).select(
        "indicator_code", "spark", "spark_dates", "is_demo")
    if nat.height == 0:
        return pl.DataFrame(schema={"label": pl.String, "unit": pl.String, "decimals": pl.Int64,
                                    "period_end": pl.Date, "value": pl.Float64, "is_demo": pl.Boolean})
    cat = catalogue.select("indicator_code", pl.col(column("name", lang)).alias("label"),
                           pl.col(column("unit_of_measure", lang)).alias("unit"),
                           pl.col("unit_of_measure").alias("uom_vi"))
    long = nat.explode("spark", "spark_dates").rename({"spark": "value", "spark_dates": "period_end"})
    return (long.join(cat, on="indicator_code")
            .with_columns(decimals=pl.when(pl.col("uom_vi").str.contains("%")).then(1).otherwise(0))
            .select("label", "unit", "decimals", "period_end", "value", "is_demo"))
