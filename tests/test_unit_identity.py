"""A unit is (boundary version, code) across the 1 July 2025 reform (issue 9 §1).

Code 82 is legacy Tiền Giang and 2025 Đồng Tháp (Tiền Giang 82 + Đồng Tháp 87). Walks open a page at
T10/2026 with `unit=2025:<code>` and drag the period widget to T6/2024 as a user would (and the other
way for legacy provinces), then check the URL, the heading / caption / map title and the cards against
names and figures read here with our own SQL over core_unit, core_crosswalk, core_population and
core_observation (not through the app's queries).

Speed: under AppTest a walk costs ~0.5-1 s, so one AppTest session per page and direction carries the
walks (each walk sets the link's query parameters, reruns, then moves the period widget). All 34 2025
provinces back and all 63 legacy provinces forward on the overview (the cheapest page); on the map all
34 back and forward a sample (Tiền Giang 82, Đồng Tháp 87, Vĩnh Phúc 26, Hà Giang 02, Hà Nội 01) plus
every legacy province whose code a different 2025 province now has; on the districts page (the
dearest) every merged 2025 province back and the sample forward. Compare provinces has only today's provinces (`units`, carried
forward from an old link) and Targets has no unit: both are checked for naming the right places.
"""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import queries
from cnscd import fmt, unitref
from cnscd.unitref import NATION, UnitRef, UnitRefError

ROOT = Path(__file__).resolve().parent.parent
OVERVIEW, MAP, DISTRICTS = None, "pages/2_Ban_do.py", "pages/4_So_sanh_huyen.py"
COMPARE, TARGETS = "pages/3_So_sanh_tinh.py", "pages/5_Muc_tieu.py"
NEW_MONTH, OLD_MONTH = "2026-10", "2024-06"
SAMPLE_FORWARD = ("82", "87", "26", "02", "01")


# ---- what the pages must show, from our own SQL ------------------------------------------------
@pytest.fixture(scope="module")
def db(con):
    """Our own cursor on the session's warehouse (another test may leave a result open on `con`)."""
    cur = con.cursor()
    yield cur
    cur.close()


@pytest.fixture(scope="module")
def truth(db) -> pl.DataFrame:
    """One row per (2025 province, legacy predecessor): names, how many parts, and `back` = the one a
    backward crossing must land on (same short name first, else the most populous, then the code)."""
    return db.sql("""
        WITH parts AS (
            SELECT c.to_code, t.short_name AS to_name, c.from_code, f.short_name AS from_name,
                   (SELECT arg_max(p.population, p.year) FROM core_population p
                    WHERE p.boundary_version = 'legacy' AND p.unit_code = c.from_code) AS population
            FROM core_crosswalk c
            JOIN core_unit f ON f.boundary_version = 'legacy' AND f.unit_code = c.from_code
            JOIN core_unit t ON t.boundary_version = '2025' AND t.unit_code = c.to_code
            WHERE c.unit_level = 'province' AND c.from_version = 'legacy' AND c.to_version = '2025'
        )
        SELECT *, count(*) OVER (PARTITION BY to_code) AS n_parts,
               row_number() OVER (PARTITION BY to_code ORDER BY (from_name = to_name) DESC,
                                  population DESC NULLS LAST, from_code) = 1 AS back
        FROM parts ORDER BY to_code, from_code""").pl()


def teams(db, version: str, code: str, month: str) -> float:
    """teams_total of one province at a month end (a real row wins over a demo one)."""
    row = db.execute("""
        SELECT value FROM core_observation
        WHERE boundary_version = ? AND unit_code = ? AND indicator_code = 'teams_total' AND granularity = 'month'
          AND strftime(period_end, '%Y-%m') = ?
        ORDER BY is_demo, source_id LIMIT 1""", [version, code, month]).fetchall()
    return row[0][0]


def heading_name(row: dict, side: str) -> str:
    """The name a heading shows: a province in a merger says its side of 1 July 2025."""
    if side == "new":
        return row["to_name"] + (" (từ 1/7/2025)" if row["n_parts"] > 1 else "")
    return row["from_name"] + (" (đến 30/6/2025)" if row["n_parts"] > 1 else "")


def month_vi(key: str) -> str:
    y, m = key.split("-")
    return f"T{int(m)}/{y}"


# ---- AppTest helpers ----------------------------------------------------------------------------
@pytest.fixture
def session(warehouse_env):
    """`session(page)` -> an AppTest of app.py on that page (None = overview), caches cleared."""
    from cnscd.charts import maps

    st.cache_data.clear()
    st.cache_resource.clear()
    maps.layer_for.cache_clear()

    def make(page, **params):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params.update(params)
        ok(at.run())  # app.py first: switched to before the first run, AppTest would run the page alone
        return ok(at.switch_page(page).run()) if page else at
    return make


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def walk(at, unit: str, start: str, end: str):
    """Follow a link to `unit` at `start`, then move the period widget to `end`."""
    at.query_params.update(unit=unit, period=start)
    ok(at.run())
    at.select_slider(key="w_period").set_value(end).run()
    return ok(at)


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def map_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def check_made_of(at, row: dict, truth: pl.DataFrame, side: str) -> None:
    """A merged province says what it is made of (new side) or what it is now part of (old side)."""
    if row["n_parts"] == 1:
        assert "gồm" not in captions(at) and "nay thuộc" not in captions(at)
        return
    parts = truth.filter(pl.col("to_code") == row["to_code"])
    shown = captions(at)
    if side == "new":
        assert f"{row['to_name']} (từ 1/7/2025) gồm " in shown
        labels = [b.label for b in at.button if b.key and b.key.startswith("unit_go_legacy_")]
        assert sorted(labels) == sorted(n + (" cũ" if n == row["to_name"] else "") for n in parts["from_name"])
    else:
        assert f"nay thuộc {row['to_name']} (từ 1/7/2025)" in shown
        assert at.button(key=f"unit_go_2025_{row['to_code']}")
    for other in parts["from_name"]:
        assert other in shown
    # the whole merged area in today's 34 provinces: Compare provinces, 'today' mode, that province
    links = [lk.proto for lk in at.get("page_link")]
    assert any(lk.page == "so-sanh-tinh" and f"units=2025%3A{row['to_code']}" in lk.query_string
               and "mode=today" in lk.query_string for lk in links), links


# ---- the walks -----------------------------------------------------------------------------------
def test_overview_every_2025_province_back(session, truth, db):
    at = session(OVERVIEW, period=NEW_MONTH)
    for row in truth.filter("back").iter_rows(named=True):
        walk(at, f"2025:{row['to_code']}", NEW_MONTH, OLD_MONTH)
        assert at.query_params["unit"] == f"legacy:{row['from_code']}", row
        assert at.subheader[0].value == f"{heading_name(row, 'old')}, {month_vi(OLD_MONTH)}"
        value = teams(db, "legacy", row["from_code"], OLD_MONTH)
        assert at.metric[0].value == fmt.number(value, "vi"), row  # the cards are the predecessor's
        check_made_of(at, row, truth, "old")


def test_overview_every_legacy_province_forward(session, truth, db):
    at = session(OVERVIEW, period=OLD_MONTH)
    for row in truth.iter_rows(named=True):
        walk(at, f"legacy:{row['from_code']}", OLD_MONTH, NEW_MONTH)
        assert at.query_params["unit"] == f"2025:{row['to_code']}", row
        assert at.subheader[0].value == f"{heading_name(row, 'new')}, {month_vi(NEW_MONTH)}"
        assert at.metric[0].value == fmt.number(teams(db, "2025", row["to_code"], NEW_MONTH), "vi"), row
        check_made_of(at, row, truth, "new")
        if row["n_parts"] > 1:  # the move across a merger is said, with the code it replaced
            assert any(f"mã {row['from_code']}" in i.value for i in at.info), row


@pytest.mark.parametrize("direction", ["back", "forward"])
def test_map_every_province(session, truth, direction):
    """Back: every 2025 province. Forward: the sample and every legacy province whose code a different
    2025 province now has (Tiền Giang 82, Bắc Giang 24, Bình Định 52...), where a bare code misleads."""
    at = session(MAP, period=NEW_MONTH)
    reused = truth.filter(pl.col("from_code").is_in(truth["to_code"].implode()) & (pl.col("from_name") != pl.col("to_name")))
    rows = truth.filter("back") if direction == "back" else truth.filter(
        pl.col("from_code").is_in(list(SAMPLE_FORWARD)) | pl.col("from_code").is_in(reused["from_code"].implode()))
    assert direction == "back" or reused.height >= 5
    for row in rows.iter_rows(named=True):
        if direction == "back":
            walk(at, f"2025:{row['to_code']}", NEW_MONTH, OLD_MONTH)
            want, name, month = f"legacy:{row['from_code']}", heading_name(row, "old"), OLD_MONTH
        else:
            walk(at, f"legacy:{row['from_code']}", OLD_MONTH, NEW_MONTH)
            want, name, month = f"2025:{row['to_code']}", heading_name(row, "new"), NEW_MONTH
        assert at.query_params["unit"] == want, row
        (title,) = map_titles(at)
        assert title.endswith(f"— {name}, {month_vi(month)}</b>"), (title, row)
        check_made_of(at, row, truth, "old" if direction == "back" else "new")


def test_districts_merged_back_and_sample_forward(session, truth):
    at = session(DISTRICTS, period=NEW_MONTH)
    for row in truth.filter(pl.col("back") & (pl.col("n_parts") > 1)).iter_rows(named=True):
        walk(at, f"2025:{row['to_code']}", NEW_MONTH, OLD_MONTH)
        assert at.query_params["unit"] == f"legacy:{row['from_code']}", row
        assert captions(at).startswith(f"{heading_name(row, 'old')} · các huyện · {month_vi(OLD_MONTH)}"), row
        check_made_of(at, row, truth, "old")
    for row in truth.filter(pl.col("from_code").is_in(SAMPLE_FORWARD)).iter_rows(named=True):
        walk(at, f"legacy:{row['from_code']}", OLD_MONTH, NEW_MONTH)
        assert at.query_params["unit"] == f"2025:{row['to_code']}", row
        assert captions(at).startswith(f"{heading_name(row, 'new')} · các xã/phường · {month_vi(NEW_MONTH)}"), row
        check_made_of(at, row, truth, "new")


def test_dong_thap_there_and_back(session, truth):
    """The issue's case: Đồng Tháp at T10/2026 back to T6/2024 is former Đồng Tháp (87), not Tiền Giang;
    its caption's buttons show each predecessor; forward again it is the merged Đồng Tháp (82)."""
    at = session(OVERVIEW, period=NEW_MONTH, unit="2025:82")
    assert at.subheader[0].value == "Đồng Tháp (từ 1/7/2025), T10/2026"
    assert "Đồng Tháp (từ 1/7/2025) gồm Tiền Giang và Đồng Tháp cũ." in captions(at)
    at.select_slider(key="w_period").set_value(OLD_MONTH).run()
    assert at.query_params["unit"] == "legacy:87" and at.subheader[0].value.startswith("Đồng Tháp (đến 30/6/2025)")
    assert any("thay cho Đồng Tháp (từ 1/7/2025), mã 82" in i.value for i in at.info)  # the move is said
    at.select_slider(key="w_period").set_value(NEW_MONTH).run()
    assert at.query_params["unit"] == "2025:82"
    at.button(key="unit_go_legacy_82").click().run()  # see Tiền Giang, the other predecessor
    ok(at)
    assert not [i for i in at.info if "Đang xem" in i.value]  # a unit the user chose needs no note
    assert at.query_params["unit"] == "legacy:82" and at.query_params["period"] == "2025-06"
    assert at.subheader[0].value == "Tiền Giang (đến 30/6/2025), T6/2025"
    assert "Tiền Giang (đến 30/6/2025) nay thuộc Đồng Tháp (từ 1/7/2025), cùng với Đồng Tháp cũ." in captions(at)
    at.button(key="unit_go_2025_82").click().run()  # and the merged province today
    assert at.query_params["unit"] == "2025:82" and at.query_params["period"] == NEW_MONTH
    at.sidebar.button_group(key="w_lang").set_value("en").run()
    assert "Đồng Tháp (from 1 July 2025) is made of Tiền Giang and former Đồng Tháp." in captions(ok(at))


# ---- old links with a bare code -------------------------------------------------------------------
def test_bare_code_at_latest_month_is_carried_forward(session):
    at = session(OVERVIEW, unit="87")  # former Đồng Tháp's code, no 2025 province has it
    assert at.query_params["unit"] == "2025:82"
    assert not [w for w in at.warning if "không hợp lệ" in w.value]  # no "not valid" any more
    assert at.subheader[0].value.startswith("Đồng Tháp (từ 1/7/2025),")
    assert any("mã 87" in i.value and "Đồng Tháp (từ 1/7/2025)" in i.value for i in at.info)


def test_bare_code_in_its_period_version(session):
    at = session(OVERVIEW, unit="82", period=OLD_MONTH)
    assert at.query_params["unit"] == "legacy:82"
    assert at.subheader[0].value == f"Tiền Giang (đến 30/6/2025), {month_vi(OLD_MONTH)}"
    at = session(OVERVIEW, unit="82")  # no period: the latest month, so 2025 Đồng Tháp
    assert at.query_params["unit"] == "2025:82" and at.subheader[0].value.startswith("Đồng Tháp (từ 1/7/2025)")
    at = session(DISTRICTS, unit="26", period=NEW_MONTH)  # Vĩnh Phúc is part of Phú Thọ now
    assert at.query_params["unit"] == "2025:25" and captions(at).startswith("Phú Thọ (từ 1/7/2025) · ")
    at = session(MAP, unit="87", period=NEW_MONTH)
    assert at.query_params["unit"] == "2025:82"
    assert map_titles(at)[0].endswith("— Đồng Tháp (từ 1/7/2025), T10/2026</b>")


def test_bad_unit_values_warn_and_fall_back(session):
    for bad in ("2025:87", "legacy:99", "abc", "2025:"):
        at = session(OVERVIEW, unit=bad)
        warns = " ".join(w.value for w in at.warning)
        assert "'unit'" in warns and "không hợp lệ" in warns and "not valid" in warns, bad
        assert at.subheader[0].value.startswith("Toàn quốc"), bad


def test_map_two_periods_name_each_side(session):
    at = session(MAP, unit="2025:82", period=NEW_MONTH, cmp="1", period2="2025-06")
    left, right = map_titles(at)
    assert left.endswith("— Đồng Tháp (từ 1/7/2025), T10/2026</b>")
    assert right.endswith("— Đồng Tháp (đến 30/6/2025), T6/2025</b>")  # former Đồng Tháp, not Tiền Giang


# ---- Compare provinces (today's provinces) and Targets (no unit) ----------------------------------
def test_compare_units_old_link_carried_forward(session):
    at = session(COMPARE, units="87,01,legacy:26")
    assert at.query_params["units"] == "2025:82,2025:01,2025:25"
    assert [str(r) for r in at.multiselect(key="w_units").value] == ["2025:82", "2025:01", "2025:25"]
    at = session(COMPARE, units="2025:82", mode="today")  # the link a merged province's caption gives
    assert at.multiselect(key="w_units").value == [UnitRef("2025", "82")]
    labels = {tr["name"] for tr in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if tr.get("name")}
    assert "Đồng Tháp" in labels and "Tiền Giang" not in labels


def test_targets_name_the_provinces_of_the_period(session, db):
    names = {v: {r[0] for r in db.execute("SELECT short_name FROM core_unit WHERE unit_level = 'province' AND "
                                            "boundary_version = ?", [v]).fetchall()} for v in ("legacy", "2025")}

    def bars(at) -> set[str]:
        # bars are keyed by unit code; the names a reader sees are the axis tick texts
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        ticks = spec["layout"].get("yaxis", {}).get("ticktext")
        shown = ticks if ticks else [y for tr in spec["data"] for y in tr.get("y") or []]
        return {y for y in shown if y != "Toàn quốc"}
    at = session(TARGETS, period=OLD_MONTH)
    assert bars(at) and bars(at) <= names["legacy"] and "Tiền Giang" in bars(at)
    at.select_slider(key="w_period").set_value(NEW_MONTH).run()
    assert bars(ok(at)) and bars(at) <= names["2025"] and "Tiền Giang" not in bars(at)


# ---- the pure parts ------------------------------------------------------------------------------
def test_unitref_parse_and_text():
    assert UnitRef.parse("2025:82") == UnitRef("2025", "82") and str(UnitRef("2025", "82")) == "2025:82"
    assert UnitRef.parse("legacy:87") == UnitRef("legacy", "87")
    assert UnitRef.parse("82", "legacy") == UnitRef("legacy", "82")  # an old link's bare code
    assert UnitRef.parse("VN") is NATION and UnitRef.parse("VN", "2025") == NATION and str(NATION) == "VN"
    assert UnitRef.is_bare("82") and not UnitRef.is_bare("2025:82") and not UnitRef.is_bare("VN")
    for bad in ("", "82", "2025:8", "2025:ab", "x:y:82"):
        with pytest.raises(UnitRefError):
            UnitRef.parse(bad)  # a bare code needs a version to be read in
    assert UnitRef.of("04", "2025") == UnitRef("2025", "04") and UnitRef.of(NATION) is NATION


def test_cross_and_lineage(db, truth):
    q = lambda name, **p: queries.run(db, name, **p)  # noqa: E731
    for row in truth.iter_rows(named=True):
        assert unitref.cross(q, UnitRef("legacy", row["from_code"]), "2025") == UnitRef("2025", row["to_code"])
        if row["back"]:
            assert unitref.cross(q, UnitRef("2025", row["to_code"]), "legacy") == UnitRef("legacy", row["from_code"])
    assert unitref.cross(q, NATION, "legacy") is NATION
    assert unitref.cross(q, UnitRef("legacy", "99"), "2025") is None
    lin = unitref.lineage(q, version="2025", code="25")
    assert [p.ref.code for p in lin.parts] == ["17", "25", "26"] and lin.is_new and lin.is_merger
    assert unitref.made_of(lin, "vi") == "Phú Thọ (từ 1/7/2025) gồm Hòa Bình, Phú Thọ cũ và Vĩnh Phúc."
    assert unitref.made_of(unitref.lineage(q, version="legacy", code="26"), "en") == (
        "Vĩnh Phúc (until 30 June 2025) is now part of Phú Thọ (from 1 July 2025), together with Hòa Bình and "
        "former Phú Thọ.")
    assert unitref.made_of(unitref.lineage(q, version="2025", code="01"), "vi") is None  # Hà Nội stayed whole
    assert unitref.lineage(q, version="2025", code="VN") is None
