"""Official outlines travel with the published snapshot (issue 12, docs/scaling.md "The design"): the
editor's accepted outline files are published content-addressed beside the warehouse and listed with
their hashes in the pointer; a viewer following snapshots draws the outlines of the snapshot its rerun
is pinned to, verified; a bad or missing outline file keeps the previous good outlines and says so;
pruning keeps every file the kept publications name; accepting outlines on the editor publishes. The
editor and a single process read the state directory's geo/ as before."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely

from cnscd.charts import maplayer
from cnscd.store import follow, role, snapshot, warehouse
from geo import layers, store
from geo.load import MatchReport, accept

CODE = "01"          # Hà Nội in the 2025 provinces
LAYER = "province_2025"


def tiny(path: Path, version: int) -> Path:
    path.unlink(missing_ok=True)
    c = duckdb.connect(str(path))
    c.execute("CREATE TABLE a AS SELECT ? AS v", [version])
    c.close()
    return path


def official(path: Path, size: float) -> Path:
    """An accepted outline file as geo.load.accept writes it: Hà Nội as a square of `size` degrees."""
    gdf = gpd.GeoDataFrame({"unit_code": [CODE], "source_id": [f"user:square{size}"], "source_file": ["f.geojson"],
                            "loaded_at": ["2026-12-02T00:00:00+00:00"]},
                           geometry=[shapely.box(105.5, 20.8, 105.5 + size, 20.8 + size)], crs=4326)
    store.atomic_parquet(gdf, path)
    return path


def drawn(province_layer: str = "province") -> shapely.Geometry:
    """Hà Nội's outline as this thread's maps draw it (geo.layers.layer)."""
    gdf = layers.layer(province_layer, "2025")
    return gdf.set_index("unit_code").geometry[CODE]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A viewer process following `snap`; the editor's state directory geo/ is `editor_geo`."""
    snap = tmp_path / "snapshots"
    editor_geo = tmp_path / "editor_geo"
    monkeypatch.setenv("CNSCD_SNAPSHOT_DIR", str(snap))
    monkeypatch.setenv("CNSCD_ROLE", "viewer")
    monkeypatch.setattr(layers, "USER_DIR", tmp_path / "viewer_geo")     # a viewer's own geo/: never read
    layers.clear_cache()
    maplayer.layer_for.cache_clear()
    yield snap, editor_geo, tmp_path
    follow.pin(None)
    layers.clear_cache()
    maplayer.layer_for.cache_clear()


def test_published_outlines_are_content_addressed_listed_and_drawn_by_a_viewer(env):
    snap, editor_geo, tmp = env
    src = official(editor_geo / f"{LAYER}.parquet", 0.2)
    approx = drawn()
    pointer = snapshot.publish(tiny(tmp / "w.duckdb", 1), snap, outlines={LAYER: src})
    digest = sha(src)
    name = f"geo-{LAYER}-{digest}.parquet"
    assert pointer["outlines"] == {LAYER: {"file": name, "sha256": digest, "size": src.stat().st_size}}
    assert json.loads((snap / "CURRENT.json").read_text())["outlines"] == pointer["outlines"]
    assert (snap / name).read_bytes() == src.read_bytes()
    assert oct((snap / name).stat().st_mode & 0o777) == "0o444"
    assert not list(snap.glob(".incoming-*"))

    reader = warehouse.Reader()
    reader.pin()
    assert follow.outlines() == {LAYER: snap / name}
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0)) and not drawn().equals(approx)
    row = layers.layer("province", "2025").set_index("unit_code").loc[CODE]
    assert not row["is_approximate"] and row["source_id"] == "user:square0.2"
    st = reader.follower.status()
    assert st["error"] is None and st["outline_error"] is None and st["outlines"] == {LAYER: name}
    # the map's prepared layer (cached per process) is the official one too
    feat = maplayer.layer_for("province", "2025").feature_codes.index(CODE)
    ring = maplayer.layer_for("province", "2025").geojson["features"][feat]["geometry"]
    assert shapely.geometry.shape(ring).equals(shapely.box(105.5, 20.8, 105.7, 21.0))
    reader.close()


def test_a_new_publication_is_drawn_and_a_pinned_rerun_keeps_its_own(env):
    snap, editor_geo, tmp = env
    src = editor_geo / f"{LAYER}.parquet"
    snapshot.publish(tiny(tmp / "w.duckdb", 1), snap, outlines={LAYER: official(src, 0.2)})
    reader = warehouse.Reader()
    reader.pin()
    first = maplayer.layer_for("province", "2025")
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
    # outlines accepted again (a bigger square); the warehouse is the same: only the outlines change
    snapshot.publish(tmp / "w.duckdb", snap, outlines={LAYER: official(src, 0.4)})
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))            # this rerun: still its snapshot's
    assert maplayer.layer_for("province", "2025") is first
    other = {}

    def new_rerun():
        reader.pin()
        other["geom"] = drawn()
        other["layer"] = maplayer.layer_for("province", "2025")
    th = threading.Thread(target=new_rerun)
    th.start()
    th.join(30)
    assert other["geom"].equals(shapely.box(105.5, 20.8, 105.9, 21.2))     # a new rerun: the new outlines
    assert other["layer"] is not first                                       # no stale prepared layer
    reader.pin()
    assert drawn().equals(shapely.box(105.5, 20.8, 105.9, 21.2))
    reader.close()


def test_a_corrupt_outline_file_is_refused_and_the_previous_kept(env):
    snap, editor_geo, tmp = env
    src = editor_geo / f"{LAYER}.parquet"
    snapshot.publish(tiny(tmp / "w.duckdb", 1), snap, outlines={LAYER: official(src, 0.2)})
    reader = warehouse.Reader()
    reader.pin()
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
    good = snapshot.publish(tiny(tmp / "w.duckdb", 2), snap, outlines={LAYER: official(src, 0.4)})
    bad = snap / good["outlines"][LAYER]["file"]
    os.chmod(bad, 0o644)
    with open(bad, "r+b") as fh:           # bit rot, a half-synced volume
        fh.seek(100)
        fh.write(b"\xff" * 16)
    fresh = follow.Follower(snap)        # a viewer starting now: the new data, no official outline for the layer
    assert fresh.current_served().outlines == () and "bad hash" in fresh.status()["outline_error"]
    reader.pin()
    assert reader.connection().execute("SELECT v FROM a").fetchone()[0] == 2   # the data is taken
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))            # the previous outlines kept
    st = reader.follower.status()
    assert st["error"] is None and "bad hash" in st["outline_error"] and "sai mã băm" in st["outline_error"]
    caption, warning = role.snapshot_lines(st, "en")
    assert caption and warning.startswith("Could not use the official outlines of the newest snapshot")
    _, warning_vi = role.snapshot_lines(st, "vi")
    assert warning_vi.startswith("Không dùng được ranh giới chính thức") and "sai mã băm" in warning_vi
    snapshot.publish(tmp / "w.duckdb", snap, outlines={LAYER: official(src, 0.3)})   # the next good one is taken
    reader.pin()
    assert drawn().equals(shapely.box(105.5, 20.8, 105.8, 21.1))
    assert reader.follower.status()["outline_error"] is None
    reader.close()


def test_a_missing_outline_file_keeps_the_previous_and_is_taken_once_it_arrives(env):
    snap, editor_geo, tmp = env
    src = editor_geo / f"{LAYER}.parquet"
    snapshot.publish(tiny(tmp / "w.duckdb", 1), snap, outlines={LAYER: official(src, 0.2)})
    reader = warehouse.Reader()
    reader.pin()
    pointer = snapshot.publish(tmp / "w.duckdb", snap, outlines={LAYER: official(src, 0.4)})
    newest = snap / pointer["outlines"][LAYER]["file"]
    held = newest.rename(tmp / "syncing")   # an object-store sync that has not brought it yet
    reader.pin()
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
    assert "missing" in reader.follower.status()["outline_error"]
    held.rename(newest)
    reader.pin()
    assert drawn().equals(shapely.box(105.5, 20.8, 105.9, 21.2))
    assert reader.follower.status()["outline_error"] is None
    reader.close()


def test_a_publication_without_outline_changes_keeps_them(env, monkeypatch):
    snap, editor_geo, tmp = env
    src = official(editor_geo / f"{LAYER}.parquet", 0.2)
    monkeypatch.setattr(layers, "USER_DIR", editor_geo)   # the publisher (editor) reads its state dir's geo/
    assert snapshot.accepted_outlines() == {LAYER: src}
    first = snapshot.publish(tiny(tmp / "w.duckdb", 1), snap)
    name = first["outlines"][LAYER]["file"]
    mtime = (snap / name).stat().st_mtime_ns
    second = snapshot.publish(tiny(tmp / "w.duckdb", 2), snap)      # an import: new data, same outlines
    assert second["sha256"] != first["sha256"] and second["outlines"] == first["outlines"]
    assert (snap / name).stat().st_mtime_ns == mtime                # not copied again
    monkeypatch.setattr(layers, "USER_DIR", tmp / "viewer_geo")
    reader = warehouse.Reader()
    reader.pin()
    assert reader.connection().execute("SELECT v FROM a").fetchone()[0] == 2
    assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
    reader.close()


def test_prune_keeps_every_file_the_kept_publications_name(env):
    snap, editor_geo, tmp = env
    src = editor_geo / f"{LAYER}.parquet"
    commune = official(editor_geo / "commune_2025.parquet", 0.01)   # accepted once, carried by every publication
    pointers = []
    for i in range(5):
        pointers.append(snapshot.publish(tiny(tmp / "w.duckdb", i), snap, keep=2,
                                         outlines={LAYER: official(src, 0.1 + i / 10), "commune_2025": commune}))
    kept = {p.name for p in snap.iterdir() if p.name.startswith(("geo-", "warehouse-"))}
    named = set()
    for p in pointers[-2:]:
        named |= {p["file"]} | {e["file"] for e in p["outlines"].values()}
    assert kept == named
    assert len([n for n in kept if n.startswith(f"geo-{LAYER}-")]) == 2
    assert f"geo-commune_2025-{sha(commune)}.parquet" in kept
    assert pointers[-1]["recent"] == [sorted({pointers[-2]["file"]} | {e["file"] for e in pointers[-2]["outlines"].values()})]
    # a reader pinned to the publication before the current one still finds its outline file
    assert (snap / pointers[-2]["outlines"][LAYER]["file"]).is_file()
    assert snapshot.prune(snap, keep=2) == []
    # keeping one: the earlier publication's own files go, the outline file the current one still names stays
    assert sorted(snapshot.prune(snap, keep=1)) == sorted([pointers[-2]["file"], pointers[-2]["outlines"][LAYER]["file"]])
    assert f"geo-commune_2025-{sha(commune)}.parquet" in {p.name for p in snap.iterdir()}


def _report(size: float) -> MatchReport:
    gdf = gpd.GeoDataFrame({"unit_code": [CODE], "source_id": [f"user:square{size}"]},
                           geometry=[shapely.box(105.5, 20.8, 105.5 + size, 20.8 + size)], crs=4326)
    return MatchReport(Path("ha_noi.geojson"), "province", "2025", source_id=f"user:square{size}", geometries=gdf)


def test_accepting_outlines_on_the_editor_publishes_them(tmp_path, monkeypatch):
    snap, live = tmp_path / "snapshots", tiny(tmp_path / "live.duckdb", 7)
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(live))
    monkeypatch.setenv("CNSCD_SNAPSHOT_DIR", str(snap))
    monkeypatch.setenv("CNSCD_ROLE", "editor")
    monkeypatch.setattr(layers, "USER_DIR", tmp_path / "editor_geo")
    layers.clear_cache()
    maplayer.layer_for.cache_clear()
    try:
        accept(_report(0.2))
        pointer = snapshot.read_pointer(snap)
        stored = layers.user_path("province", "2025")
        assert pointer["sha256"] == sha(live)
        assert pointer["outlines"][LAYER]["sha256"] == sha(stored)
        assert (snap / pointer["outlines"][LAYER]["file"]).read_bytes() == stored.read_bytes()
        # the editor draws its state directory's file, and at once (no stale prepared layer)
        assert follow.outlines() is None
        assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
        before = maplayer.layer_for("province", "2025")
        accept(_report(0.4))
        after = snapshot.read_pointer(snap)
        assert after["outlines"][LAYER]["sha256"] == sha(stored) != pointer["outlines"][LAYER]["sha256"]
        assert drawn().equals(shapely.box(105.5, 20.8, 105.9, 21.2))
        assert maplayer.layer_for("province", "2025") is not before
        # a viewer following the directory draws what the editor accepted
        monkeypatch.setenv("CNSCD_ROLE", "viewer")
        reader = warehouse.Reader()
        reader.pin()
        assert drawn().equals(shapely.box(105.5, 20.8, 105.9, 21.2))
        with pytest.raises(ValueError, match="viewing only"):     # and refuses to accept outlines itself
            accept(_report(0.1))
        reader.close()
    finally:
        follow.pin(None)
        layers.clear_cache()
        maplayer.layer_for.cache_clear()


def test_a_single_process_accepts_without_publishing(tmp_path, monkeypatch):
    monkeypatch.delenv("CNSCD_SNAPSHOT_DIR", raising=False)
    monkeypatch.delenv("CNSCD_ROLE", raising=False)
    monkeypatch.setattr(layers, "USER_DIR", tmp_path / "geo")
    layers.clear_cache()
    maplayer.layer_for.cache_clear()
    try:
        before = maplayer.layer_for("province", "2025")
        accept(_report(0.2))
        assert [p.name for p in tmp_path.iterdir()] == ["geo"]                  # nothing published anywhere
        assert drawn().equals(shapely.box(105.5, 20.8, 105.7, 21.0))
        assert maplayer.layer_for("province", "2025") is not before             # drawn at once, no restart
    finally:
        layers.clear_cache()
        maplayer.layer_for.cache_clear()


def test_a_map_figure_is_rebuilt_when_only_the_outlines_change(env, monkeypatch):
    """cache.figure's key holds the outlines drawn: an accept-only publication (same warehouse) never
    meets a map figure drawn with the previous outlines."""
    import types

    import streamlit as st

    from cnscd.ui import cache

    snap, editor_geo, tmp = env
    src = editor_geo / f"{LAYER}.parquet"
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(tmp / "no-local-warehouse.duckdb"))   # a viewer needs none
    st.cache_resource.clear()
    try:
        snapshot.publish(tiny(tmp / "w.duckdb", 1), snap, outlines={LAYER: official(src, 0.2)})
        meta = types.SimpleNamespace(lang="vi", name="m", title="t", subtitle="s", source_line="x", notes=[])
        built = []

        def build():
            built.append(drawn())
            return len(built)
        cache.pin()
        assert cache.figure("map", build, meta, view="a") == 1
        assert cache.figure("map", build, meta, view="a") == 1                  # the same view: cached
        snapshot.publish(tmp / "w.duckdb", snap, outlines={LAYER: official(src, 0.4)})
        cache.pin()
        assert cache.figure("map", build, meta, view="a") == 2                  # new outlines: drawn again
        assert built[-1].equals(shapely.box(105.5, 20.8, 105.9, 21.2))
    finally:
        cache.reader().close()
        st.cache_resource.clear()
