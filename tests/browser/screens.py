"""What the screen tests share (tests/browser/test_screens_<page>_browser.py, one file per page so two
workers share them; issue 11 §4): the three screens, a page of each size (the `screen` fixture of
tests/browser/conftest.py), screenshots and the checks for overflow and cut text.
"""
from __future__ import annotations

import contextlib
import urllib.parse

from tests.browser.conftest import ARTIFACTS, LOCAL_HOSTS, WAIT_MS

SHOTS = ARTIFACTS / "screens"
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0.0.0 Mobile Safari/537.36")
SCREENS = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}

# Text that does not fit its box, among what is on screen (a collapsed sidebar lies left of it):
# Streamlit's one-line labels ("…") and buttons.
CLIPPED = """() => [...document.querySelectorAll('.stMarkdownEllipsis, button, [data-testid="stMetricLabel"] p, '
                                               + '[data-testid="stPageLink-NavLink"], [data-testid="stPageLink-NavLink"] *')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && r.right > 0 && r.left < innerWidth && e.scrollWidth > e.clientWidth + 1; })
    .map(e => e.innerText.trim().slice(0, 60))"""
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@contextlib.contextmanager
def screen_pages(browser):
    """`make(name)` -> a page of that size, requests outside localhost aborted; contexts closed after."""
    contexts = []

    def make(name: str):
        w, h = SCREENS[name]
        phone = name == "phone"
        ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN", is_mobile=phone,
                                  has_touch=phone, **({"user_agent": PHONE_UA} if phone else {}))
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(WAIT_MS)
        pg.route("**/*", lambda route: route.continue_()
                 if route.request.url.startswith(("data:", "blob:"))
                 or (urllib.parse.urlsplit(route.request.url).hostname or "") in LOCAL_HOSTS else route.abort())
        return pg

    try:
        yield make
    finally:
        for ctx in contexts:
            ctx.close()


def shoot(page, name: str) -> None:
    """The first screen as the viewer sees it, and the whole page (the viewport stretched to the page's
    height: Streamlit scrolls inside its main element, so a full-page screenshot would stop at the fold)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    size = page.viewport_size
    tall = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                         "[data-testid=stSidebarContent]')].map(e => e.scrollHeight), innerHeight)")
    page.set_viewport_size({"width": size["width"], "height": min(int(tall) + 40, 8000)})
    page.screenshot(path=str(SHOTS / f"{name}_full.png"))
    page.set_viewport_size(size)


def nothing_cut(page) -> None:
    width, inner = page.evaluate(OVERFLOW)
    assert width <= inner, f"the page is {width} px wide in a {inner} px window"
    assert page.evaluate(CLIPPED) == []


# Every text of a Plotly chart (titles, annotations such as the source line and the demo label, legend)
# that reaches past the chart's own box: cut on screen.
CHART_TEXT_OUT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => {
    const box = p.getBoundingClientRect();
    return [...p.querySelectorAll('.annotation-text, .gtitle, .g-gtitle text, .legendtext')]
        .filter(t => { const r = t.getBoundingClientRect();
                       return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1); })
        .map(t => t.textContent.slice(0, 60)); })"""
