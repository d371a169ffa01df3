"""The map page in headless Chromium, nothing outside localhost reachable: the map draws offline,
a click on a province drills into its districts (legacy) or communes (2025), the back button returns,
two periods side by side, the district comparison page. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from cnscd.charts import maps
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def close_dialogs(page) -> None:
    """A 'page not found' notice from the first load must not swallow the click."""
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)


def paths(page, n: int = 0):
    return page.locator('[data-testid="stPlotlyChart"]').nth(n).locator(".choroplethlayer path")


def click_unit(ui, version: str, code: str) -> None:
    """Click the middle of a province's outline (compact provinces only: the centre is inside)."""
    idx = maps.layer_for("province", version).feature_codes.index(code)
    box = paths(ui.page).nth(idx).bounding_box()
    assert box, f"province {code} not drawn"
    ui.rerun(lambda: ui.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))


@pytest.mark.parametrize("period,version,code,children", [
    ("2025-06", "legacy", "01", "district"),   # Hà Nội, 63 provinces -> its legacy districts
    ("2026-06", "2025", "01", "commune"),      # Hà Nội, 34 provinces -> its communes
])
def test_click_province_drills_in_and_back(ui, period, version, code, children):
    ui.open("ban-do", period=period, level="province", unit="VN", ind="teams_total")
    close_dialogs(ui.page)
    n_prov = len(maps.layer_for("province", version).feature_codes)
    expect(paths(ui.page)).to_have_count(n_prov)   # outlines draw after the run: expect() waits for them
    expect(ui.page.locator(".geo text", has_text="Hoàng Sa")).to_have_count(1)  # the archipelagos are named
    ui.shot(f"map_{version}_national")
    click_unit(ui, version, code)
    assert ui.query().get("unit") == f"{version}:{code}"  # a unit is (boundary version, code)
    n_child = len(maps.layer_for(children, version, code).feature_codes)
    expect(paths(ui.page)).to_have_count(n_child)
    assert ui.page.get_by_text("gần đúng").count() >= 1  # approximate outlines are said so
    ui.shot(f"map_{version}_drill_{code}")
    chart = ui.page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / f"map_{version}_drill_{code}_chart.png"))  # title, legend, footer
    ui.rerun(ui.page.get_by_role("button", name="Về toàn quốc").click)
    assert "unit" not in ui.query()  # back at the nation
    expect(paths(ui.page)).to_have_count(n_prov)
    assert ui.page.blocked == []


def test_two_periods_side_by_side_and_english(ui):
    ui.open("ban-do", period="2025-06", cmp="1", period2="2026-06", level="province", unit="VN", lang="en")
    close_dialogs(ui.page)
    expect(paths(ui.page, 0)).to_have_count(63)
    expect(paths(ui.page, 1)).to_have_count(34)
    assert ui.page.get_by_text("Approximate boundaries").count() == 0  # provinces are Natural Earth outlines
    assert ui.page.get_by_text("Demo data").count() >= 1
    ui.shot("map_side_by_side_en")
    assert ui.page.blocked == []


def test_national_commune_map_and_hover(ui):
    ui.open("ban-do", period="2026-06", level="child", unit="VN", measure="pct_target", scheme="natural_breaks")
    close_dialogs(ui.page)
    expect(paths(ui.page)).to_have_count(len(maps.layer_for("commune", "2025").feature_codes))
    # no outline is drawn inside out (d3-geo fills such a ring as the whole globe)
    plot = ui.page.locator('[data-testid="stPlotlyChart"] .geo .bg rect, [data-testid="stPlotlyChart"] .geo').first
    area = plot.bounding_box()["width"] * plot.bounding_box()["height"]
    biggest = ui.page.evaluate("""() => Math.max(...[...document.querySelectorAll('.choroplethlayer path')]
        .map(p => { const b = p.getBoundingClientRect(); return b.width * b.height; }))""")
    assert biggest < 0.2 * area, (biggest, area)
    # the middle of a commune's box may lie in a neighbour, which may not have reported this month:
    # hover the first few outlines until one with a figure answers (and every answer is one of the two)
    seen = []
    for i in range(12):
        box = paths(ui.page).nth(i).bounding_box()
        ui.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(ui.page.locator(".hoverlayer .hovertext")).to_have_count(1)
        hover = ui.page.locator(".hoverlayer").text_content()
        seen.append(hover)
        assert ("Thứ hạng" in hover and "Nguồn" in hover) or "chưa báo cáo" in hover, hover
        if "Thứ hạng" in hover:
            break
    assert any("Thứ hạng" in h for h in seen), seen
    ui.shot("map_2025_communes_pct_target")
    assert ui.page.blocked == []


def test_district_comparison_page(ui):
    ui.open("so-sanh-huyen", period="2025-06", unit="01", ind="teams_total", ind2="members")
    close_dialogs(ui.page)
    expect(ui.page.locator('[data-testid="stPlotlyChart"]')).to_have_count(3)
    expect(ui.page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    ui.shot("districts_legacy_hanoi")
    ui.open("so-sanh-huyen", period="2026-06", unit="01", ind="villages_with_team_pct", ind2="members")
    ui.shot("districts_2025_hanoi_communes")
    charts = ui.page.locator('[data-testid="stPlotlyChart"]')
    for i, name in enumerate(["ranking", "scatter", "multiples"]):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).screenshot(path=str(ARTIFACTS / f"districts_2025_hanoi_{name}.png"))
    table = ui.page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.screenshot(path=str(ARTIFACTS / "districts_2025_hanoi_table.png"))
    assert ui.page.blocked == []


def test_play_steps_the_period(ui):
    ui.open("ban-do", period="2025-07", level="province", unit="VN")
    close_dialogs(ui.page)
    ui.page.get_by_role("button", name="Chạy").click()
    # a step every 1.5 s (cnscd/map_ui.py): the period moves on within a few steps
    ui.page.wait_for_function("() => new URLSearchParams(location.search).get('period') > '2025-07'")
    ui.rerun(ui.page.get_by_role("button", name="Dừng").click)
    expect(ui.page.get_by_role("button", name="Chạy")).to_be_visible()
    stopped = ui.query().get("period")
    # stopped: over two step intervals the period must not move (fails at once if it does)
    with pytest.raises(PlaywrightTimeout):
        ui.page.wait_for_function(f"() => new URLSearchParams(location.search).get('period') !== '{stopped}'",
                                  timeout=3_000)
    assert ui.query().get("period") == stopped
    assert ui.page.blocked == []
