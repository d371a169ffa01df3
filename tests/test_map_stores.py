"""The frames read once per warehouse snapshot and filtered per view give exactly what the per-view queries
give: mapdata.month_values against queries/map_values.sql (every column, type and row, units without a
figure — "chưa báo cáo" — included), for a sample of levels, provinces, months and indicators of both
boundary versions; and the page views built on them."""
from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries
from cnscd.views import mapdata


@pytest.fixture(scope="module")
def q(con):
    """queries.run on the session's warehouse, each result kept (as cache.query keeps it in the app)."""
    kept: dict = {}

    def run(name, **params):
        key = (name, tuple(sorted(params.items())))
        if key not in kept:
            kept[key] = queries.run(con, name, **params)
        return kept[key]
    return run


def samples(con, n: int = 40) -> list[tuple[str, str, str | None, str, dt.date]]:
    """(version, level, province, indicator, month end): fixed corners (both versions, every level, the
    first and the last month of each version, a month with no figure), then a seeded random draw."""
    months = {v: [r[0] for r in con.execute(
        "SELECT DISTINCT period_end FROM core_observation WHERE boundary_version = ? AND granularity = 'month' "
        "ORDER BY 1", [v]).fetchall()] for v in ("legacy", "2025")}
    provinces = {v: [r[0] for r in con.execute(
        "SELECT unit_code FROM core_unit WHERE boundary_version = ? AND unit_level = 'province' ORDER BY 1",
        [v]).fetchall()] for v in ("legacy", "2025")}
    inds = [r[0] for r in con.execute("SELECT indicator_code FROM core_indicator WHERE is_core ORDER BY 1").fetchall()]
    out = [("legacy", "nation", None, "teams_total", months["legacy"][-1]),
           ("2025", "province", None, "teams_total", months["2025"][0]),
           ("legacy", "province", None, "villages_with_team_pct", months["legacy"][0]),
           ("2025", "commune", "79", "teams_total", dt.date(2025, 9, 30)),
           ("legacy", "district", "87", "members", dt.date(2024, 6, 30)),
           ("legacy", "commune", "87", "teams_total", dt.date(2024, 6, 30)),
           ("2025", "commune", "82", "dossiers_online_pct", months["2025"][-1]),
           ("legacy", "district", "35", "teams_total", dt.date(1999, 12, 31))]       # no figure at all
    rng = random.Random(12)
    for _ in range(n):
        v = rng.choice(["legacy", "2025"])
        level = rng.choice(["province", "district" if v == "legacy" else "commune"])
        out.append((v, level, None if level == "province" else rng.choice(provinces[v]), rng.choice(inds),
                    rng.choice(months[v])))
    return out


def test_month_values_are_map_values_row_for_row(con, q):
    unreported = 0
    for version, level, province, indicator, day in samples(con):
        ours = mapdata.month_values(q, version=version, level=level, province=province, indicator=indicator,
                                    period_end=day)
        sql = queries.run(con, "map_values", version=version, level=level, province=province, indicator=indicator,
                          period_end=day)
        assert_frame_equal(ours, sql), (version, level, province, indicator, day)
        unreported += ours.filter(pl.col("value").is_null()).height
    assert unreported > 0      # units with no figure (the map's "chưa báo cáo") were in the sample


def test_a_month_given_as_text_reads_the_same(con, q):
    a = mapdata.month_values(q, version="2025", level="commune", province="79", indicator="teams_total",
                             period_end="2025-09-30")
    assert_frame_equal(a, queries.run(con, "map_values", version="2025", level="commune", province="79",
                                      indicator="teams_total", period_end=dt.date(2025, 9, 30)))


# ---- the pages' views built on them, against the per-view queries they replaced ---------------------------
VIEW_SAMPLES = [("2025", "79", dt.date(2025, 9, 30)), ("2025", "82", dt.date(2025, 7, 31)),
                ("2025", "01", dt.date(2026, 6, 30)), ("legacy", "87", dt.date(2024, 6, 30)),
                ("legacy", "35", dt.date(2023, 1, 31)), ("legacy", "79", dt.date(2025, 6, 30)),
                ("legacy", "01", dt.date(2022, 3, 31))]


def test_district_series_is_the_query(con, q):
    from cnscd import months
    from cnscd.views import districtdata

    for version, province, day in VIEW_SAMPLES:
        for ind in ("teams_total", "villages_with_team_pct", "members"):
            ours = districtdata.series(q, indicator=ind, period_end=day, version=version, province=province)
            sql = queries.run(con, "district_series", version=version, level=mapdata.CHILD_LEVEL[version],
                              province=province, indicator=ind, start_date=months.back(day, 11), end_date=day)
            assert_frame_equal(ours, sql), (version, province, day, ind)


def test_overview_children_are_the_per_view_queries(con, q):
    """overview.children from the kept frames against the same assembly over child_recent_series and
    child_targets_in_force (what it ran per view before), units without a report included."""
    from cnscd import months
    from cnscd.views import overview

    missing = 0
    for version, province, day in VIEW_SAMPLES:
        ours = overview.children(q, period=day.isoformat(), province=province)
        where = dict(version=version, level=mapdata.CHILD_LEVEL[version], province=province)
        s = queries.run(con, "child_recent_series", start_date=months.back(day, 11).isoformat(),
                        end_date=day.isoformat(), **where).filter(pl.col("indicator_code").is_in(list(overview.HEADLINE)))
        before = overview._assemble(s, queries.run(con, "child_targets_in_force", **where), day, overview.HEADLINE)
        assert_frame_equal(ours, before), (version, province, day)
        assert ours.height > 0
        units = queries.run(con, "child_units", **where)
        missing += len(set(units["unit_code"]) - set(ours.filter(pl.col("indicator_code") == "teams_total")["unit_code"]))
    assert missing > 0       # some units had no figure ("chưa báo cáo" in the table)


def test_overview_snapshot_is_the_per_view_query(con, q):
    from cnscd import months
    from cnscd.views import overview

    for day in (dt.date(2022, 1, 31), dt.date(2024, 6, 30), dt.date(2025, 6, 30), dt.date(2025, 7, 31),
                dt.date(2026, 6, 30)):
        ours = overview.snapshot(q, period=day.isoformat())

        def windowed(name, **params):     # what snapshot ran per view before: recent_series of its 12 months
            if name == "recent_series":
                params = dict(start_date=months.back(day, 11).isoformat(), end_date=day.isoformat())
            return q(name, **params)
        assert_frame_equal(ours, overview.snapshot(windowed, period=day.isoformat())), day


def test_a_served_app_reads_the_kept_frames_once_per_snapshot_in_the_background(warehouse_env, monkeypatch):
    import threading

    import streamlit as st

    from cnscd.ui import cache

    monkeypatch.setenv("CNSCD_WARM_DATA", "1")
    st.cache_resource.clear()
    monkeypatch.setattr(cache, "_WARMED", set())
    key = cache.stamp()
    warm = [t for t in threading.enumerate() if t.name == "cnscd-warm-data"]
    assert len(warm) == 1
    warm[0].join(300)
    cache.stamp()                      # the same snapshot: no second warm-up
    assert not [t for t in threading.enumerate() if t.name == "cnscd-warm-data"]
    ran = []
    real = queries.run
    monkeypatch.setattr(queries, "run", lambda con, name, **p: (ran.append(name), real(con, name, **p))[1])
    for name, params in mapdata.kept_frames(cache.query):
        cache.query(name, **params)
    assert ran == [], ran     # all read already, under this snapshot's key
    assert key in cache._WARMED
