"""Nhập liệu / Import: editors log in, download a template, upload a report, read the dry-run
report, choose replace/skip for conflicts, confirm; roll a batch back. Logic is in cnscd.ingest."""
from __future__ import annotations

import streamlit as st

from cnscd import fmt, ingest, text
from cnscd.store import auth
from cnscd.ui import cache, login, widgets
from cnscd.text import t
from cnscd.ingest import pagekit as pk
from cnscd.ingest.templates import template

# ---- set-up ---------------------------------------------------------------------------------------
lang = widgets.lang()
widgets.warehouse_or_stop(lang)
st.title(t("page_import", lang))
st.caption(t("import_intro", lang))
limits = ingest.Limits.from_env()

# ---- login (viewing needs none; importing and rolling back do) -------------------------------------
session = login.editor_login(lang)

# ---- templates ------------------------------------------------------------------------------------
with st.expander(t("import_templates", lang)):
    c1, c2, c3 = st.columns(3)
    level = c1.selectbox(t("level", lang), ["province", "district", "commune", "village"],
                         format_func=lambda v: text.level(v, lang))
    version = "legacy" if level == "district" else c2.selectbox(t("boundary_mode", lang), ["2025", "legacy"],
                                                                 format_func=lambda v: cache.version_label(v, lang))
    prov = None
    if level != "province":
        plist = cache.provinces(version)
        names = dict(zip(plist["unit_code"], plist["unit_name"]))
        prov = c3.selectbox(t("level_province", lang), list(names), format_func=names.get)
    st.download_button(t("import_download_template", lang), template(cache.connection(), level, version, prov),
                       file_name=f"mau_{level}_{version}{'_' + prov if prov else ''}.xlsx", icon=":material/download:")

if session is None:
    st.info(t("import_login_needed", lang))
else:
    # ---- upload and dry run ----------------------------------------------------------------------
    if "import_done" in st.session_state:      # shown once after a rerun that cleared the uploader
        st.success(st.session_state.pop("import_done"))
    gen = st.session_state.setdefault("upload_gen", 0)
    up = st.file_uploader(t("import_upload", lang), type=["xlsx", "csv"], key=f"upload_{gen}")
    if up is not None:
        if up.size > limits.max_bytes:          # checked before the bytes are read
            st.error(text.both("upload_too_big", size=f"{up.size / 2**20:.1f}",
                               limit=f"{limits.max_bytes / 2**20:.0f}"))
            st.stop()
        cache_key = (up.file_id, session.user)
        if st.session_state.get("plan_key") != cache_key:
            with st.spinner("…"):
                st.session_state["plan"] = ingest.prepare(up.getvalue(), up.name, cache.connection(),
                                                          scope=list(session.provinces), limits=limits)
            st.session_state["plan_key"] = cache_key
        plan = st.session_state["plan"]
        st.subheader(t("import_check_result", lang))
        c = plan.counts()
        cols = st.columns(5)
        for col, k, v in zip(cols, ["import_n_obs", "import_n_targets", "import_n_conflicts", "import_n_unchanged",
                                       "import_n_errors"],
                             [c["observations"], c["targets"], c["conflicts"], c["unchanged"], c["errors"]]):
            col.metric(t(k, lang), fmt.number(v, lang))
        if plan.ok:
            st.success(t("import_accepted", lang))
        else:   # bad input: both languages
            st.error(text.both("import_refused"))
        if plan.problems:
            st.dataframe(pk.problem_table(plan, lang), hide_index=True, key="problems")   # text only: never HTML
            st.download_button(t("import_download_report", lang), ingest.to_csv_bytes(plan.problems),
                               file_name=f"kiem_tra_{plan.file_name}.csv", mime="text/csv")
        replace, skip = [], []
        if plan.ok and plan.conflicts.height:
            st.subheader(t("import_conflicts", lang))
            policy = st.radio(t("import_conflict_policy", lang), ["skip", "replace"], horizontal=True,
                              format_func=lambda v: t({"skip": "import_skip", "replace": "import_replace"}[v], lang))
            edited = st.data_editor(pk.conflict_table(plan, lang, policy == "replace"), hide_index=True,
                                    disabled=[c for c in pk.conflict_table(plan, lang, False).columns
                                              if c != t("import_replace_col", lang)], key=f"conf_{policy}")
            replace, skip = pk.decisions(edited, lang)
        if plan.ok and st.button(t("import_confirm", lang), type="primary"):
            try:
                auth.check(st.session_state.get(login.SESSION_KEY))
                m = ingest.commit(plan, session.user, policy="ask", replace=replace, skip=skip)
            except (auth.AuthError, ingest.BatchError) as exc:
                st.error(str(exc))
            else:
                for k in ("plan", "plan_key"):
                    st.session_state.pop(k, None)
                st.session_state["upload_gen"] = gen + 1
                st.session_state["import_done"] = t("import_imported", lang, batch_id=m["batch_id"],
                                                        obs=m["rows_observation"], tgt=m["rows_target"])
                st.rerun()

# ---- batches and rollback --------------------------------------------------------------------------
st.subheader(t("import_batches", lang))
batches = cache.query("ingest_batches")
if batches.height == 0:
    st.caption(t("import_no_batches", lang))
else:
    widgets.table(batches.drop("file_sha256"), lang, key="batches")
    labels = pk.batch_labels(batches)
    if session is not None and labels:
        pick = st.selectbox(t("import_rollback_pick", lang), list(labels), format_func=labels.get)
        sure = st.checkbox(t("import_rollback_sure", lang))
        if st.button(t("import_rollback", lang), disabled=not sure):
            try:
                auth.check(st.session_state.get(login.SESSION_KEY))
                ingest.rollback(pick, session.user, list(session.provinces))
                st.success(t("import_rolled_back", lang, batch_id=pick))
                st.rerun()
            except (auth.AuthError, ingest.BatchError) as exc:
                st.error(str(exc))
