"""Boundary layers made ready for Plotly once per process: GeoJSON with feature ids '0'..'n-1',
coordinates on a 1e-4° grid, rings wound the way d3-geo wants; and the archipelago labels.

Features carry their row number as id, so a unit drawn as several features is coloured as one
and a click maps back to the unit through the layer.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import numpy as np

COORD_DECIMALS = 4  # ~11 m: far below what a screen shows, a third off the payload


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

    @property
    def ids(self) -> list[str]:
        return [str(i) for i in range(len(self.feature_codes))]


def prepare_layer(gdf, level: str, version: str, province: str | None = None) -> MapLayer:
    """GeoJSON for a GeoDataFrame (EPSG:4326), coordinates rounded, properties kept minimal."""
    import shapely

    raw = np.asarray(gdf.geometry.values)
    # Snap to the grid with shapely (not a bare rounding): it drops the slivers that collapse
    # to zero area, which d3-geo could not orient and would fill as the whole globe. A unit too
    # small for the grid keeps its exact outline.
    geoms = shapely.set_precision(raw, 10.0 ** -COORD_DECIMALS)
    geoms = np.where(shapely.is_empty(geoms), raw, geoms)
    # plotly.js draws with d3-geo, which reads a counter-clockwise ring (the GeoJSON RFC's order)
    # as "the whole globe but this": exterior rings must run clockwise for it.
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    feats = [{"type": "Feature", "id": str(i), "properties": {},
              "geometry": json.loads(shapely.to_geojson(g))} for i, g in enumerate(geoms)]
    approx = bool(gdf["is_approximate"].any()) if "is_approximate" in gdf.columns else True
    names = gdf["unit_name"] if "unit_name" in gdf.columns else gdf["unit_code"]
    return MapLayer({"type": "FeatureCollection", "features": feats}, tuple(map(str, gdf["unit_code"])),
                    tuple(map(str, names)), approx, level, version, province)


@functools.lru_cache(maxsize=64)
def layer_for(level: str, version: str, province: str | None = None) -> MapLayer:
    """The prepared layer from the geo package, once per process (layers are committed files)."""
    from geo import layers

    return prepare_layer(layers.layer(level, version, province_code=province), level, version, province)


def island_labels(version: str, province: str | None, lang: str) -> list[tuple[str, float, float]]:
    """Hoàng Sa and Trường Sa, named on every national map and on their province's map (issue 3)."""
    try:
        from geo.layers import ARCHIPELAGOS
    except ImportError:
        return []
    return [(en if lang == "en" else vi, lon, lat) for _, vi, en, prov, _, lon, lat in ARCHIPELAGOS.get(version, [])
            if province is None or province == prov]
