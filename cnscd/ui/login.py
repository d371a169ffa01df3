"""The editor login box in the sidebar, shared by the import and boundaries pages and app.py's
optional viewing gate. One session key, so one login covers every page."""
from __future__ import annotations

import streamlit as st

from cnscd.store import auth
from cnscd.text import t

SESSION_KEY = "editor_session"


def editor_login(lang: str) -> auth.Session | None:
    """The sidebar login box; returns the valid editor session or None (an expired one is dropped)."""
    session = st.session_state.get(SESSION_KEY)
    if session is not None and not session.valid():
        st.session_state.pop(SESSION_KEY)
        session = None
        st.warning(t("import_session_expired", lang))
    with st.sidebar:
        if session is None:
            with st.form("login", clear_on_submit=True):
                st.markdown(f"**{t('import_login_title', lang)}**")
                name = st.text_input(t("import_user", lang), max_chars=32)
                pw = st.text_input(t("import_password", lang), type="password", max_chars=256)
                if st.form_submit_button(t("import_login", lang)):
                    try:
                        st.session_state[SESSION_KEY] = auth.login(name, pw)
                        st.rerun()
                    except auth.AuthError as exc:
                        st.error(str(exc))
                        st.caption(t("import_ask_admin", lang))
            if not auth.load().editors:
                st.caption(t("import_no_editors", lang))
        else:
            st.markdown(t("import_logged_in", lang, user=session.user, provinces=", ".join(session.provinces),
                              until=f"{session.expires_at:%H:%M}"))
            if st.button(t("import_logout", lang)):
                st.session_state.pop(SESSION_KEY)
                st.rerun()
    return session
