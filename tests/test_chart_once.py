"""A chart is finished once and built once per view (issue 10 §3, issue 12 §4): the figure a page shows
is the one its download menu and its slide deck / report get, and a rerun of a view any session has
opened on the same warehouse does not build it again."""
from __future__ import annotations

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from tests import numbers as nb


def _session(**params) -> AppTest:
    at = AppTest.from_file(str(nb.APP), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(nb.PAGES["targets"])
    return nb.ok(at.run())


def test_one_figure_per_view_shared_by_sessions_and_exports(warehouse_env, monkeypatch):
    from cnscd import charts
    from cnscd.ui import widgets

    built: list[go.Figure] = []
    real = charts.progress_bars

    def counting(*args, **kw):
        built.append(real(*args, **kw))
        return built[-1]
    monkeypatch.setattr(charts, "progress_bars", counting)
    views: list = []
    real_views = widgets.view_downloads
    monkeypatch.setattr(widgets, "view_downloads", lambda key, figs, *a, **kw: (views.append(figs), real_views(key, figs, *a, **kw)))
    downloads = nb.Downloads.install(monkeypatch)

    at = nb.open_page("targets", ind="teams_total", thr="80")   # clears the caches
    assert len(built) == 1
    fig, meta = downloads.menus["targets_progress"]
    # the menu gets the shown figure itself (no second build on click), finished with the chart's words
    assert fig is built[0] and views[-1] == [(fig, meta)]
    assert meta.title in fig.layout.title.text
    assert [a.text for a in fig.layout.annotations if a.name == "cnscd_footer"] == [meta.source_line]
    shown = nb.figures(at)[0]
    assert shown["layout"]["title"]["text"] == fig.layout.title.text

    _session(ind="teams_total", thr="80")      # another session, same view: not built again
    at.run()                                    # a rerun of the first: neither
    assert len(built) == 1
    _session(ind="teams_total", thr="90")      # another threshold is another figure
    assert len(built) == 2 and built[1].layout.shapes[1].x0 == 90


# ---- tables: formatted once per content, shown the same (issue 12 §4) -------------------------------
def _table_app():
    import datetime as dt

    import polars as pl

    from cnscd.ui import widgets

    frame = pl.DataFrame({"name": ["Đồng Tháp", "An Giang"], "n": [1234567.0, None], "p": [12.345, 99.95],
                          "d": [dt.date(2025, 6, 30), dt.date(2024, 1, 31)], "trend": [[1.0, 2.0], [3.0, 4.5]]})
    widgets.table(frame, "vi", labels={"n": "Số tổ"}, decimals={"p": 1}, dates=("d",), key="t")


def test_table_display_values_are_the_stylers_and_formatted_once(monkeypatch):
    """The cached, pre-marshalled table carries exactly what Streamlit's own marshall_styler makes of
    fmt.table_styler for the same frame (so the page shows the same text), and a second session's
    rerun does not format it again (tests/test_table_display.py: the same on odd frames and every page)."""
    import datetime as dt

    import polars as pl
    import streamlit as st
    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from cnscd import fmt

    st.cache_resource.clear()
    calls = []
    real = fmt.table_styler
    display = fmt.table_display      # the table's text, made once (widgets.styler_proto)
    monkeypatch.setattr(fmt, "table_display", lambda *a, **k: (calls.append(1), display(*a, **k))[1])
    shown = []
    for _ in range(2):
        at = AppTest.from_function(_table_app).run()
        assert not at.exception
        shown.append(at.main.dataframe[0].proto.arrow_data.styler)
    assert len(calls) == 1 and shown[0] == shown[1]

    frame = pl.DataFrame({"name": ["Đồng Tháp", "An Giang"], "Số tổ": [1234567.0, None], "p": [12.345, 99.95],
                          "d": [dt.date(2025, 6, 30), dt.date(2024, 1, 31)], "trend": [[1.0, 2.0], [3.0, 4.5]]})
    fresh = ArrowData()
    pandas_styler_utils.marshall_styler(fresh, real(frame, "vi", {"p": 1}, ("d",)), shown[0].uuid)
    assert fresh.styler.display_values == shown[0].display_values
    assert list(fresh.styler.styles) == list(shown[0].styles)
    text = at.main.dataframe[0].proto.arrow_data.styler.display_values
    assert b"1.234.567" in text and b"12,3" in text and b"30/06/2025" in text


def _chart_app():
    import plotly.graph_objects as go
    import streamlit as st

    from cnscd.charts.meta import ChartMeta  # noqa: F401 - the page path imports it too
    from cnscd.ui import widgets

    fig = st.session_state.setdefault("fig", go.Figure(go.Bar(x=["Đồng Tháp", "An Giang"], y=[1234.5, 99.0]),
                                                       layout={"title": {"text": "Số tổ"}, "separators": ",."}))
    widgets.encode_once(fig)
    st.plotly_chart(fig, key="c", theme=None, config={"displaylogo": False})


def test_chart_json_is_made_once_and_is_plotlys_own(monkeypatch):
    """A shown figure is encoded once per figure object (not on every rerun) and the chart gets exactly
    the JSON Plotly makes of it; other figures are untouched."""
    import plotly.graph_objects as go
    import plotly.io

    from cnscd.ui import widgets

    calls = []
    real = widgets._ORIGINAL_TO_JSON
    monkeypatch.setattr(widgets, "_ORIGINAL_TO_JSON", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    at = AppTest.from_function(_chart_app).run()
    at.run()
    assert not at.exception and len(calls) == 1
    spec = at.get("plotly_chart")[0].proto.spec
    fig = at.session_state["fig"]
    assert spec == real(fig.to_dict(), validate=False)
    other = go.Figure(go.Scatter(x=[1], y=[2]))
    assert plotly.io.to_json(other, validate=False) == real(other, validate=False)
