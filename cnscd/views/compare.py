"""Compare provinces: one indicator for the nation and every province, in the chosen measure, with
targets, ranks and article figures; then the slice for the chosen provinces.

`all_provinces()` is the heavy, cacheable part (one query, a few thousand rows); `select()` cuts the
chosen units out of it and labels them, cheap enough to run on every rerun."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import polars as pl

from cnscd import collate, months
from cnscd.views.common import (Query, break_date, pooled_pct_of_target, rank_within, today_version, with_population,
                                with_targets)

MEASURES = ("abs", "per1000", "index", "pct_target")
MODES = ("reported", "today")


def measures_for(aggregation: str, has_targets: bool) -> list[str]:
    """Per 1,000 residents only for counts (not for shares), % of target only where targets exist."""
    return [m for m in MEASURES if (m != "per1000" or aggregation == "sum") and (m != "pct_target" or has_targets)]


def crosswalk_targets(query: Query, indicator: str, aggregation: str) -> pl.DataFrame:
    """Targets in today's provinces: today's own, plus older-version targets summed through the crosswalk
    for counts, only where every predecessor has one (ratios cannot be summed, so they are left out);
    the nation keeps its older targets (without them its % of target vanished before July 2025)."""
    tg = query("unit_targets").filter(pl.col("indicator_code") == indicator)
    today = today_version(query)
    # the nation is one unit across versions: its older targets hold as they are (counts and rates)
    own = pl.concat([tg.filter(pl.col("boundary_version") == today),
                     tg.filter((pl.col("boundary_version") != today) & (pl.col("unit_code") == "VN"))
                     .with_columns(boundary_version=pl.lit(today))], how="vertical")
    if aggregation != "sum":
        return own
    cw = query("province_crosswalk")
    old = tg.filter(pl.col("boundary_version") != today).join(
        cw.select(pl.col("from_version").alias("boundary_version"), pl.col("from_code").alias("unit_code"),
                  "to_code", "weight"), on=["boundary_version", "unit_code"])
    need = cw.group_by("to_code").agg(n_from=pl.len())
    summed = (old.group_by("to_code", "period_start", "period_end")
              .agg(target_value=(pl.col("target_value") * pl.col("weight")).sum(), n=pl.len(),
                   is_demo=pl.col("is_demo").any(), source_id=pl.col("source_id").first())
              .join(need, on="to_code").filter(pl.col("n") == pl.col("n_from"))
              .select(pl.col("to_code").alias("unit_code"), pl.lit(today).alias("boundary_version"),
                      pl.lit(indicator).alias("indicator_code"), "period_start", "period_end", "target_value",
                      "is_demo", "source_id", pl.lit(None, pl.String).alias("quote_vi")))
    return pl.concat([own, summed.cast(own.schema)], how="vertical")


def today_targets_in_force(query: Query, indicator: str, aggregation: str) -> pl.DataFrame:
    """The target in force at each month in today's provinces: from 1/7/2025 today's own; before, the
    predecessors' targets in force that month summed with the crosswalk weights (counts only, and only
    where every predecessor has one); the nation keeps its older targets (counts and rates)."""
    tf = query("targets_in_force").filter(pl.col("indicator_code") == indicator)
    today, start = today_version(query), break_date(query)
    cols = ["unit_code", "boundary_version", "indicator_code", "period_end", "target_value",
            "target_period_end", "is_demo"]
    parts = [tf.filter((pl.col("boundary_version") == today) & (pl.col("period_end") >= start)).select(cols),
             tf.filter((pl.col("boundary_version") != today) & (pl.col("unit_code") == "VN")
                       & (pl.col("period_end") < start)).with_columns(boundary_version=pl.lit(today)).select(cols)]
    if aggregation == "sum":
        cw = query("province_crosswalk")
        need = cw.group_by("to_code").agg(n_from=pl.len())
        old = tf.filter((pl.col("boundary_version") != today) & (pl.col("period_end") < start)).join(
            cw.select(pl.col("from_version").alias("boundary_version"), pl.col("from_code").alias("unit_code"),
                      "to_code", "weight"), on=["boundary_version", "unit_code"])
        summed = (old.group_by("to_code", "period_end")
                  .agg(target_value=(pl.col("target_value") * pl.col("weight")).sum(), n=pl.len(),
                       target_period_end=pl.col("target_period_end").min(), is_demo=pl.col("is_demo").any())
                  .join(need, on="to_code").filter(pl.col("n") == pl.col("n_from"))
                  .select(pl.col("to_code").alias("unit_code"), pl.lit(today).alias("boundary_version"),
                          pl.lit(indicator).alias("indicator_code"), "period_end", "target_value",
                          "target_period_end", "is_demo"))
        parts.append(summed)
    schema = parts[0].schema
    return pl.concat([p.cast(schema) for p in parts], how="vertical")


def targeted_provinces(query: Query, indicator: str) -> pl.DataFrame:
    """period_end, n_targeted: the provinces of the version in force each month with a target (> 0) in force
    then, reported or not: what the nation's pooled % of target would pool if every one had reported."""
    tf = query("targets_in_force").filter((pl.col("indicator_code") == indicator) & (pl.col("target_value") > 0))
    provinces = query("unit_list").filter(pl.col("unit_level") == "province").select("boundary_version", "unit_code")
    bv = query("boundary_versions").select("boundary_version", "valid_from_date", "valid_to_date")
    return (tf.join(provinces, on=["boundary_version", "unit_code"]).join(bv, on="boundary_version")
            .filter(pl.col("valid_from_date").is_null() | (pl.col("valid_from_date") <= pl.col("period_end")))
            .filter(pl.col("valid_to_date").is_null() | (pl.col("period_end") <= pl.col("valid_to_date")))
            .group_by("period_end").agg(n_targeted=pl.col("unit_code").n_unique()))


def partly_pooled(series: pl.DataFrame) -> list[tuple[dt.date, int, int]]:
    """(month, provinces pooled, provinces with a target) where the nation's pooled % of target is over only
    some of the provinces with a target (the others have not reported): the chart, page and export say so."""
    if "pooled_n" not in series.columns:
        return []
    part = (series.filter(pl.col("is_nation") & (pl.col("pooled_n") < pl.col("pooled_of")))
            .select("period_end", "pooled_n", "pooled_of").unique().sort("period_end"))
    return [(r[0], int(r[1]), int(r[2])) for r in part.iter_rows()]


def with_index(s: pl.DataFrame, base_day: dt.date | None) -> pl.DataFrame:
    """shown = 100 × value / base value, where the base value is a line's value at the base month (its
    first month at or after it, for a unit formed later; the nation is one line across versions). A base
    of 0 leaves the index undefined: shown is null and `base_zero` true, and the chart says so (it never
    jumps from 0 to the first non-zero month). `base_end`: the month each line is indexed to (later than
    the base month for a unit formed later: `later_base` names those, the page and chart say so)."""
    at_base = pl.col("period_end") >= base_day if base_day else pl.lit(True)
    line = pl.when(pl.col("unit_level") == "nation").then(pl.lit("")).otherwise(pl.col("boundary_version"))
    s = s.with_columns(_line=line)
    first = s.filter(at_base).sort("period_end").group_by("unit_code", "_line").agg(base_value=pl.col("value").first(),
                                                                                   base_end=pl.col("period_end").first())
    return s.join(first, on=["unit_code", "_line"], how="left").with_columns(
        shown=pl.when(pl.col("base_value") != 0).then(100.0 * pl.col("value") / pl.col("base_value")),
        target_shown=pl.lit(None, pl.Float64), base_zero=pl.col("base_value") == 0,
    ).drop("base_value", "_line")


def all_provinces(query: Query, *, indicator: str, mode: str, measure: str, base: str) -> dict[str, pl.DataFrame]:
    """series: unit_code, unit_level, short_name, boundary_version, period_end, value, shown, is_demo,
    target_value, target_shown, rank, n_units (and, for a count's % of target, the nation's pooled_n of
    pooled_of provinces with a target). targets: the target rows (for lines). seeds: article points."""
    ind = query("indicator_catalogue").filter(pl.col("indicator_code") == indicator).row(0, named=True)
    s = query("province_series", indicator=indicator, mode=mode)
    targets = (crosswalk_targets(query, indicator, ind["aggregation"]) if mode == "today"
               else query("unit_targets").filter(pl.col("indicator_code") == indicator))
    in_force = (today_targets_in_force(query, indicator, ind["aggregation"]) if mode == "today"
                else query("targets_in_force"))
    s = with_targets(s, in_force, indicator)
    if measure == "per1000":
        s = with_population(s, query("unit_population"))
        factor = 1000.0 / pl.col("population")
        s = s.with_columns(shown=pl.col("value") * factor, target_shown=pl.col("target_value") * factor)
    elif measure == "index":
        s = with_index(s, dt.date.fromisoformat(base + "-01") if base else None)
    elif measure == "pct_target":
        s = s.with_columns(shown=pl.when(pl.col("target_value") > 0).then(100.0 * pl.col("value") / pl.col("target_value")),
                           target_shown=pl.lit(100.0))
        if ind["aggregation"] == "sum":
            # the nation: Σ value / Σ target of the provinces that have a target that month (as reported,
            # so it is the same line in both modes), not its own value over its own target
            reported = s if mode == "reported" else with_targets(
                query("province_series", indicator=indicator, mode="reported"), query("targets_in_force"), indicator)
            pooled = pooled_pct_of_target(reported).join(
                targeted_provinces(query, indicator), on="period_end", how="left")
            nation = pl.col("unit_level") == "nation"
            # how many provinces the nation pools of those with a target (a month only some reported says so)
            s = s.join(pooled.select("period_end", pl.col("pct").alias("_pooled"), "n_with_target", "n_targeted"),
                       on="period_end", how="left").with_columns(
                shown=pl.when(nation).then(pl.col("_pooled")).otherwise(pl.col("shown")),
                pooled_n=pl.when(nation).then(pl.col("n_with_target")),
                pooled_of=pl.when(nation).then(pl.col("n_targeted").fill_null(pl.col("n_with_target"))),
            ).drop("_pooled", "n_with_target", "n_targeted")
    else:
        s = s.with_columns(shown=pl.col("value"), target_shown=pl.col("target_value"))
    s = rank_within(s, "shown", bool(ind["higher_is_better"]))
    seeds = query("seed_points", indicator=indicator)
    if mode == "today":
        seeds = seeds.filter(pl.col("boundary_version").eq(today_version(query)) | (pl.col("unit_level") == "nation"))
    return {"series": s, "targets": targets, "seeds": seeds}


def select(bundle: dict[str, pl.DataFrame], query: Query, codes: list[str], mode: str,
           nation_label: str, old_suffix: str) -> dict[str, pl.DataFrame]:
    """Cut the chosen today's provinces (and the nation) out. In 'reported' mode a chosen province's
    predecessors are shown before the break, labelled with `old_suffix` (legacy Đồng Tháp 87 and
    today's Đồng Tháp 82 share a name, never a label). Lines, colours and legend entries are keyed
    by (boundary version, code); a predecessor takes the colour of the province it is named like."""
    today = today_version(query)
    s = bundle["series"]
    names = query("unit_list").filter(pl.col("boundary_version") == today)
    name_of = dict(zip(names["unit_code"], names["display_name"]))
    pairs = [(c, today, name_of.get(c, c), f"{today}:{c}") for c in codes] + [("VN", None, nation_label, "VN")]
    if mode == "reported":
        cw = query("province_crosswalk").filter(pl.col("to_code").is_in(codes))
        # predecessors in the order of the province they went into, then by name (Vietnamese order)
        cw = collate.sort(cw.with_columns(_pos=pl.col("to_code").replace_strict(
            {c: i for i, c in enumerate(codes)}, return_dtype=pl.Int64)).sort("_pos"), "from_name", maintain=True)
        cw = cw.sort("_pos", maintain_order=True)
        pairs += [(r["from_code"], r["from_version"], f"{r['from_name']} {old_suffix}",
                   f"{today}:{r['to_code']}" if r["from_name"] == r["to_name"] else f"{r['from_version']}:{r['from_code']}")
                  for r in cw.iter_rows(named=True)]
    # `order`: the selection's order (legend, colour priority): chosen provinces as chosen, the nation,
    # then the predecessors
    keys = pl.DataFrame([(*p, i) for i, p in enumerate(pairs)],
                        schema={"unit_code": pl.String, "bv": pl.String, "label": pl.String,
                                "colour_key": pl.String, "order": pl.Int64}, orient="row")
    cut = s.join(keys, on="unit_code").filter(pl.col("bv").is_null() | (pl.col("bv") == pl.col("boundary_version")))
    cut = cut.with_columns(key=pl.col("unit_code") + "|" + pl.col("boundary_version"),
                           is_nation=pl.col("unit_level") == "nation").drop("bv")
    wanted = cut.select("unit_code", "boundary_version", "key", "label").unique()
    tg = bundle["targets"].join(wanted, on=["unit_code", "boundary_version"])
    seeds = bundle["seeds"].join(wanted, on=["unit_code", "boundary_version"])
    return {"series": cut.sort("order", "key", "period_end"), "targets": tg, "seeds": seeds}


def nation_apart(aggregation: str, measure: str) -> bool:
    """The nation gets its own panel and axis where its scale would flatten the provinces: counts
    shown as they are (the nation is the sum of 34-63 provinces). Shares, per 1,000, index and % of
    target are on the provinces' scale and share their axis."""
    return measure == "abs" and aggregation == "sum"


def later_base(series: pl.DataFrame, base_day: dt.date | None) -> list[tuple[str, dt.date]]:
    """(label, month) of the lines of an index view indexed to a month later than the base month (a unit
    formed later: 2025 Đồng Tháp from 7/2025), by label; the nation is one line across versions."""
    if "base_end" not in series.columns or base_day is None:
        return []
    late = (series.filter(pl.col("base_end") > months.end_of(base_day))
            .select("label", "base_end").unique().sort("label", "base_end"))
    return [(r[0], r[1]) for r in late.iter_rows()]


def base_zero_labels(series: pl.DataFrame) -> list[str]:
    """Lines of an index view whose base value is 0 (the index is undefined: no line, said on the chart)."""
    if "base_zero" not in series.columns:
        return []
    return series.filter(pl.col("base_zero").fill_null(False))["label"].unique(maintain_order=True).to_list()


def lines(series: pl.DataFrame) -> pl.DataFrame:
    """The series with the chosen measure as the plotted value."""
    return series.with_columns(value=pl.col("shown"))


def describe(series: pl.DataFrame) -> dict:
    """What the chart words and exports need from the selection: first/last month, sources, demo
    flag, and the frames behind each chart."""
    cols = ["label", "boundary_version", "period_end", "value", "shown", "is_demo"]
    if "base_end" in series.columns:
        # an index: each row says the month its line is indexed to (2025 Đồng Tháp's July 2025 beside the
        # nation's chosen January 2024), so a row read alone in the CSV/XLSX is not taken for the header's base
        series = series.with_columns(index_base=pl.col("base_end"))
        cols.insert(cols.index("shown") + 1, "index_base")
    if partly_pooled(series):
        # the nation's rows say how many provinces its pooled % of target is over ("1/34"), every month
        series = series.with_columns(pooled=pl.when(pl.col("pooled_n").is_not_null()).then(
            pl.format("{}/{}", pl.col("pooled_n"), pl.col("pooled_of"))))
        cols.append("pooled")
    return {"start": series["period_end"].min(), "end": series["period_end"].max(),
            "source_ids": series["source_id"].unique().to_list(), "is_demo": bool(series["is_demo"].any()),
            "plotted": collate.sort(series.select(cols), "label", "period_end"),
            "rank_data": ranks(series).select("label", "period_end", "rank", "n_units")}


def version_words(frame: pl.DataFrame, label: Callable[[str], str]) -> pl.DataFrame:
    """`frame` with its boundary_version codes ('legacy', '2025') written as `label(code)` words, for an
    export a reader can hand on."""
    codes = frame["boundary_version"].unique().drop_nulls().to_list()
    return frame.with_columns(boundary_version=pl.col("boundary_version").replace_strict(
        {c: label(c) for c in codes}, default=None, return_dtype=pl.String))


def labels(series: pl.DataFrame) -> list[str]:
    return series["label"].unique(maintain_order=True).to_list()


def ranks(series: pl.DataFrame) -> pl.DataFrame:
    return series.filter(pl.col("rank").is_not_null())


def table(series: pl.DataFrame, names: dict[str, str] | None = None) -> pl.DataFrame:
    """Periods down, units across (the numbers under the chart), newest first; `names` renames a line's
    column (an index line indexed to a later month says so in its header: "Đồng Tháp (kỳ gốc T7/2025)")."""
    if series.height == 0:
        return pl.DataFrame()
    wide = series.select("period_end", "label", "shown").pivot(on="label", index="period_end", values="shown",
                                                               aggregate_function="first")
    nation = series.filter(pl.col("is_nation"))["label"].unique().to_list()
    others = collate.sorted_names([c for c in wide.columns if c != "period_end" and c not in nation])
    wide = wide.select("period_end", *nation, *others).sort("period_end", descending=True)
    return wide.rename({k: v for k, v in (names or {}).items() if k in wide.columns})
