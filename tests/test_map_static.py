"""Static GeoJSON for the big map layers: written once, atomically, under a content-hashed name; the
figure then names the file instead of carrying the outlines; exports keep them inline."""
from __future__ import annotations

import datetime as dt
import json
import os

import duckdb
import pytest
import streamlit as st

import queries
from cnscd.ui import map_panel
from cnscd.views import mapdata
from cnscd.charts import maplayer, maps
from cnscd.charts.meta import ChartMeta
from tests import mapfixtures as mf


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(maplayer, "_STATIC", {})
    monkeypatch.setattr(maplayer, "STATIC_MIN_BYTES", 10)   # the fixture layers are tiny


def layer(level="district", version="legacy"):
    return maps.prepare_layer(mf.layer(level, version), level, version)


def test_written_once_under_a_content_hash(tmp_path):
    lay = layer()
    url = maps.static_url(lay, tmp_path)
    assert url and url.startswith("app/static/geo/district-legacy-VN-") and url.endswith(".json")
    path = tmp_path / url.removeprefix("app/static/")
    assert json.loads(path.read_text()) == lay.geojson
    mtime = path.stat().st_mtime_ns
    assert maps.static_url(lay, tmp_path) == url and path.stat().st_mtime_ns == mtime   # cached
    assert [p.name for p in path.parent.iterdir()] == [path.name]                       # no temp file left
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    path.unlink()                                   # removed by another process: written again
    assert maps.static_url(lay, tmp_path) == url and path.is_file()


def test_new_content_new_name_old_removed_after_a_day(tmp_path):
    first = maps.static_url(layer(), tmp_path)
    changed = layer()
    changed.geojson["features"].pop()
    second = maps.static_url(changed, tmp_path)
    assert second != first and len(list((tmp_path / "geo").iterdir())) == 2   # a running server may need it
    old = tmp_path / first.removeprefix("app/static/")
    os.utime(old, (0, 0))
    maplayer._STATIC.clear()
    assert maps.static_url(changed, tmp_path) == second
    assert [p.name for p in (tmp_path / "geo").iterdir()] == [second.rsplit("/", 1)[1]]


def test_small_layer_stays_inline(tmp_path, monkeypatch):
    monkeypatch.setattr(maplayer, "STATIC_MIN_BYTES", 10**9)
    assert maps.static_url(layer(), tmp_path) is None
    assert not (tmp_path / "geo").exists()


def test_unwritable_folder_stays_inline(tmp_path, monkeypatch):
    def fail(*_a, **_k):
        raise PermissionError("read-only checkout")

    monkeypatch.setattr(maplayer.os, "replace", fail)
    assert maps.static_url(layer(), tmp_path) is None
    assert list((tmp_path / "geo").iterdir()) == []   # the temp file is gone too


def test_geojson_url_only_when_static_serving_is_on(tmp_path, monkeypatch):
    monkeypatch.setattr(maplayer, "STATIC_DIR", tmp_path)
    monkeypatch.setattr(maps, "static_url", lambda lay: maplayer.static_url(lay, tmp_path))
    monkeypatch.setattr(st, "get_option", lambda name: False)
    assert map_panel.geojson_url(layer()) is None
    monkeypatch.setattr(st, "get_option", lambda name: name == "server.enableStaticServing")
    assert map_panel.geojson_url(layer()).startswith("app/static/geo/")


def test_figure_names_the_file(tmp_path):
    con = duckdb.connect(str(mf.build(tmp_path / "wh.duckdb")), read_only=True)
    f, classes = mapdata.map_frame(lambda name, **p: queries.run(con, name, **p), indicator="teams_total",
                                   period_end=dt.date(2025, 6, 30), version="legacy", level="district")
    con.close()
    meta = ChartMeta(title_vi="Tổng số tổ", title_en="Teams", unit="tổ", period="T6/2025",
                     boundary_version="legacy", source="demo", is_demo=True, lang="vi")
    lay = layer()
    inline = maps.choropleth(lay, f, classes, meta, measure_unit="tổ", value_unit="tổ")
    url = "app/static/geo/district-legacy-VN-0123.json"
    linked = maps.choropleth(lay, f, classes, meta, measure_unit="tổ", value_unit="tổ", geojson_url=url)
    chor = [t for t in linked.data if t.type == "choropleth"]
    assert len(chor) == 2 and all(t.geojson == url for t in chor)
    # the same units in the same traces: only where the outlines come from differs
    assert [list(t.locations) for t in chor] == [list(t.locations) for t in inline.data if t.type == "choropleth"]
    assert len(linked.to_json()) < len(inline.to_json())
