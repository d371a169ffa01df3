"""So sánh tỉnh / Compare provinces: time series of chosen provinces with the national line, in one of
four measures, target lines and article figures; "as reported" (break at 1 July 2025) or "in today's 34
provinces" (re-aggregated through the crosswalk); a rank (bump) chart; the numbers in a table."""
from __future__ import annotations

import streamlit as st

from cnscd import charts, fmt, months
from cnscd.ui import cache, widgets
from cnscd.text import MEASURE_KEYS, MODE_KEYS, t, word
from cnscd.views import compare
from cnscd.views.common import break_date, today_version

# ---- set-up and widgets ---------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_compare_provinces", lang))
today = cache.view(today_version)
left, mid, right = st.columns([2, 2, 3])
indicator = widgets.indicator_select(lang, container=left)
measures = compare.measures_for(cache.indicator(indicator)["aggregation"], cache.has_targets(indicator))
measure = widgets.choice("measure", t("measure", lang), {m: word(MEASURE_KEYS, m, lang) for m in measures}, "abs",
                    kind="selectbox", container=mid)
mode = widgets.choice("mode", t("boundary_mode", lang), {m: word(MODE_KEYS, m, lang) for m in compare.MODES}, "reported",
                 kind="segmented", container=right)
codes = widgets.province_select(lang, today, cache.default_provinces(today))
base = widgets.period_select(lang, name="base", label=t("base_period", lang), default=cache.month_ends()[0],
                        kind="selectbox") if measure == "index" else None
base_key = months.key(base) if base else ""

# ---- data -------------------------------------------------------------------------------------------------
bundle = cache.view(compare.all_provinces, indicator=indicator, mode=mode, measure=measure, base=base_key)
pooled = measure == "pct_target" and cache.indicator(indicator)["aggregation"] == "sum"
nation = f'{t("nation", lang)} ({t("nation_pooled", lang)})' if pooled else t("nation", lang)
sel = compare.select(bundle, cache.query, codes, mode, nation, t("all_63_provinces", lang))
series = sel["series"]
if series.height == 0:
    st.info(t("no_data", lang))
    st.stop()
ind_name, uom = cache.indicator_name(indicator, lang), cache.unit_of_measure(indicator, lang)
shown_unit = {"abs": uom, "per1000": t("unit_per1000", lang, unit=uom),
              "index": t("measure_index_at", lang, period=fmt.month(base, lang)) if base else t("measure_index", lang),
              "pct_target": "%"}[measure]
# counts whole, rates / % of target / index one decimal, per 1,000 as its size needs (cnscd.fmt)
decimals = fmt.decimals_of_measure(cache.indicator(indicator), measure, series["shown"].drop_nulls().to_list())
value_decimals = fmt.decimals_of_measure(cache.indicator(indicator), "abs", series["value"].drop_nulls().to_list())
about = compare.describe(series)
period_txt = t("period_range", lang, start=fmt.month(about["start"], lang), end=fmt.month(about["end"], lang))
bv_txt = cache.mode_label(mode, lang)
plotted = compare.version_words(about["plotted"], lambda v: cache.version_label(v, lang))
prov = cache.provinces(today)
prov_names = dict(zip(prov["unit_code"], prov["short_name"]))
places = [prov_names[c] for c in codes if c in prov_names]   # the chart names what it compares: up to three
places_txt = ", ".join(places) if len(places) <= 3 else t("n_places", lang, n=len(places))
meta = widgets.chart_meta(series, lambda lg: t("compare_title", lg, ind=cache.indicator_name(indicator, lg),
                                               measure=word(MEASURE_KEYS, measure, lg), places=places_txt),
                     lang, data=plotted, unit=shown_unit, period=period_txt, boundary_version=bv_txt,
                     name=f"so-sanh-tinh-{indicator}",
                     column_labels=widgets.export_labels(plotted, lang,
                                                    shown=shown_unit if measure == "index" else
                                                    f"{word(MEASURE_KEYS, measure, lang)} ({shown_unit})",
                                                    index_base=t("col_index_base", lang), pooled=t("col_pooled", lang)),
                     decimals={"value": value_decimals, "shown": decimals})

# ---- charts: each built once per view and snapshot (cache.figure), shown and exported as is -----------
view = dict(indicator=indicator, mode=mode, measure=measure, base=base_key, codes=codes, lang=lang)
lines = compare.lines(series)
targets = sel["targets"] if measure == "abs" else None
seeds = sel["seeds"] if measure == "abs" else None
brk = cache.view(break_date) if mode == "reported" else None
apart = compare.nation_apart(cache.indicator(indicator)["aggregation"], measure)
undefined = compare.base_zero_labels(series)
rebased = [f"{name} {fmt.month(day, lang)}" for name, day in compare.later_base(series, base)]
fig = cache.figure("compare_series", lambda: charts.time_series(
    lines, meta, targets=targets, seeds=seeds, break_date=brk, decimals=decimals,
    ref_line=100.0 if measure in ("pct_target", "index") else None, nation_panel=apart, undefined=undefined,
    rebased=rebased),
    meta, **view)
if undefined:
    st.info(t("index_base_zero_info", lang, names=", ".join(undefined)))
if rebased:   # a line formed after the base month is indexed to its first month (views.compare.with_index)
    st.info(t("index_later_base_info", lang, base=fmt.month(base, lang), lines="; ".join(rebased)))
for day, n, total in compare.partly_pooled(series)[-3:]:   # the nation's % of target over only some provinces
    st.info(t("pooled_partial_info", lang, n=n, total=total, period=fmt.month(day, lang)))
widgets.chart(fig, meta, key="compare_series")
views = [(fig, meta)]

ranks = compare.ranks(series)
if ranks.height:
    rank_meta = widgets.chart_meta(series, lambda lg: t("rank_title", lg, ind=cache.indicator_name(indicator, lg),
                                                                measure=word(MEASURE_KEYS, measure, lg)), lang,
                              data=about["rank_data"], unit=t("rank", lang), period=period_txt,
                              boundary_version=bv_txt, name=f"xep-hang-{indicator}",
                              column_labels=widgets.export_labels(about["rank_data"], lang))
    rank_fig = cache.figure("compare_rank", lambda: charts.rank_chart(ranks, rank_meta), rank_meta, **view)
    widgets.chart(rank_fig, rank_meta, key="compare_rank")
    views.append((rank_fig, rank_meta))

# ---- numbers under the chart --------------------------------------------------------------------------
st.subheader(t("table_title", lang))
wide = compare.table(series, {name: t("index_line_base", lang, name=name, period=fmt.month(day, lang))
                              for name, day in compare.later_base(series, base)})
widgets.table(wide, lang, labels={"period_end": t("period", lang)}, dates=("period_end",),
         decimals={c: decimals for c in wide.columns}, key="compare_table", height=320)
widgets.demo_caption(meta.is_demo, lang)
widgets.view_downloads("compare_view", views, t("page_compare_provinces", lang),
                  {t("indicator", lang): ind_name, t("measure", lang): word(MEASURE_KEYS, measure, lang),
                   t("boundary_mode", lang): word(MODE_KEYS, mode, lang),
                   t("provinces", lang): ", ".join(compare.labels(series))}, lang,
                  cover=widgets.cover_line(places_txt, period_txt, bv_txt, lang))
