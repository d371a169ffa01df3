"""Planner-loaded official boundaries (issue 3 §4, §5): matching, repair, refusal, override, CLI.

Fixture files are written here from the committed Hà Nam districts (province 35) with names
spelt the ways planners spell them, one misspelt, one ambiguous.
"""
from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pytest
import shapely

from geo import layers
from geo.__main__ import main
from geo.load import accept, load_file
from geo.names import name_keys

# Hà Nam's districts as a planner's file might name them
SPELLINGS = {
    "347": "Thành phố Phủ Lý",
    "349": "thi xa duy tien",          # no diacritics, lower case
    "350": "Huyện Kim Bảng",          # an old type: Kim Bảng is a "Thị xã" now
    "351": "H. Thanh Liem",           # abbreviated prefix, no diacritics
    "352": "Binh Lucc",               # misspelt: unmatched, with a suggestion
    "353": "LÝ NHÂN",                 # upper case
}


@pytest.fixture()
def user_dir(tmp_path, monkeypatch):
    """A scratch geo/user so no test touches the real overrides."""
    d = tmp_path / "user"
    monkeypatch.setattr(layers, "USER_DIR", d)
    layers.clear_cache()
    yield d
    layers.clear_cache()


def _ha_nam(names=SPELLINGS, code_col=False) -> gpd.GeoDataFrame:
    d = layers.layer("district", "legacy", "35").set_index("unit_code")
    rows = {"ten": list(names.values())}
    if code_col:
        rows["MA_HUYEN"] = [int(c) for c in names]
    return gpd.GeoDataFrame(rows, geometry=[d.geometry[c] for c in names], crs=4326)


def test_name_keys_ignore_diacritics_case_and_type_prefix():
    keys = [name_keys(n) for n in ("Huyện Thanh Liêm", "H. Thanh Liem", "thanh liem", "HUYEN THANH LIEM")]
    assert all("thanh liem" in k for k in keys)
    assert "quan hoa" in name_keys("Quan Hóa") & name_keys("Huyện Quan Hóa")


def test_match_report_on_misspelt_names(tmp_path, user_dir):
    path = tmp_path / "ha_nam.geojson"
    extra = gpd.GeoDataFrame({"ten": ["Châu Thành"]}, geometry=[shapely.box(105.9, 20.5, 105.91, 20.51)], crs=4326)
    gpd.GeoDataFrame(pd_concat([_ha_nam(), extra]), crs=4326).to_file(path, driver="GeoJSON")
    report = load_file(path, "district", "legacy")
    assert not report.refused
    assert sorted(m["unit_code"] for m in report.matched) == ["347", "349", "350", "351", "353"]
    assert [u["label"] for u in report.unmatched] == ["Binh Lucc"]
    assert "352" in report.unmatched[0]["suggestion"]
    assert [a["label"] for a in report.ambiguous] == ["Châu Thành"]
    assert len(report.ambiguous[0]["candidates"]) > 5
    text = report.text()
    assert "Binh Lucc" in text and "khớp/matched 5" in text


def pd_concat(frames):
    import pandas as pd
    return pd.concat(frames, ignore_index=True)


def test_codes_win_and_any_crs_is_reprojected(tmp_path, user_dir):
    gdf = _ha_nam({"347": "Nowhere", "350": "Elsewhere"}, code_col=True).to_crs(3405)   # VN-2000 / UTM 48N
    path = tmp_path / "ha_nam.gpkg"
    gdf.to_file(path, driver="GPKG")
    report = load_file(path, "district", "legacy")
    assert [(m["unit_code"], m["by"]) for m in report.matched] == [("347", "code"), ("350", "code")]
    got = report.geometries.set_index("unit_code").geometry["347"]
    want = layers.layer("district", "legacy", "35").set_index("unit_code").geometry["347"]
    assert got.hausdorff_distance(want) < 1e-6


def test_zipped_shapefile_and_topojson(tmp_path, user_dir):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    _ha_nam({"351": "Thanh Liêm"}).to_file(shp_dir / "d.shp", driver="ESRI Shapefile", encoding="utf-8")
    zpath = tmp_path / "d.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in shp_dir.iterdir():
            z.write(f, f.name)
    assert [m["unit_code"] for m in load_file(zpath, "district", "legacy").matched] == ["351"]
    ring = [[105.85, 20.45], [105.9, 20.45], [105.9, 20.5], [105.85, 20.5], [105.85, 20.45]]
    topo = {"type": "Topology", "arcs": [ring], "objects": {"d": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Huyện Thanh Liêm"}}]}}}
    tpath = tmp_path / "d.topojson"
    tpath.write_text(json.dumps(topo), encoding="utf-8")
    assert [m["unit_code"] for m in load_file(tpath, "district", "legacy").matched] == ["351"]


def test_invalid_geometry_is_repaired(tmp_path, user_dir):
    bowtie = shapely.Polygon([(105.85, 20.45), (105.95, 20.55), (105.95, 20.45), (105.85, 20.55)])
    path = tmp_path / "bowtie.geojson"
    gpd.GeoDataFrame({"name": ["Thanh Liêm"]}, geometry=[bowtie], crs=4326).to_file(path, driver="GeoJSON")
    report = load_file(path, "district", "legacy")
    assert report.repaired == ["Thanh Liêm"] and not report.refused
    assert report.geometries.geometry.iloc[0].is_valid


def test_accepted_outlines_override_and_carry_their_source(tmp_path, user_dir):
    path = tmp_path / "official.geojson"
    square = shapely.box(105.85, 20.45, 105.95, 20.55)
    gpd.GeoDataFrame({"name": ["Thanh Liêm"]}, geometry=[square], crs=4326).to_file(path, driver="GeoJSON")
    accept(load_file(path, "district", "legacy"))
    got = layers.layer("district", "legacy", "35").set_index("unit_code")
    assert got.geometry["351"].equals(square)
    assert not got["is_approximate"]["351"] and got["source_id"]["351"].startswith("user:official.geojson#")
    assert got["is_approximate"]["350"] and got["source_id"]["350"] == "geo_approx_voronoi"
    # a second file for another unit keeps the first one's outline
    path2 = tmp_path / "second.geojson"
    gpd.GeoDataFrame({"name": ["Kim Bảng"]}, geometry=[shapely.box(105.8, 20.5, 105.85, 20.6)], crs=4326).to_file(
        path2, driver="GeoJSON")
    accept(load_file(path2, "district", "legacy"))
    got = layers.layer("district", "legacy").set_index("unit_code")
    assert not got["is_approximate"]["351"] and not got["is_approximate"]["350"]


@pytest.mark.parametrize("kind", ["points", "wrong_crs", "not_geo"])
def test_refused_file_changes_nothing(tmp_path, user_dir, kind):
    good = tmp_path / "good.geojson"
    gpd.GeoDataFrame({"name": ["Thanh Liêm"]}, geometry=[shapely.box(105.85, 20.45, 105.95, 20.55)],
                     crs=4326).to_file(good, driver="GeoJSON")
    accept(load_file(good, "district", "legacy"))
    before = layers.layer("district", "legacy")
    stored = layers.user_path("district", "legacy").read_bytes()
    bad = tmp_path / "bad.geojson"
    if kind == "points":
        gpd.GeoDataFrame({"name": ["Kim Bảng"]}, geometry=[shapely.Point(105.9, 20.5)], crs=4326).to_file(bad)
    elif kind == "wrong_crs":   # metres labelled as degrees
        gpd.GeoDataFrame({"name": ["Kim Bảng"]}, geometry=[shapely.box(590000, 2260000, 600000, 2270000)],
                         crs=4326).to_file(bad, driver="GeoJSON")
    else:
        bad.write_text("this is not a boundary file", encoding="utf-8")
    report = load_file(bad, "district", "legacy")
    assert report.refused and all(" / " in e for e in report.errors)   # Vietnamese / English
    with pytest.raises(ValueError, match="từ chối.*refused"):
        accept(report)
    assert layers.user_path("district", "legacy").read_bytes() == stored
    after = layers.layer("district", "legacy")
    assert after.geometry.geom_equals(before.geometry).all()


def test_cli_load_and_export(tmp_path, user_dir, capsys):
    src = tmp_path / "official.geojson"
    gpd.GeoDataFrame({"name": ["Huyện Thanh Liêm"]}, geometry=[shapely.box(105.85, 20.45, 105.95, 20.55)],
                     crs=4326).to_file(src, driver="GeoJSON")
    assert main(["load", str(src), "--level", "district", "--version", "legacy", "--yes"]) == 0
    assert "351" in capsys.readouterr().out
    out = tmp_path / "export.geojson"
    assert main(["export", "--level", "district", "--version", "legacy", "--out", str(out)]) == 0
    feats = {f["properties"]["unit_code"]: f["properties"] for f in json.loads(out.read_text())["features"]}
    assert len(feats) == 696
    assert feats["351"]["is_approximate"] is False and feats["351"]["source_id"].startswith("user:")
    assert feats["350"] == {"unit_code": "350", "unit_name": "Thị xã Kim Bảng", "unit_level": "district",
                            "boundary_version": "legacy", "is_approximate": True, "source_id": "geo_approx_voronoi"}
    bad = tmp_path / "bad.txt"
    bad.write_text("nope")
    assert main(["load", str(bad), "--level", "district", "--version", "legacy", "--yes"]) == 2
