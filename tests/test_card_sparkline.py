"""The overview cards' sparklines (issue 11 §5): inline SVG in the card's HTML instead of st.metric's Vega
chart, drawn as st.metric drew it (geometry, colours) with each month's value, as the card writes it, on hover."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

from cnscd.charts.sparkline import CARD_TONES, card_html, card_svg
from cnscd.ui.widgets import card_tone


def points(svg: str) -> list[tuple[float, float]]:
    """The line's points (the second path: the first is the area under it)."""
    d = re.findall(r"d='([^']+)'", svg)[1]
    return [tuple(map(float, p.split(","))) for p in d[1:].split("L")]


def test_geometry_is_st_metrics():
    """st.metric's Vega chart of [1, 3, 2, 5, 4] in a 256 px card (measured in the browser): the line
    M0,44 L64,22 L128,33 L192,0 L256,11 in a 44 px plot 6 px below the top of its 56 px picture, the area
    down to the lowest value."""
    svg = card_svg([1, 3, 2, 5, 4], "good")
    assert points(svg) == [(0, 50), (64, 28), (128, 39), (192, 6), (256, 17)]
    area = re.findall(r"d='([^']+)'", svg)[0]
    assert area.endswith("L256.0,50.0L0.0,50.0Z")
    assert "viewBox='0 0 256 56'" in svg and "preserveAspectRatio='none'" in svg
    assert f"fill='{CARD_TONES['good'][1]}'" in svg and f"stroke='{CARD_TONES['good'][0]}'" in svg
    assert "vector-effect='non-scaling-stroke'" in svg and "stroke-width='2'" in svg   # 2 px however wide


def test_edge_cases():
    crossing = card_svg([-2, 2], "none")   # values across 0: the area starts at 0 (Vega's y2 datum)
    assert re.findall(r"d='([^']+)'", crossing)[0].endswith("L256.0,28.0L0.0,28.0Z")
    assert points(card_svg([7], "none")) == [(0, 28), (256, 28)]            # one month: flat across
    assert points(card_svg([3, 3, 3], "none")) == [(0, 28), (128, 28), (256, 28)]
    assert points(card_svg([1, None, 3], "none")) == [(0, 50), (256, 6)]     # a month without a value skipped
    assert card_svg([None, None], "none") == "" and card_svg([], "none") == "" and card_html([], [], "none") == ""


def test_html_has_a_band_per_month_with_its_value():
    titles = ["T8/2026: 1", "T9/2026: 3", "T10/2026: 2"]
    html = card_html([1, 3, 2], titles, "bad")
    assert "<svg" not in html    # st.html keeps HTML only: the SVG goes in as a picture
    src = re.search(r'src="data:image/svg\+xml,([^"]+)"', html).group(1)
    assert unquote(src) == card_svg([1, 3, 2], "bad") and not set(src) & set('"<>#')   # a valid data: URI
    bands = re.findall(r'<span title="([^"]*)" style="flex:(\d) 1 0"', html)
    assert [unescape(t) for t, _ in bands] == titles and [f for _, f in bands] == ["1", "2", "1"]
    # a month without a value has no tooltip but keeps its place
    gap = card_html([1, None, 2], ["a", "b", "c"], "none")
    assert re.findall(r'title="([^"]*)"', gap) == ["a", "c"] and "<i " in gap


@pytest.mark.parametrize("delta", ["+116 (+0,1 %)", "-3 (-0,2 %)", "+0 (+0,0 %)", "0", "", None, "+0,1 đ.%",
                                   "-1,5 đ.%", " -4"])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_tone_is_st_metrics_colour(delta, higher_is_better):
    """The same colour st.metric gives the card's change (its own function decides)."""
    from streamlit.elements.metric import _determine_delta_color_and_direction
    from streamlit.proto.Metric_pb2 import Metric

    colour = _determine_delta_color_and_direction("normal" if higher_is_better else "inverse", delta).color
    expected = {Metric.MetricColor.GREEN: "good", Metric.MetricColor.RED: "bad", Metric.MetricColor.GRAY: "none"}
    assert card_tone(delta, higher_is_better) == expected[colour]


def test_overview_cards_carry_their_sparkline(warehouse_env):
    """On the page: no card asks for st.metric's Vega chart; each card has its sparkline, whose last month's
    tooltip is the card's own value."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    metrics = at.metric
    assert len(metrics) == 7 and not any(m.proto.chart_data for m in metrics)
    sparks = [h.proto.body for h in at.get("html") if 'class="cnscd-spark"' in h.proto.body]
    assert len(sparks) == len(metrics)
    for m, html in zip(metrics, sparks):
        last = unescape(re.findall(r'title="([^"]*)"', html)[-1])
        assert last.endswith(f": {m.value}"), (m.label, last, m.value)
