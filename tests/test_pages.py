"""AppTest for pages 1, 3, 5 and 7 and the app frame: every control, shared links, language, and
the page views' numbers checked against the warehouse by independent SQL."""
from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import queries
from cnscd import months
from cnscd.views import compare, overview, targets

APP = "../app.py"
COMPARE, TARGETS, SOURCES = "pages/3_So_sanh_tinh.py", "pages/5_Muc_tieu.py", "pages/7_Nguon.py"


@pytest.fixture
def app(warehouse_env):
    """A fresh AppTest of app.py on the session's warehouse; caches cleared so pages see this file."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture(scope="module")
def q(con):
    return lambda name, **p: queries.run(con, name, **p)


def ok(at) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def charts_of(at) -> list:
    return at.get("plotly_chart")


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def today_codes(q, n=2) -> list[str]:
    bv = q("boundary_versions").filter(pl.col("valid_to_date").is_null())["boundary_version"][0]
    u = q("unit_list").filter((pl.col("boundary_version") == bv) & (pl.col("unit_level") == "province"))
    return u.sort("unit_code")["unit_code"].tail(n).to_list()


# ---- app frame and Overview -----------------------------------------------------------------------------
def test_overview_first_render(app, q):
    at = ok(app.run())
    assert [t.value for t in at.title] == ["Tổng quan"]
    shown = texts(at)
    assert "Địa giới:" in shown and "Số liệu mới nhất:" in shown and "MINH HOẠ" in shown
    assert len(at.metric) >= 5 and all(m.value for m in at.metric)
    assert re.search(r"\d\.\d{3}", " ".join(m.value for m in at.metric)), "Vietnamese thousands dot expected"
    assert len(charts_of(at)) == 1
    latest = q("month_periods")["period_end"].max()
    assert at.query_params["period"] == f"{latest:%Y-%m}" and at.query_params["lang"] == "vi"
    assert any("Toàn quốc" in m.value for m in at.markdown), "'what changed' sentences expected"


def test_overview_period_control_goes_back_to_legacy_boundaries(app, q):
    at = ok(app.run())
    first_values = [m.value for m in at.metric]
    legacy_month = q("month_periods").filter(pl.col("boundary_version") == "legacy")["period_end"].max()
    at.select_slider(key="w_period").set_value(f"{legacy_month:%Y-%m}").run()
    ok(at)
    assert at.query_params["period"] == f"{legacy_month:%Y-%m}"
    assert [m.value for m in at.metric] != first_values
    label = q("boundary_versions").filter(pl.col("boundary_version") == "legacy")["label_vi"][0]
    assert label in texts(at)


def test_overview_cards_for_one_province(app, q):
    at = ok(app.run())
    national = [m.value for m in at.metric]
    code = today_codes(q, 1)[0]
    at.selectbox(key="w_unit").set_value(code).run()
    ok(at)
    assert at.query_params["unit"] == f"2025:{code}"  # a unit is (boundary version, code)
    assert [m.value for m in at.metric] != national and len(at.metric) == len(national)


def test_language_switch_changes_text_and_url(app):
    at = ok(app.run())
    at.sidebar.button_group(key="w_lang").set_value("en").run()
    ok(at)
    assert [t.value for t in at.title] == ["Overview"] and at.query_params["lang"] == "en"
    assert "Latest data:" in texts(at)
    assert re.search(r"\d,\d{3}", " ".join(m.value for m in at.metric)), "English thousands comma expected"


# ---- Compare provinces --------------------------------------------------------------------------------
def test_compare_every_control(app, q):
    at = app.run()
    at.switch_page(COMPARE).run()
    ok(at)
    assert [t.value for t in at.title] == ["So sánh tỉnh"] and len(charts_of(at)) == 2
    at.multiselect(key="w_units").set_value(today_codes(q, 3)).run()
    at.selectbox(key="w_ind").set_value("members").run()  # a count with targets: all four measures
    for measure in compare.MEASURES:
        for mode in compare.MODES:
            at.selectbox(key="w_measure").set_value(measure).run()
            at.button_group(key="w_mode").set_value(mode).run()
            ok(at)
            assert at.query_params["measure"] == measure and at.query_params["mode"] == mode
            assert len(charts_of(at)) >= 1 and len(at.dataframe) == 1
    at.selectbox(key="w_measure").set_value("index").run()
    fourth = f"{sorted(q('month_periods')['period_end'].unique())[3]:%Y-%m}"
    at.selectbox(key="w_base").set_value(fourth).run()
    ok(at)
    assert at.query_params["base"] == fourth and at.selectbox(key="w_base").value == fourth
    for ind in ("villages_with_team_pct", "members", "dossiers_online_pct"):
        at.selectbox(key="w_ind").set_value(ind).run()
        ok(at)
        assert at.query_params["ind"] == ind
    at.selectbox(key="w_ind").set_value("members").run()
    at.selectbox(key="w_measure").set_value("per1000").run()
    at.selectbox(key="w_ind").set_value("villages_with_team_pct").run()  # a share: no per-capita measure
    ok(at)
    assert "Trên 1.000 dân" not in at.selectbox(key="w_measure").options
    assert at.selectbox(key="w_measure").value == "abs" and at.query_params["measure"] == "abs"
    at.multiselect(key="w_units").set_value([]).run()  # the national line alone
    ok(at)
    assert len(charts_of(at)) == 1


def test_compare_opens_a_shared_link(app, q):
    codes = today_codes(q, 2)
    for k, v in {"lang": "en", "ind": "members", "measure": "per1000", "mode": "today",
                 "units": ",".join(codes)}.items():
        app.query_params[k] = v
    at = ok(app.run())  # app.py first (AppTest runs a page alone if switched to before the first run)
    at.switch_page(COMPARE).run()
    ok(at)
    assert [t.value for t in at.title] == ["Compare provinces"]
    assert at.sidebar.button_group(key="w_lang").value == "en"
    assert at.selectbox(key="w_ind").value == "members"
    assert at.selectbox(key="w_measure").value == "per1000"
    assert at.button_group(key="w_mode").value == "today"
    assert [str(r) for r in at.multiselect(key="w_units").value] == [f"2025:{c}" for c in codes]


def test_view_params_survive_page_switches(app, q):
    at = app.run()
    months = q("month_periods")["period_end"].to_list()
    at.select_slider(key="w_period").set_value(f"{months[-5]:%Y-%m}").run()
    at.switch_page(COMPARE).run()
    at.selectbox(key="w_ind").set_value("members").run()
    at.switch_page(TARGETS).run()
    ok(at)
    assert at.query_params["period"] == f"{months[-5]:%Y-%m}" and at.select_slider(key="w_period").value == f"{months[-5]:%Y-%m}"
    at.switch_page(COMPARE).run()
    assert at.selectbox(key="w_ind").value == "members"


def test_bad_link_values_say_so_in_both_languages(app):
    app.query_params["ind"] = "khong_co"
    at = app.run().switch_page(COMPARE).run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "'ind'" in warning and "không hợp lệ" in warning and "not valid" in warning


# ---- Targets and Sources ---------------------------------------------------------------------------------
def test_targets_every_control(app, q):
    at = app.run()
    at.switch_page(TARGETS).run()
    ok(at)
    assert [t.value for t in at.title] == ["Mục tiêu"]
    for ind in at.selectbox(key="w_ind").options[:3]:
        at.selectbox(key="w_ind").set_value(ind).run()
        ok(at)
    months = q("month_periods")["period_end"].to_list()
    at.select_slider(key="w_period").set_value(f"{months[len(months) // 2]:%Y-%m}").run()
    at.number_input(key="w_thr").set_value(120).run()
    ok(at)
    assert at.query_params["thr"] == "120"
    assert len(at.dataframe) >= 1


def test_sources_page(app):
    at = app.run()
    at.switch_page(SOURCES).run()
    ok(at)
    assert [t.value for t in at.title] == ["Nguồn & phương pháp"]
    assert len(at.dataframe) >= 3 and "minh hoạ" in " ".join(w.value for w in at.warning).lower()


# ---- the numbers behind the pages -----------------------------------------------------------------------
def test_today_mode_recomputes_ratios_from_summed_parts(q, con):
    today = q("boundary_versions").filter(pl.col("valid_to_date").is_null())["boundary_version"][0]
    s = q("province_series", indicator="villages_with_team_pct", mode="today")
    old = s.filter(pl.col("is_reaggregated") & (pl.col("unit_level") == "province"))
    assert old.height > 0 and set(old["boundary_version"]) == {today}
    row = old.sort("unit_code", "period_end").row(0, named=True)
    num, den = con.execute(
        """SELECT sum(o.value * c.weight) FILTER (WHERE o.indicator_code = 'villages_with_team'),
                  sum(o.value * c.weight) FILTER (WHERE o.indicator_code = 'villages_total')
           FROM core_observation o JOIN core_crosswalk c ON c.from_code = o.unit_code AND c.from_version = o.boundary_version
           WHERE c.to_code = ? AND c.to_version = ? AND c.unit_level = 'province' AND o.period_end = ?
             AND o.granularity = 'month' AND o.is_demo""", [row["unit_code"], today, row["period_end"]]).fetchone()
    assert row["value"] == pytest.approx(100.0 * num / den)


def test_today_mode_sums_counts_and_reported_mode_breaks(q):
    today = q("boundary_versions").filter(pl.col("valid_to_date").is_null())
    start = today["valid_from_date"][0]
    rep = q("province_series", indicator="teams_total", mode="reported")
    assert set(rep.filter(pl.col("period_end") < start)["boundary_version"]) == {"legacy"}
    tod = q("province_series", indicator="teams_total", mode="today")
    before = tod.filter((pl.col("period_end") < start) & (pl.col("unit_level") == "province"))
    nation = tod.filter((pl.col("period_end") == before["period_end"].max()) & (pl.col("unit_level") == "nation"))
    assert before.filter(pl.col("period_end") == before["period_end"].max())["value"].sum() == pytest.approx(
        nation["value"][0], rel=1e-6)


def test_article_achievements_match_the_quoted_percentages(q):
    ach = targets.achievements(q)
    assert ach.height >= 1
    checked = 0
    for r in ach.iter_rows(named=True):
        assert r["achieved_pct"] == pytest.approx(100 * r["value"] / r["target_value"])
        m = re.search(r"đạt\s+(\d+(?:,\d+)?)\s*%", r["quote_vi"] or "")
        if m:  # computed from the stored numbers, it must agree with the article's own percentage
            assert r["achieved_pct"] == pytest.approx(float(m.group(1).replace(",", ".")), abs=0.15)
            checked += 1
    assert checked >= 1


def test_overview_snapshot_changes_and_sentences(q):
    latest = q("month_periods")["period_end"].max()
    snap = overview.snapshot(q, period=latest.isoformat())
    nat = snap.filter((pl.col("unit_level") == "nation") & (pl.col("indicator_code") == "teams_total")).row(0, named=True)
    assert nat["delta"] == pytest.approx(nat["value"] - nat["prev"]) and len(nat["spark"]) == overview.SPARK_MONTHS
    sentences = overview.what_changed(snap, q("indicator_catalogue"), "vi", latest)
    assert sentences and sentences[0].startswith("Toàn quốc")
    assert all("." in s for s in sentences)


def test_index_measure_is_100_at_base(q):
    base = q("month_periods")["period_end"].min()
    b = compare.all_provinces(q, indicator="members", mode="today", measure="index", base=f"{base:%Y-%m}")
    # 100 at each line's base month; a line whose base value is 0 has no index at all (never a jump from 0)
    first = b["series"].sort("period_end").group_by("unit_code").first()
    nonzero, zero = first.filter(pl.col("value") != 0), first.filter(pl.col("value") == 0)
    assert nonzero.height and nonzero["shown"].to_list() == pytest.approx([100.0] * nonzero.height)
    assert zero.height and zero["base_zero"].all()
    undefined = b["series"].filter(pl.col("unit_code").is_in(zero["unit_code"].to_list()))
    assert undefined["shown"].null_count() == undefined.height
    assert b["series"]["shown"].is_nan().sum() == 0


def test_period_helpers():
    assert months.back(dt.date(2025, 7, 31), 1) == dt.date(2025, 6, 30)
    assert months.back(dt.date(2025, 3, 31), 13) == dt.date(2024, 2, 29)


def test_sources_helpers(q, tmp_path):
    from cnscd.views.sources import boundary_files, merger_text

    layers = boundary_files()
    assert layers.height >= 1 and layers["title"].null_count() == 0  # every layer has its sidecar
    counted = layers.filter(pl.col("units").is_not_null())
    assert (counted["approximate_units"] <= counted["units"]).all()
    assert boundary_files(tmp_path).height == 0
    text = merger_text(q("province_crosswalk"))
    assert text.startswith("63 → 34") and "→" in text.split("·", 1)[1]


@pytest.mark.parametrize("page,title", [(COMPARE, "Compare provinces"), (TARGETS, "Targets"),
                                        (SOURCES, "Sources & method")])
def test_pages_in_english(app, page, title):
    app.query_params["lang"] = "en"
    at = ok(app.run().switch_page(page).run())
    assert [x.value for x in at.title] == [title]
    assert "Latest data:" in texts(at) and "DEMO" in texts(at)
