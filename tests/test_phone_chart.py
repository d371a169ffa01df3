"""On a phone a chart's title, subtitle and footer are wrapped to its ~366 px (issue 11 §4: the compare
chart's long source line was cut); the same words in the same order, the figure itself (what the exports
and every wider screen use) untouched. The browser checks are tests/browser/test_screens_*_browser.py."""
from __future__ import annotations

import copy

from cnscd.charts import base, textfit
from cnscd.export.sample import bar_chart, sample_meta
from cnscd.charts import phone as phone_chart

LONG_SOURCE = ("Những kết quả nổi bật sau 02 năm thực hiện Đề án thí điểm Thành lập Tổ Công nghệ số cộng đồng "
               "trên địa bàn tỉnh Đồng Tháp; Dữ liệu minh hoạ tổng hợp")


def _words(text: str) -> list[str]:
    return text.replace("<br>", " ").replace("<b>", " ").replace("</b>", " ").split()


def test_a_phone_gets_the_same_words_wrapped_to_its_width():
    fig = bar_chart(sample_meta(source=LONG_SOURCE))
    before = copy.deepcopy(fig.to_plotly_json())
    phone = phone_chart.for_phone(fig)
    assert fig.to_plotly_json() == before                     # the exported figure is not changed
    assert phone_chart.for_phone(fig) is phone                    # made once per figure
    width = phone_chart.PHONE_CHART_PX - phone.layout.margin.l - 8
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
    phone = phone_chart.for_phone(fig)
    assert fig.to_plotly_json() == before
    assert fig.layout.legend.x > 1 and phone.layout.legend.x == 0 and phone.layout.legend.y < 0
    rows = 7 * phone_chart.PHONE_LEGEND_ROW_PX + 8
    m, wide = phone.layout.margin, fig.layout.margin
    wide_footer = {a.name: a for a in fig.layout.annotations}
    footer = {a.name: a for a in phone.layout.annotations}
    grown = (footer["cnscd_footer"].text.count("<br>") - wide_footer["cnscd_footer"].text.count("<br>")) \
        * round(base.FOOTER_SIZE * 1.3)
    assert m.b == wide.b + grown + rows                        # room for the legend and the wrapped footer
    assert footer["cnscd_footer"].yshift == wide_footer["cnscd_footer"].yshift - rows
    plot = phone.layout.height - m.t - m.b
    assert plot >= phone_chart.PHONE_MIN_PLOT_PX
    # the legend's top sits the tick labels' height under the plot, above the footer
    assert phone.layout.legend.y * plot == -phone_chart.PHONE_TICKS_PX
    one = go.Figure(base.finished(data[:1], {}, meta, height=460))
    assert phone_chart.for_phone(one).layout.legend.x == one.layout.legend.x     # a lone trace has no legend


def test_a_phone_ranking_wraps_long_names_and_its_footer_clears_them():
    """The district ranking's names took ~290 px of a phone's 366 (the bars ~70 px, the source line ran
    past the chart): on a phone they wrap to two lines of ≤ 140 px, the rows grow, and the footer is
    wrapped for what the names leave."""
    names = ["Cao Lãnh", "… 62 đơn vị khác trong 102 (đủ trong bảng)", "Phương Thịnh (chưa báo cáo)"]
    codes = ["a", "gap", "b"]
    data = [{"type": "bar", "x": [3, None, 0], "y": codes, "orientation": "h", "name": "x"}]
    layout = {"yaxis": {"type": "category", "tickmode": "array", "tickvals": codes, "ticktext": names}}
    fig = base.finished(data, layout, sample_meta(source=LONG_SOURCE), height=400)
    phone = phone_chart.for_phone(fig)
    shown = list(phone.layout.yaxis.ticktext)
    assert [_words(x) for x in shown] == [_words(x) for x in names]
    assert shown[0] == "Cao Lãnh" and all("<br>" in x for x in shown[1:])
    assert all(textfit.text_width(line, 12) <= phone_chart.PHONE_LABEL_PX for x in shown for line in x.split("<br>"))
    assert phone.layout.height >= fig.layout.height + 3 * phone_chart.PHONE_ROW_EXTRA_PX
    footer = next(a for a in phone.layout.annotations if a.name == "cnscd_footer")
    room = phone_chart.PHONE_CHART_PX - phone_chart._axis_px(phone) - 8
    assert all(textfit.text_width(line, base.FOOTER_SIZE) <= room for line in footer.text.split("<br>"))
    assert list(fig.layout.yaxis.ticktext) == names                           # the export keeps its names


def test_a_phone_reference_label_stays_beside_its_line():
    """'Trung bình mỗi đơn vị có báo cáo: 29,6', centred on its line, ran past a phone chart's right edge: on a
    phone it is wrapped and set beside the line, towards the plot's wider side; the export keeps it."""
    codes = ["a", "b"]
    data = [{"type": "bar", "x": [100, 10], "y": codes, "orientation": "h", "name": "x"}]
    label = "Trung bình mỗi đơn vị có báo cáo: 29,6"
    layout = {"annotations": [{"x": 29.6, "y": 1.0, "yref": "paper", "yanchor": "bottom", "showarrow": False,
                               "text": label, "name": "reference"}]}
    fig = base.finished(data, layout, sample_meta(), height=400)
    phone = phone_chart.for_phone(fig)
    ann = next(a for a in phone.layout.annotations if a.name == "reference")
    assert ann.xanchor == "left" and _words(ann.text) == _words(label)
    assert all(textfit.text_width(line, 12) <= phone_chart.PHONE_REFERENCE_PX for line in ann.text.split("<br>"))
    assert phone.layout.margin.t > fig.layout.margin.t
    assert next(a for a in fig.layout.annotations if a.name == "reference").text == label
