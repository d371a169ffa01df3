"""Bản đồ / Map: a choropleth of any indicator and month, by province or by district (legacy) /
commune (2025), nationally or inside one province; click a province to drill in. Optionally two
months side by side (e.g. June 2025 under the 63 provinces beside June 2026 under the 34)."""
from __future__ import annotations

import streamlit as st

from cnscd import fmt, months, text
from cnscd.ui import cache, layout, map_panel, state, unit_picker, widgets
from cnscd.views import dti, mapdata
from cnscd.text import pick, t
from cnscd.unitref import UnitRef
from cnscd.views.view import View

# --- set-up -------------------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_map", lang))

# --- what to show, when and where: in the sidebar (cnscd/ui/layout.py), beside the map on a laptop or
# projector, one tap away on a phone, where the map comes first ------------------------------------
with layout.controls():
    st.markdown(f"**{t('map_controls', lang)}**")
    # the core indicators and the provincial DTI (a yearly index: a month shows its year's DTI)
    indicator_code = widgets.indicator_select(lang, core_only=False, codes=dti.map_indicator_codes(cache.indicators()))
    indicator = cache.indicator(indicator_code)
    measures = mapdata.measures_for(indicator["aggregation"])
    measure = widgets.choice("measure", t("measure", lang),
                             {m: text.word(text.MEASURE_KEYS, m, lang) for m in measures}, "abs", kind="selectbox")
    c1, c2 = st.columns([3, 2])
    with c1:
        scheme = widgets.choice("scheme", t("scheme", lang),
                                {s: text.word(text.SCHEME_KEYS, s, lang) for s in mapdata.SCHEMES},
                                "quantiles", kind="selectbox")
    k = state.select("k", t("n_classes", lang), [3, 4, 5, 6, 7], 5, container=c2)
    # when: period slider with play
    period = widgets.period_select(lang)
    map_panel.play_button(lang, [months.key(d) for d in cache.month_ends()], months.key(period))
    version = cache.version_at(period)
    base = None
    if measure == "change":
        base = widgets.period_select(lang, name="base", versions=[version], label=t("base_period", lang),
                                     default=cache.periods().filter(boundary_version=version)["period_end"].min(),
                                     kind="selectbox")
    # where: nation or one province, and the level drawn
    province = map_panel.area_select(lang, version)
    child = mapdata.CHILD_LEVEL[version]
    level = child
    if province is None:
        level_choice = widgets.choice("level", t("map_level", lang),
                                      {"province": t("level_province", lang),
                                       "child": t("map_level_child_2025" if version == "2025"
                                                  else "map_level_child_legacy", lang)}, "province")
        level = "province" if level_choice == "province" else child
    two = state.toggle("cmp", t("compare_two", lang), False)
    period2 = None
    if two:
        # the right-hand month defaults to the latest under the other boundaries (the reform side by side)
        other = [d for d in cache.month_ends() if cache.version_at(d) != version]
        period2 = widgets.period_select(lang, name="period2", label=t("period_right", lang), kind="selectbox",
                                        default=other[-1] if other and other[-1] > period else cache.latest_period())
with layout.narrow_only():
    st.caption(t("map_controls_hint", lang))
map_panel.back_button(lang, province)
unit_picker.lineage_block(lang, UnitRef(version, province) if province else None)  # what a merged province is made of

# --- the map(s): one view, read once from the controls above ---------------------------------
view = View(lang=lang, period=period, version=version, indicator=indicator_code, level=level, measure=measure,
            base=base, scheme=scheme, k=k, unit=UnitRef(version, province) if province else None)
views: list = []  # every map drawn, for the view's slides / PDF report
if level == "province" and province is None:
    st.caption(t("click_hint", lang))
if not two:
    hit = map_panel.map_block(view, side="one", collect=views)
else:
    # one set of classes from both months' values: the same colour is the same value on both maps
    view, view2 = map_panel.share_classes(view, map_panel.beside(view, period2))
    left, right = st.columns(2)
    with left:
        hit = map_panel.map_block(view, side="left", collect=views)
    with right:
        hit2 = map_panel.map_block(view2, side="right", collect=views)
        if hit2 and hit is None:
            hit = hit2 if view2.version == version else mapdata.successor(cache.query, hit2, view2.version, version)

area = map_panel.area_name(view)
widgets.view_downloads("map_view", views, t("view_title", lang, page=t("page_map", lang), place=area),
                  {t("area", lang): area, t("indicator", lang): pick(indicator, "name", lang),
                   t("measure", lang): text.word(text.MEASURE_KEYS, measure, lang),
                   t("period", lang): fmt.month(period, lang)}, lang,
                  cover=widgets.cover_line(area, fmt.month(period, lang), cache.version_label(version, lang), lang))

# --- drill into a clicked province --------------------------------------------------------------
if hit:
    state.put("unit", str(UnitRef(version, hit)))
    st.rerun()
