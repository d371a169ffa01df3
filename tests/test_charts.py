"""Chart functions on small hand-made frames: traces, words (title, unit, period, boundary, source,
demo), language formats and zoom persistence — read straight from the figures, no app running."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cnscd import charts
from cnscd.charts.progress import status_of
from cnscd.charts.meta import ChartMeta

D = dt.date


def meta(lang="vi", **kw) -> ChartMeta:
    base = dict(title_vi="Tổng số Tổ CNSCĐ", title_en="Teams, total", unit="tổ", period="T7/2022 – T10/2026",
                boundary_version="34 tỉnh", source="Dữ liệu minh hoạ", is_demo=True, lang=lang, name="t")
    return ChartMeta(**(base | kw))


@pytest.fixture
def series() -> pl.DataFrame:
    rows = []
    for key, label, colour_key, nation, months in [
        ("87|legacy", "Đồng Tháp (63 tỉnh)", "Đồng Tháp", False, [D(2025, 5, 31), D(2025, 6, 30)]),
        ("82|legacy", "Tiền Giang (63 tỉnh)", "Tiền Giang", False, [D(2025, 5, 31), D(2025, 6, 30)]),
        ("82|2025", "Đồng Tháp", "Đồng Tháp", False, [D(2025, 7, 31), D(2025, 8, 31)]),
        ("VN|legacy", "Toàn quốc", "Toàn quốc", True, [D(2025, 5, 31), D(2025, 6, 30)]),
        ("VN|2025", "Toàn quốc", "Toàn quốc", True, [D(2025, 7, 31), D(2025, 8, 31)]),
    ]:
        for i, m in enumerate(months):
            rows.append({"key": key, "label": label, "colour_key": colour_key, "is_nation": nation,
                         "period_end": m, "value": 1000.0 + 10 * i, "is_demo": i == 0})
    return pl.DataFrame(rows)


def test_time_series_lines_colours_and_words(series):
    targets = pl.DataFrame({"key": ["82|2025"], "label": ["Đồng Tháp"], "period_start": [D(2025, 7, 1)],
                            "period_end": [D(2025, 12, 31)], "target_value": [1500.0]})
    seeds = pl.DataFrame({"label": ["Đồng Tháp"], "period_end": [D(2024, 6, 30)], "value": [525.0],
                          "quote_vi": ["506 Tổ cấp khóm, ấp và 19 Tổ cấp xã"], "source_title": ["Báo Đồng Tháp"]})
    fig = charts.time_series(series, meta(), targets=targets, seeds=seeds, break_date=D(2025, 7, 1))
    lines = [tr for tr in fig.data if tr.mode == "lines" and tr.name not in ("Mục tiêu",)]
    assert len(lines) == 5  # one per key: the break splits each unit into two lines
    by_key = {tr.meta["key"]: tr for tr in lines}
    # a province and its same-name predecessor share a colour; another predecessor gets its own
    assert by_key["87|legacy"].line.color == by_key["82|2025"].line.color != by_key["82|legacy"].line.color
    assert by_key["VN|2025"].line.dash == "dash"
    # legend shows the nation once although it has two keys
    assert sum(1 for tr in lines if tr.name == "Toàn quốc" and tr.showlegend) == 1
    # demo points are labelled in hover
    assert "(minh hoạ)" in by_key["87|legacy"].customdata[0] and by_key["87|legacy"].customdata[1] == ""
    # target line and article star
    tgt = [tr for tr in fig.data if tr.name == "Mục tiêu"]
    assert len(tgt) == 1 and list(tgt[0].y) == [1500.0, 1500.0, None]
    assert tgt[0].line.color == by_key["82|2025"].line.color
    star = [tr for tr in fig.data if tr.mode == "markers"][0]
    assert star.marker.symbol == "star" and "506 Tổ" in star.customdata[0][1]
    # break at 1 July 2025
    assert any(s.name == "boundary_break" and str(s.x0).startswith("2025-07-01") for s in fig.layout.shapes)
    # words: title, unit/period/boundary subtitle, source and demo footer
    assert "Tổng số Tổ CNSCĐ" in fig.layout.title.text
    sub = fig.layout.title.subtitle.text
    assert "tổ" in sub and "T7/2022 – T10/2026" in sub and "34 tỉnh" in sub
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "Nguồn: Dữ liệu minh hoạ" in notes and notes.count("Dữ liệu minh hoạ") == 2  # source + demo note, vi only
    # formats and zoom persistence
    assert fig.layout.separators == ",." and "Noto Sans" in fig.layout.font.family
    assert fig.layout.uirevision == "t"
    assert fig.layout.xaxis.hoverformat == "%d/%m/%Y"


def test_time_series_english_separators_and_words(series):
    """One finished figure in every language: its words in English, no second 'bare' variant."""
    fig = charts.time_series(series, meta("en"), ref_line=100.0)
    assert fig.layout.separators == ".,"
    assert fig.layout.title.text and [a for a in fig.layout.annotations if a.name == "cnscd_footer"]
    assert any(s.y0 == 100.0 for s in fig.layout.shapes)


def test_chart_meta_of_takes_its_words_from_the_frame():
    """ChartMeta.of: demo flag from `is_demo`, the source line from `source_id` (titles looked up, more
    than three cut to '+n') or else `source_title`, both titles from one function, data = the frame."""
    frame = pl.DataFrame({"value": [1.0, 2.0], "is_demo": [False, True], "source_id": ["a,b", "c"]})
    m = ChartMeta.of(frame, title=lambda lg: {"vi": "Tổ", "en": "Teams"}[lg], lang="en",
                     source_titles={"a": "A", "b": "B"}, unit="tổ")
    assert (m.title_vi, m.title_en, m.title, m.unit) == ("Tổ", "Teams", "Teams", "tổ")
    assert m.is_demo and m.source == "A; B; c" and m.data.equals(frame)
    more = ChartMeta.of(frame.with_columns(source_id=pl.Series(["a,b", "c,d"])), title=str, lang="vi",
                        source_titles={})
    assert more.source == "a; b; c; +1 nguồn khác"
    titled = ChartMeta.of(pl.DataFrame({"source_title": ["Y", None, "X", "Y"], "is_demo": [None] * 4}),
                          title=str, lang="vi", data=pl.DataFrame({"x": [1]}))
    assert titled.source == "X, Y" and not titled.is_demo and titled.data.columns == ["x"]
    assert ChartMeta.of(pl.DataFrame({"x": [1]}), title=str, lang="vi", source="S", is_demo=True).source == "S"


def test_rank_chart_reversed_axis_and_n():
    frame = pl.DataFrame({"key": ["01|2025"] * 2 + ["82|2025"] * 2, "label": ["Hà Nội"] * 2 + ["Đồng Tháp"] * 2,
                          "period_end": [D(2025, 7, 31), D(2025, 8, 31)] * 2, "rank": [1, 2, 2, 1],
                          "n_units": [34] * 4})
    fig = charts.rank_chart(frame, meta(unit="Thứ hạng"))
    assert [tr.name for tr in fig.data] == ["Hà Nội", "Đồng Tháp"]
    assert fig.layout.yaxis.range == (34.5, 0.5)  # rank 1 on top
    assert list(fig.data[1].y) == [2, 1] and fig.data[0].customdata[0] == 34


@pytest.mark.parametrize("pct,status", [(154.0, "ahead"), (100.0, "ahead"), (85.0, "on_track"),
                                        (50.0, "behind"), (10.0, "far_behind"), (None, "far_behind")])
def test_status_thresholds(pct, status):
    assert status_of(pct, 80.0) == status


def test_progress_bars_colour_by_status_and_mark_threshold():
    frame = pl.DataFrame({"label": ["A", "B", "C"], "pct": [30.0, 90.0, 141.6], "value": [3.0, 9.0, 6800.0],
                          "target_value": [10.0, 10.0, 4800.0], "is_demo": [True, True, False]})
    fig = charts.progress_bars(frame, meta(), threshold=80)
    by_name = {tr.name: tr for tr in fig.data}
    assert list(by_name["Vượt mục tiêu"].y) == ["C"] and list(by_name["Đạt tiến độ"].y) == ["B"]
    assert list(by_name["Rất chậm"].y) == ["A"]
    assert {s.x0 for s in fig.layout.shapes} == {100, 80}
    assert list(fig.layout.yaxis.categoryarray) == ["C", "B", "A"]  # first row on top


def test_headline_small_multiples_and_sparkline():
    frame = pl.DataFrame({"label": ["Tổ"] * 3 + ["Tỷ lệ"] * 3, "unit": ["tổ"] * 3 + ["%"] * 3,
                          "decimals": [0] * 3 + [1] * 3, "period_end": [D(2026, m, 28) for m in (8, 9, 10)] * 2,
                          "value": [1.0, 2.0, 3.0, 50.0, 55.5, 60.25], "is_demo": [True] * 6})
    fig = charts.headline(frame, meta(title_vi="Chỉ tiêu chính"))
    assert len(fig.data) == 2
    assert fig.layout.yaxis2.tickformat == ",.1f" and fig.layout.yaxis.tickformat == ",.0f"
    titles = [a.text for a in fig.layout.annotations]
    assert "Tổ" in titles and "Tỷ lệ" in titles
    spark = charts.sparkline(frame.filter(pl.col("label") == "Tổ"), "en")
    assert spark.layout.separators == ".," and not spark.layout.xaxis.visible


def test_long_source_line_wraps_to_the_figure_width():
    """The on-screen footer is wrapped as the export wraps it (one function, charts.textfit.wrap): every
    line fits plotly's default 700 px less the left margin, no word is lost, the demo note and the bottom
    margin move down by the lines added."""
    import plotly.graph_objects as go

    from cnscd.charts import base, textfit

    long = "; ".join(["Những kết quả nổi bật sau 02 năm thực hiện Đề án thí điểm Thành lập Tổ Công nghệ số "
                      "cộng đồng trên địa bàn tỉnh Đồng Tháp", "Dữ liệu minh hoạ tổng hợp",
                      "Hơn 74.422 tổ công nghệ số cộng đồng được thành lập"])
    m = meta(source=long)
    fig = base.finish(go.Figure(go.Scatter(x=[1, 2], y=[1, 2])), m)
    foot = {a.name: a for a in fig.layout.annotations}
    lines = foot["cnscd_footer"].text.split("<br>")
    room = base.DEFAULT_WIDTH - fig.layout.margin.l
    assert len(lines) >= 2 and all(textfit.text_width(x, base.FOOTER_SIZE) <= room - 8 for x in lines), lines
    assert " ".join(lines).split() == m.source_line.split()
    step = round(base.FOOTER_SIZE * 1.3)
    assert foot["cnscd_notes"].yshift == -66 - (len(lines) - 1) * step
    assert fig.layout.margin.b == 92 + (len(lines) - 1) * step
    short = base.finish(go.Figure(), meta())
    assert [a.text for a in short.layout.annotations if a.name == "cnscd_footer"] == [meta().source_line]
    assert short.layout.margin.b == 92
    # a figure with its own width wraps to that width
    wide = base.finish(go.Figure(layout={"width": 1400}), m)
    assert len(next(a for a in wide.layout.annotations if a.name == "cnscd_footer").text.split("<br>")) < len(lines)


def test_chart_meta_of_shows_the_source_title_of_its_language():
    frame = pl.DataFrame({"source_title": ["Dữ liệu minh hoạ tổng hợp"], "source_title_en": ["Synthetic demo data"],
                          "is_demo": [True]})
    en = ChartMeta.of(frame, title=str, lang="en")
    vi = ChartMeta.of(frame, title=str, lang="vi")
    assert en.source == "Synthetic demo data" and vi.source == "Dữ liệu minh hoạ tổng hợp"
    assert en.data["source_title"].to_list() == ["Synthetic demo data"] and "source_title_en" not in en.data.columns
