"""Boundary layers made ready for Plotly once per process: GeoJSON with feature ids '0'..'n-1',
coordinates on a 1e-4° grid, rings wound the way d3-geo wants; the archipelago labels; and the big
layers written to `static/geo/` so the browser fetches their outlines once (`static_url`).

Features carry their row number as id, so a unit drawn as several features is coloured as one
and a click maps back to the unit through the layer.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COORD_DECIMALS = 4  # ~11 m: far below what a screen shows, a third off the payload
# Outlines bigger than this are served as a static file (see static_url); smaller ones stay inline.
STATIC_MIN_BYTES = 250_000
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"   # Streamlit serves it at app/static/
STALE_AFTER_S = 86_400                                         # older versions of a layer file kept a day
STATIC_SUB = "geo"                                             # generated, git-ignored (static/.gitignore)
# National maps only (no province given): outlines coarsened to this tolerance in degrees (~2 km,
# about a pixel of a national map: Vietnam's 15° of latitude over ~700 px), shared edges kept
# (coverage_simplify), on a 1e-3° grid (~110 m), so the 3,321 communes of 2025 fit the 1.5 MB
# budget (issue 3). A province's map keeps the committed outlines on the 1e-4° grid.
NATIONAL_TOLERANCE = {"commune": 0.02}
NATIONAL_DECIMALS = 3


@dataclass(frozen=True)
class MapLayer:
    """A boundary layer ready for Plotly: GeoJSON with feature ids '0'..'n-1' and their units."""

    geojson: dict
    feature_codes: tuple[str, ...]
    feature_names: tuple[str, ...]
    is_approximate: bool
    level: str
    version: str
    province: str | None = None
    bounds: tuple[float, float, float, float] | None = None   # lon/lat min, max of the outlines drawn

    @property
    def ids(self) -> list[str]:
        return [str(i) for i in range(len(self.feature_codes))]


def prepare_layer(gdf, level: str, version: str, province: str | None = None,
                  decimals: int = COORD_DECIMALS) -> MapLayer:
    """GeoJSON for a GeoDataFrame (EPSG:4326), coordinates rounded to `decimals`, properties kept minimal."""
    import shapely

    raw = np.asarray(gdf.geometry.values)
    # Snap to the grid with shapely (not a bare rounding): it drops the slivers that collapse
    # to zero area, which d3-geo could not orient and would fill as the whole globe. A unit too
    # small for the grid keeps its exact outline.
    geoms = shapely.set_precision(raw, 10.0 ** -decimals)
    geoms = np.where(shapely.is_empty(geoms), raw, geoms)
    # plotly.js draws with d3-geo, which reads a counter-clockwise ring (the GeoJSON RFC's order)
    # as "the whole globe but this": exterior rings must run clockwise for it.
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    feats = [{"type": "Feature", "id": str(i), "properties": {},
              "geometry": json.loads(shapely.to_geojson(g))} for i, g in enumerate(geoms)]
    approx = bool(gdf["is_approximate"].any()) if "is_approximate" in gdf.columns else True
    names = gdf["unit_name"] if "unit_name" in gdf.columns else gdf["unit_code"]
    bounds = tuple(round(float(b), decimals) for b in shapely.total_bounds(geoms)) if len(geoms) else None
    return MapLayer({"type": "FeatureCollection", "features": feats}, tuple(map(str, gdf["unit_code"])),
                    tuple(map(str, names)), approx, level, version, province, bounds)


def layer_for(level: str, version: str, province: str | None = None) -> MapLayer:
    """The prepared layer from the geo package, once per process and per official outlines drawn
    (geo.layers.override_key: newly accepted outlines, or a viewer's snapshot carrying other ones, are a
    new key, never an old layer)."""
    from geo import layers

    return _layer_for(level, version, province, layers.override_key(level, version))


@functools.lru_cache(maxsize=192)   # the national layers and every province's (warm() makes them all)
def _layer_for(level: str, version: str, province: str | None, outlines: tuple | None) -> MapLayer:
    from geo import layers

    gdf = layers.layer(level, version, province_code=province)
    if province is None and level in NATIONAL_TOLERANCE:
        gdf["geometry"] = national_outlines(gdf.geometry.values, NATIONAL_TOLERANCE[level])
        return prepare_layer(gdf, level, version, province, NATIONAL_DECIMALS)
    return prepare_layer(gdf, level, version, province)


layer_for.cache_clear = _layer_for.cache_clear   # type: ignore[attr-defined]  (tests clear it by this name)


def national_outlines(geoms, tolerance: float) -> np.ndarray:
    """Outlines coarsened for a national map. A valid coverage (the committed layers: no gaps, no
    overlaps, shared edges vertex for vertex) is simplified as a whole, so neighbours keep one
    common edge and the tiling stays exact; anything else (e.g. accepted official outlines beside
    approximate ones) is simplified unit by unit, topology of each kept."""
    import shapely

    geoms = np.asarray(geoms)
    if shapely.coverage_is_valid(geoms):
        return shapely.coverage_simplify(geoms, tolerance)
    return shapely.simplify(geoms, tolerance, preserve_topology=True)


def island_labels(version: str, province: str | None, lang: str) -> list[tuple[str, float, float]]:
    """Hoàng Sa and Trường Sa, named on every national map and on their province's map (issue 3)."""
    from geo.layers import ARCHIPELAGOS

    return [(en if lang == "en" else vi, lon, lat) for _, vi, en, prov, _, lon, lat in ARCHIPELAGOS.get(version, [])
            if province is None or province == prov]


_STATIC_LOCK = threading.Lock()
_STATIC: dict[tuple, tuple[int, str | None]] = {}   # (level, version, province) -> (id(geojson), url)


def static_url(layer: MapLayer, static_dir: Path = STATIC_DIR) -> str | None:
    """A URL (relative to the page, so it works under server.baseUrlPath) of this layer's GeoJSON
    written to `static/geo/`, or None if the layer is small or the file cannot be written.

    Why: Streamlit sends the whole figure on every rerun; the national commune layer is 0.9 MB of
    outlines that never change. Given a URL, plotly.js fetches it once per page (it caches by URL)
    and a rerun carries only values. The name holds a hash of the content, so a rebuilt layer gets
    a new URL and no browser keeps stale outlines; the file is written once, atomically
    (temp file + os.replace); older versions of the same layer are removed after a day.
    """
    key = (layer.level, layer.version, layer.province)
    with _STATIC_LOCK:
        hit = _STATIC.get(key)
        # a stat per rerun: another process with a rebuilt layer may have removed our version
        if hit and hit[0] == id(layer.geojson) and (hit[1] is None or (static_dir / hit[1].removeprefix(
                "app/static/")).is_file()):
            return hit[1]
        url = _write_static(layer, static_dir)
        _STATIC[key] = (id(layer.geojson), url)
        return url


@functools.lru_cache(maxsize=8)
def static_geojson(url: str, static_dir: Path = STATIC_DIR) -> dict | None:
    """The outlines behind a `static_url` (for exports: the image engine has no server to fetch
    them from), or None when the URL is not one of ours or its file is gone."""
    if not url.startswith(f"app/static/{STATIC_SUB}/"):
        return None
    path = static_dir / url.removeprefix("app/static/")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_static(layer: MapLayer, static_dir: Path) -> str | None:
    text = json.dumps(layer.geojson, separators=(",", ":"))
    if len(text) < STATIC_MIN_BYTES:
        return None
    stem = f"{layer.level}-{layer.version}-{layer.province or 'VN'}"
    name = f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    folder = static_dir / STATIC_SUB
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if not target.is_file():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.chmod(tmp, 0o644)   # mkstemp makes it 0600; the server may run as another user
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        # Older versions of this layer go after a day (not at once: a server started before a geo
        # rebuild may still be serving its version to open pages).
        for old in folder.glob(f"{stem}-*.json"):
            if old.name != name and time.time() - old.stat().st_mtime > STALE_AFTER_S:
                old.unlink(missing_ok=True)
    except OSError:
        return None   # read-only checkout: the figure carries the outlines inline, as before
    return f"app/static/{STATIC_SUB}/{name}"


def export_static(static_dir: Path = STATIC_DIR) -> list[str]:
    """Write the static GeoJSON of every national layer big enough to need it (start/build time)."""
    urls = []
    for level, version in (("province", "legacy"), ("district", "legacy"), ("province", "2025"),
                           ("commune", "2025")):
        url = static_url(layer_for(level, version), static_dir)
        if url:
            urls.append(url)
    return urls


def warm() -> None:
    """Prepare every layer a map can show (the four national ones, each province's units in both
    versions) once per process, at start (cnscd/serve.py runs this on a background thread): a viewer's
    first map of a province or of the other boundary version then costs no layer loading in its rerun
    (issue 12 §4: ~0.5 s of CPU for the other version's layer). ~3 s of CPU on this machine."""
    from geo import layers

    export_static()
    for level, version in (("district", "legacy"), ("commune", "2025")):
        for province in sorted(layers.layer(level, version)["province_code"].dropna().unique()):
            layer_for(level, version, str(province))


if __name__ == "__main__":   # python -m cnscd.charts.maplayer: pre-write the static outlines
    for u in export_static():
        print(u)
