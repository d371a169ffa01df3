"""Compare provinces: one indicator for the nation and every province, in the chosen measure, with
targets, ranks and article figures; then the slice for the chosen provinces.

`all_provinces()` is the heavy, cacheable part (one query, a few thousand rows); `select()` cuts the
chosen units out of it and labels them, cheap enough to run on every rerun."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import polars as pl

from cnscd.views.common import Query, break_date, rank_within, today_version, with_population, with_targets

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


def all_provinces(query: Query, *, indicator: str, mode: str, measure: str, base: str) -> dict[str, pl.DataFrame]:
    """series: unit_code, unit_level, short_name, boundary_version, period_end, value, shown, is_demo,
    target_value, target_shown, rank, n_units. targets: the target rows (for lines). seeds: article points."""
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
        base_day = dt.date.fromisoformat(base + "-01") if base else None
        # base = the unit's first non-zero value at or after the base month (an index from 0 is undefined,
        # and a province formed in July 2025 has no value before)
        usable = (pl.col("value") > 0) & (pl.col("period_end") >= base_day) if base_day else pl.col("value") > 0
        first = s.sort("period_end").group_by("unit_code", "boundary_version").agg(
            base_value=pl.col("value").filter(usable).first())
        s = s.join(first, on=["unit_code", "boundary_version"], how="left").with_columns(
            shown=100.0 * pl.col("value") / pl.col("base_value"), target_shown=pl.lit(None, pl.Float64)
        ).drop("base_value")
    elif measure == "pct_target":
        s = s.with_columns(shown=pl.when(pl.col("target_value") > 0).then(100.0 * pl.col("value") / pl.col("target_value")),
                          target_shown=pl.lit(100.0))
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
        pairs += [(r["from_code"], r["from_version"], f"{r['from_name']} {old_suffix}",
                   f"{today}:{r['to_code']}" if r["from_name"] == r["to_name"] else f"{r['from_version']}:{r['from_code']}")
                  for r in cw.iter_rows(named=True)]
    keys = pl.DataFrame(pairs, schema={"unit_code": pl.String, "bv": pl.String, "label": pl.String,
                                       "colour_key": pl.String}, orient="row")
    cut = s.join(keys, on="unit_code").filter(pl.col("bv").is_null() | (pl.col("bv") == pl.col("boundary_version")))
    cut = cut.with_columns(key=pl.col("unit_code") + "|" + pl.col("boundary_version"),
                           is_nation=pl.col("unit_level") == "nation").drop("bv")
    wanted = cut.select("unit_code", "boundary_version", "key", "label").unique()
    tg = bundle["targets"].join(wanted, on=["unit_code", "boundary_version"])
    seeds = bundle["seeds"].join(wanted, on=["unit_code", "boundary_version"])
    return {"series": cut.sort("key", "period_end"), "targets": tg, "seeds": seeds}


def lines(series: pl.DataFrame) -> pl.DataFrame:
    """The series with the chosen measure as the plotted value."""
    return series.with_columns(value=pl.col("shown"))


def describe(series: pl.DataFrame) -> dict:
    """What the chart words and exports need from the selection: first/last month, sources, demo
    flag, and the frames behind each chart."""
    return {"start": series["period_end"].min(), "end": series["period_end"].max(),
            "source_ids": series["source_id"].unique().to_list(), "is_demo": bool(series["is_demo"].any()),
            "plotted": series.select("label", "boundary_version", "period_end", "value", "shown", "is_demo"),
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


def table(series: pl.DataFrame) -> pl.DataFrame:
    """Periods down, units across (the numbers under the chart), newest first."""
    if series.height == 0:
        return pl.DataFrame()
    wide = series.select("period_end", "label", "shown").pivot(on="label", index="period_end", values="shown",
                                                               aggregate_function="first")
    return wide.sort("period_end", descending=True)
