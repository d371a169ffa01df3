"""Streamlit glue of the map page: area picker with drill-down, play button, one map panel.

Kept out of pages/2_Ban_do.py so the page stays a list of controls and calls. State that a
link must carry lives in the URL through cnscd.ui.state: `unit` (the province drilled into),
`level`, `period`, `period2`, `cmp`, `measure`, `base`, `scheme`, `k`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from cnscd import collate, fmt, text
from cnscd.ui import cache, layout, state, unit_picker, widgets
from cnscd.views import dti, mapdata
from cnscd.charts import maps
from cnscd.charts.meta import ChartMeta
from cnscd.text import pick, t
from cnscd.unitref import UnitRef
from cnscd.views.view import View

PLAYING = "_map_playing"
FULL_RUN = "_map_full_run"


def plotly_config(lang: str) -> dict[str, Any]:
    return {"displaylogo": False, "locale": "vi" if lang == "vi" else "en",
            "topojsonURL": maps.EMPTY_TOPOJSON_URL, "scrollZoom": True}


def area_select(lang: str, version: str) -> str | None:
    """Nation or one province of `version` (URL `unit` = `2025:82` / `legacy:87`, absent for the nation;
    a unit of the other version or an old link's bare code is carried across, cnscd.ui.unit_picker)."""
    prov = collate.sort(cache.provinces(version), "short_name")
    names = dict(zip(prov["unit_code"], prov["short_name"]))
    chosen = unit_picker.unit_select(lang, version, names, t("area", lang), nation_label=t("whole_country", lang))
    if chosen.is_nation:
        state.put("unit", None)
        return None
    return chosen.code


def back_button(lang: str, province: str | None) -> None:
    if province and st.button(t("back", lang), key="map_back"):
        state.put("unit", None)
        st.rerun()


def next_period(keys: list[str], current: str) -> str | None:
    """The month after `current`, or None at the end (play stops there)."""
    i = keys.index(current) if current in keys else -1
    return keys[i + 1] if i + 1 < len(keys) else None


def play_button(lang: str, keys: list[str], current: str) -> None:
    """Play steps the period slider once per tick (a fragment timer) until the last month."""
    playing = st.session_state.get(PLAYING, False)
    if st.button(t("pause" if playing else "play", lang), key="map_play"):
        playing = not playing
        st.session_state[PLAYING] = playing
        if playing and next_period(keys, current) is None:
            state.put("period", keys[0])  # at the end: start again from the first month
        st.rerun()
    if playing:
        st.session_state[FULL_RUN] = True
        _ticker(keys)


@st.fragment(run_every=1.5)
def _ticker(keys: list[str]) -> None:
    if st.session_state.pop(FULL_RUN, False):
        return  # the call inside a full run only arms the timer; timer runs step
    nxt = next_period(keys, state.raw("period") or keys[-1])
    if nxt is None:
        st.session_state[PLAYING] = False
    else:
        state.put("period", nxt)
    st.rerun()


def map_block(view: View, *, side: str, collect: list | None = None) -> str | None:
    """Draw one map of `view` with its caption and download menu; return a clicked province code.

    `collect`, when given, receives (figure, meta) for the view's slide deck / PDF report."""
    lang, code, level, version, province = view.lang, view.indicator, view.level, view.version, view.province
    period_end, measure = view.period, view.measure
    indicator = cache.indicator(code)
    try:
        layer = maps.layer_for(level, version, province)
    except (ValueError, FileNotFoundError) as exc:
        st.warning(t("no_layer", lang, msg=exc))
        return None
    frame, classes = frame_of(view, breaks=view.shared_breaks)
    frame = text.in_lang(frame, "source_title", lang)    # hover, caption and export in one language
    uom = pick(indicator, "unit_of_measure", lang)
    m_unit = mapdata.measure_unit(measure, uom, lang)
    flags = mapdata.meta_flags(frame, lang)
    period_txt = fmt.month(period_end, lang)
    boundary = cache.version_label(version, lang)
    source = ", ".join(flags["sources"]) or "–"
    # counts whole, rates 1 decimal, per 1,000 as their size needs, the DTI as published (cnscd.fmt)
    decimals = fmt.decimals_of_measure(indicator, measure, frame["measure_value"].drop_nulls().to_list())
    dec_value = fmt.decimals_of_measure(indicator, "abs", frame["value"].drop_nulls().to_list())
    # the title names the measure unless it is the plain value ("Thành viên · Trên 1.000 dân — Đồng Tháp, …")
    ind_vi, ind_en = indicator["name_vi"], indicator["name_en"]
    if measure != "abs":
        ind_vi = f"{ind_vi} · {text.word(text.MEASURE_KEYS, measure, 'vi')}"
        ind_en = f"{ind_en} · {text.word(text.MEASURE_KEYS, measure, 'en')}"
    meta = ChartMeta(title_vi=t("map_chart_title", "vi", ind=ind_vi, area=area_name(view, "vi"), period=fmt.month(period_end, "vi")),
                     title_en=t("map_chart_title", "en", ind=ind_en, area=area_name(view, "en"), period=fmt.month(period_end, "en")),
                     unit=m_unit, period=period_txt, boundary_version=boundary, source=source,
                     is_demo=flags["is_demo"], is_approximate_boundaries=layer.is_approximate, lang=lang,
                     data=collate.sort(frame.select("unit_code", "display_name_full", "value", "measure_value", "rank",
                                                    "target_value", "pct_target", "source_title", "is_demo"),
                                       "display_name_full", "unit_code"),   # the export's rows in Vietnamese order
                     column_labels=column_labels(lang, m_unit),
                     decimals={"value": dec_value, "measure_value": decimals, "target_value": dec_value,
                               "pct_target": 1, "rank": 0},
                     name=f"map_{code}_{fmt.month(period_end, 'en').replace('/', '-')}_{version}_{province or 'VN'}")
    annual = dti.is_annual(code)  # the DTI: a published yearly index, grey = "chưa công bố"

    url = geojson_url(layer)
    height = maps.panel_height(province, two=side != "one", phone=layout.is_phone())
    # built once per view and snapshot (cache.figure), shown and exported as is
    fig = cache.figure("map", lambda: maps.choropleth(
        layer, frame, classes, meta, measure_unit=m_unit, value_unit=uom, decimals=decimals,
        show_raw=measure != "abs", labels=maps.island_labels(version, province, lang), geojson_url=url,
        no_report_label=t("dti_not_published", lang) if annual else None,
        higher_is_better=bool(indicator["higher_is_better"]),
        shared_note=t("map_shared_classes", lang) if view.shared_breaks else None,
        height=height), meta, geojson_url=url, height=height, **view.params())
    key = f"map_{side}_{version}_{level}_{province or 'VN'}"
    widgets.encode_once(fig)   # its JSON made once per cached figure, not on every rerun
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points",
                            config=plotly_config(lang), width="stretch")
    notes = [n for n, on in ((t("approx_note", lang), layer.is_approximate), (t("demo_note", lang), flags["is_demo"])) if on]
    st.caption(" · ".join([t("map_caption", lang, unit=m_unit, period=period_txt, boundary=boundary, source=source), *notes]))
    if annual:
        st.caption(cache.view(dti.caption, indicator=code, version=version, period_end=period_end, lang=lang))
    missing = int((~frame["has_report"] & frame["is_reporting"].fill_null(True)).sum())  # Hoàng Sa: "no data"
    if missing and not annual:
        st.caption(t("no_report_count", lang, n=missing))
    from cnscd.ui.downloads import download_menu

    download_menu(key, fig, meta)
    if collect is not None:
        collect.append((fig, meta))
    return clicked(event, layer, province_of_unit=level != "province") if province is None else None


def frame_of(view: View, breaks: tuple[float, ...] | None = None) -> tuple[pl.DataFrame, Any]:
    """The map frame and classes of `view` (cached): its own classes, or the shared `breaks`."""
    indicator = cache.indicator(view.indicator)
    return cache.view(mapdata.map_frame, indicator=view.indicator, period_end=view.period, version=view.version,
                      level=view.level, province=view.province, measure=view.measure, base_period=view.base,
                      scheme=view.scheme, k=view.k, higher_is_better=bool(indicator["higher_is_better"]),
                      breaks=breaks)


def share_classes(left: View, right: View) -> tuple[View, View]:
    """The two side-by-side views with one set of class edges computed from both maps' values (same
    colour = same value), when their measures are comparable (mapdata.comparable); else as they are."""
    if not mapdata.comparable(left, right):
        return left, right
    edges = mapdata.shared_breaks([frame_of(left)[0], frame_of(right)[0]], left.scheme, left.k)
    return left.replace(shared_breaks=edges), right.replace(shared_breaks=edges)


def area_name(view: View, lang: str | None = None) -> str:
    """What a map of `view` covers, in words: the whole country or the province (its side of 1/7/2025)."""
    lang = lang or view.lang
    if view.unit is None:
        return t("whole_country", lang)
    name = cache.provinces(view.version).filter(pl.col("unit_code") == view.province)["short_name"].first()
    return unit_picker.place(lang, view.unit, name)


def beside(view: View, period: dt.date) -> View:
    """The view of the right-hand map at `period`: the same indicator, measure and classes; the unit
    carried across the reform when the month is under the other boundaries (its level with it); a
    'change' measure only where its base month exists under those boundaries."""
    version = cache.version_at(period)
    if version == view.version:
        return view.replace(period=period)
    unit = None if view.unit is None else UnitRef(version, mapdata.successor(cache.query, view.province, view.version, version))
    level = view.level if view.level == "province" else mapdata.CHILD_LEVEL[version]
    return view.replace(period=period, version=version, unit=unit, level=level, base=None,
                        measure="abs" if view.measure == "change" else view.measure)


def geojson_url(layer: maps.MapLayer) -> str | None:
    """The layer's static GeoJSON URL when the server serves `static/` (.streamlit/config.toml
    server.enableStaticServing) and the layer is big enough to be worth a file; else None (inline)."""
    if not st.get_option("server.enableStaticServing"):
        return None
    return maps.static_url(layer)


def column_labels(lang: str, measure_unit: str) -> dict[str, str]:
    """Headers of the exported table (CSV / XLSX) in the page's language."""
    return {"unit_code": t("col_unit_code", lang), "display_name_full": t("unit_col", lang), "value": t("value", lang),
            "measure_value": f"{t('measure', lang)} ({measure_unit})", "rank": t("rank", lang),
            "target_value": t("target", lang), "pct_target": t("measure_pct_target", lang),
            "source_title": t("source", lang), "is_demo": t("col_is_demo", lang)}


def clicked(event: Any, layer: maps.MapLayer, province_of_unit: bool = False) -> str | None:
    """The unit code of a clicked feature (customdata carries it; location is the feature id), or
    with `province_of_unit` the province it lies in (a click on a district drills into its province)."""
    sel = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", None) or {}
    points = sel.get("points", []) if isinstance(sel, dict) else getattr(sel, "points", []) or []
    for p in points:
        cd = p.get("customdata")
        if cd and len(cd) > 9 and cd[7]:
            return str(cd[9] if province_of_unit else cd[7])
        loc = p.get("location")
        if not province_of_unit and loc is not None and str(loc).isdigit() and int(loc) < len(layer.feature_codes):
            return layer.feature_codes[int(loc)]
    return None
