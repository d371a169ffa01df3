"""Every screen a leader uses (issue 11 §4): the overview and the map page at a government laptop's
1366 × 768, a projector's 1920 × 1080 and a phone's 390 × 844 (a phone's User-Agent, as a link opened from
Zalo sends it). What is checkable is asserted: no horizontal overflow, no label or button text cut
("…" or clipped), on the phone the first chart (the cards, the map) inside the first screen, the national
map filling its panel. Screenshots (the first screen and the whole page) go to tests/artifacts/screens/
(gitignored build output): look at them.
"""
from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import expect

from cnscd.charts import maps
from cnscd.ui import layout
from tests.browser.conftest import ARTIFACTS, LOCAL_HOSTS, WAIT_MS, open_page

pytestmark = pytest.mark.browser

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


@pytest.fixture
def screen(browser, warm_app, request):
    """`screen(name)` -> a page of that size, requests outside localhost aborted."""
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

    yield make
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


@pytest.mark.parametrize("name", list(SCREENS))
def test_overview(screen, warm_app, name):
    page = screen(name)
    open_page(page, warm_app, "", period="2026-06")   # the default page (its own path is §1 of the issue)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(7)
    nothing_cut(page)
    shoot(page, f"overview_{name}")
    cards = page.locator('[data-testid="stMetric"]')
    boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
    if name == "phone":
        assert boxes[0]["y"] + boxes[0]["height"] <= SCREENS[name][1]               # a whole card on the first screen
        assert len({round(b["x"]) for b in boxes}) == 1                              # one column
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)               # in reading order
        labels = page.locator('[data-testid="stMetricLabel"] p').all_inner_texts()
        assert labels[0].startswith("Tổng số Tổ") and labels[1].startswith("Thành viên")
    else:
        assert len({round(b["y"]) for b in boxes[:4]}) == 1                           # four to a row
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        assert boxes[3]["x"] + boxes[3]["width"] > main["x"] + 0.9 * main["width"]   # the row fills the width
    # a card is as tall as what it holds when stacked (no blank band under it), four of a row even otherwise
    frames = page.locator(f'[class*="st-key-{layout.CARD_KEY}_"]')
    expect(frames).to_have_count(7)
    frame_boxes = [frames.nth(i).bounding_box() for i in range(7)]
    caption_boxes = [frames.nth(i).locator('[data-testid="stCaptionContainer"]').last.bounding_box() for i in range(7)]
    heights = [b["height"] for b in frame_boxes]
    blank = [f["y"] + f["height"] - (c["y"] + c["height"]) for f, c in zip(frame_boxes, caption_boxes)]
    if name == "phone":
        assert max(blank) <= 24, blank                 # the container's padding and border, no more
        assert max(heights) < 290 - 30, heights
    else:
        assert len({round(h) for h in heights[:4]}) == 1, heights


@pytest.mark.parametrize("name", list(SCREENS))
def test_map_page(screen, warm_app, name):
    page = screen(name)
    open_page(page, warm_app, "ban-do", period="2026-06", level="province", ind="teams_total")
    paths = page.locator('[data-testid="stPlotlyChart"] .choroplethlayer path')
    expect(paths).to_have_count(len(maps.layer_for("province", "2025").feature_codes))
    nothing_cut(page)
    shoot(page, f"map_{name}")
    plot = page.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    country = page.locator('[data-testid="stPlotlyChart"] .choroplethlayer').first.bounding_box()
    # the red "demo data" line under the map is inside the figure, not cut at its bottom edge
    note = page.locator('[data-testid="stPlotlyChart"] .annotation', has_text="minh hoạ").last.bounding_box()
    assert note["y"] + note["height"] <= plot["y"] + plot["height"]
    w, h = SCREENS[name]
    # the archipelagos' names lie inside the map, left of its legend (Trường Sa's ran past it on a phone)
    legend = page.locator('[data-testid="stPlotlyChart"] .colorbar').first.bounding_box()
    names = page.locator('[data-testid="stPlotlyChart"] .scattergeo text')
    expect(names).to_have_count(2)
    for i in range(2):
        box = names.nth(i).bounding_box()
        assert plot["x"] <= box["x"] and box["x"] + box["width"] <= min(legend["x"], plot["x"] + plot["width"]), (
            names.nth(i).text_content(), box, legend)
    if name == "phone":
        assert plot["y"] < h * 0.6                    # the map first; its controls are in the sidebar
        expect(page.get_by_text("bấm » ở góc trên")).to_be_visible()
        expect(page.locator('[data-testid="stSidebarContent"]').get_by_text("Chỉ tiêu")).not_to_be_in_viewport()
    else:
        expect(page.locator('[data-testid="stSidebarContent"]').get_by_text("Chỉ tiêu")).to_be_visible()
        assert plot["y"] < h / 2                       # no stack of controls above the map
        assert country["height"] > 0.7 * (plot["height"] - 180)   # Vietnam fills the plot's height
    if name == "projector":
        assert plot["y"] + plot["height"] > 0.9 * h    # the map fills the screen


def test_two_months_and_the_national_commune_map(screen, warm_app):
    page = screen("laptop")
    open_page(page, warm_app, "ban-do", period="2025-06", period2="2026-06", cmp="1", level="province")
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)
    expect(page.locator('[data-testid="stPlotlyChart"] .cbtitle', has_text="cùng thang màu")).to_have_count(2)
    nothing_cut(page)
    shoot(page, "map_two_months_laptop")
    page = screen("projector")
    open_page(page, warm_app, "ban-do", period="2026-06", level="child", unit="VN", ind="teams_total")
    expect(page.locator('[data-testid="stPlotlyChart"] .choroplethlayer path')).to_have_count(
        len(maps.layer_for("commune", "2025").feature_codes))
    nothing_cut(page)
    shoot(page, "map_communes_projector")


# Every text of a Plotly chart (titles, annotations such as the source line and the demo label, legend)
# that reaches past the chart's own box: cut on screen.
CHART_TEXT_OUT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => {
    const box = p.getBoundingClientRect();
    return [...p.querySelectorAll('.annotation-text, .gtitle, .g-gtitle text, .legendtext')]
        .filter(t => { const r = t.getBoundingClientRect();
                       return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1); })
        .map(t => t.textContent.slice(0, 60)); })"""


@pytest.mark.parametrize("name", list(SCREENS))
def test_compare_provinces(screen, warm_app, name):
    """Issue 11 §4: the compare chart's long source line (and the demo label under it) is not cut, on a
    phone neither."""
    page = screen(name)
    open_page(page, warm_app, "so-sanh-tinh")
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)
    nothing_cut(page)
    shoot(page, f"compare_{name}")
    footer = page.locator(".js-plotly-plot .annotation-text", has_text="Nguồn")
    expect(footer.first).to_be_visible()
    assert page.evaluate(CHART_TEXT_OUT) == []


@pytest.mark.parametrize("name", list(SCREENS))
@pytest.mark.parametrize("path, query, charts", [("so-sanh-huyen", {"unit": "2025:82"}, 3),
                                                 ("muc-tieu", {}, 1)])
def test_districts_and_targets(screen, warm_app, name, path, query, charts):
    """The two pages a planner uses, at the three sizes: nothing cut, no chart text past its chart."""
    page = screen(name)
    open_page(page, warm_app, path, **query)
    expect(page.locator('[data-testid="stPlotlyChart"]').nth(charts - 1)).to_be_visible()
    expect(page.locator(".js-plotly-plot .annotation-text", has_text="Nguồn").first).to_be_visible()
    nothing_cut(page)
    shoot(page, f"{path}_{name}")
    assert page.evaluate(CHART_TEXT_OUT) == []
