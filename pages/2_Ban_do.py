"""Bản đồ / Map: a choropleth of any indicator and month, by province or by district (legacy) /
commune (2025), nationally or inside one province; click a province to drill in. Optionally two
months side by side (e.g. June 2025 under the 63 provinces beside June 2026 under the 34)."""
from __future__ import annotations

import streamlit as st

from cnscd import data, dti, fmt, map_ui, mapdata, months, state, ui, unit_ui
from cnscd.i18n_map import t
from cnscd.unitref import UnitRef

# --- set-up -------------------------------------------------------------------------------------
lang = ui.lang()
ui.warehouse_or_stop(lang)
st.title(t("map_title", lang))

# --- what to show -------------------------------------------------------------------------------
c1, c2, c3, c4 = st.columns([3, 3, 2, 1])
# the core indicators and the provincial DTI (a yearly index: a month shows its year's DTI)
indicator_code = ui.indicator_select(lang, container=c1, core_only=False,
                                     codes=dti.map_indicator_codes(data.indicators()))
indicator = data.indicator(indicator_code)
measures = mapdata.measures_for(indicator["aggregation"])
measure_names = {"abs": t("measure_abs", lang), "per1000": t("measure_per1000", lang),
                 "pct_target": t("measure_pct_target", lang), "change": t("measure_change", lang)}
with c2:
    measure = ui.choice("measure", t("measure", lang), {m: measure_names[m] for m in measures}, "abs",
                        kind="selectbox")
with c3:
    scheme = ui.choice("scheme", t("scheme", lang), {s: t(f"scheme_{s}", lang) for s in mapdata.SCHEMES},
                       "quantiles", kind="selectbox")
k = state.select("k", t("n_classes", lang), [3, 4, 5, 6, 7], 5, container=c4)

# --- when: period slider with play --------------------------------------------------------------
p1, p2 = st.columns([8, 1], vertical_alignment="bottom")
period = ui.period_select(lang, container=p1)
with p2:
    keys = [months.key(d) for d in data.month_ends()]
    map_ui.play_button(lang, keys, months.key(period))
version = data.version_at(period)
base = None
if measure == "change":
    base = ui.period_select(lang, name="base", versions=[version], label=t("base_period", lang),
                            default=data.periods().filter(boundary_version=version)["period_end"].min(),
                            kind="selectbox")

# --- where: nation or one province, and the level drawn -----------------------------------------
a1, a2, a3, a4 = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
with a1:
    province = map_ui.area_select(lang, version)
child = mapdata.CHILD_LEVEL[version]
if province is None:
    with a2:
        level_choice = ui.choice("level", t("map_level", lang),
                                 {"province": t("map_level_province", lang),
                                  "child": t(f"map_level_child_{version}", lang)}, "province")
    level = "province" if level_choice == "province" else child
else:
    level = child
    with a2:
        map_ui.back_button(lang, province)
with a3:
    two = state.toggle("cmp", t("compare_two", lang), False)
unit_ui.lineage_block(lang, UnitRef(version, province) if province else None)  # what a merged province is made of

# --- the map(s) ---------------------------------------------------------------------------------
views: list = []  # every map drawn, for the view's slides / PDF report
args = dict(indicator=indicator, measure=measure, scheme=scheme, k=k, collect=views)
if level == "province" and province is None:
    st.caption(t("click_hint", lang))
if not two:
    hit = map_ui.map_block(lang, side="one", period_end=period, base=base, level=level, version=version,
                           province=province, **args)
else:
    # the right-hand month defaults to the latest under the other boundaries (the reform side by side)
    other = [d for d in data.month_ends() if data.version_at(d) != version]
    period2 = ui.period_select(lang, name="period2", label=t("period_right", lang), kind="selectbox", container=a4,
                              default=other[-1] if other and other[-1] > period else data.latest_period())
    version2 = data.version_at(period2)
    province2 = province if version2 == version or province is None else \
        mapdata.successor(data.query, province, version, version2)
    level2 = level if level == "province" else mapdata.CHILD_LEVEL[version2]
    base2 = base if version2 == version else None
    measure2 = measure if (measure != "change" or base2 is not None) else "abs"
    left, right = st.columns(2)
    with left:
        hit = map_ui.map_block(lang, side="left", period_end=period, base=base, level=level, version=version,
                               province=province, **args)
    with right:
        hit2 = map_ui.map_block(lang, side="right", period_end=period2, base=base2, level=level2,
                                version=version2, province=province2, **(args | {"measure": measure2}))
        if hit2 and hit is None:
            hit = hit2 if version2 == version else mapdata.successor(data.query, hit2, version2, version)

ui.view_downloads("map_view", views, t("page_map", lang),
                  {t("indicator", lang): indicator["name_en" if lang == "en" else "name_vi"],
                   t("period", lang): fmt.month(period, lang)}, lang)

# --- drill into a clicked province --------------------------------------------------------------
if hit:
    state.put("unit", str(UnitRef(version, hit)))
    st.rerun()
