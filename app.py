"""CNSCĐ dashboard entry: `streamlit run app.py`.

Sets the page, the language switch, the navigation (pages of other helpers are listed only when their
file exists), the demo-data banner and the badges for boundary version and latest data date; then
runs the chosen page. Everything a page shows comes from `cnscd`.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from cnscd import fmt, months
from cnscd.store import role
from cnscd.ui import cache, layout, state, widgets
from cnscd.text import t
from cnscd.store.warehouse import WarehouseError

ROOT = Path(__file__).resolve().parent
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}

# Start the app with `python -m cnscd.serve` (scripts/setup.sh does): Streamlit treats a `pages/` folder
# beside the entry script as the old multipage mode until the process's first st.navigation call, so a
# shared deep link (/muc-tieu) opened as the first visit after a plain `streamlit run` gets a "Page not
# found" notice; the launcher declares st.navigation mode before any session (tests/browser/test_deep_link.py).
PAGE_DIR = "pages"

# (file, text key of the title, url path); the first is the default page. No page icons: Streamlit
# turns the current page's icon into the favicon, fetched from a Google CDN (no network at run time).
PAGES = [
    (f"{PAGE_DIR}/1_Tong_quan.py", "page_overview", "tong-quan"),
    (f"{PAGE_DIR}/2_Ban_do.py", "page_map", "ban-do"),
    (f"{PAGE_DIR}/3_So_sanh_tinh.py", "page_compare_provinces", "so-sanh-tinh"),
    (f"{PAGE_DIR}/4_So_sanh_huyen.py", "page_compare_districts", "so-sanh-huyen"),
    (f"{PAGE_DIR}/5_Muc_tieu.py", "page_targets", "muc-tieu"),
    (f"{PAGE_DIR}/6_Nhap_lieu.py", "page_import", "nhap-lieu"),
    (f"{PAGE_DIR}/7_Nguon.py", "page_sources", "nguon"),
    (f"{PAGE_DIR}/8_Ranh_gioi.py", "page_boundaries", "ranh-gioi"),
]

st.set_page_config(page_title="CNSCĐ · Tổ công nghệ số cộng đồng",
                   layout="wide")

# ---- state: a page switch may drop the query string; put this session's view back ----------------
state.restore()
layout.apply()              # the app's CSS for laptop, projector and phone (cnscd/ui/layout.py)
layout.preload_charts()     # the browser starts loading the chart code now, not after the cards and tables
layout.reserve_controls()   # the sidebar slot under the page list where a page may put its controls
lang = state.select("lang", "Ngôn ngữ / Language", list(LANG_NAMES), "vi", format_func=LANG_NAMES.get,
                    kind="segmented", container=st.sidebar)

# ---- navigation ---------------------------------------------------------------------------------
# A viewer replica (CNSCD_ROLE=viewer) does not offer the import and boundary pages: their URLs say
# where the editor is (cnscd/role.py).
pages = [st.Page(f if role.offered(path) else widgets.editor_elsewhere(path), title=t(key, lang), url_path=path,
                 visibility="visible" if role.offered(path) else "hidden")
         for f, key, path in PAGES[1:] if (ROOT / f).is_file()]
# The default page is served at "/" only: Streamlit gives a default page the empty url path (and hashes the
# page by the url_path it was given), so the overview's own name /tong-quan answered "Page not found". It is
# registered twice: the default at "/" and a hidden entry at /tong-quan running the same file
# (tests/test_view_unit.py, tests/browser/test_deep_link.py). The default's url_path only names its hash:
# never "Tong_quan", the hash of the file name, which Streamlit (and AppTest) take for a `pages/` page and
# rerun without app.py (no navigation, no badges).
home, home_key, home_path = PAGES[0]
pages = [st.Page(home, title=t(home_key, lang), url_path="trang-chu", default=True),
         st.Page(home, title=t(home_key, lang), url_path=home_path, visibility="hidden"), *pages]
nav = st.navigation(pages)

# ---- header: title, badges, demo banner ---------------------------------------------------------
st.sidebar.caption(t("app_title", lang))
try:
    cache.pin()              # a viewer following published snapshots reads one snapshot for this whole rerun
    latest = cache.latest_period()
except WarehouseError as exc:
    st.error(t("no_warehouse", lang, msg=str(exc)))
    st.stop()
if latest is not None:
    # The boundary badge follows the period being viewed (if the URL has one), the date badge the cache.
    try:
        viewed = min(months.from_key(state.raw("period") or ""), latest)
    except ValueError:
        viewed = latest
    version = cache.version_at(viewed)
    with st.container(horizontal=True, key="badges"):
        st.badge(t("boundary_word", lang, label=cache.version_label(version, lang)), icon=":material/map:",
                 color="blue")
        st.badge(t("badge_latest", lang, date=fmt.date(latest, lang)), icon=":material/event:", color="gray")
        st.badge(t("demo_tag", lang).upper(), icon=":material/science:", color="red", help=t("demo_banner", lang))
st.sidebar.warning(t("demo_banner", lang), icon=":material/science:")
widgets.snapshot_note(cache.reader(), lang)   # a viewer following published snapshots says how old its data is

# ---- optional: viewing needs a login (config/editors.toml: viewing_requires_login = true) ----------
from cnscd.store import auth  # noqa: E402
from cnscd.ui import login  # noqa: E402

if auth.viewing_requires_login() and login.editor_login(lang) is None:
    st.info(t("login_to_view", lang))
    st.stop()

nav.run()
