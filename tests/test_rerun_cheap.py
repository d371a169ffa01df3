"""A rerun of a view opened before does not redo what it did last time (issue 12 §4, docs/scaling.md
"Session 6"): the shared caches' front answers a repeat without Streamlit's hashing and is cleared with
them; a shared table's Arrow bytes are made once and are Streamlit's own; the URL put back after a page
switch is one update with the same query string."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def test_front_answers_repeats_and_is_cleared_with_the_resource_caches():
    import streamlit as st

    from cnscd.ui import cache

    st.cache_resource.clear()
    calls = []

    def get():
        calls.append(1)
        return object()
    first = cache.front("view", ("a", 1), get)
    assert cache.front("view", ("a", 1), get) is first and len(calls) == 1
    assert cache.front("view", ("a", 2), get) is not first and len(calls) == 2
    st.cache_resource.clear()                                  # a test pointing the app at another warehouse
    assert cache.front("view", ("a", 1), get) is not first and len(calls) == 3
    assert cache.front("view", (["unhashable"],), get) is not None and len(calls) == 4   # goes to the cache each time


def test_front_is_bounded(monkeypatch):
    import streamlit as st

    from cnscd.ui import cache

    st.cache_resource.clear()
    monkeypatch.setitem(cache._FRONT_MAX, "view", 3)
    for i in range(10):
        cache.front("view", (i,), lambda i=i: i)
    held = cache._FRONTS["view"]
    assert len(held) == 3 and list(held) == [(7,), (8,), (9,)]


def _catalogue_app():
    import streamlit as st

    from cnscd.ui import cache

    st.session_state["out"] = {
        "indicator": cache.indicator("members"), "provinces": cache.provinces("2025")["unit_code"].to_list(),
        "month_ends": cache.month_ends(), "version_label": cache.version_label("legacy", "en"),
        "version_at": cache.version_at(cache.month_ends()[0]), "titles": cache.source_titles("vi")}
    cache.indicator("members")["name_vi"] = "changed by a caller"      # a caller's copy: the next call is not


def test_catalogue_helpers_equal_the_frames(warehouse_env):
    """The per-snapshot look-ups give what the frames say (the Polars filters they replace)."""
    import duckdb
    import polars as pl
    import streamlit as st

    import queries
    from cnscd.views import common

    st.cache_resource.clear()
    at = AppTest.from_function(_catalogue_app, default_timeout=120).run()
    at.run()
    assert not at.exception
    out = at.session_state["out"]
    con = duckdb.connect(str(warehouse_env), read_only=True)
    cat = queries.run(con, "indicator_catalogue")
    assert out["indicator"] == cat.filter(pl.col("indicator_code") == "members").to_dicts()[0]
    units = queries.run(con, "unit_list")
    assert out["provinces"] == units.filter((pl.col("boundary_version") == "2025")
                                            & (pl.col("unit_level") == "province"))["unit_code"].to_list()
    ends = queries.run(con, "month_periods")["period_end"].unique().sort().to_list()
    assert out["month_ends"] == ends
    bv = queries.run(con, "boundary_versions").filter(pl.col("boundary_version") == "legacy").to_dicts()[0]
    assert out["version_label"] == (bv["label_en"] or bv["label_vi"])
    assert out["version_at"] == common.version_at(lambda name, **p: queries.run(con, name, **p), ends[0])
    src = queries.run(con, "source_list")
    assert out["titles"] == dict(zip(src["source_id"], src["title"]))


def _table_app():
    import polars as pl

    from cnscd.ui import widgets

    frame = pl.DataFrame({"name": ["Đồng Tháp", "An Giang"], "n": [1234567.0, None], "trend": [[1.0, 2.0], [3.0, 4.5]]})
    widgets.table(frame, "vi", labels={"n": "Số tổ"}, key="t")


def test_table_arrow_bytes_made_once_and_streamlits_own(monkeypatch):
    import polars as pl
    import streamlit as st
    from streamlit import dataframe_util

    from cnscd.ui import widgets

    st.cache_resource.clear()
    calls = []
    real = widgets._ORIGINAL_TO_ARROW
    monkeypatch.setattr(widgets, "_ORIGINAL_TO_ARROW", lambda df: (calls.append(1), real(df))[1])
    shown = []
    for _ in range(3):
        at = AppTest.from_function(_table_app).run()
        assert not at.exception
        shown.append(at.main.dataframe[0].proto.arrow_data.data)
    assert len(calls) == 1 and shown[0] == shown[1] == shown[2]
    frame = pl.DataFrame({"name": ["Đồng Tháp", "An Giang"], "Số tổ": [1234567.0, None], "trend": [[1.0, 2.0], [3.0, 4.5]]})
    assert shown[0] == real(frame.to_pandas())
    other = frame.to_pandas()                  # a frame not kept goes the usual way
    assert dataframe_util.convert_pandas_df_to_arrow_bytes(other) == real(other)


def _restore_app():
    import streamlit as st

    from cnscd.ui import state

    if not st.session_state.get("seeded"):
        st.session_state["seeded"] = True
        for name, value in (("lang", "en"), ("period", "2025-09"), ("unit", "2025:79"), ("nbars", "20")):
            state.put(name, value)
    state.restore()


def test_restore_is_one_url_update_with_the_same_query_string():
    from streamlit.runtime.state import query_params

    at = AppTest.from_function(_restore_app).run()
    sent = []
    real = query_params.QueryParams._send_query_param_msg

    def counting(self):
        from urllib import parse

        sent.append(parse.urlencode(self._query_params, doseq=True))
        return real(self)
    query_params.QueryParams._send_query_param_msg = counting
    try:
        at.query_params.clear()
        at.query_params["unit"] = "2025:79"       # a rerun whose URL lost the other values (a page switch)
        at.run()
    finally:
        query_params.QueryParams._send_query_param_msg = real
    assert not at.exception
    # one message, with the query string the one-by-one writes ended with (the same order)
    assert sent == ["unit=2025%3A79&lang=en&period=2025-09&nbars=20"]
    assert dict(at.query_params) == {"unit": "2025:79", "lang": "en", "period": "2025-09", "nbars": "20"}


def test_load_benchmark_prints_what_its_errors_said(monkeypatch, capsys):
    """bench/benchmark.py --only load shows every error's kind and the first errors' own words (issue 12 §4:
    one run had 48 errors whose text was lost)."""
    from bench import bench_load, benchmark

    errors = [f"viewer {i}: TimeoutError no script_finished within 30 s (ban-do?ind=members&period=2025-0{i}&unit=01, "
              f"started {i}.0 s into the run)" for i in range(1, 4)] + ["viewer 9: RuntimeError exception on muc-tieu?x: boom"]
    stats = bench_load.Stats(times=[0.1, 0.2], errors=errors)
    summary = stats.summary(10.0)
    assert summary["error_kinds"] == {"TimeoutError no script_finished within 30 s": 3, "RuntimeError exception on muc-tieu": 1}

    def scenario(replicas, viewers, duration):
        return summary | {"viewers": viewers, "replicas": replicas, "single": {"p50_s": 0.1, "p95_s": 0.2},
                          "mem_0_sessions_mb": 500.0, "mem_all_sessions_mb": 510.0, "mem_per_session_mb": 0.2,
                          "mem_at_sessions_mb": {0: 500.0, 50: 505.0, **({100: 510.0} if viewers >= 100 else {})}}
    monkeypatch.setattr(bench_load, "scenario", scenario)
    rows = bench_load.run()
    out = capsys.readouterr().out
    assert "errors (1 replica): 3 × TimeoutError no script_finished within 30 s" in out
    assert "error: viewer 9: RuntimeError exception on muc-tieu?x: boom" in out
    row = next(r for r in rows if r["name"] == "load 1 replica, 50 viewers: errors")
    assert "3 × TimeoutError" in benchmark.fmt_row(row) and "1 × RuntimeError exception on muc-tieu" in benchmark.fmt_row(row)
    # server memory at 0 / 50 / 100 sessions (issue 12 §4), each beside the 0-session figure
    memory = {r["name"]: r["value"] for r in rows if "sessions run" in r["name"]}
    assert memory == {"load 1 replica, 50 viewers: server memory at 50 sessions run": 505.0,
                      "load 2 replicas, 100 viewers: server memory at 50 sessions run": 505.0,
                      "load 2 replicas, 100 viewers: server memory at 100 sessions run": 510.0}


def test_no_python_callback_inside_a_polars_query():
    """No `map_elements` / `map_batches` / `map_rows` in the app: a Python callback run by Polars' engine while
    another session's thread turns a frame into numpy or pandas can deadlock the whole process on the GIL
    (pola-rs/polars#26821; a stalled replica in the load benchmark: every viewer's rerun timed out)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = [f"{p.relative_to(root)}:{n}" for d in ("cnscd", "pages", "queries") for p in (root / d).rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"\.map_(elements|batches|rows)\(", line.split("#", 1)[0])]
    assert (root / "app.py").read_text().count(".map_elements(") == 0
    assert found == []


def test_progress_statuses_equal_map_elements():
    import polars as pl

    from cnscd.charts.progress import status_of

    frame = pl.DataFrame({"pct": [None, 150.0, 100.0, 99.9, 80.0, 40.0, 39.9, float("nan"), 0.0, -5.0]})
    for threshold in (80.0, 90.0, 50.0):
        old = frame.with_columns(status=pl.col("pct").map_elements(lambda p: status_of(p, threshold),
                                                                   return_dtype=pl.String))["status"].to_list()
        new = [None if p is None else status_of(p, threshold) for p in frame["pct"].to_list()]
        assert new == old
