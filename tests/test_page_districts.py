"""District comparison: frames, charts and an AppTest of every control, on the tiny warehouse."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
import streamlit as st

import queries
from cnscd import months
from cnscd.views import districtdata
from cnscd.charts import districts
from cnscd.charts.meta import ChartMeta
from tests import mapfixtures as mf

PAGE = "pages/4_So_sanh_huyen.py"
JUNE25, JUNE26 = dt.date(2025, 6, 30), dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return mf.build(tmp_path_factory.mktemp("dwh") / "wh.duckdb")


@pytest.fixture(scope="module")
def query(wh):
    con = duckdb.connect(str(wh), read_only=True)
    yield lambda name, **p: queries.run(con, name, **p)
    con.close()


def test_ranking_and_reference(query):
    r = districtdata.ranking(query, indicator="teams_total", period_end=JUNE25, version="legacy", province="01")
    assert r["unit_code"].to_list() == ["001", "002"] and r["rank"].to_list() == [2, 1]
    # counts: the mean per reporting district; rates: the province's pooled rate
    ref = districtdata.province_reference(query, indicator="teams_total", period_end=JUNE25, version="legacy",
                                          province="01", aggregation="sum", child_values=r["value"].to_list())
    assert ref == pytest.approx((6 + 7) / 2)
    ref_pct = districtdata.province_reference(query, indicator="villages_with_team_pct", period_end=JUNE25,
                                              version="legacy", province="01", aggregation="ratio", child_values=[])
    assert ref_pct == pytest.approx(13 / 40 * 100)
    r3 = districtdata.ranking(query, indicator="teams_total", period_end=JUNE25, version="legacy", province="03")
    assert r3.filter(unit_code="005")["has_report"][0] is False


def test_series_table_and_pair(query):
    s = districtdata.series(query, indicator="teams_total", period_end=JUNE26, version="2025", province="04")
    assert s["period_end"].n_unique() == 12 and set(s["unit_code"]) == {"00003", "00004"}
    r = districtdata.ranking(query, indicator="teams_total", period_end=JUNE26, version="2025", province="04")
    tab = districtdata.table(r, s)
    assert tab["unit_code"].to_list() == ["00004", "00003", "00005"]  # best first, no report last
    assert len(tab["trend"][0]) == 12 and tab["trend"][2] is None
    p = districtdata.pair(query, x="teams_total", y="villages_with_team_pct", period_end=JUNE26, version="2025",
                          province="04")
    assert p.columns == ["unit_code", "display_name", "is_demo", "x", "y"] and p.height == 2
    assert districtdata.top_units(r, 1) == ["00004"]
    assert months.back(dt.date(2026, 3, 31), 11) == dt.date(2025, 4, 30)


def meta():
    return ChartMeta(title_vi="Tổ", title_en="Teams", unit="tổ", period="T6/2026", boundary_version="2025",
                     source="demo", is_demo=True, lang="vi")


def test_charts(query):
    r = districtdata.ranking(query, indicator="teams_total", period_end=JUNE26, version="2025", province="04")
    fig = districts.ranking_bars(r, meta(), reference=30.5, reference_label="Trung bình tỉnh")
    bar = fig.data[0]
    assert list(bar.y) == ["00004", "00003", "00005"]  # categories are codes: same names never merge
    ticks = fig.layout.yaxis
    assert list(ticks.tickvals) == list(bar.y) and ticks.type == "category"
    assert ticks.ticktext[0] == "C00004" and ticks.ticktext[-1] == "C00005 (chưa báo cáo)"
    assert bar.marker.color[-1] == districts.NO_REPORT_COLOUR
    assert any(s.x0 == 30.5 for s in fig.layout.shapes)
    assert any("Trung bình tỉnh: 30,5" in (a.text or "") for a in fig.layout.annotations), \
        [a.text for a in fig.layout.annotations]
    assert fig.layout.separators == ",."
    p = districtdata.pair(query, x="teams_total", y="villages_with_team_pct", period_end=JUNE26, version="2025",
                          province="04")
    sc = districts.scatter(p, meta(), x_title="Tổ", y_title="%")
    assert list(sc.data[0].text) == ["C00003", "C00004"]
    s = districtdata.series(query, indicator="teams_total", period_end=JUNE26, version="2025", province="04")
    top_bottom = districts.ranking_bars(r, meta(), reference=None, reference_label="", limit=2)
    # best one + last one, and between them a row that says how many are left out (no bar of its own)
    assert list(top_bottom.layout.yaxis.ticktext) == ["C00004", "⋯ 1 đơn vị khác trong 3 (đủ trong bảng)",
                                                       "C00005 (chưa báo cáo)"]
    assert list(top_bottom.data[0].y) == ["00004", "00005"] and top_bottom.data[1].x == (None,)
    sm = districts.small_multiples(s, meta(), order=["00004", "00003"], columns=2)
    assert [tr.name for tr in sm.data] == ["C00004", "C00003"]


@pytest.fixture
def app(wh, monkeypatch):
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(wh))
    st.cache_data.clear()
    st.cache_resource.clear()

    make = mf.app_opener(PAGE)
    return make


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_page_default_and_controls(app):
    at = app()
    assert not at.exception, at.exception
    figs = figures(at)
    assert len(figs) == 3
    assert figs[0]["data"][0]["orientation"] == "h" and len(figs[0]["data"][0]["y"]) == 2  # communes of 01
    assert at.query_params["unit"] == "2025:01" and at.query_params["period"] == "2026-06"
    at.selectbox(key="w_unit").set_value("04").run()
    at.selectbox(key="w_ind").set_value("villages_with_team_pct").run()
    at.selectbox(key="w_ind2").set_value("teams_total").run()
    assert not at.exception, at.exception
    figs = figures(at)
    assert len(figs[0]["data"][0]["y"]) == 3
    assert any("tỷ lệ chung" in a["text"] for a in figs[0]["layout"]["annotations"])
    assert at.query_params["ind2"] == "teams_total"
    at.button_group(key="w_nbars").set_value(0).run()
    assert at.query_params["nbars"] == "0" and not at.exception
    at.button_group(key="w_nmult").set_value(4).run()
    assert at.query_params["nmult"] == "4" and not at.exception
    df = at.dataframe[0].value
    assert len(df) == 3


def test_page_carries_province_across_reform(app):
    at = app(period="2026-06", unit="03")  # a legacy code: province 03 is part of 2025 province 04
    assert not at.exception, at.exception
    assert at.query_params["unit"] == "2025:04" and not at.warning
    at = app(unit="VN")  # the map page's nation: fall back to the default province quietly
    assert at.query_params["unit"] == "2025:01" and not at.warning


def test_page_shared_link_legacy_english(app):
    at = app(period="2025-06", unit="03", ind="teams_total", ind2="villages_with_team_pct", nmult="4", lang="en")
    assert not at.exception, at.exception
    figs = figures(at)
    assert figs[0]["data"][0]["y"] == ["004", "005"]
    assert figs[0]["layout"]["yaxis"]["ticktext"] == ["C004", "C005 (no report)"]  # legacy districts of 03
    assert figs[0]["layout"]["separators"] == ".,"
    assert len(figs[2]["data"]) == 1  # small multiples: the one reporting district
    caps = " ".join(c.value for c in at.caption)
    assert "districts" in caps and "06/2025" in caps


def test_real_warehouse(warehouse_env):
    st.cache_data.clear()
    st.cache_resource.clear()
    at = mf.app_opener(PAGE, timeout=60)(period="2025-06", unit="01", ind2="members")
    assert not at.exception, at.exception
    figs = figures(at)
    assert len(figs[0]["data"][0]["y"]) == 30  # Hà Nội's 30 legacy districts (40 bars max, all shown)
    at.select_slider(key="w_period").set_value("2026-06").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 126  # Hà Nội's communes from July 2025
