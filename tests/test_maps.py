"""Map frame (measure, rank, classes, no-report units) and the choropleth figure, on a tiny warehouse."""
from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import numpy as np
import pytest

import queries
from cnscd.views import mapdata
from cnscd.charts.classes import ClassesError
from cnscd.charts import maps
from cnscd.charts.meta import ChartMeta
from tests import mapfixtures as mf

JUNE25, JUNE26 = dt.date(2025, 6, 30), dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def query(tmp_path_factory):
    path = mf.build(tmp_path_factory.mktemp("mapwh") / "wh.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield lambda name, **p: queries.run(con, name, **p)
    con.close()


def frame(query, **kw):
    args = dict(indicator="teams_total", period_end=JUNE25, version="legacy", level="province") | kw
    return mapdata.map_frame(query, **args)


def test_values_keep_units_without_report(query):
    f, _ = frame(query)
    assert f["unit_code"].to_list() == ["01", "02", "03"]
    row = f.filter(unit_code="03").to_dicts()[0]
    assert row["value"] is None and not row["has_report"] and row["class_idx"] == 0 and row["rank"] is None
    # province 01 = districts 001 + 002 at month index 1: (1%7+3+2) + (2%7+3+2)
    assert f.filter(unit_code="01")["value"][0] == 6 + 7
    assert f["source_title"].drop_nulls().to_list() == ["Dữ liệu minh hoạ"] * 2


def test_province_filter_and_child_level(query):
    f, _ = frame(query, level="district", province="03")
    assert f["unit_code"].to_list() == ["004", "005"]
    assert f.filter(unit_code="005")["has_report"][0] is False
    f2, _ = frame(query, version="2025", level="commune", period_end=JUNE26, province="04")
    assert f2["unit_code"].to_list() == ["00003", "00004", "00005"]


@pytest.mark.parametrize("measure", mapdata.MEASURES)
def test_measures(query, measure):
    f, classes = frame(query, measure=measure, base_period=dt.date(2025, 5, 31))
    r = f.filter(unit_code="01").to_dicts()[0]
    expected = {"abs": 13.0, "per1000": 13.0 / 10_000 * 1000, "pct_target": 13.0 / 20 * 100,
                "change": 13.0 - 9.0}[measure]
    assert r["measure_value"] == pytest.approx(expected)
    assert classes.k >= 1


def test_change_needs_base(query):
    with pytest.raises(mapdata.MapDataError, match="kỳ gốc.*base period"):
        frame(query, measure="change")


def test_rank_higher_is_better_and_ties(query):
    f, _ = frame(query, version="2025", period_end=JUNE26)
    # 01: 00001 + 00002 = (1+3+22)+(2+3+22)=53 ; 04: 00003+00004 = (3+3+22)+(4+3+22)=57
    assert dict(zip(f["unit_code"], f["rank"])) == {"01": 2, "04": 1}
    f2, _ = frame(query, version="2025", period_end=JUNE26, higher_is_better=False)
    assert dict(zip(f2["unit_code"], f2["rank"])) == {"01": 1, "04": 2}
    assert int(f2["n_ranked"][0]) == 2


@pytest.mark.parametrize("scheme", mapdata.SCHEMES)
def test_classify_schemes(scheme):
    y = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], dtype=float)
    c = mapdata.classify(y, scheme, 4)
    assert c.k == 4 and c.edges[0] == 1 and c.edges[-1] == 100
    assert list(c.edges) == sorted(c.edges)
    import polars as pl
    f = mapdata.add_class(pl.DataFrame({"measure_value": [*y, None]}), c)
    idx = f["class_idx"].to_list()
    assert idx[-1] == 0 and idx[0] == 1 and idx[-2] == 4 and all(1 <= i <= 4 for i in idx[:-1])


def test_classify_degenerate():
    assert mapdata.classify(np.array([]), "quantiles").k == 0
    assert mapdata.classify(np.array([5.0, 5.0, 5.0]), "natural_breaks", 5).k == 1
    assert mapdata.classify(np.array([1.0, 2.0]), "equal_interval", 5).k == 2
    with pytest.raises(ClassesError, match="phân lớp.*classification"):
        mapdata.classify(np.array([1.0]), "kmeans")


def test_measures_for_ratio_and_units():
    assert "per1000" not in mapdata.measures_for("ratio")
    assert mapdata.measures_for("sum") == mapdata.MEASURES
    assert mapdata.measure_unit("change", "%", "vi") == "điểm %"
    assert mapdata.measure_unit("per1000", "tổ", "vi") == "tổ / 1.000 dân"


def test_successor_across_reform(query):
    assert mapdata.successor(query, "03", "legacy", "2025") == "04"
    assert mapdata.successor(query, "04", "2025", "legacy") in {"02", "03"}
    assert mapdata.successor(query, "01", "2025", "legacy") == "01"
    assert mapdata.successor(query, "99", "legacy", "2025") is None


def meta(lang="vi"):
    return ChartMeta(title_vi="Tổng số tổ", title_en="Teams", unit="tổ", period="T6/2025",
                     boundary_version="legacy", source="demo", is_demo=True,
                     is_approximate_boundaries=True, lang=lang)


def all_points(fig):
    """feature id -> (z, customdata) over both traces (with a figure / without)."""
    out = {}
    for tr in fig.data:
        for loc, z, cd in zip(tr.locations, tr.z, tr.customdata):
            out[loc] = (z, cd)
    return out


def test_choropleth_figure(query):
    f, classes = frame(query, level="district")
    layer = maps.prepare_layer(mf.layer("district", "legacy"), "district", "legacy")
    fig = maps.choropleth(layer, f, classes, meta(), measure_unit="tổ", value_unit="tổ")
    coloured, grey = fig.data
    assert coloured.type == grey.type == "choropleth" and coloured.featureidkey == "id"
    pts = all_points(fig)
    assert sorted(pts) == ["0", "1", "2", "3", "4"]
    by_code = {cd[7]: (z, cd) for z, cd in pts.values()}
    assert by_code["005"][0] == 0 and all(by_code[c][0] >= 1 for c in ["001", "002", "003", "004"])
    assert list(grey.locations) == ["4"] and grey.customdata[0][8] == "chưa báo cáo"
    shown = re.sub(r"%\{customdata\[(\d+)\][^}]*\}", lambda m: str(grey.customdata[0][int(m.group(1))]),
                   grey.hovertemplate)   # the hover as plotly fills it for the grey unit
    assert "chưa báo cáo" in shown, shown
    # each trace carries only its own outlines: the GeoJSON goes to the browser once
    assert len(coloured.geojson["features"]) == 4 and len(grey.geojson["features"]) == 1
    assert coloured.colorbar.ticktext[0] == "chưa báo cáo"
    assert coloured.colorscale[0][1] == maps.NO_REPORT_COLOUR
    tpl = coloured.hovertemplate
    assert "Thứ hạng" in tpl and "Mục tiêu" in tpl and "Nguồn" in tpl
    assert by_code["001"][1][3:5].tolist() == [20, 30.0]  # 6 of 20
    assert "%{customdata[3]:,.0f} tổ (%{customdata[4]:,.1f} % mục tiêu)" in tpl
    assert fig.layout.separators == ",." and fig.layout.uirevision == "map-legacy-district-VN"
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds is False and fig.layout.geo.lonaxis.range is not None
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "gần đúng" in notes and "minh hoạ" in notes
    en = maps.choropleth(layer, f, classes, meta("en"), measure_unit="teams", value_unit="teams")
    assert en.layout.separators == ".," and en.data[0].colorbar.ticktext[0] == "no report"
    assert en.data[1].customdata[0][8] == "no report"


def test_missing_target_reads_dash_not_zero(query):
    f, classes = frame(query, indicator="villages_with_team_pct")  # no targets stored for this one
    layer = maps.prepare_layer(mf.layer("province", "legacy"), "province", "legacy")
    fig = maps.choropleth(layer, f, classes, meta(), measure_unit="%", value_unit="%", decimals=1)
    assert "Mục tiêu: –" in fig.data[0].hovertemplate and "customdata[3]" not in fig.data[0].hovertemplate


def test_unit_drawn_as_several_features_gets_one_colour(query):
    import geopandas as gpd
    import pandas as pd

    f, classes = frame(query)
    g = mf.layer("province", "legacy")
    g = gpd.GeoDataFrame(pd.concat([g, g.iloc[[0]]], ignore_index=True), crs=g.crs)  # an archipelago of 01
    layer = maps.prepare_layer(g, "province", "legacy")
    pts = all_points(maps.choropleth(layer, f, classes, meta(), measure_unit="tổ", value_unit="tổ"))
    assert len(pts) == 4 and pts["0"][0] == pts["3"][0] and pts["3"][1][7] == "01"


def test_rings_run_clockwise_for_plotly():
    """d3-geo fills a counter-clockwise ring as the whole globe minus the polygon."""
    from shapely.geometry import shape

    layer = maps.prepare_layer(mf.layer("province", "legacy"), "province", "legacy")
    ring = shape(layer.geojson["features"][0]["geometry"]).exterior
    assert not ring.is_ccw


def test_new_values_reuse_the_layer_and_payload_small(query):
    """A map of ~3,300 features: a new indicator/period only swaps the values, the prepared layer's
    GeoJSON is reused as is (its speed, target ≤ 150 ms median, is measured by bench/bench_geo.py
    against re-preparing the layer each time)."""
    import geopandas as gpd
    from shapely.geometry import box

    n = 3321
    g = gpd.GeoDataFrame({"unit_code": [f"{i:05d}" for i in range(n)], "unit_name": ["x"] * n,
                          "is_approximate": True},
                         geometry=[box(i % 60 * 0.1, i // 60 * 0.1, i % 60 * 0.1 + 0.09, i // 60 * 0.1 + 0.09)
                                   for i in range(n)], crs="EPSG:4326")
    layer = maps.prepare_layer(g, "commune", "2025")
    import polars as pl
    rng = np.random.default_rng(0)
    zs = []
    for _ in range(3):
        values = rng.random(n)
        f = pl.DataFrame({"unit_code": layer.feature_codes, "unit_name": "Xã", "value": values,
                          "source_title": "demo", "target_value": 1.0, "is_demo": True})
        f = mapdata.add_rank(mapdata.add_measure(f.with_columns(population=pl.lit(1.0)), "abs"), True)
        c = mapdata.classify(f["measure_value"].to_numpy(), "natural_breaks", 5)
        fig = maps.choropleth(layer, mapdata.add_class(f, c), c, meta(), measure_unit="tổ", value_unit="tổ")
        assert fig.data[0].geojson is layer.geojson  # no copy when every unit has a figure
        zs.append(tuple(fig.data[0].z))
    assert len(set(zs)) == 3, "each value set must reach the figure"
    assert len(json.dumps(layer.geojson)) < 1_500_000


def test_fisher_jenks_matches_mapclassify():
    import mapclassify

    rng = np.random.default_rng(3)
    for n in (20, 120):
        y = np.round(rng.lognormal(2, 1, n), 2)
        assert np.allclose(mapdata.fisher_jenks(y, 5), mapclassify.FisherJenks(y, k=5).bins)


def test_fisher_jenks_is_exact_above_800_values():
    """The hand-written version ran on 800 interpolated quantiles above 800 values: for the 3,321
    communes a break came out as 25.5 teams, a number no commune has, and the classes were not optimal."""
    y = np.round(np.random.default_rng(5).lognormal(3, 1, 3321))
    bounds = mapdata.fisher_jenks(y, 5)
    assert set(bounds) <= set(y) and bounds[-1] == y.max()

    def within(ub):   # total within-class squared deviation of the classes add_class would draw
        idx = np.clip(np.searchsorted(ub, y, side="left"), 0, len(ub) - 1)
        return sum(((y[idx == i] - y[idx == i].mean()) ** 2).sum() for i in np.unique(idx))

    best = within(bounds)
    for i in range(4):            # moving any inner bound to a neighbouring value never does better
        for step in (-1, 1):
            vals = np.unique(y)
            j = np.searchsorted(vals, bounds[i]) + step
            moved = bounds.copy()
            moved[i] = vals[j]
            if list(moved) == sorted(set(moved)):
                assert within(moved) >= best - 1e-6


# ---- against the built demo warehouse and the committed boundary layers ------------------------

@pytest.mark.parametrize("level,version,period", [
    ("province", "legacy", JUNE25), ("district", "legacy", JUNE25),
    ("province", "2025", JUNE26), ("commune", "2025", JUNE26)])
def test_real_layers_match_warehouse_units(con, level, version, period):
    """Every polygon finds its unit and every unit has a polygon; the demo series covers them."""
    q = lambda name, **p: queries.run(con, name, **p)  # noqa: E731
    f, classes = mapdata.map_frame(q, indicator="teams_total", period_end=period, version=version, level=level)
    layer = maps.layer_for(level, version)
    assert set(layer.feature_codes) == set(f["unit_code"])
    assert f["has_report"].mean() > 0.9 and classes.k == 5
    fig = maps.choropleth(layer, f, classes, meta(), measure_unit="tổ", value_unit="tổ")
    assert sum(len(tr.locations) for tr in fig.data) == len(layer.feature_codes)
    size = len(fig.to_json())
    # issue 3: the national district map ≤ 1.5 MB; 3,321 communes get the same budget (their national
    # outlines are coarsened: charts.maplayer.NATIONAL_TOLERANCE)
    assert size < 1_500_000, size


def test_national_commune_outlines_are_coarsened_as_one_coverage():
    """The national commune map (3,321 units, over its 1.5 MB budget at full detail) draws outlines
    coarsened together: still one tiling (no gap, no overlap, shared edges identical), every unit
    kept, close to its committed outline; a province's map keeps the committed outlines."""
    import shapely
    from geo import layers
    from cnscd.charts import maplayer

    raw = np.asarray(layers.layer("commune", "2025").geometry.values)
    assert shapely.coverage_is_valid(raw)
    coarse = maplayer.national_outlines(raw, maplayer.NATIONAL_TOLERANCE["commune"])
    assert len(coarse) == len(raw) and not shapely.is_empty(coarse).any() and shapely.is_valid(coarse).all()
    assert shapely.coverage_is_valid(coarse)
    assert shapely.get_num_coordinates(coarse).sum() < 0.5 * shapely.get_num_coordinates(raw).sum()
    assert abs(shapely.area(coarse).sum() / shapely.area(raw).sum() - 1) < 0.01
    iou = shapely.area(shapely.intersection(coarse, raw)) / shapely.area(shapely.union(coarse, raw))
    assert np.median(iou) > 0.8
    national = maps.layer_for("commune", "2025")
    assert national.feature_codes == tuple(layers.layer("commune", "2025")["unit_code"])
    part = layers.layer("commune", "2025", province_code="01")
    assert maps.layer_for("commune", "2025", "01").geojson == maps.prepare_layer(part, "commune", "2025", "01").geojson


def test_national_outlines_of_a_non_coverage_are_simplified_unit_by_unit():
    """Accepted official outlines beside approximate ones need not share edges: each unit is then
    simplified alone (coverage simplification of overlapping polygons may give invalid ones)."""
    import shapely

    from cnscd.charts import maplayer

    wavy = [shapely.Polygon([(x / 10, 0.01 * (x % 2)) for x in range(11)] + [(1, 1), (0, 1)]),
            shapely.box(0.5, 0.5, 1.5, 1.5)]                      # overlaps the first
    assert not shapely.coverage_is_valid(np.array(wavy))
    out = maplayer.national_outlines(wavy, 0.05)
    assert shapely.is_valid(out).all() and shapely.get_num_coordinates(out[0]) < shapely.get_num_coordinates(wavy[0])
    assert shapely.equals(out[1], wavy[1])


def test_real_drill_into_every_2025_province(con):
    q = lambda name, **p: queries.run(con, name, **p)  # noqa: E731
    provinces = q("unit_list").filter(boundary_version="2025", unit_level="province")["unit_code"].to_list()
    assert len(provinces) == 34
    for code in provinces:
        f, _ = mapdata.map_frame(q, indicator="teams_total", period_end=JUNE26, version="2025", level="commune",
                                 province=code)
        assert set(maps.layer_for("commune", "2025", code).feature_codes) == set(f["unit_code"]), code


@pytest.mark.parametrize("level,version", [("province", "legacy"), ("district", "legacy"), ("province", "2025"),
                                           ("commune", "2025")])
def test_real_layers_draw_no_inside_out_polygon(level, version):
    """A ring that collapses on the grid (or runs counter-clockwise) is filled by d3-geo as the whole
    globe: one such commune once hid the national commune map under a blue rectangle."""
    from shapely.geometry import shape

    layer = maps.layer_for(level, version)
    for feat in layer.geojson["features"]:
        g = shape(feat["geometry"])
        for part in (g.geoms if g.geom_type == "MultiPolygon" else [g]):
            assert part.area > 0 and not part.exterior.is_ccw, feat["id"]


def test_island_labels():
    assert [n for n, _, _ in maps.island_labels("2025", None, "vi")] == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert [n for n, _, _ in maps.island_labels("legacy", "48", "en")] == ["Hoàng Sa (Paracel) Islands"]
    assert maps.island_labels("2025", "01", "vi") == []


def test_dark_is_the_better_end_also_where_lower_is_better():
    """A DTI rank map: rank 1 (the lowest number, the best) gets the darkest class colour."""
    from cnscd.charts.maps import palette

    up, down = palette(5, True), palette(5, False)
    assert down == up[::-1] and up[0] != up[-1]
