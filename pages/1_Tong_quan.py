"""Tổng quan / Overview: the headline cards of the nation or one province with change and trend, "what
changed" sentences, its trends chart and a table of its units (the nation's provinces; a province's
districts before 7/2025, communes after). Everything follows the one `View` (unit, period)."""
from __future__ import annotations

import streamlit as st

from cnscd import charts, fmt
from cnscd.ui import cache, layout, unit_picker, widgets
from cnscd.text import CHILDREN_KEYS, UNITS_TABLE_KEYS, column, t, word
from cnscd.ui.downloads import brief_buttons
from cnscd.views import overview
from cnscd.views.view import View

# ---- set-up and widgets ---------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_overview", lang))
left, right = st.columns([3, 1])
period = widgets.period_select(lang, container=left)
if period is None:
    st.info(t("no_data", lang))
    st.stop()
version = cache.version_at(period)
version_label = cache.version_label(version, lang)
period_label = fmt.month(period, lang)

# ---- the unit: the nation or one province (the map's drill-down sets the same `unit`) --------------
snap = cache.view(overview.snapshot, period=period.isoformat())
catalogue = cache.indicators()
names = overview.unit_options(snap, t("nation", lang))
unit = unit_picker.unit_select(lang, version, {c: n for c, n in names.items() if c != "VN"}, t("unit_col", lang),
                               nation_label=names["VN"], container=right)
# the page's one view: its charts, their exports, the slides and the figure cache all take it
view = View(lang=lang, period=period, version=version, indicator=overview.VIEW_INDICATOR,
            unit=None if unit.is_nation else unit,
            level="province" if unit.is_nation else overview.CHILD_LEVEL[version])
place = unit_picker.place(lang, view.unit, names[unit.code])
below = None if view.unit is None else cache.view(overview.children, period=period.isoformat(), province=view.province)

# ---- headline cards ------------------------------------------------------------------------------------
st.subheader(t("overview_unit", lang, unit=place, period=period_label))
unit_picker.lineage_block(lang, view.unit)
cards = overview.cards(snap, catalogue, lang, period, unit=unit.code)
# rows of four: on a phone the columns stack, and row by row they stack in reading order
for n, row in enumerate(cards[i:i + 4] for i in range(0, len(cards), 4)):
    for k, (col, card) in enumerate(zip(st.columns(4), row)):
        # a label may take two lines; stacked on a phone, the card's own height (layout.CARD_KEY)
        with col.container(border=True, height=290, key=f"{layout.CARD_KEY}_{4 * n + k}"):
            st.metric(card["label"], card["value"], delta=card["delta"], delta_description=card["delta_help"],
                      help=card["help"], delta_color="normal" if card["higher_is_better"] else "inverse")
            widgets.card_sparkline(card)   # an SVG picture, not st.metric's Vega chart: no chart code before the first chart
            st.caption(" · ".join(x for x in (card["unit"], card["target"]) if x))
brief_buttons(lang, unit, period)  # the province's monthly briefing pack (cnscd/brief.py), built on click

# ---- what changed: among the provinces, or among the province's own units ----------------------------
st.subheader(t("what_changed", lang))
among = None if view.unit is None else word(CHILDREN_KEYS, version, lang)
sentences = overview.what_changed(snap, catalogue, lang, period, unit=unit.code, place=place, below=below,
                                  among=among, units=cache.view(overview.table_units, period=period.isoformat(),
                                                                province=view.province))
st.markdown("\n".join(f"- {s}" for s in sentences) or t("no_data", lang))

# ---- the unit's trends chart, and the whole view as slides / PDF report --------------------------------
trend = overview.headline_frame(snap, catalogue, lang, unit=unit.code)
if trend.height:
    start = fmt.month(trend["period_end"].min(), lang)
    place_in = {lg: unit_picker.place(lg, view.unit, t("nation", lg) if view.unit is None else names[unit.code])
                for lg in ("vi", "en")}
    # the sources behind the unit's lines (the nation's: the whole snapshot, its lines are sums of them)
    meta = widgets.chart_meta(overview.rows_of(snap, unit.code), lambda lg: t("headline_title", lg, place=place_in[lg]),
                              lang, data=trend, is_demo=bool(trend["is_demo"].any()),
                              period=period_label if start == period_label else
                              t("period_range", lang, start=start, end=period_label),
                              boundary_version=version_label, name=f"tong-quan-chi-tieu_{unit.code}_{period:%Y-%m}",
                              column_labels=widgets.export_labels(trend, lang, label=t("indicator", lang)),
                              decimals={"value": "decimals"})  # each indicator's row as its line shows it
    fig = cache.figure("overview_headline", lambda: charts.headline(trend, meta), meta, **view.params())
    widgets.chart(fig, meta, key="overview_headline")
    widgets.view_downloads("overview_view", [(fig, meta)], t("view_title", lang, page=t("page_overview", lang),
                                                              place=place),
                           {t("unit_col", lang): place, t("period", lang): period_label}, lang,
                           cover=widgets.cover_line(place, period_label, version_label, lang))

# ---- the units table: the nation's provinces, or the province's districts / communes -------------------
st.subheader(t(UNITS_TABLE_KEYS[view.level], lang, unit=place, period=period_label))
listed = snap if below is None else below
units = cache.view(overview.table_units, period=period.isoformat(), province=view.province)
table = overview.units_table(listed, view.level, units, lang)   # every unit, "chưa báo cáo" where none
if table.height:
    ind_names = dict(zip(catalogue["indicator_code"], catalogue[column("name", lang)]))
    labels = {c: ind_names.get(c, c) for c in table.columns} | {
        "short_name": t("unit_col", lang), "report": t("col_report", lang), "teams_delta": f"Δ {ind_names['teams_total']}",
        "teams_pct_target": f"{ind_names['teams_total']}: {t('measure_pct_target', lang)}", "teams_trend": t("trend", lang)}
    decimals = {c: 1 for c in table.columns if c.endswith("_pct") or c == "teams_pct_target"}
    widgets.table(table.drop("unit_code"), lang, labels=labels, decimals=decimals, key="overview_table",
                  column_config={labels["teams_trend"]: st.column_config.AreaChartColumn(labels["teams_trend"])})
    widgets.demo_caption(bool(listed["is_demo"].any()), lang)
