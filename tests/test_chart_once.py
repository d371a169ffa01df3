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
