"""On a phone a chart's title, subtitle and footer are wrapped to its ~366 px (issue 11 §4: the compare
chart's long source line was cut); the same words in the same order, the figure itself (what the exports
and every wider screen use) untouched. The browser check is tests/browser/test_screens_browser.py."""
from __future__ import annotations

import copy

from cnscd.charts import base, textfit
from cnscd.export.sample import bar_chart, sample_meta
from cnscd.ui import widgets

LONG_SOURCE = ("Những kết quả nổi bật sau 02 năm thực hiện Đề án thí điểm Thành lập Tổ Công nghệ số cộng đồng "
               "trên địa bàn tỉnh Đồng Tháp; Dữ liệu minh hoạ tổng hợp")


def _words(text: str) -> list[str]:
    return text.replace("<br>", " ").replace("<b>", " ").replace("</b>", " ").split()


def test_a_phone_gets_the_same_words_wrapped_to_its_width():
    fig = bar_chart(sample_meta(source=LONG_SOURCE))
    before = copy.deepcopy(fig.to_plotly_json())
    phone = widgets.for_phone(fig)
    assert fig.to_plotly_json() == before                     # the exported figure is not changed
    assert widgets.for_phone(fig) is phone                    # made once per figure
    width = widgets.PHONE_CHART_PX - phone.layout.margin.l - 8
    wide = {a.name: a for a in fig.layout.annotations}
    for ann in phone.layout.annotations:
        if ann.name in ("cnscd_footer", "cnscd_notes"):
            assert _words(ann.text) == _words(wide[ann.name].text)
            assert all(textfit.text_width(line, base.FOOTER_SIZE) <= width for line in ann.text.split("<br>"))
    footer = next(a for a in phone.layout.annotations if a.name == "cnscd_footer")
    grown = (footer.text.count("<br>") - wide["cnscd_footer"].text.count("<br>")) * round(base.FOOTER_SIZE * 1.3)
    assert grown > 0 and phone.layout.margin.b == fig.layout.margin.b + grown
    assert _words(phone.layout.title.text) == _words(fig.layout.title.text)
    assert _words(phone.layout.title.subtitle.text) == _words(fig.layout.title.subtitle.text)
    assert phone.layout.margin.t >= fig.layout.margin.t
    assert [t.to_plotly_json() for t in phone.data] == [t.to_plotly_json() for t in fig.data]


def test_a_phone_legend_goes_under_the_plot():
    """The compare chart's legend at the right left its plot ~40 px wide on a phone: under the plot, one
    entry a line, between the tick labels and the footer; the figure grows by its height."""
    import plotly.graph_objects as go

    meta = sample_meta(source=LONG_SOURCE)
    data = [{"type": "scatter", "x": [1, 2, 3], "y": [i, i + 1, i + 2], "mode": "lines", "name": f"Tỉnh {i}"}
            for i in range(7)]
    fig = base.finished(data, {}, meta, height=460)
    before = copy.deepcopy(fig.to_plotly_json())
    phone = widgets.for_phone(fig)
    assert fig.to_plotly_json() == before
    assert fig.layout.legend.x > 1 and phone.layout.legend.x == 0 and phone.layout.legend.y < 0
    rows = 7 * widgets.PHONE_LEGEND_ROW_PX + 8
    m, wide = phone.layout.margin, fig.layout.margin
    wide_footer = {a.name: a for a in fig.layout.annotations}
    footer = {a.name: a for a in phone.layout.annotations}
    grown = (footer["cnscd_footer"].text.count("<br>") - wide_footer["cnscd_footer"].text.count("<br>")) \
        * round(base.FOOTER_SIZE * 1.3)
    assert m.b == wide.b + grown + rows                        # room for the legend and the wrapped footer
    assert footer["cnscd_footer"].yshift == wide_footer["cnscd_footer"].yshift - rows
    plot = phone.layout.height - m.t - m.b
    assert plot >= widgets.PHONE_MIN_PLOT_PX
    # the legend's top sits the tick labels' height under the plot, above the footer
    assert phone.layout.legend.y * plot == -widgets.PHONE_TICKS_PX
    one = go.Figure(base.finished(data[:1], {}, meta, height=460))
    assert widgets.for_phone(one).layout.legend.x == one.layout.legend.x     # a lone trace has no legend
