"""The demo against what is known (issue 9 §4, §7), read with the test's own SQL over the core tables:
the series start with the programme (March 2022) and pass through the published national points,
provinces start as published (34 → 49 → 63), nobody lives in Hoàng Sa, Trường Sa is tiny, island
populations come from their sources and commune populations are estimates that add up."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import queries
from cnscd.views import districtdata, mapdata
from cnscd.charts import maps
from cnscd.charts.meta import ChartMeta
from data import population, units

HOANG_SA = {("legacy", "498"), ("2025", "20333")}


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def one(con, sql: str, *params):
    r = rows(con, sql, *params)
    return r[0][0] if r else None


def demo_value(con, version: str, unit: str, code: str, month_end: dt.date) -> float | None:
    return one(con, "SELECT value FROM core_observation WHERE is_demo AND boundary_version = ? AND unit_code = ? "
                    "AND indicator_code = ? AND period_end = ?", version, unit, code, month_end)


def test_series_start_in_march_2022(con):
    first = rows(con, "SELECT boundary_version, min(period_start) FROM core_observation WHERE is_demo GROUP BY 1")
    assert dict(first) == {"legacy": dt.date(2022, 3, 1), "2025": dt.date(2025, 7, 1)}
    # teams exist from the first month (guidance 793/BTTTT-THH of 5/3/2022), fewer than in April
    march = demo_value(con, "legacy", "VN", "teams_total", dt.date(2022, 3, 31))
    assert 0 < march < demo_value(con, "legacy", "VN", "teams_total", dt.date(2022, 4, 30))


def test_provinces_with_teams_follow_the_published_counts(con):
    counted = dict(rows(con, """
        SELECT o.period_end, count(*) FROM core_observation o
        JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
        WHERE o.is_demo AND o.boundary_version = 'legacy' AND u.unit_level = 'province'
          AND o.indicator_code = 'teams_total' AND o.value > 0
        GROUP BY 1"""))
    assert counted[dt.date(2022, 6, 30)] == 34
    assert counted[dt.date(2022, 8, 31)] == 49
    assert counted[dt.date(2023, 6, 30)] == 63
    assert counted[dt.date(2022, 3, 31)] < counted[dt.date(2022, 6, 30)]
    ends = sorted(counted)
    assert all(counted[a] <= counted[b] for a, b in zip(ends, ends[1:]))
    # and each published count (seed figures, real rows) is met at the month of its date
    published = rows(con, """
        SELECT last_day(period_end), value FROM core_observation
        WHERE NOT is_demo AND unit_code = 'VN' AND boundary_version = 'legacy' AND indicator_code = 'provinces_with_teams'""")
    assert len(published) >= 3
    for month_end, value in published:
        assert counted[month_end] == value, month_end


def test_national_totals_equal_the_published_figures(con):
    """Every real national teams / members figure of the legacy period is the demo's value at its month."""
    pairs = rows(con, """
        SELECT r.indicator_code, r.period_end, r.value, d.value
        FROM core_observation r
        JOIN core_observation d ON d.unit_code = 'VN' AND d.boundary_version = 'legacy' AND d.is_demo
             AND d.indicator_code = r.indicator_code AND d.period_end = last_day(r.period_end)
        WHERE NOT r.is_demo AND r.unit_code = 'VN' AND r.boundary_version = 'legacy'
          AND r.indicator_code IN ('teams_total', 'members') AND r.period_start = r.period_end""")
    got = {(code, day): (real, demo) for code, day, real, demo in pairs}
    for key in [("teams_total", dt.date(2022, 4, 4)), ("teams_total", dt.date(2022, 6, 14)),
                ("members", dt.date(2022, 6, 14)), ("teams_total", dt.date(2022, 8, 23)),
                ("members", dt.date(2022, 8, 23))]:
        assert key in got, key
    for key, (real, demo) in got.items():
        assert demo == real, (key, real, demo)
    assert demo_value(con, "legacy", "VN", "teams_total", dt.date(2023, 6, 30)) == 74_422
    assert demo_value(con, "legacy", "VN", "members", dt.date(2023, 6, 30)) == 348_362
    assert demo_value(con, "legacy", "VN", "teams_total", dt.date(2024, 9, 30)) == 93_524


def test_early_provinces_and_ha_noi_started_in_2022(con):
    started = dict(rows(con, """
        SELECT unit_code, min(period_end) FROM core_observation
        WHERE is_demo AND boundary_version = 'legacy' AND indicator_code = 'teams_total' AND value > 0
          AND length(unit_code) = 2 AND unit_code <> 'VN' GROUP BY 1"""))
    assert started["01"] <= dt.date(2022, 12, 31)  # Hà Nội
    # provinces with a published figure (any unit inside, by Aug 2022) had teams by that figure's month
    early = rows(con, """
        SELECT coalesce(u.province_code, o.unit_code), min(last_day(o.period_end)) FROM core_observation o
        JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
        WHERE NOT o.is_demo AND o.boundary_version = 'legacy' AND u.unit_level <> 'nation'
          AND o.period_end <= DATE '2022-08-31' AND o.period_start = o.period_end AND o.value > 0
        GROUP BY 1""")
    assert len(early) >= 5
    for province, month_end in early:
        assert started[province] <= month_end, (province, started[province], month_end)
    for province in ("30", "19", "20", "70", "87"):  # Hải Dương, Thái Nguyên, Lạng Sơn, Bình Phước, Đồng Tháp
        assert started[province] <= dt.date(2022, 8, 31)


@pytest.mark.parametrize("table", ["core_population", "core_observation", "core_target"])
def test_hoang_sa_has_no_rows_anywhere(con, table):
    n = one(con, f"SELECT count(*) FROM {table} WHERE (boundary_version, unit_code) IN "  # noqa: S608 (fixed names)
                 "(('legacy', '498'), ('2025', '20333'))")
    assert n == 0


def test_hoang_sa_stays_a_unit_flagged_without_residents(con):
    flagged = set(rows(con, "SELECT boundary_version, unit_code FROM core_unit WHERE NOT coalesce(is_reporting, true)"))
    assert flagged == HOANG_SA
    assert population.no_residents() == HOANG_SA
    # Đà Nẵng still adds up: its other districts sum to it in every month all of them reported
    bad = rows(con, """
        WITH kids AS (
            SELECT o.period_end, o.indicator_code, sum(o.value) AS s, count(*) AS n FROM core_observation o
            JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
            JOIN core_indicator i ON i.indicator_code = o.indicator_code
            WHERE o.is_demo AND o.boundary_version = 'legacy' AND u.parent_code = '48' AND i.aggregation = 'sum'
            GROUP BY ALL)
        SELECT k.period_end, k.indicator_code FROM kids k
        JOIN core_observation p ON p.unit_code = '48' AND p.boundary_version = 'legacy' AND p.is_demo
             AND p.period_end = k.period_end AND p.indicator_code = k.indicator_code
        WHERE k.n = (SELECT count(*) - 1 FROM core_unit WHERE boundary_version = 'legacy' AND parent_code = '48')
          AND abs(k.s - p.value) > 0.5""")
    assert bad == []
    from data import checks

    result = checks.run(con, "check_sums_across_levels")
    assert result.failures == [] and result.n_compared > 0


def test_truong_sa_small_but_present(con):
    assert one(con, "SELECT population FROM core_population WHERE boundary_version = 'legacy' AND unit_code = '576'") == 93
    assert one(con, "SELECT population FROM core_population WHERE boundary_version = '2025' AND unit_code = '22736'") == 93
    for version, unit, day in (("legacy", "576", dt.date(2025, 6, 30)), ("2025", "22736", dt.date(2026, 10, 31))):
        teams = demo_value(con, version, unit, "teams_total", day)
        members = demo_value(con, version, unit, "members", day)
        assert 1 <= teams <= 5 and 1 <= members <= 40, (version, teams, members)


def test_island_populations_come_from_their_sources(con):
    islands = population.island_units().filter(pl.col("population").is_not_null())
    assert islands.height >= 6
    for r in islands.iter_rows(named=True):
        got = rows(con, """
            SELECT p.population, p.method, p.is_estimate, s.url FROM core_population p
            JOIN core_source s ON s.source_id = p.source_id
            WHERE p.boundary_version = ? AND p.unit_code = ?""", r["boundary_version"], r["unit_code"])
        assert got, r["unit_code"]
        pop, method, is_estimate, url = got[0]
        assert pop == r["population"] and method == "published_figure" and url == r["source_url"]
        assert is_estimate == (r["value_qualifier"] is not None)
        assert r["quote"] and r["source_url"].startswith("http")
    pq = one(con, "SELECT population FROM core_population WHERE boundary_version = 'legacy' AND unit_code = '911'")
    ls = one(con, "SELECT population FROM core_population WHERE boundary_version = 'legacy' AND unit_code = '536'")
    assert 170_000 < pq < 190_000 and 20_000 < ls < 24_000
    # the 2025 special zones made of them keep the figure (Lý Sơn, Côn Đảo) or its sum (Phú Quốc + Thổ Châu)
    assert one(con, "SELECT population FROM core_population WHERE boundary_version = '2025' AND unit_code = '21548'") == ls
    assert one(con, "SELECT sum(population) FROM core_population WHERE boundary_version = '2025' "
                    "AND unit_code IN ('31078', '31105')") == pq


def test_commune_populations_vary_and_add_up(con):
    for version, level in (("legacy", "commune"), ("2025", "commune"), ("legacy", "district")):
        per = rows(con, """
            SELECT u.province_code, sum(p.population), count(DISTINCT p.population), count(*),
                   min(p.population), bool_and(p.is_estimate OR p.method = 'published_figure')
            FROM core_population p
            JOIN core_unit u ON u.boundary_version = p.boundary_version AND u.unit_code = p.unit_code
            WHERE p.boundary_version = ? AND u.unit_level = ? GROUP BY 1""", version, level)
        totals = dict(rows(con, """
            SELECT p.unit_code, p.population FROM core_population p
            JOIN core_unit u ON u.boundary_version = p.boundary_version AND u.unit_code = p.unit_code
            WHERE p.boundary_version = ? AND u.unit_level = 'province'""", version))
        # legacy districts without communes (Lý Sơn, Côn Đảo, Cồn Cỏ, Bạch Long Vĩ) are lowest units too
        bare = dict(rows(con, """
            SELECT u.province_code, sum(p.population) FROM core_population p
            JOIN core_unit u ON u.boundary_version = p.boundary_version AND u.unit_code = p.unit_code
            WHERE p.boundary_version = 'legacy' AND u.unit_level = 'district'
              AND u.unit_code NOT IN (SELECT parent_code FROM core_unit WHERE boundary_version = 'legacy'
                                      AND unit_level = 'commune') GROUP BY 1""")) if level == "commune" else {}
        assert len(per) == (63 if version == "legacy" else 34)
        assert version == "2025" or level == "district" or len(bare) == 4
        for prov, total, distinct, n, low, labelled in per:
            total += bare.get(prov, 0) if version == "legacy" else 0
            assert total == totals[prov], (version, level, prov, total, totals[prov])
            assert low >= 20 and labelled, (version, level, prov)
            if level == "commune" and n >= 10:  # many values, not two or three per province
                assert distinct >= (0.2 if version == "legacy" else 0.7) * n, (version, prov, distinct, n)
    # a legacy district is the sum of its communes
    assert rows(con, """
        SELECT d.unit_code FROM core_population d
        JOIN core_unit u ON u.boundary_version = d.boundary_version AND u.unit_code = d.unit_code
        JOIN (SELECT c.parent_code, sum(p.population) AS s FROM core_population p
              JOIN core_unit c ON c.boundary_version = p.boundary_version AND c.unit_code = p.unit_code
              WHERE p.boundary_version = 'legacy' AND c.unit_level = 'commune' GROUP BY 1) k
             ON k.parent_code = d.unit_code
        WHERE d.boundary_version = 'legacy' AND u.unit_level = 'district' AND k.s <> d.population""") == []
    methods = dict(rows(con, "SELECT method, bool_and(is_estimate) FROM core_population GROUP BY 1"))
    assert methods["census_share_by_area_and_type"] and methods["crosswalk_of_legacy_estimates"]
    assert methods["census"] is False


def test_population_is_deterministic():
    u, cw = units.load_units(), units.load_crosswalk()
    a, b = population.load_population(u, cw), population.load_population(u, cw)
    key = ["boundary_version", "unit_code"]
    assert a.sort(key).equals(b.sort(key))


def test_hoang_sa_is_no_data_on_the_map_not_unreported(con):
    query = lambda name, **p: queries.run(con, name, **p)  # noqa: E731
    for version, level, code, day in (("legacy", "district", "498", dt.date(2024, 6, 30)),
                                      ("2025", "commune", "20333", dt.date(2026, 6, 30))):
        frame, classes = mapdata.map_frame(query, indicator="teams_total", period_end=day, version=version,
                                           level=level, province="48")
        row = frame.filter(pl.col("unit_code") == code).to_dicts()[0]
        assert row["is_reporting"] is False and row["value"] is None and row["population"] is None
        assert frame.filter(pl.col("is_reporting"))["has_report"].all()
        layer = maps.layer_for(level, version, "48")
        assert code in layer.feature_codes  # still drawn
        for lang, text in (("vi", "không có số liệu"), ("en", "no data")):
            meta = ChartMeta(title_vi="t", title_en="t", unit="tổ", period="p", boundary_version=version,
                             source="s", is_demo=True, lang=lang)
            fig = maps.choropleth(layer, frame, classes, meta, measure_unit="tổ", value_unit="tổ")
            traces = [t for t in fig.data if t.type == "choropleth"]
            nodata = [t for t in traces if t.name == text]
            assert len(nodata) == 1 and len(nodata[0].locations) == 1
            assert nodata[0].customdata[0][0] == row["display_name_full"] and nodata[0].customdata[0][8] == text
            assert nodata[0].colorscale[0][1] == maps.NO_DATA_COLOUR != maps.NO_REPORT_COLOUR
            others = [t for t in traces if t is not nodata[0]]
            assert all(nodata[0].locations[0] not in t.locations for t in others)
        ranking = districtdata.ranking(query, indicator="teams_total", period_end=day, version=version, province="48")
        assert code not in ranking["unit_code"].to_list() and ranking["has_report"].all()
