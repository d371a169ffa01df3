"""Every screen a leader uses (issue 11 §4), the map page: a government laptop's 1366 × 768, a projector's 1920 ×
1080 and a phone's 390 × 844 (a phone's User-Agent, as a link opened from Zalo sends it). What is checkable is
asserted: no horizontal overflow, no label or button text cut ("…" or clipped), on the phone the map inside
the first screen, the national map filling its panel.

Screenshots (the first screen and the whole page) go to tests/artifacts/screens/ (gitignored build output):
look at them. Shared helpers: tests/browser/screens.py.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cnscd.charts import maps
from tests.browser.conftest import open_page
from tests.browser.screens import SCREENS, nothing_cut, shoot

pytestmark = pytest.mark.browser


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
