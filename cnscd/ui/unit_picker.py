"""Streamlit glue of a unit reference (cnscd.unitref): the `unit` picker of every page that shows one
unit (overview, map, districts), the note when a period change or an old link moved the unit across the
1 July 2025 reform, and the caption of what a merged province is made of, with a way to see each part.

URL `unit` is `2025:82` / `legacy:87` / `VN`. A bare code from an old link is read in the version of the
page's period and, if that version has no such province, in the other one and carried across; either
way the URL is rewritten in the new form.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from cnscd import months, unitref
from cnscd.ui import cache, state
from cnscd.text import t
from cnscd.unitref import NATION, UnitRef, UnitRefError

NOTE = "_cnscd_unit_note"  # session_state: (shown ref, ref it replaced) of the last crossing
COMPARE_PAGE = "pages/3_So_sanh_tinh.py"


def lineage(ref: UnitRef | None) -> unitref.Lineage | None:
    if ref is None or ref.is_nation:
        return None
    return cache.view(unitref.lineage, version=ref.version, code=ref.code)


def place(lang: str, ref: UnitRef | None, name: str) -> str:
    """The name a heading, title or card shows for `ref` (says the side of 1/7/2025 for a merger)."""
    return unitref.place_name(lineage(ref), name, lang)


def _elsewhere(code: str, version: str) -> UnitRef | None:
    """An old link's bare code that is no province of `version`: the province of another version with it."""
    u = cache.units()
    rows = u.filter((u["unit_code"] == code) & (u["boundary_version"] != version) & (u["unit_level"] == "province"))
    return UnitRef(rows["boundary_version"][0], code) if rows.height else None


def resolve(version: str, valid: set[UnitRef]) -> UnitRef | None:
    """The URL's `unit` as a province of `version` (or NATION), carried across the reform when it names
    a province of the other version; a bad value is warned about and dropped (None)."""
    text = state.raw("unit")
    if text is None:
        st.session_state.pop(NOTE, None)
        return None
    try:
        ref = UnitRef.parse(text, version)
    except UnitRefError:
        ref = None
    if ref is not None and not ref.is_nation and ref not in valid:
        src = _elsewhere(ref.code, version) if UnitRef.is_bare(text) else ref
        to = unitref.cross(cache.query, src, version) if src is not None else None
        if to is not None and to in valid:
            old, new = lineage(src), lineage(to)
            if (old and old.is_merger) or (old and new and old.name != new.name):
                st.session_state[NOTE] = (str(to), str(src))
        ref = to if to in valid else None
    if st.session_state.get(NOTE, ("",))[0] != str(ref):
        st.session_state.pop(NOTE, None)  # the note speaks of the crossing only while its unit is shown
    if ref is None:
        state.warn_bad("unit", text)
        state.put("unit", None)
        return None
    state.put("unit", str(ref))
    return ref


def resolve_list(name: str, version: str, valid: set[UnitRef]) -> None:
    """The same for a list of provinces in the URL (`units` of Compare provinces): each item read as
    `resolve` reads `unit`, carried across, de-duplicated and written back in the new form."""
    text = state.raw(name)
    if not text:
        return
    good: list[UnitRef] = []
    bad = False
    for item in (s for s in text.split(state.LIST_SEP) if s):
        try:
            ref = UnitRef.parse(item, version)
        except UnitRefError:
            bad = True
            continue
        if ref not in valid:
            src = _elsewhere(ref.code, version) if UnitRef.is_bare(item) else ref
            ref = unitref.cross(cache.query, src, version) if src is not None and not src.is_nation else None
        if ref in valid and ref not in good:
            good.append(ref)
        bad = bad or ref not in valid
    if bad:
        state.warn_bad(name, text)
    state.put(name, [str(r) for r in good] if good else None)


def unit_select(lang: str, version: str, names: dict[str, str], label: str, *, nation_label: str | None = None,
                default: str | None = None, container: Any = None) -> UnitRef:
    """A picker over the provinces `names` ({code: name}) of `version`, plus the nation when
    `nation_label` is given, bound to URL `unit`. Returns the chosen UnitRef (NATION for the nation)."""
    refs = {UnitRef(version, c): n for c, n in names.items()}
    options = ([NATION] if nation_label else []) + list(refs)
    if resolve(version, set(refs)) == NATION and not nation_label:
        state.put("unit", None)  # the nation from another page: this page has none, its default quietly

    def label_of(v: Any) -> str:
        r = UnitRef.of(v, version)
        return (nation_label or "") if r.is_nation else refs.get(r, str(r))

    first = UnitRef(version, default) if default in names else (options[0] if options else NATION)
    return state.select("unit", label, options, first, format_func=label_of, container=container)


def _go(ref: UnitRef, version: str) -> None:
    """Button callback: show `ref` at the latest month of `version` (before the rerun reads the URL)."""
    ends = cache.periods().filter(cache.periods()["boundary_version"] == version)["period_end"]
    state.put("unit", str(ref))
    if ends.len():
        state.put("period", months.key(ends.max()))


def lineage_block(lang: str, ref: UnitRef | None) -> None:
    """Under a heading that shows one province: the crossing note, what the province is made of (or
    became) when it is part of a merger, buttons to each part and a link to the whole merged area in
    today's 34 provinces (Compare provinces, 'today' mode)."""
    lin = lineage(ref)
    moved = st.session_state.get(NOTE)
    if lin is not None and moved and moved[0] == str(ref):
        src = UnitRef.parse(moved[1])
        old = lineage(src)
        old_name = place(lang, src, old.name) if old else moved[1]
        st.info(t("unit_moved", lang, new=place(lang, ref, lin.name), old=old_name, code=src.code,
                  bv=cache.version_label(ref.version, lang)), icon=":material/swap_horiz:")
    text = unitref.made_of(lin, lang)
    if text is None:
        return
    st.caption(text)
    with st.container(horizontal=True, vertical_alignment="center", key=f"unit_parts_{ref.version}_{ref.code}"):
        if lin.is_new:
            st.caption(t("unit_see_parts", lang, date=unitref.day_text(lin.valid_to, lang)), width="content")
            for p in lin.parts:
                st.button(unitref.part_name(p, lang), key=f"unit_go_{p.ref.version}_{p.ref.code}",
                          on_click=_go, args=(p.ref, p.ref.version))
        else:
            new = place(lang, lin.merged.ref, lin.merged.name)
            st.button(t("unit_see_new", lang, new=new), key=f"unit_go_{lin.merged.ref.version}_{lin.merged.ref.code}",
                      on_click=_go, args=(lin.merged.ref, lin.merged.ref.version))
        st.page_link(COMPARE_PAGE, label=t("unit_see_today", lang, new=place(lang, lin.merged.ref, lin.merged.name),
                                           date=unitref.day_text(lin.valid_from, lang)),
                     query_params={"mode": "today", "units": str(lin.merged.ref), "lang": lang},
                     icon=":material/stacked_line_chart:")
