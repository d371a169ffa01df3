"""Every screen a leader uses (issue 11 §4), Compare provinces: a government laptop's 1366 × 768, a projector's
1920 × 1080 and a phone's 390 × 844 (a phone's User-Agent, as a link opened from Zalo sends it). What is
checkable is asserted: no horizontal overflow, no label or button text cut ("…" or clipped), no chart text
past its chart.

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
