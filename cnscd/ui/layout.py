"""Screen sizes: the one place the app's CSS lives, and the sidebar slot a page puts its controls in.

A leader opens the app on a 1366 × 768 government laptop, on a 1920 × 1080 projector and, from a link
shared on Zalo, on a 390 × 844 phone (tests/browser/test_screens_*_browser.py open all three). Streamlit
lays out a page the same for all of them; the few rules that differ are here:
- labels and "so với …" lines of the overview cards wrap instead of ending in "…" (a card's label
  is the indicator's name: cut, "Tỷ lệ thôn, tổ dân phố có …" no longer says what it counts);
- a stacked overview card (a phone) is as tall as its content, not the 290 px that evens a row of four;
- the month under the pointer in a card's sparkline (an SVG picture, `charts.sparkline.card_html`) is shaded;
- less empty space above the first line (the header bar is 3.75 rem; the default padding is 6 rem);
- `narrow_only` containers show only below Streamlit's 768 px breakpoint, where the sidebar starts
  collapsed (e.g. the map page's "tap » for the map options" hint).

`is_phone()` reads the browser's User-Agent for the one thing CSS cannot do: a shorter map figure.

`controls()` is a container in the sidebar right under the page list: the map page puts its controls
there, so on a laptop or projector they sit beside a map that has the whole width, and on a phone,
where Streamlit collapses the sidebar, the map comes first and the controls are one tap away.
"""
from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from cnscd.charts.sparkline import CARD_SPARK_CLASS

NARROW_PX = 768          # Streamlit's own breakpoint: below it the sidebar starts collapsed
STACK_PX = 640           # Streamlit stacks st.columns below this width
CARD_KEY = "overview_card"   # the overview cards' containers: key f"{CARD_KEY}_{i}" (class st-key-…)
_SLOT = "_layout_controls_slot"

CSS = f"""
<style>
/* the cards' labels and comparison lines wrap: never "Tỷ lệ thôn, tổ dân phố có …" */
[data-testid="stMetricLabel"] .stMarkdownEllipsis,
[data-testid="stMetricLabel"] .stMarkdownEllipsis p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
/* "so với T9/2026" whole, on the next line when it does not fit beside the change */
div:has(> [data-testid="stMetricDeltaDescription"]) {{ flex-wrap: wrap !important; row-gap: 0.1rem; }}
[data-testid="stMetricDeltaDescription"] .stMarkdownEllipsis,
[data-testid="stMetricDeltaDescription"] .stMarkdownEllipsis p {{
  white-space: nowrap !important; overflow: visible !important; text-overflow: clip !important;
}}
/* a page link's label wraps on a narrow screen: never "Cả vùng Đồng Tháp … theo 34 tỉnh hiện nay, c" */
[data-testid="stPageLink-NavLink"], [data-testid="stPageLink-NavLink"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important;
}}
/* less empty space above the badges (the header bar is 3.75 rem) */
.stMainBlockContainer {{ padding-top: 3.75rem !important; }}
.st-key-narrow_only {{ display: none !important; }}
/* stacked (a phone), a card is as tall as what it holds: the fixed height that keeps a row of four
   even leaves ~60 px of blank space under each of seven stacked cards */
@media (max-width: {STACK_PX - 0.02}px) {{
  div:has(> [class*="st-key-{CARD_KEY}_"]), [class*="st-key-{CARD_KEY}_"] {{
    height: auto !important; min-height: 0 !important; flex: 0 0 auto !important;
  }}
}}
.st-key-chart_preload {{ display: none !important; }}
/* a card's inline sparkline (charts.sparkline.card_svg): the hovered month is shaded, its value in the tooltip */
.{CARD_SPARK_CLASS} span:hover {{ background: rgba(49, 51, 63, 0.08); }}
@media (max-width: {NARROW_PX - 0.02}px) {{
  .st-key-narrow_only {{ display: block !important; }}
  .stMainBlockContainer {{ padding-left: 0.75rem !important; padding-right: 0.75rem !important; }}
}}
</style>
"""


def apply() -> None:
    """Add the app's CSS to the page (once per run, from app.py; st.html of a lone <style> takes no space)."""
    st.html(CSS)


@functools.lru_cache(maxsize=1)
def _plotly_chunk() -> str | None:
    """The file name of Streamlit's Plotly chart code (PlotlyChart.<hash>.js, ~4.7 MB with plotly.js)
    in the installed Streamlit, or None."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if found else None


def preload_charts() -> None:
    """Start loading the chart code with the page's first element (issue 11 §5). The browser asks for
    an element's code only when it draws the element; with the cards, tables and widgets before the
    first chart its ~4.7 MB Plotly code was asked for ~1 s after the chart had arrived. The import
    is of the same file the app would load (same URL: one module), in a hidden container; nothing
    shows. Relative URL, so it also works under server.baseUrlPath (the editor at /editor/)."""
    name = _plotly_chunk()
    if name:
        with st.container(key="chart_preload"):
            st.html(f"<script>import('./static/js/{name}')</script>", unsafe_allow_javascript=True)


def reserve_controls() -> None:
    """Called by app.py right after st.navigation: the sidebar container pages put controls in."""
    st.session_state[_SLOT] = st.sidebar.container(key="page_controls")


def controls():
    """The sidebar container of this run for the page's controls (the sidebar itself outside app.py)."""
    return st.session_state.get(_SLOT) or st.sidebar


def is_phone() -> bool:
    """The browser says it is a phone ("Mobi" in its User-Agent, as MDN advises): the server cannot
    see the screen, and a figure's height is set on the server (the map is shorter on a phone)."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # noqa: BLE001 - no request behind the run (AppTest, bare mode)
        return False


def narrow_only():
    """A container shown only on narrow screens (phones)."""
    return st.container(key="narrow_only")
