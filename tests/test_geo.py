"""Boundary layers (issue 3 §8): one valid geometry per unit, nesting, known places, payloads.

The committed layers (what the app draws) are checked directly; a fresh unsimplified build of three
2025 provinces (FRESH) from the committed Natural Earth extract runs once per session for the
exact-union checks and to prove the committed files are not stale (the whole build takes minutes).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import polars as pl
import pytest
import shapely

from data.units import load_units
from cnscd.charts import maps
from geo import build, cells, layers, source
from tests.mapfixtures import random_map

ALL = [("province", "legacy"), ("district", "legacy"), ("commune", "legacy"), ("province", "2025"),
       ("commune", "2025")]
# (lon, lat) of known places and the unit codes they must fall in:
# (legacy province, legacy district, 2025 province)
PLACES = {
    "Hà Nội, Hoàn Kiếm": ((105.8542, 21.0285), "01", "002", "01"),
    "TP HCM, Quận 1": ((106.7009, 10.7769), "79", "760", "79"),
    "Đà Nẵng": ((108.2022, 16.0544), "48", None, "48"),
    "Huế": ((107.5909, 16.4637), "46", None, "46"),
    # central Ninh Kiều (Tân An): the old point (105.7469, 10.0452) lies ~100 m inside An Khánh's geocoded
    # box, inside Long Hòa's (Bình Thủy) too, closer than approximate outlines can resolve
    "Cần Thơ, Ninh Kiều": ((105.7830, 10.0340), "92", "916", "92"),
    "Hải Phòng": ((106.6881, 20.8449), "31", None, "31"),
    "Nha Trang": ((109.1967, 12.2388), "56", "568", "56"),
    "Vinh": ((105.6813, 18.6796), "40", "412", "40"),
    "Buôn Ma Thuột": ((108.05, 12.6667), "66", "643", "66"),
    "Đà Lạt": ((108.4583, 11.9404), "68", "672", "68"),
    "Bắc Kạn (NE 'Đông Bắc')": ((105.834, 22.147), "06", "058", "19"),
    "Biên Hòa (NE 'Đông Nam Bộ')": ((106.8243, 10.9574), "75", "731", "75"),
    "Hưng Yên (NE 'Đồng Bằng Sông Hồng')": ((106.0511, 20.6464), "33", "323", "33"),
    "Than Uyên (NE draws it in Lào Cai)": ((103.8906, 21.9575), "12", "110", "12"),
    "Mê Linh (Hà Nội since 2008)": ((105.7196, 21.1878), "01", "250", "01"),
}
# Islands drawn at Natural Earth's scale are specks of ~1 km: within 3 km of the unit and nearer
# to it than to any other unit of the layer.
ISLANDS = {
    "Côn Sơn (Côn Đảo)": ((106.607, 8.683), "77", "755", "79", "26732"),
    "Phú Lâm, Hoàng Sa (Paracels)": ((112.339, 16.834), "48", "498", "48", "20333"),
    "Hoàng Sa island (Pattle)": ((111.605, 16.529), "48", "498", "48", "20333"),
    "Ba Bình, Trường Sa (Spratlys)": ((114.3653, 10.3771), "56", "576", "56", "22736"),
    "Nam Yết, Trường Sa": ((114.3656, 10.1811), "56", "576", "56", "22736"),
    "Lý Sơn": ((109.115, 15.385), "51", "536", "51", "21548"),
    "Bạch Long Vĩ": ((107.7306, 20.1342), "31", "318", "31", "11948"),
}


@pytest.fixture(scope="session")
def committed():
    return {key: layers.layer(*key) for key in ALL}


# 2025 provinces rebuilt in the session: Tuyên Quang with Hà Giang (mountains), Quảng Ninh (islands),
# Đồng Tháp with Tiền Giang (delta)
FRESH = {"08", "22", "82"}


@pytest.fixture(scope="session")
def raw():
    """Unsimplified layers of FRESH, built now from the committed Natural Earth extract (~30 s, once)."""
    return build.build_layers(gpd.read_parquet(layers.GEO_DIR / "layers" / "provinces_ne.parquet"), simplify=False,
                              only=FRESH)


def _expected(level, version) -> set[str]:
    u = load_units().filter((pl.col("unit_level") == level) & (pl.col("boundary_version") == version))
    return set(u["unit_code"])


@pytest.mark.parametrize("key", ALL, ids=lambda k: "-".join(k))
def test_every_unit_has_exactly_one_valid_geometry(committed, key):
    gdf = committed[key]
    assert list(gdf.columns) == layers.COLUMNS and gdf.crs.to_epsg() == 4326
    assert not gdf["unit_code"].duplicated().any()
    assert set(gdf["unit_code"]) == _expected(*key)
    assert gdf.is_valid.all() and not gdf.is_empty.any()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (gdf["is_approximate"] == (key[0] != "province")).all()
    # a coverage: no overlaps or gaps between neighbours after simplification
    assert shapely.coverage_is_valid(gdf.geometry.values)


@pytest.mark.parametrize("key", ALL, ids=lambda k: "-".join(k))
def test_committed_layers_match_a_fresh_build(committed, raw, key):
    fresh = raw[key].set_index("unit_code").geometry
    mine = committed[key][committed[key]["unit_code"].isin(fresh.index)]
    assert len(mine) == len(fresh) > 0
    a = shapely.area(mine.geometry.values)
    b = shapely.area(fresh.reindex(mine["unit_code"]).values)
    assert abs(a.sum() / b.sum() - 1) < 0.01
    big = b > np.median(b)          # simplification may reshape tiny units more
    assert (abs(a[big] / b[big] - 1) < 0.15).all()


def _parents(version: str) -> dict[str, str]:
    u = load_units().filter((pl.col("unit_level") == "commune") & (pl.col("boundary_version") == version))
    return dict(zip(u["unit_code"], u["parent_code"]))


def _assert_nests(children, parent_of: dict, parents, simplified: bool, what: str):
    """Symmetric difference within what simplifying both outlines may move: a band of half the
    coarser tolerance along the parent's boundary (nothing at all before simplification)."""
    outline = parents.set_index("unit_code").geometry
    band = max(build.TOLERANCES[children["unit_level"].iloc[0]], build.TOLERANCES[parents["unit_level"].iloc[0]])
    groups = children.assign(parent=children["unit_code"].map(parent_of)).groupby("parent")
    for code, group in groups:
        diff = shapely.union_all(group.geometry.values).symmetric_difference(outline[code]).area
        allowed = (0.5 * band * outline[code].length) if simplified else 1e-6 * outline[code].area
        assert diff <= allowed, (what, code, diff, allowed)


def test_units_union_to_their_parent(raw, committed):
    """Districts make up their province, communes their district (legacy) or province (2025):
    exactly before simplification, within the simplification tolerance after."""
    for layers_, simplified in ((raw, False), (committed, True)):
        dist = layers_["district", "legacy"]
        _assert_nests(dist, dict(zip(dist["unit_code"], dist["province_code"])), layers_["province", "legacy"],
                      simplified, "district in province")
        _assert_nests(layers_["commune", "legacy"], _parents("legacy"), dist, simplified, "commune in district")
        _assert_nests(layers_["commune", "2025"], _parents("2025"), layers_["province", "2025"], simplified,
                      "commune in 2025 province")


def test_2025_provinces_are_whole_legacy_provinces_merged(raw):
    mapping = source.province_mapping()
    legacy = raw["province", "legacy"].set_index("unit_code").geometry
    new = raw["province", "2025"].set_index("unit_code").geometry
    assert set(new.index) == FRESH
    for code, group in mapping.filter(pl.col("new_gso_code").is_in(sorted(FRESH))).group_by("new_gso_code"):
        merged = shapely.union_all(legacy.reindex(group["legacy_gso_code"].to_list()).values)
        assert merged.symmetric_difference(new[code[0]]).area < 1e-6 * new[code[0]].area


def _units_at(gdf, lon, lat) -> list[str]:
    return gdf[gdf.contains(shapely.Point(lon, lat))]["unit_code"].tolist()


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_known_places_fall_in_their_units(committed, place):
    (lon, lat), prov, district, prov25 = PLACES[place]
    assert _units_at(committed["province", "legacy"], lon, lat) == [prov]
    assert _units_at(committed["province", "2025"], lon, lat) == [prov25]
    if district:
        assert _units_at(committed["district", "legacy"], lon, lat) == [district]
    assert len(_units_at(committed["commune", "legacy"], lon, lat)) == 1
    assert len(_units_at(committed["commune", "2025"], lon, lat)) == 1


def _nearest(gdf, lon, lat) -> tuple[str, float]:
    d = pd.Series(shapely.distance(gdf.geometry.values, shapely.Point(lon, lat)))
    i = int(np.argmin(d.values))
    return gdf["unit_code"].iloc[i], float(d.iloc[i])


@pytest.mark.parametrize("place", ISLANDS, ids=str)
def test_islands_belong_to_their_province(committed, place):
    (lon, lat), prov, district, prov25, commune25 = ISLANDS[place]
    for key, want in ((("province", "legacy"), prov), (("district", "legacy"), district),
                      (("province", "2025"), prov25), (("commune", "2025"), commune25)):
        code, dist = _nearest(committed[key], lon, lat)
        assert (code, dist < 0.03) == (want, True), (key, code, dist)


def test_natural_earth_faults_are_corrected(committed):
    names = dict(zip(committed["province", "legacy"]["unit_code"], committed["province", "legacy"]["short_name"]))
    assert (names["06"], names["75"], names["33"], names["87"], names["49"]) == (
        "Bắc Kạn", "Đồng Nai", "Hưng Yên", "Đồng Tháp", "Quảng Nam")
    soc_trang = committed["province", "legacy"].set_index("unit_code").geometry["94"]
    assert soc_trang.bounds[1] > 9.0, "Côn Đảo must not stay with Sóc Trăng"


def test_islands_api_attaches_archipelagos(committed):
    for version in ("legacy", "2025"):
        isl = layers.islands(version)
        assert list(isl["province_code"]) == ["48", "56"]
        assert list(isl["name_vi"]) == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
        assert not isl.geometry.is_empty.any()


def test_misplaced_points_are_repaired_and_no_unit_is_lost(committed, raw):
    """The packaged district centres: many fall outside their own province's Natural Earth outline;
    every district still gets an outline inside its province, containing or next to its centre."""
    ne = gpd.read_parquet(layers.GEO_DIR / "layers" / "provinces_ne.parquet").set_index("unit_code").geometry
    d = load_units().filter((pl.col("unit_level") == "district") & (pl.col("boundary_version") == "legacy"))
    outside = [c for c, p, x, y in d.select("unit_code", "province_code", "centre_lon", "centre_lat").iter_rows()
               if not ne[p].contains(shapely.Point(x, y))]
    assert len(outside) >= 15
    dist = raw["district", "legacy"].set_index("unit_code")
    prov = raw["province", "legacy"].set_index("unit_code").geometry
    shown = committed["district", "legacy"].set_index("unit_code").geometry
    for code in outside:
        assert shown[code].area > 0
        if code in dist.index:
            g = dist.geometry[code]
            assert g.area > 0
            assert g.difference(prov[dist.province_code[code]]).area < 1e-9


def test_place_points_moves_strays_makes_islands_and_spreads_duplicates():
    province = shapely.box(0, 0, 1, 1)
    others = shapely.box(1, 0, 2, 1)
    xy = np.array([[0.5, 0.5], [1.5, 0.5], [0.5, 3.0], [0.2, 0.2], [0.2, 0.2]])
    out, kinds, island = cells.place_points(list("abcde"), xy, province, others)
    assert kinds == ["ok", "moved", "island", "ok", "ok"]
    assert province.contains(shapely.Point(out[1])) and island.contains(shapely.Point(out[2]))
    assert tuple(out[3]) != tuple(out[4])
    cells_ = cells.voronoi_cells(out, province.union(island))
    assert all(c.area > 0 and c.contains(shapely.Point(p)) for c, p in zip(cells_, out))


def test_payload_sizes(committed):
    """The app's own map figure (charts.maps.choropleth over charts.maplayer), inline outlines as an
    export sends them: national district map ≤ 1.5 MB, every province's commune map ≤ 0.5 MB."""
    rng = np.random.default_rng(0)
    fig = random_map(maps.layer_for("district", "legacy"), rng)
    assert len(fig.to_json()) <= 1_500_000
    for version in ("legacy", "2025"):
        for code in committed["commune", version]["province_code"].unique():
            fig = random_map(maps.layer_for("commune", version, code), rng)
            assert len(fig.to_json()) <= 500_000, (version, code)


def test_figure_is_offline_safe():
    """No base map, the world topojson plotly.js asks for answered by an inline empty one (the map's
    Plotly config), the archipelagos named, features carrying nothing but their outline."""
    fig = random_map(maps.layer_for("province", "2025"), np.random.default_rng(0))
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds is False and fig.layout.geo.lonaxis.range is not None
    labels = [t for tr in fig.data if tr.type == "scattergeo" for t in tr.text]
    assert any("Hoàng Sa" in t for t in labels) and any("Trường Sa" in t for t in labels)
    feats = fig.data[0].geojson["features"]
    assert set(feats[0]) == {"type", "id", "properties", "geometry"} and feats[0]["properties"] == {}
    assert maps.EMPTY_TOPOJSON_URL.startswith("data:application/json,") and maps.EMPTY_TOPOJSON_URL.endswith("#")


def test_bad_arguments_say_what_in_both_languages():
    with pytest.raises(ValueError, match="Cấp 'district'.*2025.*does not exist"):
        layers.layer("district", "2025")
    with pytest.raises(ValueError, match="không hợp lệ.*unknown boundary version"):
        layers.layer("province", "2019")
    with pytest.raises(ValueError, match="Không có tỉnh mã '99'.*no province"):
        layers.layer("commune", "2025", "99")
