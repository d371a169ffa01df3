"""Ranh giới / Boundaries: which outlines are approximate, packaged or official; editors load an
official boundary file, read the match report, and confirm the units within their provinces.
Logic is in cnscd.views.boundaries and geo.load."""
from __future__ import annotations

import streamlit as st

from cnscd.views import boundaries as bu
from cnscd.store import auth
from cnscd.ui import cache, login, widgets
from cnscd import text
from cnscd.text import t

# ---- set-up -----------------------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_boundaries", lang))
st.caption(t("geo_intro", lang))
session = login.editor_login(lang)      # viewing needs no login; loading boundaries does

# ---- load a file (editors) ------------------------------------------------------------------------------
if session is None:
    st.info(t("geo_login_needed", lang))
else:
    if "boundary_done" in st.session_state:       # shown once after the rerun that cleared the uploader
        st.success(st.session_state.pop("boundary_done"))
    c1, c2 = st.columns(2)
    version = c1.selectbox(t("boundary_mode", lang), ["2025", "legacy"], key="bnd_version",
                           format_func=lambda v: cache.version_label(v, lang))
    level = c2.selectbox(t("level", lang), bu.levels(version), key=f"bnd_level_{version}",
                         format_func=lambda v: text.level(v, lang))
    gen = st.session_state.setdefault("boundary_gen", 0)
    up = st.file_uploader(t("geo_upload", lang), type=bu.FILE_TYPES, key=f"boundary_upload_{gen}")
    if up is not None:
        if up.size > bu.MAX_BYTES:                 # checked before the bytes are read
            st.error(text.both("upload_too_big", size=f"{up.size / 2**20:.1f}", limit=f"{bu.MAX_BYTES / 2**20:.0f}"))
            st.stop()
        key = (up.file_id, level, version, session.user)
        if st.session_state.get("boundary_key") != key:
            with st.spinner("…"):
                st.session_state["boundary_report"] = bu.match_upload(
                    up.getvalue(), up.name, level, version, cache.connection(), session.provinces)
            st.session_state["boundary_key"] = key
        full, scoped, out = st.session_state["boundary_report"]

        st.subheader(t("geo_report", lang))
        if full.refused:
            st.error(text.both("geo_refused", file=up.name) + "\n\n" + "\n".join(f"- {e}" for e in full.errors))
        else:
            cols = st.columns(5)
            for col, k, n in zip(cols, ["geo_n_matched", "geo_n_out", "geo_n_unmatched", "geo_n_ambiguous",
                                        "geo_n_repaired"],
                                 [len(scoped.matched), len(out), len(full.unmatched), len(full.ambiguous),
                                  len(full.repaired)]):
                col.metric(t(k, lang), n)
            st.dataframe(bu.report_table(full, out, lang), hide_index=True, key="boundary_match")  # text only
            if out:
                st.warning(bu.out_of_scope_text(out, session.provinces, lang))
            if full.unmatched or full.ambiguous:
                st.caption(t("geo_not_all", lang))
            if not scoped.matched:
                st.info(t("geo_nothing_in_scope", lang))
            elif st.button(t("geo_confirm", lang, n=len(scoped.matched)), type="primary"):
                try:
                    n = bu.confirm(scoped, st.session_state.get(login.SESSION_KEY))
                except (auth.AuthError, ValueError) as exc:
                    st.error(str(exc))
                else:
                    for k in ("boundary_report", "boundary_key"):
                        st.session_state.pop(k, None)
                    st.session_state["boundary_gen"] = gen + 1
                    st.session_state["boundary_done"] = t("geo_stored", lang, n=n, level=text.level(level, lang),
                                                              version=cache.version_label(version, lang), file=up.name)
                    st.rerun()

# ---- status and loaded layers (everyone) -------------------------------------------------------------------
st.subheader(t("geo_status", lang))
widgets.table(bu.status_table(lang, cache.version_label), lang, key="boundary_status")
st.subheader(t("geo_loaded", lang))
loaded = bu.loaded_table(lang, cache.version_label)
if loaded.height:
    widgets.table(loaded, lang, key="boundary_loaded")
else:
    st.caption(t("geo_none_loaded", lang))
