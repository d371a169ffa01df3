"""Tổng quan / Overview: national headline cards with change and trend, "what changed" sentences, the
national trends chart and a table of headline figures per province."""
from __future__ import annotations

import streamlit as st

from cnscd import charts, fmt
from cnscd.ui import cache, unit_picker, widgets
from cnscd.text import column, t
from cnscd.views import overview

# ---- set-up and widgets ---------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_overview", lang))
left, right = st.columns([3, 1])
period = widgets.period_select(lang, container=left)
if period is None:
    st.info(t("no_data", lang))
    st.stop()
version_label = cache.version_label(cache.version_at(period), lang)
period_label = fmt.month(period, lang)

# ---- data ---------------------------------------------------------------------------------------------
snap = cache.view(overview.snapshot, period=period.isoformat())
catalogue = cache.indicators()

# ---- headline cards of the nation or one province (the map's drill-down sets the same `unit`) ------
version = cache.version_at(period)
names = overview.unit_options(snap, t("nation", lang))
unit = unit_picker.unit_select(lang, version, {c: n for c, n in names.items() if c != "VN"}, t("unit_col", lang),
                           nation_label=names["VN"], container=right)
st.subheader(t("overview_unit", lang, unit=unit_picker.place(lang, unit, names[unit.code]), period=period_label))
unit_picker.lineage_block(lang, unit)
cards = overview.cards(snap, catalogue, lang, period, unit=unit.code)
cols = st.columns(4)
for i, card in enumerate(cards):
    with cols[i % 4].container(border=True, height=250):
        st.metric(card["label"], card["value"], delta=card["delta"], chart_data=card["spark"], chart_type="area",
                  delta_description=card["delta_help"], help=card["help"],
                  delta_color="normal" if card["higher_is_better"] else "inverse")
        st.caption(" · ".join(x for x in (card["unit"], card["target"]) if x))

# ---- what changed --------------------------------------------------------------------------------------
st.subheader(t("what_changed", lang))
st.markdown("\n".join(f"- {s}" for s in overview.what_changed(snap, catalogue, lang, period)) or t("no_data", lang))

# ---- national trends chart ------------------------------------------------------------------------
trend = overview.headline_frame(snap, catalogue, lang)
if trend.height:
    start = fmt.month(trend["period_end"].min(), lang)
    # the sources of the whole snapshot (the headline lines are the nation's sums of them)
    meta = widgets.chart_meta(snap, lambda lg: t("headline_title", lg), lang, data=trend,
                         is_demo=bool(trend["is_demo"].any()),
                         period=t("period_range", lang, start=start, end=period_label), boundary_version=version_label,
                         name="tong-quan-chi-tieu", column_labels=widgets.export_labels(trend, lang, label=t("indicator", lang)),
                         decimals={"value": "decimals"})  # each indicator's row as its line shows it
    fig = cache.figure("overview_headline", lambda: charts.headline(trend, meta), meta, period=period, lang=lang)
    widgets.chart(fig, meta, key="overview_headline")
    widgets.view_downloads("overview_view", [(fig, meta)], t("page_overview", lang), {t("period", lang): period_label}, lang)

# ---- provinces table -----------------------------------------------------------------------------------
st.subheader(t("overview_provinces", lang, period=period_label))
table = overview.province_table(snap)
if table.height:
    names = dict(zip(catalogue["indicator_code"], catalogue[column("name", lang)]))
    labels = {c: names.get(c, c) for c in table.columns} | {
        "short_name": t("unit_col", lang), "teams_delta": f"Δ {names['teams_total']}",
        "teams_pct_target": f"{names['teams_total']}: % {t('target', lang).lower()}", "teams_trend": t("trend", lang)}
    decimals = {c: 1 for c in table.columns if c.endswith("_pct") or c == "teams_pct_target"}
    widgets.table(table.drop("unit_code"), lang, labels=labels, decimals=decimals, key="overview_table",
             column_config={labels["teams_trend"]: st.column_config.AreaChartColumn(labels["teams_trend"])})
    widgets.demo_caption(bool(snap["is_demo"].any()), lang)
