"""AppTest of the map page on the tiny warehouse and square layers: every control, drill-down,
two periods side by side and a shared link's query parameters."""
from __future__ import annotations

import json

import pytest
import streamlit as st

from cnscd.ui import map_panel
from cnscd.charts import maps
from tests import mapfixtures as mf

PAGE = "pages/2_Ban_do.py"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return mf.build(tmp_path_factory.mktemp("mapwh") / "wh.duckdb")


@pytest.fixture
def app(wh, monkeypatch):
    import geo.layers

    monkeypatch.setenv("CNSCD_WAREHOUSE", str(wh))
    monkeypatch.setattr(geo.layers, "layer", mf.layer)
    maps.layer_for.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()

    make = mf.app_opener(PAGE)
    yield make
    maps.layer_for.cache_clear()


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def codes(fig):
    """Unit codes drawn, over both traces (with a figure / without), in feature order."""
    pts = {int(loc): cd[7] for tr in fig["data"] if tr["type"] == "choropleth"
           for loc, cd in zip(tr["locations"], tr["customdata"])}
    return [pts[i] for i in sorted(pts)]


def by_label(widgets, label):
    hits = [w for w in widgets if w.label == label]
    assert hits, [w.label for w in widgets]
    return hits[0]


def test_default_view(app):
    at = app()
    assert not at.exception, at.exception
    (fig,) = figures(at)
    labels = [tr for tr in fig["data"] if tr["type"] == "scattergeo"]
    assert labels and "Quần đảo<br>Hoàng Sa" in labels[0]["text"]  # the archipelagos are named (two lines)
    assert fig["data"][0]["type"] == "choropleth" and codes(fig) == ["01", "04"]  # 2025 provinces, latest month
    assert fig["layout"]["separators"] == ",."
    caps = " ".join(c.value for c in at.caption)
    assert "T6/2026" in caps and "34 tỉnh" in caps and "minh hoạ" in caps and "Nguồn" in caps
    assert at.query_params["period"] == "2026-06"


def test_shared_link_reopens_view(app):
    at = app(period="2025-06", ind="teams_total", measure="pct_target", scheme="equal_interval", k="3",
             level="child", lang="en")
    assert not at.exception, at.exception
    (fig,) = figures(at)
    tr = fig["data"][0]
    assert len(codes(fig)) == 5  # legacy districts of the whole country
    assert tr["colorbar"]["ticktext"][0] == "no report"
    assert "% of target" in tr["colorbar"]["title"]["text"]
    assert fig["layout"]["separators"] == ".,"
    caps = " ".join(c.value for c in at.caption)
    assert "06/2025" in caps and "Approximate boundaries" in caps and "1 units have no report" in caps


def test_drill_in_and_back(app):
    at = app(period="2025-06", unit="03")
    assert not at.exception, at.exception
    (fig,) = figures(at)
    assert codes(fig) == ["004", "005"]
    assert at.query_params["unit"] == "legacy:03"  # the old link's bare code, rewritten with its version
    at.button(key="map_back").click().run()
    assert "unit" not in at.query_params  # the nation is the absence of `unit`
    (fig,) = figures(at)
    assert len(codes(fig)) == 3


def test_drill_follows_period_across_reform(app):
    at = app(period="2025-06", unit="02")
    at.select_slider(key="w_period").set_value("2026-01").run()
    assert not at.exception, at.exception
    assert at.query_params["unit"] == "2025:04"  # legacy 02 was merged into 2025 province 04
    (fig,) = figures(at)
    assert codes(fig) == ["00003", "00004", "00005"]


def test_every_control(app):
    at = app(period="2025-06")
    at.selectbox(key="w_ind").set_value("villages_with_team_pct").run()
    assert not at.exception, at.exception
    assert "Trên 1.000 dân" not in at.selectbox(key="w_measure").options  # no per-capita for a rate
    assert "% mục tiêu" in at.selectbox(key="w_measure").options
    at.selectbox(key="w_ind").set_value("teams_total").run()
    for m in ("per1000", "pct_target", "change", "abs"):
        at.selectbox(key="w_measure").set_value(m).run()
        assert not at.exception, (m, at.exception)
        assert at.query_params["measure"] == m
    at.query_params["measure"] = "change"
    at.run()
    assert at.selectbox(key="w_base").value == "2025-05"
    at.selectbox(key="w_scheme").set_value("natural_breaks").run()
    at.selectbox(key="w_k").set_value(3).run()
    at.button_group(key="w_level").set_value("child").run()
    assert at.query_params["level"] == "child" and len(codes(figures(at)[0])) == 5
    at.selectbox(key="w_base").set_value("2025-06").run()
    assert at.query_params["base"] == "2025-06"
    at.toggle(key="w_cmp").set_value(True).run()
    at.selectbox(key="w_period2").set_value("2025-12").run()
    assert not at.exception, at.exception
    assert at.query_params["cmp"] == "1" and at.query_params["period2"] == "2025-12"
    left, right = figures(at)
    assert len(codes(left)) == 5 and len(codes(right)) == 5  # legacy districts | 2025 communes
    at.toggle(key="w_cmp").set_value(False).run()
    at.selectbox(key="w_unit").set_value("01").run()
    assert not at.exception, at.exception
    assert at.query_params["scheme"] == "natural_breaks" and at.query_params["k"] == "3"
    assert at.query_params["unit"] == "legacy:01"


def test_two_periods_side_by_side(app):
    at = app(period="2025-06", cmp="1")
    assert not at.exception, at.exception
    left, right = figures(at)
    assert len(codes(left)) == 3 and codes(right) == ["01", "04"]
    assert at.selectbox(key="w_period2").value == "2026-06"
    caps = " ".join(c.value for c in at.caption)
    assert "63 tỉnh" in caps and "34 tỉnh" in caps


def test_play_button_toggles_and_steps(app):
    at = app(period="2025-06")
    at.button(key="map_play").click().run()
    assert not at.exception, at.exception
    assert at.session_state[map_panel.PLAYING] is True
    assert at.button(key="map_play").label.startswith("⏸")
    at.button(key="map_play").click().run()
    assert at.session_state[map_panel.PLAYING] is False
    keys = ["2025-05", "2025-06", "2025-07"]
    assert map_panel.next_period(keys, "2025-05") == "2025-06" and map_panel.next_period(keys, "2025-07") is None


def test_bad_link_values_warn_in_both_languages(app):
    at = app(period="1999-01", measure="bogus", unit="ZZ")
    assert not at.exception, at.exception
    warns = " ".join(w.value for w in at.warning)
    assert "không hợp lệ" in warns and "not valid" in warns


def test_clicked_reads_customdata_or_location():
    layer = maps.prepare_layer(mf.layer("province", "legacy"), "province", "legacy")
    ev = {"selection": {"points": [{"location": "1"}]}}
    assert map_panel.clicked(ev, layer) == "02"
    ev = {"selection": {"points": [{"customdata": ["x", 1, 1, None, None, "s", 1, "03", "", "03"]}]}}
    assert map_panel.clicked(ev, layer) == "03"
    ev = {"selection": {"points": [{"customdata": ["x", 1, 1, None, None, "s", 1, "005", "", "03"]}]}}
    assert map_panel.clicked(ev, layer, province_of_unit=True) == "03"  # a district drills into its province
    assert map_panel.clicked({"selection": {"points": []}}, layer) is None


def test_real_warehouse_and_layers(warehouse_env):
    """The built demo warehouse with the committed layers: 34 provinces, a drill, both periods."""
    st.cache_data.clear()
    st.cache_resource.clear()
    maps.layer_for.cache_clear()
    at = mf.app_opener(PAGE, timeout=60)(period="2026-06", cmp="1", period2="2025-06")
    assert not at.exception, at.exception
    left, right = figures(at)
    assert len(codes(left)) == 34 and len(codes(right)) == 63
    at.selectbox(key="w_unit").set_value("01").run()  # Hà Nội: its 2025 communes beside its legacy districts
    assert not at.exception, at.exception
    left, right = figures(at)
    assert len(codes(left)) == len(maps.layer_for("commune", "2025", "01").feature_codes)
    assert len(codes(right)) == len(maps.layer_for("district", "legacy", "01").feature_codes) == 30
    caps = " ".join(c.value for c in at.caption)
    assert "gần đúng" in caps and "minh hoạ" in caps
