"""Every screen a leader uses (issue 11 §4), the two pages a planner uses (Compare districts, Targets): a
government laptop's 1366 × 768, a projector's 1920 × 1080 and a phone's 390 × 844 (a phone's User-Agent, as a
link opened from Zalo sends it). What is checkable is asserted: no horizontal overflow, no label or button
text cut ("…" or clipped), no chart text past its chart.

Screenshots (the first screen and the whole page) go to tests/artifacts/screens/ (gitignored build output):
look at them. Shared helpers: tests/browser/screens.py.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page
from tests.browser.screens import CHART_TEXT_OUT, SCREENS, nothing_cut, shoot

pytestmark = pytest.mark.browser


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
