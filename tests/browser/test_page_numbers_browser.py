"""The numbers the real page shows in Chromium, held against independent SQL over the core tables
(tests/numbers.py: Truth): the overview cards and the national chart for Đồng Tháp in 2024 (legacy 87)
and 2026 (2025 province 82), and the Thanh Liêm row of the district table of Hà Nam (legacy 35).
Links use bare unit codes, as old shared links do."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import numbers as nb
from tests.numbers import LEGACY_DAY, close, shows

pytestmark = pytest.mark.browser


def new_day(truth) -> dt.date:
    return min(dt.date(2026, 6, 30), truth.latest_month())


def no_exception(ui) -> None:
    assert ui.page.locator('[data-testid="stException"]').count() == 0


def shown_cards(ui) -> dict[str, str]:
    cards = ui.page.locator('[data-testid="stMetric"]')
    expect(cards.first).to_be_visible()
    return dict(cards.evaluate_all("""els => els.map(e => [
        e.querySelector('[data-testid="stMetricLabel"]').textContent.trim(),
        e.querySelector('[data-testid="stMetricValue"]').textContent.trim()])"""))


@pytest.mark.parametrize("unit,when", [("87", "2024"), ("82", "2026")])
def test_overview_cards_and_chart_in_the_browser(ui, truth, unit, when):
    day = LEGACY_DAY if when == "2024" else new_day(truth)
    version = truth.version_at(day)
    ui.open("", unit=unit, period=f"{day:%Y-%m}")
    no_exception(ui)
    expect(ui.page.locator("h3").filter(has_text=truth.unit_name(version, unit)).first).to_be_visible()
    cards = shown_cards(ui)
    assert len(cards) >= 5
    for label, text in cards.items():
        code = truth.indicator_by_name(label)
        value = truth.value(version, unit, code, day)
        assert shows(text, value), (label, text, value)
        assert ("%" in text) == ("%" in truth.indicators[code]["unit_of_measure"]), (label, text)
        if value >= 1000 and "%" not in text:
            assert "." in text and "," not in text, text  # Vietnamese thousands dot
    # the unit's chart as Plotly drew it (the overview follows its unit): the last point of every line is
    # the unit's own figure that month
    plot = ui.page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    traces = plot.evaluate("g => g.data.map(t => [t.name, t.x[t.x.length - 1], t.y[t.y.length - 1], t.y.length])")
    assert len(traces) >= 5
    for name, last_x, last_y, n in traces:
        code = truth.indicator_by_name(name)
        assert nb.as_date(last_x) == day and n == 12, (name, last_x, n)
        assert close(last_y, truth.value(version, unit, code, day)), (name, last_y)
    ui.shot(f"numbers_overview_{unit}_{when}")
    assert ui.page.blocked == []


def test_thanh_liem_row_of_the_district_table(ui, truth):
    ui.open("so-sanh-huyen", unit="35", period=f"{LEGACY_DAY:%Y-%m}", ind="teams_total")
    no_exception(ui)
    table = ui.page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    cells = table.locator("[id^='glide-cell-']")
    expect(cells.first).to_be_attached()
    # the grid's accessible cells carry the values (the canvas draws them formatted 1.234,5)
    grid = dict(cells.evaluate_all("els => els.map(e => [e.id, e.textContent])"))
    rows = {v: k.rsplit("-", 1)[1] for k, v in grid.items() if k.startswith("glide-cell-0-")}
    districts = truth.units("legacy", "district", "35")
    assert set(rows) == set(districts) and "351" in rows
    values = truth.values("legacy", "teams_total", LEGACY_DAY, level="district", province="35")
    targets = truth.targets("legacy", "teams_total", LEGACY_DAY, list(districts))
    rank = nb.ranks(values)
    for code, r in rows.items():
        assert close(float(grid[f"glide-cell-2-{r}"]), values[code]), (code, grid[f"glide-cell-2-{r}"])
        assert int(grid[f"glide-cell-3-{r}"]) == rank[code]
        assert close(float(grid[f"glide-cell-4-{r}"]), targets[code])
    assert truth.unit_name("legacy", "351") in grid[f"glide-cell-1-{rows['351']}"]
    ui.shot("numbers_districts_ha_nam_2024")
    assert ui.page.blocked == []
