"""Targets: each province's progress against its target for one indicator at one month, the
achievements reported in articles (computed from the stored figure and target, never typed in, beside
the % the article states), and a province's own DTI rank goals against its published ranks."""
from __future__ import annotations

import datetime as dt

import polars as pl

from cnscd import collate, fmt
from cnscd.views import dti
from cnscd.text import in_lang, t
from cnscd.views.common import Query, pooled_pct_of_target, version_at, with_targets


def _with_targets_at(query: Query, indicator: str, period: str) -> pl.DataFrame:
    """Nation and provinces of the version in force at `period`, with the target in force."""
    end = dt.date.fromisoformat(period)
    version = version_at(query, end)
    s = query("province_series", indicator=indicator, mode="reported")
    ind = query("indicator_catalogue").filter(pl.col("indicator_code") == indicator)
    if ind.height and not ind["higher_is_better"][0]:
        # a rank goal is met when rank <= goal: value / target is no "% of target" (39/25 is not 156 %);
        # such goals are shown by dti_goals instead
        s = s.head(0)
    s = s.filter((pl.col("period_end") == end) & (pl.col("boundary_version") == version))
    return with_targets(s, query("targets_in_force"), indicator)


def progress(query: Query, *, indicator: str, period: str) -> pl.DataFrame:
    """The provinces of the version in force at `period` with value, target_value,
    pct = value / target × 100, sorted from furthest behind (ties by name, in Vietnamese order);
    provinces without a target are dropped. The nation is not a bar among them: see `nation`."""
    s = _with_targets_at(query, indicator, period).filter(pl.col("unit_level") == "province")
    s = s.filter(pl.col("target_value").is_not_null() & (pl.col("target_value") > 0))
    s = s.with_columns(pct=100.0 * pl.col("value") / pl.col("target_value"), label=pl.col("short_name"),
                       is_demo=pl.col("is_demo") | pl.col("target_is_demo").fill_null(False))
    return collate.sort(s, "label").sort("pct", maintain_order=True)


def nation(query: Query, *, indicator: str, period: str) -> dict | None:
    """The nation's progress at `period`, the chart's reference line and the page's headline: for
    counts Σ value / Σ target over the provinces that have a target (views.common.pooled_pct_of_target,
    the same rule as Compare provinces); for a rate its own value against its own target. None where
    nothing has a target. Keys: pct, value, target_value, n_with_target, n_provinces, pooled, is_demo and,
    pooled, n_target_unreported (provinces with a target but no figure that month, left out of both sums)."""
    s = _with_targets_at(query, indicator, period)
    ind = query("indicator_catalogue").filter(pl.col("indicator_code") == indicator)
    if s.height == 0 or ind.height == 0:
        return None
    prov = s.filter(pl.col("unit_level") == "province")
    if ind["aggregation"][0] == "sum":
        pooled = pooled_pct_of_target(s)
        if pooled.height == 0:
            return None
        row = pooled.row(0, named=True)
        has = prov.filter(pl.col("target_value") > 0)
        demo = bool(has["is_demo"].any() or has["target_is_demo"].fill_null(False).any())
        return {**{k: row[k] for k in ("pct", "value", "target_value", "n_with_target", "n_provinces")},
                "pooled": True, "is_demo": demo, "n_target_unreported": _unreported_with_target(query, indicator, period, prov)}
    own = s.filter((pl.col("unit_level") == "nation") & (pl.col("target_value") > 0))
    if own.height == 0:
        return None
    r = own.row(0, named=True)
    return {"pct": 100.0 * r["value"] / r["target_value"], "value": r["value"], "target_value": r["target_value"],
            "n_with_target": prov.filter(pl.col("target_value") > 0).height, "n_provinces": prov.height,
            "pooled": False, "is_demo": bool(r["is_demo"] or r["target_is_demo"])}


def _unreported_with_target(query: Query, indicator: str, period: str, reported: pl.DataFrame) -> int:
    """Provinces of the version in force at `period` with a target in force then but no figure: the pooled
    Σ value / Σ target leaves them out (their figure is unknown, not 0), and the headline says so."""
    end = dt.date.fromisoformat(period)
    version = version_at(query, end)
    tg = query("targets_in_force").filter((pl.col("indicator_code") == indicator) & (pl.col("period_end") == end)
                                          & (pl.col("boundary_version") == version) & (pl.col("target_value") > 0))
    provinces = query("unit_list").filter((pl.col("boundary_version") == version) & (pl.col("unit_level") == "province"))
    tg = tg.join(provinces.select("unit_code"), on="unit_code", how="semi")
    return tg.join(reported.select("unit_code"), on="unit_code", how="anti").height


def below(progress_frame: pl.DataFrame, threshold: float) -> pl.DataFrame:
    return progress_frame.filter((pl.col("unit_level") == "province") & (pl.col("pct") < threshold))


def achievements(query: Query, lang: str = "vi", version: str | None = None) -> pl.DataFrame:
    """Article figures matched with an article target: achieved_pct = value / target × 100 (only where
    higher is better), stated_pct_of_target as the article prints it, and the texts a table shows:
    value_text as the article words it ("hơn 74.422"), target_text marked "(suy ra / derived)" when the
    target is back-calculated from the stated %. A province of another boundary version than the page's
    (`version`) whose name one of that version shares is named with its version (versioned_names)."""
    a = in_lang(query("article_achievements"), "source_title", lang)
    cat = query("indicator_catalogue").select("indicator_code", "name_vi", "name_en", "unit_of_measure",
                                              "unit_of_measure_en")
    a = collate.sort(a.join(cat, on="indicator_code", how="left"), "short_name", "unit_code", "indicator_code")
    dec = [fmt.decimals_of(v) for v in a["value"]]  # as the article prints it
    pct = ["%" in (u or "") for u in a["unit_of_measure"]]
    value_text = [fmt.qualified(v, q, lang, d, p) for v, q, d, p in
                  zip(a["value"], a["value_qualifier"], dec, pct)]
    target_text = [(fmt.pct if p else fmt.number)(v, lang, d) + (f" ({t('derived', lang)})" if derived else "")
                   for v, derived, d, p in zip(a["target_value"], a["target_is_derived"], dec, pct)]
    return a.with_columns(value_text=pl.Series(value_text, dtype=pl.String),
                          target_text=pl.Series(target_text, dtype=pl.String),
                          short_name=versioned_names(query, a, lang, version))


def versioned_names(query: Query, frame: pl.DataFrame, lang: str, version: str | None) -> pl.Series:
    """`frame`'s short_name; a province not of `version` (the page's) whose name a province of `version`
    shares is named with its own version ("Đồng Tháp (63 tỉnh)": legacy 87's 2024 figures on a page in 2025
    Đồng Tháp's months). No `version`: every such shared name carries its version."""
    prov = query("unit_list").filter(pl.col("unit_level") == "province")
    shared = set(prov.group_by("short_name").agg(pl.col("boundary_version").n_unique().alias("n"))
                 .filter(pl.col("n") > 1)["short_name"])
    if version is not None:
        provinces_v = prov.filter(pl.col("boundary_version") != version)
    else:
        provinces_v = prov
    provinces = set(zip(provinces_v["boundary_version"], provinces_v["unit_code"]))
    suffix = {"legacy": lambda n: f"{n} {t('all_63_provinces', lang)}", "2025": lambda n: t("dti_in_34", lang, name=n)}
    return pl.Series("short_name", [suffix.get(v, lambda n: n)(n) if (v, c) in provinces and n in shared else n
                                    for v, c, n in frame.select("boundary_version", "unit_code", "short_name").iter_rows()],
                     dtype=pl.String)


def dti_goals(query: Query, lang: str = "vi") -> pl.DataFrame:
    """Every province's own DTI rank goals (targets of dti_rank from an article) against its published
    ranks, one row per unit and year (cnscd.views.dti.rank_goals), with the province's name."""
    goals = query("unit_targets").filter((pl.col("indicator_code") == "dti_rank") & ~pl.col("is_demo"))
    parts = [unit_dti_goals(query, code, version, lang)
             for code, version in goals.select("unit_code", "boundary_version").unique().sort("unit_code").iter_rows()]
    # years as text: a table would print the number 2022 as "2.022"
    return (collate.sort(pl.concat(parts), "goal_unit", maintain=True)
            .with_columns(pl.col("year").cast(pl.String), pl.col("goal_year").cast(pl.String))
            if parts else pl.DataFrame())


def unit_dti_goals(query: Query, code: str, version: str, lang: str = "vi") -> pl.DataFrame:
    """One province's rows of dti_goals (years as numbers): dti.rank_goals with the province's name, and
    a year ranked in the 34 provinces named as such (also the briefing pack's DTI table)."""
    g = dti.rank_goals(query, unit_code=code, boundary_version=version, lang=lang)
    names = query("unit_list").filter((pl.col("unit_code") == code) & (pl.col("boundary_version") == version))
    name = names["short_name"][0] if names.height else code
    in_34 = t("dti_in_34", lang, name=name)
    if g.height == 0:
        return g
    return g.with_columns(goal_unit=pl.lit(name), unit=pl.col("unit").fill_null(
        pl.when(pl.col("in_other_version")).then(pl.lit(in_34)).otherwise(pl.lit(name))))
