"""The boundaries page (AppTest, issue 3 §4 and issue 6 §5): viewers see the status and a login form but
no uploader; an editor uploads a boundary file, reads the match report, confirms only the units in
their provinces; a refused file shows a vi/en message and changes nothing. Every write goes to a
scratch geo/user (layers.USER_DIR monkeypatched), never the repository's."""
from __future__ import annotations

import datetime as dt
import io
import json

import geopandas as gpd
import polars as pl
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from cnscd.store import auth
from cnscd.ui import login
from geo import layers
from geo.load import accept, load_bytes
from tests.ingest_fixtures import small_base, wh  # noqa: F401

PAGE = str(auth.ROOT / "pages" / "8_Ranh_gioi.py")


@pytest.fixture
def page_env(wh, tmp_path, monkeypatch):
    import streamlit as st

    st.cache_resource.clear()     # one Reader per process: point it at this test's warehouse
    st.cache_data.clear()
    user = tmp_path / "geo_user"
    monkeypatch.setattr(layers, "USER_DIR", user)
    layers.clear_cache()
    auth.add_editor("hanam", "mat-khau-rat-dai", ["35"])
    yield user
    layers.clear_cache()


def _geojson(names_codes: dict[str, str]) -> bytes:
    """A planner's file: features named as given, outlines from the committed district layer."""
    d = layers.layer("district", "legacy").set_index("unit_code").geometry
    names = list(names_codes)
    geoms = [d[c] if c else shapely.box(105.9, 20.5, 105.91, 20.51) for c in names_codes.values()]
    buf = io.BytesIO()
    gpd.GeoDataFrame({"ten": names}, geometry=geoms, crs=4326).to_file(buf, driver="GeoJSON")
    return buf.getvalue()


def _run(at: AppTest) -> AppTest:
    at.run(timeout=120)
    assert not at.exception, [e.message for e in at.exception]
    return at


def _editor_page(provinces=("35",), lang="vi") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[login.SESSION_KEY] = auth.Session("hanam", tuple(provinces),
                                                             dt.datetime.now() + dt.timedelta(hours=1))
    if lang != "vi":
        at.query_params["lang"] = lang
    _run(at)
    at.selectbox(key="bnd_version").set_value("legacy")
    _run(at)
    at.selectbox(key="bnd_level_legacy").set_value("district")
    return _run(at)


def test_viewer_sees_status_and_login_form_but_no_uploader(page_env):
    at = _run(AppTest.from_file(PAGE, default_timeout=120))
    assert any("Đăng nhập biên tập viên để tải ranh giới" in i.value for i in at.info)
    assert len(at.sidebar.text_input) == 2
    assert len(at.file_uploader) == 0 and not any("Xác nhận" in b.label for b in at.button)
    status = pl.from_pandas(at.dataframe[0].value)   # the status table: nothing official yet
    assert status["Số đơn vị"].to_list() == [63, 696, 10035, 34, 3321]
    assert status["Chính thức (đã tải)"].sum() == 0 and status["Gần đúng"].to_list() == [0, 696, 10035, 0, 3321]
    assert any("Chưa tải ranh giới chính thức" in c.value for c in at.caption)


def test_login_form_opens_the_uploader(page_env):
    at = _run(AppTest.from_file(PAGE, default_timeout=120))
    at.sidebar.text_input[0].input("hanam")
    at.sidebar.text_input[1].input("mat-khau-rat-dai")
    at.sidebar.button[0].click()
    _run(at)
    assert any("hanam" in m.value for m in at.sidebar.markdown)
    assert len(at.file_uploader) == 1
    assert {"geojson", "topojson", "zip", "gpkg"} <= {x.lstrip(".") for x in at.file_uploader[0].allowed_type}


def test_editor_uploads_reviews_and_confirms_in_scope_units(page_env):
    at = _editor_page()
    data = _geojson({"H. Thanh Liem": "351", "Nơi Không Có Thật": "", "Huyện Lấp Vò": "875"})
    at.file_uploader[0].set_value(("ranh_gioi.geojson", data, "application/geo+json"))
    _run(at)
    table = pl.from_pandas(at.dataframe[0].value)
    rows = {r["Tên trong tệp"]: r for r in table.iter_rows(named=True)}
    assert rows["H. Thanh Liem"]["Kết quả"] == "khớp" and rows["H. Thanh Liem"]["Mã"] == "351"
    assert rows["H. Thanh Liem"]["Đơn vị khớp"] == "Huyện Thanh Liêm" and rows["H. Thanh Liem"]["Cách khớp"] == "theo tên"
    assert rows["Nơi Không Có Thật"]["Kết quả"] == "không khớp" and rows["Nơi Không Có Thật"]["Mã"] == ""
    assert rows["Huyện Lấp Vò"]["Kết quả"] == "ngoài phạm vi"       # Đồng Tháp: not this editor's province
    assert any("Bỏ qua 1 đơn vị" in w.value and "875" in w.value for w in at.warning)
    assert not layers.user_path("district", "legacy").exists()       # nothing stored before confirming
    next(b for b in at.button if b.label.startswith("Xác nhận")).click()
    _run(at)
    assert any("Đã lưu ranh giới chính thức cho 1 đơn vị" in s.value for s in at.success)
    stored = gpd.read_parquet(layers.user_path("district", "legacy"))
    assert stored["unit_code"].tolist() == ["351"] and stored["source_file"].tolist() == ["ranh_gioi.geojson"]
    assert list(page_env.iterdir()) == [layers.user_path("district", "legacy")]
    got = layers.layer("district", "legacy").set_index("unit_code")
    assert not got["is_approximate"]["351"] and got["is_approximate"]["875"]
    status = pl.from_pandas(at.dataframe[0].value)
    assert status["Chính thức (đã tải)"].to_list() == [0, 1, 0, 0, 0]
    loaded = pl.from_pandas(at.dataframe[1].value)
    assert loaded["Tệp nguồn"].to_list() == ["ranh_gioi.geojson"] and "351" in loaded["Đơn vị khớp"][0]
    assert len(at.file_uploader) == 1 and all("Tên trong tệp" not in d.value.columns for d in at.dataframe)


def test_nothing_in_scope_offers_no_confirm(page_env):
    at = _editor_page(provinces=("87",))
    at.file_uploader[0].set_value(("hn.geojson", _geojson({"H. Thanh Liem": "351"}), "application/geo+json"))
    _run(at)
    assert any("không có gì để lưu" in i.value for i in at.info)
    assert not any(b.label.startswith("Xác nhận") for b in at.button)


@pytest.mark.parametrize("lang, words", [("vi", "Tệp bị từ chối"), ("en", "The file is refused")])
def test_refused_file_shows_message_and_changes_nothing(page_env, lang, words):
    accept(load_bytes(_geojson({"Thanh Liêm": "351"}), "first.geojson", "district", "legacy"))
    before = layers.user_path("district", "legacy").read_bytes()
    at = _editor_page(lang=lang)
    points = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ten": "Kim Bảng"},
                                                         "geometry": {"type": "Point", "coordinates": [105.9, 20.5]}}]}
    at.file_uploader[0].set_value(("bad.geojson", json.dumps(points).encode(), "application/geo+json"))
    _run(at)
    err = " ".join(e.value for e in at.error)
    assert words in err and "Kim Bảng" in err and "not a polygon" in err
    assert not any(b.label.startswith(("Xác nhận", "Confirm")) for b in at.button)
    assert layers.user_path("district", "legacy").read_bytes() == before


def test_an_editor_confirming_publishes_the_outlines_with_the_warehouse(page_env, wh, tmp_path, monkeypatch):
    """CNSCD_ROLE=editor with a snapshot directory: confirming on the page publishes a snapshot carrying the
    stored outline file (content-addressed, its hash in the pointer), which a viewer following it verifies."""
    import hashlib

    from cnscd.store import follow, snapshot

    snap = tmp_path / "snapshots"
    monkeypatch.setenv("CNSCD_ROLE", "editor")
    monkeypatch.setenv("CNSCD_SNAPSHOT_DIR", str(snap))
    at = _editor_page()
    at.file_uploader[0].set_value(("ranh_gioi.geojson", _geojson({"H. Thanh Liem": "351"}), "application/geo+json"))
    _run(at)
    assert not (snap / "CURRENT.json").exists()                        # reading a report publishes nothing
    next(b for b in at.button if b.label.startswith("Xác nhận")).click()
    _run(at)
    pointer = snapshot.read_pointer(snap)
    stored = layers.user_path("district", "legacy")
    digest = hashlib.sha256(stored.read_bytes()).hexdigest()
    assert pointer["outlines"] == {"district_legacy": {"file": f"geo-district_legacy-{digest}.parquet", "sha256": digest,
                                                       "size": stored.stat().st_size}}
    assert pointer["sha256"] == hashlib.sha256(wh.read_bytes()).hexdigest()
    viewer = follow.Follower(snap)
    assert viewer.current_served().outlines == (("district_legacy", snap / f"geo-district_legacy-{digest}.parquet", digest),)
    assert viewer.status()["outline_error"] is None
