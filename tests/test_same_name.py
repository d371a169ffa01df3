"""Same-name units stay apart (issue 9 §2): Thành phố and Huyện Cao Lãnh are two bars, everywhere.

Every chart, table and map of the district page is built with its own functions (no rendering) for
all 63 legacy provinces (districts) and all 34 provinces of 2025 (communes), and checked against SQL
written here over core_unit / core_observation, not through the app's queries.
"""
from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest

import queries
from cnscd.views import districtdata, mapdata
from cnscd.charts import districts, maps
from cnscd.charts.meta import ChartMeta
from cnscd.export import tables
from cnscd.views import compare
from data.unit_labels import name_key, with_display_names

CHILD = {"legacy": "district", "2025": "commune"}


@pytest.fixture(scope="module")
def query(con):
    """queries.run on the session's (read-only) warehouse, each (name, parameters) run once and its frame
    shared, as the app's cache.query shares a snapshot's frames between views: the 97 provinces then
    filter the same level-wide frames instead of re-reading them (2 234 queries -> a few dozen)."""
    kept: dict[tuple[str, str], pl.DataFrame] = {}

    def run(name, **p):
        key = (name, repr(sorted(p.items())))
        if key not in kept:
            kept[key] = queries.run(con, name, **p)
        return kept[key]
    return run


@pytest.fixture(scope="module")
def latest(con) -> dict[str, dt.date]:
    rows = con.execute("SELECT boundary_version, max(period_end) FROM core_observation "
                       "WHERE granularity = 'month' AND indicator_code = 'teams_total' GROUP BY 1").fetchall()
    return dict(rows)


def own_values(con, version: str, period_end: dt.date, indicator: str) -> pl.DataFrame:
    """Every child unit of `version` with its value at `period_end` (real before demo), or NULL; a unit
    where nobody lives (is_reporting false: Hoàng Sa) is not expected to report and gets no bar."""
    return con.sql("""
        WITH u AS (SELECT unit_code, province_code FROM core_unit WHERE boundary_version = ? AND unit_level = ?
                   AND coalesce(is_reporting, true)),
        o AS (SELECT unit_code, value FROM core_observation
              WHERE boundary_version = ? AND indicator_code = ? AND period_end = ? AND granularity IN ('month', 'date')
              QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY is_demo, granularity <> 'month', source_id) = 1)
        SELECT u.unit_code, u.province_code, o.value FROM u LEFT JOIN o USING (unit_code)
    """, params=[version, CHILD[version], version, indicator, period_end]).pl()


def meta(lang: str = "vi", data: pl.DataFrame | None = None, labels: dict | None = None) -> ChartMeta:
    return ChartMeta(title_vi="Tổ", title_en="Teams", unit="tổ", period="p", boundary_version="v", source="s",
                     is_demo=True, lang=lang, data=data if data is not None else pl.DataFrame(),
                     column_labels=labels or {})


def no_twins(labels, where: str) -> None:
    keys = [name_key(x) for x in labels]
    twins = sorted({x for x, k in zip(labels, keys) if keys.count(k) > 1})
    assert not twins, f"{where}: labels shown twice {twins}"


def provinces(con, version: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT unit_code FROM core_unit WHERE boundary_version = ? "
                                      "AND unit_level = 'province' ORDER BY unit_code", [version]).fetchall()]


def test_every_province_one_bar_per_unit_and_no_twin_labels(con, query, latest):
    checked = {"legacy": 0, "2025": 0}
    shared: dict[tuple, list[str]] = {}
    for version, prov, code in con.execute("""
            SELECT u.boundary_version, u.province_code, u.unit_code FROM core_unit u
            WHERE u.unit_level = CASE u.boundary_version WHEN 'legacy' THEN 'district' ELSE 'commune' END AND EXISTS (
                SELECT 1 FROM core_unit v WHERE v.boundary_version = u.boundary_version
                  AND v.unit_level = u.unit_level AND v.province_code = u.province_code
                  AND v.unit_code <> u.unit_code AND lower(v.short_name) = lower(u.short_name))""").fetchall():
        shared.setdefault((version, prov), []).append(code)
    assert sorted(shared[("legacy", "87")]) == ["866", "868", "870", "873"]
    for version in ("legacy", "2025"):
        period = latest[version]
        want = own_values(con, version, period, "teams_total")
        for prov in provinces(con, version):
            own = want.filter(pl.col("province_code") == prov)
            where = f"{version} {prov} {period}"
            rank = districtdata.ranking(query, indicator="teams_total", period_end=period, version=version,
                                        province=prov)
            # ranking bars: one bar per unit, keyed by code; the units with data carry exactly their value
            fig = districts.ranking_bars(rank, meta(), reference=None, reference_label="")
            bar = fig.data[0]
            assert sorted(bar.y) == sorted(own["unit_code"]), where
            assert len(set(bar.y)) == len(bar.y) == own.height, where
            shown = {c: x for c, x, colour in zip(bar.y, bar.x, bar.marker.color) if colour == districts.BAR_COLOUR}
            expected = dict(own.drop_nulls("value").select("unit_code", "value").iter_rows())
            assert shown == pytest.approx(expected), where
            assert list(fig.layout.yaxis.tickvals) == list(bar.y) and fig.layout.yaxis.type == "category", where
            no_twins(list(fig.layout.yaxis.ticktext), f"{where} ranking ticks")
            # the table and the chart's export frame
            trend = districtdata.series(query, indicator="teams_total", period_end=period, version=version,
                                        province=prov, months=3)
            tab = districtdata.table(rank, trend)
            assert tab.height == own.height and tab["unit_code"].n_unique() == tab.height, where
            no_twins(tab["display_name"].to_list(), f"{where} table")
            no_twins(rank["unit_name"].to_list(), f"{where} export (official names)")
            # scatter: one point per unit with both figures, no twin texts
            pair = districtdata.pair(query, x="teams_total", y="members", period_end=period, version=version,
                                     province=prov)
            sc = districts.scatter(pair, meta(), x_title="x", y_title="y")
            assert len(sc.data[0].x) == pair.height <= len(expected), where
            no_twins(list(sc.data[0].hovertext), f"{where} scatter")   # every point named on hover
            no_twins([x for x in sc.data[0].text if x], f"{where} scatter labels")   # a few on the chart
            # small multiples: one title per unit, no twins (names of every unit in the series too)
            assert trend.group_by("unit_code").agg(pl.col("display_name").n_unique())["display_name"].max() == 1
            no_twins(trend.unique("unit_code")["display_name"].to_list(), f"{where} series")
            # (the chart's cost grows with its panels: the best four and every unit whose name is shared)
            order = list(dict.fromkeys(districtdata.top_units(rank, 4) + [
                c for c in shared.get((version, prov), []) if c in set(trend["unit_code"])]))[:24]
            sm = districts.small_multiples(trend, meta(), order=order)
            titles = [a.text for a in sm.layout.annotations][:len(order)]
            assert len(sm.data) == len(order), where
            no_twins(titles, f"{where} small multiples")
            # the map of that province: one feature per unit, hover names all different
            frame, classes = mapdata.map_frame(query, indicator="teams_total", period_end=period, version=version,
                                               level=CHILD[version], province=prov)
            layer = maps.layer_for(CHILD[version], version, prov)
            m = maps.choropleth(layer, frame, classes, meta(), measure_unit="tổ", value_unit="tổ")
            hover = [row[0] for tr in m.data if tr.customdata is not None for row in tr.customdata]
            codes = [row[7] for tr in m.data if tr.customdata is not None for row in tr.customdata]
            # the map draws every unit, also one where nobody lives (Hoàng Sa: "no data")
            drawn = [r[0] for r in con.execute("SELECT unit_code FROM core_unit WHERE boundary_version = ? AND "
                                               "unit_level = ? AND province_code = ?", [version, CHILD[version], prov]).fetchall()]
            assert sorted(codes) == sorted(drawn), where
            no_twins(hover, f"{where} map hover")
            checked[version] += 1
    assert checked == {"legacy": 63, "2025": 34}


def test_dong_thap_cao_lanh_two_bars_with_their_own_values(con, query):
    period = dt.date(2024, 6, 30)
    own = dict(con.execute("""
        SELECT u.display_name, o.value FROM core_unit u JOIN core_observation o USING (boundary_version, unit_code)
        WHERE u.boundary_version = 'legacy' AND u.unit_code IN ('866', '873', '868', '870')
          AND o.indicator_code = 'teams_total' AND o.period_end = ? AND o.granularity = 'month'
        QUALIFY row_number() OVER (PARTITION BY u.unit_code ORDER BY o.is_demo, o.source_id) = 1
    """, [period]).fetchall())
    assert set(own) == {"TP. Cao Lãnh", "H. Cao Lãnh", "TP. Hồng Ngự", "H. Hồng Ngự"}
    rank = districtdata.ranking(query, indicator="teams_total", period_end=period, version="legacy", province="87")
    for lang in ("vi", "en"):
        fig = districts.ranking_bars(rank, meta(lang), reference=None, reference_label="")
        bar = fig.data[0]
        assert len(bar.y) == len(set(bar.y)) == 12
        by_label = dict(zip(fig.layout.yaxis.ticktext, bar.x))
        assert len(by_label) == 12 and "Cao Lãnh" not in by_label
        for name, value in own.items():
            assert by_label[name] == value
        hover = {cd[3]: cd[2] for cd in bar.customdata}
        assert hover["TP. Cao Lãnh"] == "866" and hover["H. Cao Lãnh"] == "873"
    # the chart's CSV (what the page exports): both rows, each with its own value
    data = rank.drop("n_ranked", "has_report")
    csv = tables.to_csv(meta("vi", data, districtdata.column_labels(data, "vi"))).decode("utf-8-sig")
    rows = pl.read_csv(io.StringIO(csv), schema_overrides={"Mã đơn vị": pl.String})
    assert rows.columns[:3] == ["Mã đơn vị", "Đơn vị", "Tên chính thức"]
    got = dict(zip(rows["Đơn vị"], rows["Giá trị"]))
    assert rows.height == 12 and rows["Đơn vị"].n_unique() == 12
    for name, value in own.items():
        assert got[name] == value
    assert dict(zip(rows["Mã đơn vị"], rows["Đơn vị"]))["866"] == "TP. Cao Lãnh"
    en = tables.to_csv(meta("en", data, districtdata.column_labels(data, "en"))).decode("utf-8-sig")
    assert en.splitlines()[0].startswith("Unit code,Unit,Official name,Value,Rank")


def test_labels_unique_in_the_warehouse(con):
    """display_name: unique inside (version, level, province); display_name_full: inside (version, level)."""
    dup = con.execute("""
        SELECT boundary_version, unit_level, province_code, lower(display_name), count(*) FROM core_unit
        WHERE unit_level IN ('district', 'commune') GROUP BY ALL HAVING count(*) > 1
        UNION ALL
        SELECT boundary_version, unit_level, NULL, lower(display_name), count(*) FROM core_unit
        WHERE unit_level IN ('nation', 'province') GROUP BY ALL HAVING count(*) > 1
        UNION ALL
        SELECT boundary_version, unit_level, NULL, lower(display_name_full), count(*) FROM core_unit
        GROUP BY ALL HAVING count(*) > 1
    """).fetchall()
    assert dup == []
    # only where a name is shared does a label differ from the short name
    n = con.execute("SELECT count(*) FROM core_unit WHERE display_name <> short_name").fetchone()[0]
    shared = con.execute("""
        SELECT count(*) FROM core_unit u WHERE EXISTS (
            SELECT 1 FROM core_unit v WHERE v.boundary_version = u.boundary_version AND v.unit_level = u.unit_level
              AND v.province_code = u.province_code AND v.unit_code <> u.unit_code
              AND lower(v.short_name) = lower(u.short_name))
    """).fetchone()[0]
    assert n == shared == 594  # 12 legacy districts, 582 legacy communes


def test_national_maps_name_the_province(con, query, latest):
    for version, level in (("legacy", "district"), ("2025", "commune")):
        frame, classes = mapdata.map_frame(query, indicator="teams_total", period_end=latest[version],
                                           version=version, level=level)
        layer = maps.layer_for(level, version)
        m = maps.choropleth(layer, frame, classes, meta(), measure_unit="tổ", value_unit="tổ")
        hover = [row[0] for tr in m.data if tr.customdata is not None for row in tr.customdata]
        n = con.execute("SELECT count(*) FROM core_unit WHERE boundary_version = ? AND unit_level = ?",
                        [version, level]).fetchone()[0]
        assert len(hover) == n
        no_twins(hover, f"national {level} map")
    legacy = mapdata.map_frame(query, indicator="teams_total", period_end=latest["legacy"], version="legacy",
                               level="district")[0]
    names = dict(zip(legacy["unit_code"], legacy["display_name_full"]))
    assert names["866"] == "Thành phố Cao Lãnh, Đồng Tháp" and names["873"] == "Huyện Cao Lãnh, Đồng Tháp"


def test_compare_reported_mode_tells_the_two_dong_thap_apart(query):
    bundle = compare.all_provinces(query, indicator="teams_total", mode="reported", measure="abs", base="")
    today = [c for c in query("unit_list").filter((pl.col("boundary_version") == "2025")
                                                  & (pl.col("unit_level") == "province"))["unit_code"]]
    for codes in [[c] for c in today] + [today]:
        sel = compare.select(bundle, query, codes, "reported", "Toàn quốc", "(63 tỉnh)")
        s = sel["series"]
        per_key = s.group_by("key").agg(pl.col("label").n_unique())
        assert per_key["label"].max() == 1
        labels = s.unique("key").group_by("label").agg(pl.col("unit_code").n_unique(), pl.col("boundary_version"))
        # one label per unit; only the nation (one unit in both versions) has two keys
        assert labels["unit_code"].max() == 1, labels.filter(pl.col("unit_code") > 1)
        no_twins(compare.table(s).columns[1:], f"compare table {codes[:3]}")
    sel = compare.select(bundle, query, ["82"], "reported", "Toàn quốc", "(63 tỉnh)")
    keys = dict(sel["series"].unique("key").select("key", "label").iter_rows())
    assert keys["82|2025"] == "Đồng Tháp" and keys["87|legacy"] == "Đồng Tháp (63 tỉnh)"
    assert keys["82|legacy"] == "Tiền Giang (63 tỉnh)"
    colour = dict(sel["series"].unique("key").select("key", "colour_key").iter_rows())
    assert colour["87|legacy"] == colour["82|2025"] == "2025:82" and colour["82|legacy"] == "legacy:82"


def test_unit_labels_rules():
    rows = [  # version, code, level, unit_name, short, type, parent, province
        ("legacy", "87", "province", "Tỉnh Đồng Tháp", "Đồng Tháp", "Tỉnh", "VN", "87"),
        ("legacy", "866", "district", "Thành phố Cao Lãnh", "Cao Lãnh", "Thành phố", "87", "87"),
        ("legacy", "873", "district", "Huyện Cao Lãnh", "Cao Lãnh", "Huyện", "87", "87"),
        ("legacy", "877", "district", "Huyện Châu Thành", "Châu Thành", "Huyện", "87", "87"),
        ("legacy", "878", "district", "Huyện Tháp Mười", "Tháp Mười", "Huyện", "87", "87"),
        ("legacy", "00001", "commune", "Xã Tân Hòa", "Tân Hòa", "Xã", "877", "87"),
        ("legacy", "00002", "commune", "Xã Tân Hòa", "Tân Hòa", "Xã", "878", "87"),
        ("legacy", "00003", "commune", "Thị trấn Tân Hòa", "Tân Hòa", "Thị trấn", "878", "87"),
        ("legacy", "00004", "commune", "Phường 1", "Phường 1", "Phường", "866", "87"),
        ("legacy", "00005", "commune", "Phường 1", "Phường 1", "Phường", "873", "87"),
        ("legacy", "00006", "commune", "Xã AYun", "AYun", "Xã", "878", "87"),
        ("legacy", "00007", "commune", "Xã Ayun", "Ayun", "Xã", "877", "87"),
        ("legacy", "00008", "commune", "Xã Văn Lăng", "Văn Lăng", "Xã", "877", "87"),
        ("legacy", "00009", "commune", "Xã Văn Lang", "Văn Lang", "Xã", "877", "87"),
        ("2025", "00010", "commune", "Xã Tân Hòa", "Tân Hòa", "Xã", "82", "82"),
        ("2025", "00011", "commune", "Xã Tân Hòa", "Tân Hòa", "Xã", "82", "82"),  # cannot happen: the code says
        ("2025", "82", "province", "Tỉnh Đồng Tháp", "Đồng Tháp", "Tỉnh", "VN", "82"),
    ]
    cols = ["boundary_version", "unit_code", "unit_level", "unit_name", "short_name", "unit_type", "parent_code",
            "province_code"]
    out = with_display_names(pl.DataFrame(rows, schema=cols, orient="row"))
    got = dict(zip(out["unit_code"], out["display_name"]))
    full = dict(zip(out["unit_code"], out["display_name_full"]))
    assert got["866"] == "TP. Cao Lãnh" and got["873"] == "H. Cao Lãnh" and got["877"] == "Châu Thành"
    assert got["00001"] == "X. Tân Hòa (Châu Thành)" and got["00002"] == "X. Tân Hòa (Tháp Mười)"
    assert got["00003"] == "TT. Tân Hòa"
    assert got["00004"] == "Phường 1 (TP. Cao Lãnh)" and got["00005"] == "Phường 1 (H. Cao Lãnh)"
    assert got["00006"] == "X. AYun (Tháp Mười)" and got["00007"] == "X. Ayun (Châu Thành)"  # case is no difference
    assert got["00008"] == "Văn Lăng" and got["00009"] == "Văn Lang"  # a diacritic is a different name
    assert got["00010"] == "X. Tân Hòa [00010]" and got["00011"] == "X. Tân Hòa [00011]"
    assert got["87"] == got["82"] == "Đồng Tháp"  # two versions: the views add the version (see compare)
    assert full["873"] == "Huyện Cao Lãnh, Đồng Tháp" and full["00001"] == "Xã Tân Hòa (Châu Thành), Đồng Tháp"
    assert full["87"] == "Tỉnh Đồng Tháp"


def test_targets_progress_bars_keyed_by_code(query, latest):
    from cnscd.charts import progress_bars
    from cnscd.views import targets

    for version, period in latest.items():
        frame = targets.progress(query, indicator="teams_total", period=period.isoformat())
        assert frame.height and frame["unit_code"].n_unique() == frame.height, version
        fig = progress_bars(frame, meta(), threshold=80)
        assert sorted(y for tr in fig.data for y in tr.y) == sorted(frame["unit_code"]), version
        no_twins(list(fig.layout.yaxis.ticktext), f"targets {version}")
    # two units with one name are still two bars
    two = pl.DataFrame({"unit_code": ["866", "873"], "label": ["Cao Lãnh", "Cao Lãnh"], "pct": [50.0, 90.0],
                        "value": [1.0, 2.0], "target_value": [2.0, 2.2], "is_demo": [True, True]})
    fig = progress_bars(two, meta(), threshold=80)
    assert sorted(y for tr in fig.data for y in tr.y) == ["866", "873"]


def test_district_page_shows_both_cao_lanh(warehouse_env, con):
    """The page itself (AppTest): Đồng Tháp in June 2024, 12 bars and a 12-row table with both names."""
    import json

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.mapfixtures import app_opener

    st.cache_data.clear()
    st.cache_resource.clear()
    at = app_opener("pages/4_So_sanh_huyen.py")(period="2024-06", unit="87", ind="teams_total", nbars="0")
    assert isinstance(at, AppTest) and not at.exception, at.exception
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(fig["data"][0]["y"]) == len(set(fig["data"][0]["y"])) == 12
    ticks = fig["layout"]["yaxis"]["ticktext"]
    assert "TP. Cao Lãnh" in ticks and "H. Cao Lãnh" in ticks and "Cao Lãnh" not in ticks
    table = at.dataframe[0].value
    names = table["Đơn vị"].tolist()
    assert len(names) == len(set(names)) == 12 and {"TP. Hồng Ngự", "H. Hồng Ngự"} <= set(names)
    n = con.execute("SELECT count(*) FROM core_unit WHERE boundary_version = 'legacy' AND province_code = '87' "
                    "AND unit_level = 'district'").fetchone()[0]
    assert n == 12
