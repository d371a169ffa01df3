"""Every screen a leader uses (issue 11 §4), the overview: a government laptop's 1366 × 768, a projector's 1920 ×
1080 and a phone's 390 × 844 (a phone's User-Agent, as a link opened from Zalo sends it). What is checkable is
asserted: no horizontal overflow, no label or button text cut ("…" or clipped), on the phone the cards inside
the first screen.

Screenshots (the first screen and the whole page) go to tests/artifacts/screens/ (gitignored build output):
look at them. Shared helpers: tests/browser/screens.py.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cnscd.ui import layout
from tests.browser.conftest import open_page
from tests.browser.screens import SCREENS, nothing_cut, shoot

pytestmark = pytest.mark.browser


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
