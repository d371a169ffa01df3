"""What the articles say, kept as they say it, and the real provincial DTI (issue 9 §5, §6).

The DTI rows are checked against data/dti_provinces.csv by SQL written here (the file read by DuckDB,
unpivoted by a column map typed in this test), not through data/dti.py; the map, targets and sources
views and pages are checked against the numbers typed below.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import queries
from cnscd import fmt
from cnscd.views import dti, mapdata
from cnscd.charts.series import time_series
from cnscd.export.sample import sample_meta
from cnscd.views import compare, sources, targets

ROOT = Path(__file__).resolve().parent.parent
DTI_CSV = ROOT / "data" / "dti_provinces.csv"
REFERENCE = ROOT.parent / "shared" / "reference" / "dti_provinces.csv"
# file column -> indicator code, typed independently of data/dti.py
COLUMN_CODES = {
    "dti_rank": "dti_rank", "dti_score": "dti_score", "pillar_gov_rank": "dti_gov_rank",
    "pillar_gov_score": "dti_gov_score", "pillar_econ_rank": "dti_econ_rank", "pillar_econ_score": "dti_econ_score",
    "pillar_society_rank": "dti_society_rank", "pillar_society_score": "dti_society_score",
    "idx_awareness": "dti_idx_awareness", "idx_institutions": "dti_idx_institutions",
    "idx_infrastructure": "dti_idx_infrastructure", "idx_human_resources": "dti_idx_human_resources",
    "idx_cybersecurity": "dti_idx_cybersecurity", "idx_gov_activity": "dti_idx_gov_activity",
    "idx_econ_activity": "dti_idx_econ_activity", "idx_society_activity": "dti_idx_society_activity",
}


@pytest.fixture(scope="module")
def q(con):
    return lambda name, **p: queries.run(con, name, **p)


# ---- the DTI in the warehouse equals the reference file -------------------------------------------------
def test_dti_file_is_the_reference_copy():
    if not REFERENCE.is_file():
        pytest.skip("the shared reference table lives outside the repository")
    assert DTI_CSV.read_bytes() == REFERENCE.read_bytes()


def test_dti_rows_equal_the_file_row_by_row(con):
    unions = " UNION ALL ".join(
        f"SELECT year, boundary_version, gso_code, '{code}' AS code, TRY_CAST({col} AS DOUBLE) AS value, "
        f"trim(split_part(source_url, ';', {1 if col == 'dti_rank' else 2})) AS url2, "
        f"trim(split_part(source_url, ';', 1)) AS url1 FROM f WHERE {col} IS NOT NULL AND {col} <> ''"
        for col, code in COLUMN_CODES.items())
    expected = con.execute(f"""
        WITH f AS (SELECT * FROM read_csv('{DTI_CSV}', all_varchar = true, header = true)),
        long AS ({unions})
        SELECT CAST(year AS INTEGER) AS y,
               CASE boundary_version WHEN 'national' THEN '2025' ELSE boundary_version END AS v,
               gso_code, CASE WHEN boundary_version = 'national' THEN 'dti_national_score' ELSE code END AS code,
               value, CASE WHEN url2 = '' THEN url1 ELSE url2 END AS url
        FROM long ORDER BY ALL""").fetchall()
    got = con.execute("""
        SELECT year(o.period_end), o.boundary_version, o.unit_code, o.indicator_code, o.value, s.url
        FROM core_observation o JOIN core_source s USING (source_id)
        WHERE o.indicator_code LIKE 'dti%' ORDER BY ALL""").fetchall()
    # 2021: 17 provinces × (rank, score, 3 pillar ranks, 3 pillar scores) = 136; 2022: 63 ranks, 6 scores,
    # 5 × 8 components, Hà Nội 3 pillar ranks, Trà Vinh 3 + 3 pillars = 118; 2023: 12 ranks + 2 × 3 pillar
    # ranks = 18; 2024: 5 ranks + the national score = 6
    assert len(expected) == 136 + 118 + 18 + 6 and got == expected


def test_dti_rows_are_yearly_real_and_provincial(con):
    rows = con.sql("""
        SELECT o.granularity, o.is_demo, u.unit_level, o.period_start, o.period_end
        FROM core_observation o JOIN core_unit u USING (unit_code, boundary_version)
        WHERE o.indicator_code LIKE 'dti%'""").pl()
    assert set(rows["granularity"]) == {"year"} and not rows["is_demo"].any()
    assert (rows["period_start"].dt.month() == 1).all() and (rows["period_start"].dt.day() == 1).all()
    assert (rows["period_end"] == rows["period_start"].dt.offset_by("1y").dt.offset_by("-1d")).all()
    # nothing summed up or down: no district/commune row; at nation only the published national DTI 2024
    assert set(rows["unit_level"]) == {"province", "nation"}
    nation = con.execute("""SELECT indicator_code, year(period_end), value FROM core_observation
                            WHERE indicator_code LIKE 'dti%' AND unit_code = 'VN'""").fetchall()
    assert nation == [("dti_national_score", 2024, 0.7955)]
    # the 2024 ranking is of the 34 provinces, earlier ones of the 63
    versions = dict(con.execute("""SELECT year(period_end), string_agg(DISTINCT boundary_version) FROM core_observation
                                   WHERE indicator_code = 'dti_rank' GROUP BY 1""").fetchall())
    assert versions == {2021: "legacy", 2022: "legacy", 2023: "legacy", 2024: "2025"}


def test_2022_ranks_all_63_with_the_tie_at_15(con):
    ranks = con.execute("""SELECT unit_code, value FROM core_observation
                           WHERE indicator_code = 'dti_rank' AND year(period_end) = 2022""").fetchall()
    assert len({c for c, _ in ranks}) == len(ranks) == 63
    values = sorted(v for _, v in ranks)
    assert sorted({c for c, v in ranks if v == 15}) == ["15", "38"]   # Yên Bái and Thanh Hóa
    assert 16 not in values and set(values) == set(range(1, 64)) - {16}
    assert dict(ranks)["87"] == 39 and dict(ranks)["48"] == 1


def test_dti_indicators_do_not_aggregate(q):
    cat = q("indicator_catalogue").filter(pl.col("indicator_code").str.starts_with("dti"))
    assert cat.height == 1 + 1 + 6 + 8 + 1 and set(cat["aggregation"]) == {"none"}
    ranks = cat.filter(pl.col("indicator_code").str.ends_with("_rank"))
    assert ranks.height == 4 and not ranks["higher_is_better"].any()
    assert mapdata.measures_for("none") == ("abs",)


# ---- never re-aggregated across the reform ----------------------------------------------------------------
def test_today_mode_does_not_carry_ranks_across_the_reform(q):
    assert q("province_series", indicator="dti_rank", mode="today").height == 0
    b = compare.all_provinces(q, indicator="dti_rank", mode="today", measure="abs", base="")
    assert b["series"].height == 0
    assert compare.crosswalk_targets(q, "dti_rank", "none").height == 0  # Đồng Tháp 87's goals stay legacy


def _mini_warehouse():
    """The real schema, catalogue and sources, the nation and two provinces."""
    from data import build, seeds
    from data.unit_labels import with_display_names
    from tests import tiny_warehouse

    units = pl.DataFrame({"boundary_version": ["legacy"] * 3, "unit_code": ["VN", "87", "82"],
                          "unit_level": ["nation", "province", "province"],
                          "unit_name": ["Việt Nam", "Tỉnh Đồng Tháp", "Tỉnh Tiền Giang"],
                          "short_name": ["Việt Nam", "Đồng Tháp", "Tiền Giang"], "slug": ["vn", "dong-thap", "tien-giang"],
                          "parent_code": [None, "VN", "VN"], "province_code": [None, "87", "82"],
                          "source_id": ["demo"] * 3})
    return tiny_warehouse.connect(core_boundary_version=build.boundary_versions(), core_source=build.merged_sources(),
                                  core_unit=with_display_names(units), core_indicator=seeds.load_indicators())


def _obs(rows):
    return pl.DataFrame([{"unit_code": u, "boundary_version": "legacy", "indicator_code": i,
                          "period_start": d, "period_end": d, "granularity": g, "value": v, "source_id": s,
                          "is_demo": s == "demo", "quote_vi": None if s == "demo" else "x"}
                         for u, i, d, g, v, s in rows])


def test_sums_check_skips_indicators_that_do_not_aggregate():
    from data import build, checks

    c = _mini_warehouse()
    m = dt.date(2024, 6, 30)
    queries.insert(c, "core_observation", _obs([
        ("87", "teams_total", m, "month", 10, "demo"), ("82", "teams_total", m, "month", 20, "demo"),
        ("VN", "teams_total", m, "month", 31, "demo"),   # planted: 10 + 20 ≠ 31
        ("87", "dti_rank", m, "month", 39, "demo"), ("82", "dti_rank", m, "month", 20, "demo"),
        ("VN", "dti_rank", m, "month", 5, "demo")]))     # ranks never add up: must not be compared
    result = checks.run(c, "check_sums_across_levels")   # problems, and the summary row's n_compared
    assert len(result.problems) == 1 and "teams_total" in result.problems[0]
    assert result.n_compared == 1                         # teams_total compared, dti_rank not


def test_a_rank_target_is_met_by_a_lower_rank_not_a_percentage():
    from data import build

    c = _mini_warehouse()
    src = "art_dongthap_cds_ktxh_2023"
    queries.insert(c, "core_observation", _obs([("87", "dti_rank", dt.date(2024, 12, 31), "date", 39, src),
                                              ("87", "shops_epayment", dt.date(2024, 12, 31), "date", 739, src)]))
    queries.insert(c, "core_target", pl.DataFrame({
        "unit_code": ["87", "87"], "boundary_version": ["legacy"] * 2, "indicator_code": ["dti_rank", "shops_epayment"],
        "period_start": [dt.date(2023, 4, 7)] * 2, "period_end": [dt.date(2025, 12, 31)] * 2,
        "target_value": [25.0, 480.0], "source_id": [src] * 2, "is_demo": [False] * 2}))
    a = {r["indicator_code"]: r for r in queries.run(c, "article_achievements").iter_rows(named=True)}
    assert a["dti_rank"]["achieved_pct"] is None and a["dti_rank"]["target_met"] is False   # 39 > 25, not "156 %"
    assert a["shops_epayment"]["achieved_pct"] == pytest.approx(153.958, abs=1e-3) and a["shops_epayment"]["target_met"]


# ---- the map ------------------------------------------------------------------------------------------------
def _map(q, period, version):
    frame, _ = mapdata.map_frame(q, indicator="dti_rank", period_end=period, version=version, level="province",
                                 higher_is_better=False)
    return {r["unit_code"]: r for r in frame.iter_rows(named=True)}, frame


def test_map_for_2022_shows_dong_thap_39(q):
    rows, frame = _map(q, dt.date(2022, 12, 31), "legacy")
    assert frame.height == 63 and frame["has_report"].all()
    assert rows["87"]["value"] == 39 and rows["87"]["rank"] == 39 and rows["87"]["target_value"] is None
    assert rows["15"]["rank"] == rows["38"]["rank"] == 15
    assert "DTI 2022 (năm của tháng đang xem)" in dti.caption(q, indicator="dti_rank", version="legacy",
                                                              period_end=dt.date(2022, 12, 31), lang="vi")


def test_map_shows_the_latest_published_year_and_not_published_elsewhere(q):
    rows, frame = _map(q, dt.date(2024, 6, 30), "legacy")   # no legacy DTI 2024: the 2023 list
    assert frame["has_report"].sum() == 12 and rows["48"]["value"] == 1 and rows["51"]["value"] == 21
    assert rows["87"]["value"] is None and not rows["87"]["has_report"] and rows["87"]["class_idx"] == 0
    cap = dti.caption(q, indicator="dti_rank", version="legacy", period_end=dt.date(2024, 6, 30), lang="en")
    assert cap.startswith("DTI 2023 (the latest year published up to 06/2024)") and "12 of 63" in cap
    rows, frame = _map(q, dt.date(2026, 6, 30), "2025")     # the 2024 ranking of the 34 provinces
    assert frame.height == 34 and frame["has_report"].sum() == 5
    assert [rows[c]["value"] for c in ("01", "46", "31", "79", "38")] == [1, 2, 3, 4, 5]
    assert rows["46"]["rank"] == 2 and frame["n_ranked"][0] == 34   # "2/34" in the hover, not "2/5"
    assert rows["82"]["value"] is None   # Đồng Tháp (2025): not published, never its predecessors' mean
    assert dti.year_for(q, indicator="dti_rank", version="legacy", period_end=dt.date(2020, 12, 31)) is None


def test_map_page_names_the_dti_year_and_greys_not_published(warehouse_env):
    import streamlit as st

    from cnscd.charts import maps

    st.cache_data.clear()
    st.cache_resource.clear()
    maps.layer_for.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"period": "2023-12", "ind": "dti_rank"})
    at.switch_page("pages/2_Ban_do.py").run()
    assert not at.exception, [e.value for e in at.exception]
    caps = " ".join(c.value for c in at.caption)
    assert "DTI 2023 (năm của tháng đang xem) · 12 / 63 tỉnh" in caps and "chưa công bố" in caps
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    grey = [tr for tr in fig["data"] if tr.get("name") == "chưa công bố"]
    assert len(grey) == 1 and len(grey[0]["locations"]) == 63 - 12
    assert {row[8] for row in grey[0]["customdata"]} == {"chưa công bố"}


# ---- the targets page ------------------------------------------------------------------------------------
def test_dong_thap_rank_goals_against_published_ranks(q):
    g = {r["year"]: r for r in dti.rank_goals(q, unit_code="87", boundary_version="legacy", lang="en").iter_rows(named=True)}
    assert sorted(g) == [2021, 2022, 2023, 2024, 2025, 2030]
    assert g[2022]["rank"] == 39 and g[2022]["goal_rank"] == 25 and g[2022]["met"] is False
    assert g[2022]["rank_text"] == "39/63" and g[2022]["status"] == "not met (rank 39 > 25)"
    for y in (2021, 2023, 2024, 2025, 2030):
        assert g[y]["rank"] is None and g[y]["met"] is None and g[y]["status"] == "not published"
    assert g[2024]["in_other_version"] and g[2024]["n_ranked"] == 34
    assert g[2030]["goal_rank"] == 20 and "top 20" in g[2030]["goal_quote_vi"]


def test_achievements_show_stated_and_computed_pct_and_derived_targets(q):
    a = {r["indicator_code"]: r for r in targets.achievements(q, "vi").iter_rows(named=True)}
    stated = {"provincial_app_installs": (141.6, "4.802 (suy ra)"), "ewallet_installs": (143.1, "3.000 (suy ra)"),
              "shops_epayment": (154.0, "480 (suy ra)")}
    assert set(a) == set(stated)
    for code, (pct, target_text) in stated.items():
        r = a[code]
        assert r["stated_pct_of_target"] == pct and r["target_is_derived"] and r["target_text"] == target_text
        decimals = 1 if pct != int(pct) else 0
        assert round(r["achieved_pct"], decimals) == pct   # computed and stated agree within the article's rounding
    en = targets.achievements(q, "en")
    assert set(en["target_text"]) == {"4,802 (derived)", "3,000 (derived)", "480 (derived)"}


def test_targets_page_shows_derived_targets_and_the_dti_goal(warehouse_env):
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/5_Muc_tieu.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe]
    ach = next(f for f in frames if "Mục tiêu" in f.columns and "Đạt, theo bài báo (%)" in f.columns)
    assert "4.802 (suy ra)" in set(ach["Mục tiêu"]) and set(ach["Đạt, theo bài báo (%)"]) == {141.6, 143.1, 154.0}
    goals = next(f for f in frames if "Hạng DTI" in f.columns)
    row = goals[goals["Năm"] == "2022"].iloc[0]
    assert row["Hạng DTI"] == "39/63" and row["Mục tiêu (hạng ≤)"] == 25 and "chưa đạt" in row["Tình trạng"]
    assert (goals[goals["Năm"] == "2023"]["Tình trạng"] == "chưa công bố").all()


# ---- qualified figures as the article words them --------------------------------------------------------
def test_qualified_format():
    assert fmt.qualified(74422, "more_than", "vi") == "hơn 74.422"
    assert fmt.qualified(74422, "more_than", "en") == "more than 74,422"
    assert fmt.qualified(60.3, "approx", "vi", 1, percent=True) == "khoảng 60,3 %"
    assert fmt.qualified(5, "less_than", "en") == "less than 5" and fmt.qualified(956, None) == "956"
    assert fmt.qualified(None, "approx") == "–"
    assert [fmt.decimals_of(x) for x in (80.0, 56.67, 79.2, 0.7955)] == [0, 2, 1, 4]
    with pytest.raises(ValueError, match="unknown value qualifier"):
        fmt.qualified(1, "around")


def test_seed_point_hover_says_more_than(q):
    seeds = q("seed_points", indicator="teams_total").filter(pl.col("unit_code") == "VN")
    row = seeds.filter(pl.col("period_end") == dt.date(2023, 6, 15)).row(0, named=True)
    assert row["value"] == 74422 and row["value_qualifier"] == "more_than"
    frame = pl.DataFrame({"key": ["VN"], "label": ["Toàn quốc"], "period_end": [dt.date(2023, 6, 30)],
                          "value": [70000.0], "is_demo": [True], "is_nation": [True]})
    pts = seeds.with_columns(label=pl.lit("Toàn quốc"))
    for lang, word in (("vi", "hơn "), ("en", "more than ")):
        fig = time_series(frame, sample_meta(lang=lang), seeds=pts)
        star = next(tr for tr in fig.data if tr.mode == "markers")
        words = {(x.date() if hasattr(x, "date") else x): cd[3] for x, cd in zip(star.x, star.customdata)}
        assert words[dt.date(2023, 6, 15)] == word and words[dt.date(2022, 6, 14)] == ""
        assert "%{customdata[3]}" in star.hovertemplate


def test_sources_page_lists_figures_as_worded(q):
    f = sources.article_figures(q, "vi")
    text = {(r["unit_code"], r["indicator_code"], r["period_end"]): r["value_text"] for r in f.iter_rows(named=True)}
    assert text[("VN", "teams_total", dt.date(2023, 6, 15))] == "hơn 74.422 tổ"
    assert text[("351", "members", dt.date(2024, 6, 30))] == "khoảng 600 người"
    assert text[("351", "bank_account_adult_pct", dt.date(2024, 6, 30))] == "hơn 80 %"
    assert text[("87", "online_shopping_pct", dt.date(2023, 4, 7))] == "56,67 %"   # as printed, not rounded
    assert text[("VN", "members", dt.date(2023, 6, 15))] == "348.362 người"
    derived = f.filter(pl.col("target_is_derived").fill_null(False))
    assert derived.height == 3 and derived["value_text"].str.ends_with("(suy ra)").all()


def test_progress_never_divides_a_rank_by_its_goal(q):
    assert targets.progress(q, indicator="dti_rank", period="2024-06-30").height == 0
    assert targets.progress(q, indicator="teams_total", period="2024-06-30").height > 0
