"""Overview: headline figures for the nation and each province at one month, with the change since the
previous month, % of target and a 12-month trend; and the "what changed" sentences."""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd import collate, fmt, months
from cnscd.text import column, pick, t
from cnscd.views.common import Query, version_at, with_targets

HEADLINE = ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
            "people_guided_dvc", "dossiers_online_pct")
SPARK_MONTHS = 12


def snapshot(query: Query, *, period: str) -> pl.DataFrame:
    """One row per (unit, headline indicator) for the units of the version in force at `period`
    (ISO month end): value, prev, delta, delta_pct, target_value, pct_target, spark (list), is_demo."""
    end = dt.date.fromisoformat(period)
    prev_end = months.back(end, 1)
    version = version_at(query, end)
    s = query("recent_series", start_date=months.back(end, SPARK_MONTHS - 1).isoformat(), end_date=period)
    s = s.filter(pl.col("indicator_code").is_in(list(HEADLINE)))
    units = query("unit_list").select("boundary_version", "unit_code", "unit_level", "short_name")
    s = s.join(units, on=["boundary_version", "unit_code"])
    # The nation is one unit across boundary versions; a province is only comparable within one.
    s = s.filter((pl.col("unit_level") == "nation") | (pl.col("boundary_version") == version))
    spark = (s.sort("period_end").group_by("unit_code", "indicator_code", maintain_order=True)
             .agg(spark=pl.col("value"), spark_dates=pl.col("period_end")))
    now = s.filter(pl.col("period_end") == end)
    prev = s.filter(pl.col("period_end") == prev_end).select("unit_code", "indicator_code",
                                                              pl.col("value").alias("prev"))
    out = (now.join(prev, on=["unit_code", "indicator_code"], how="left")
           .join(spark, on=["unit_code", "indicator_code"], how="left"))
    targets = query("targets_in_force")
    parts = [with_targets(out.filter(pl.col("indicator_code") == code), targets, code) for code in HEADLINE]
    out = pl.concat([p for p in parts if p.height], how="vertical_relaxed") if any(p.height for p in parts) else out
    if "target_value" not in out.columns:
        out = out.with_columns(target_value=pl.lit(None, pl.Float64))
    order = {c: i for i, c in enumerate(HEADLINE)}
    return out.with_columns(
        delta=pl.col("value") - pl.col("prev"),
        delta_pct=pl.when(pl.col("prev") > 0).then(100.0 * (pl.col("value") - pl.col("prev")) / pl.col("prev")),
        pct_target=pl.when(pl.col("target_value") > 0).then(100.0 * pl.col("value") / pl.col("target_value")),
        order=pl.col("indicator_code").replace_strict(order, default=99),
    ).sort("order", "unit_code").drop("order")


def what_changed(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str, period: dt.date) -> list[str]:
    """Sentences from the data: the nation's teams, the largest gains, the furthest behind target."""
    cat = {r["indicator_code"]: r for r in catalogue.iter_rows(named=True)}
    prev_label = fmt.month(months.back(period, 1), lang)
    out: list[str] = []

    def name(code: str) -> str:
        r = cat[code]
        return pick(r, "name", lang)

    def unit(code: str) -> str:
        r = cat[code]
        return pick(r, "unit_of_measure", lang)

    def lc(s: str) -> str:
        return s[:1].lower() + s[1:]

    nat = snap.filter((pl.col("unit_level") == "nation") & (pl.col("indicator_code") == "teams_total"))
    if nat.height and nat["prev"][0] is not None:
        r = nat.row(0, named=True)
        out.append(t("sent_nation", lang, ind_lc=lc(name("teams_total")), value=fmt.number(r["value"], lang),
                     unit_m=unit("teams_total"), sign="+" if r["delta"] >= 0 else "−",
                     delta=fmt.number(abs(r["delta"]), lang), prev=prev_label))
    prov = snap.filter(pl.col("unit_level") == "province")
    for code in ("teams_total", "vneid_activations"):
        gains = prov.filter((pl.col("indicator_code") == code) & pl.col("delta").is_not_null()).sort(
            "delta", descending=True)
        if gains.height and gains["delta"][0] > 0:
            r = gains.row(0, named=True)
            out.append(t("sent_gain", lang, unit=r["short_name"], ind_lc=lc(name(code)),
                         delta=fmt.number(r["delta"], lang), pct=fmt.pct(r["delta_pct"], lang, signed=True),
                         prev=prev_label))
    behind = prov.filter(pl.col("pct_target").is_not_null()).sort("pct_target")
    if behind.height:
        r = behind.row(0, named=True)
        year = r["target_end"].year if r.get("target_end") else period.year
        out.append(t("sent_behind", lang, unit=r["short_name"], ind_lc=lc(name(r["indicator_code"])),
                     pct=fmt.pct(r["pct_target"], lang), year=year))
    return out


def province_table(snap: pl.DataFrame) -> pl.DataFrame:
    """Provinces down, headline indicators across (value, and % of target for teams), trend list."""
    prov = snap.filter(pl.col("unit_level") == "province")
    if prov.height == 0:
        return pl.DataFrame()
    wide = prov.pivot(on="indicator_code", index=["unit_code", "short_name"], values="value",
                      aggregate_function="first")
    teams = prov.filter(pl.col("indicator_code") == "teams_total").select(
        "unit_code", pl.col("delta").alias("teams_delta"), pl.col("pct_target").alias("teams_pct_target"),
        pl.col("spark").alias("teams_trend"))
    return collate.sort(wide.join(teams, on="unit_code", how="left"), "short_name")


def unit_options(snap: pl.DataFrame, nation_label: str) -> dict[str, str]:
    """{unit_code: name} for the card picker: the nation first, then provinces by name."""
    units = snap.select("unit_code", "unit_level", "short_name").unique()
    prov = collate.sort(units.filter(pl.col("unit_level") == "province"), "short_name", "unit_code")
    return {"VN": nation_label} | dict(zip(prov["unit_code"], prov["short_name"]))


def cards(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str, period: dt.date, unit: str = "VN") -> list[dict]:
    """One unit's headline cards as plain dicts (label, value, delta text, help, spark, demo)."""
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
        out.append({"code": r["indicator_code"], "label": pick(c, "name", lang),
                    "value": value, "delta": delta, "delta_help": t("change_vs_prev", lang, period=prev_label),
                    "target": target, "spark": r["spark"] or [], "is_demo": bool(r["is_demo"]),
                    "unit": "" if uom == "%" else uom,
                    "help": " · ".join(x for x in (pick(c, "description", lang),
                                                   t("demo_tag", lang) if r["is_demo"] else None) if x),
                    "higher_is_better": bool(c["higher_is_better"])})
    return out


def headline_frame(snap: pl.DataFrame, catalogue: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Long frame of the nation's 12-month trends for the headline chart and its export."""
    nat = snap.filter(pl.col("unit_level") == "nation").select("indicator_code", "spark", "spark_dates", "is_demo")
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
