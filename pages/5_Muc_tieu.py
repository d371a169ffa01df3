"""Mục tiêu / Targets: progress against target per province with status colours, the units below a
threshold, and the achievements the articles report (recomputed from stored figure and target)."""
from __future__ import annotations

import streamlit as st

from cnscd import charts, fmt
from cnscd.ui import cache, state, widgets
from cnscd.text import column, t
from cnscd.views import targets as tv

# ---- set-up and widgets ---------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_targets", lang))
left, mid, right = st.columns([3, 3, 2])
indicator = widgets.indicator_select(lang, container=left, codes=cache.core_and_target_indicators(), core_only=False)
period = widgets.period_select(lang, container=mid)
threshold = state.number("thr", t("threshold", lang), 80, min_value=0, max_value=200, step=5, container=right,
                         format="%.0f")

# ---- data ---------------------------------------------------------------------------------------------
progress = cache.view(tv.progress, indicator=indicator, period=period.isoformat()) if period else None
nation = cache.view(tv.nation, indicator=indicator, period=period.isoformat()) if period else None

# ---- progress chart -----------------------------------------------------------------------------------
if progress is None or progress.height == 0:
    st.info(t("no_data", lang))
else:
    uom = cache.unit_of_measure(indicator, lang)
    year = progress["target_end"].max().year
    bv = cache.version_at(period)
    shown = progress.select("label", "unit_code", "value", "target_value", "pct", "is_demo")
    decimals = fmt.decimals_of_measure(cache.indicator(indicator))   # counts whole, rates one decimal
    meta = widgets.chart_meta(progress, lambda lg: t("progress_title", lg, year=year, ind=cache.indicator_name(indicator, lg),
                                                        place=t("nation_and_provinces", lg)),
                         lang, data=shown, unit=uom, period=fmt.month(period, lang),
                         boundary_version=cache.version_label(bv, lang), name=f"muc-tieu-{indicator}",
                         column_labels=widgets.export_labels(shown, lang),
                         decimals={"value": decimals, "target_value": decimals, "pct": 1})
    # the nation: a headline above and a reference line across the bars, not a bar among provinces
    ref = (nation["pct"], t("nation_reference", lang, pct=fmt.pct(nation["pct"], lang, 1))) if nation else None
    if nation:
        words = dict(pct=fmt.pct(nation["pct"], lang, 1), value=fmt.number(nation["value"], lang, decimals),
                     target=fmt.number(nation["target_value"], lang, decimals), unit=uom, n=nation["n_with_target"])
        headline = t("nation_headline", lang, **words) if nation["pooled"] else t("nation_headline_own", lang, **words)
        unreported = nation.get("n_target_unreported")   # left out of both sums: their figure is unknown, not 0
        st.markdown(headline + (" " + t("nation_unreported", lang, n=unreported) if unreported else ""))
    # built once per view and snapshot (cache.figure), shown and exported as is
    fig = cache.figure("targets_progress", lambda: charts.progress_bars(shown, meta, threshold=threshold,
                                                                       decimals=decimals, reference=ref), meta,
                      indicator=indicator, period=period, threshold=threshold, lang=lang)
    widgets.chart(fig, meta, key="targets_progress")
    widgets.view_downloads("targets_view", [(fig, meta)], t("page_targets", lang),
                      {t("indicator", lang): cache.indicator_name(indicator, lang), t("period", lang): fmt.month(period, lang)},
                      lang, cover=widgets.cover_line(t("nation_and_provinces", lang), fmt.month(period, lang),
                                                     cache.version_label(bv, lang), lang))

    # ---- units below the threshold ----------------------------------------------------------------
    st.subheader(t("targets_below", lang, thr=fmt.pct(threshold, lang, 0)))
    below = tv.below(progress, threshold)
    if below.height == 0:
        st.success(t("targets_none_below", lang))
    else:
        widgets.table(below.select("label", "value", "target_value", "pct"), lang, key="targets_below",
                 labels={"label": t("unit_col", lang), "value": t("value", lang), "target_value": t("target", lang),
                         "pct": t('measure_pct_target', lang)}, decimals={"pct": 1, "value": decimals,
                                                                            "target_value": decimals})
    widgets.demo_caption(meta.is_demo, lang)

# ---- achievements reported in articles ----------------------------------------------------------------
st.subheader(t("achievements", lang))
st.caption(t("achievements_note", lang))
ach = cache.view(tv.achievements, lang=lang, version=cache.version_at(period) if period else None)  # another version says so
if ach.height:
    name_col = column("name", lang)
    # value as the article words it ("hơn 74.422"), a back-calculated target marked "(suy ra)", and the
    # computed % beside the one the article states
    widgets.table(ach.select("short_name", name_col, "period_end", "value_text", "target_text", "achieved_pct",
                        "stated_pct_of_target", "quote_vi", "source_title", "source_url"), lang, key="targets_achievements",
             dates=("period_end",),
             labels={"short_name": t("unit_col", lang), name_col: t("indicator", lang), "period_end": t("period", lang),
                     "value_text": t("value", lang), "target_text": t("target", lang),
                     "achieved_pct": t("achieved_computed", lang), "stated_pct_of_target": t("achieved_stated", lang),
                     "quote_vi": t("quote", lang), "source_title": t("source", lang), "source_url": t("col_link", lang)},
             decimals={"achieved_pct": 1, "stated_pct_of_target": 1},   # the article by its title (not every one has a link)
             column_config={t("col_link", lang): st.column_config.LinkColumn(t("col_link", lang))})
else:
    st.info(t("no_data", lang))

# ---- the province's own DTI rank goals against its published ranks -----------------------------------
goals = cache.view(tv.dti_goals, lang=lang)
if goals.height:
    st.subheader(t("dti_goals", lang))
    st.caption(t("dti_goals_note", lang))
    widgets.table(goals.select("unit", "year", "rank_text", "goal_rank", "goal_year", "status", "goal_quote_vi",
                          "source_url"), lang, key="targets_dti_goals",
             labels={"unit": t("unit_col", lang), "year": t("col_year", lang), "rank_text": t("col_rank", lang),
                     "goal_rank": t("col_goal", lang), "goal_year": t("col_goal_year", lang),
                     "status": t("col_status", lang), "goal_quote_vi": t("quote", lang),
                     "source_url": t("source", lang)},
             column_config={t("source", lang): st.column_config.LinkColumn(t("source", lang))})
