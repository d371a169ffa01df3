"""Approximate unit outlines: Voronoi cells around centre points, clipped to their province.

No openly licensed district or commune polygons exist for Viet Nam, so each unit gets the area
closer to its centre point than to any other unit's of the same province. The packaged centre
points need three repairs first, else units would vanish or land in the wrong province:
- a point in another province (Natural Earth's outlines and the geocoder disagree near borders,
  e.g. Than Uyên, Ninh Kiều) moves to the nearest interior point of its own province;
- a point at sea far from its province (islands Natural Earth's coastline omits: Thổ Châu,
  Bạch Long Vĩ, Cát Bà...) keeps its place and gets a small island disc added to the province;
- points sharing coordinates are spread a few hundred metres apart so each keeps a cell.
Hoàng Sa and Trường Sa, geocoded to Đà Nẵng and Nha Trang, are placed on their archipelagos.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.ops import nearest_points

ISLAND_RADIUS = 0.025      # degrees (~2.7 km): an island disc is visible at province zoom
NEAR_COAST = 0.01          # a point at sea closer than this to its province is moved, not given a disc
GRID = 1e-7                # snapping grid so neighbouring cells share identical vertices
# Archipelago units (GSO codes) and where to put their points: the packaged ones lie on the mainland.
ARCHIPELAGO_POINTS = {
    ("legacy", "498"): (112.135, 16.568),   # Huyện Hoàng Sa (Đà Nẵng)
    ("2025", "20333"): (112.135, 16.568),   # Đặc khu Hoàng Sa
    ("2025", "22736"): (114.45, 9.71),      # Đặc khu Trường Sa (Khánh Hòa)
    ("legacy", "22736"): (114.45, 9.71),    # Thị trấn Trường Sa (district 576)
    ("legacy", "22737"): (114.33, 11.11),   # Xã Song Tử Tây
    ("legacy", "22739"): (114.33, 9.88),    # Xã Sinh Tồn
}


def interior_near(poly, pt: Point) -> Point:
    """A point inside `poly`, as close to `pt` as a small step allows."""
    edge = nearest_points(poly, pt)[0]
    for r in (0.003, 0.01, 0.03, 0.1):
        near = poly.intersection(edge.buffer(r))
        if not near.is_empty and near.area > 0:
            return near.representative_point()
    return poly.representative_point()


def place_points(codes: list[str], xy: np.ndarray, province, others,
                 extra_islands: np.ndarray | None = None) -> tuple[np.ndarray, list[str], object]:
    """Repair the points of one province. Returns (points, repair kind per point, island discs).

    `province`: its polygon; `others`: union of all other provinces' polygons; `extra_islands`:
    more points at sea that only add discs (the other boundary version's island units, so both
    versions cover the same land).
    """
    xy = xy.copy()
    kinds = ["ok"] * len(codes)
    discs = []
    prep = shapely.prepared.prep(province)
    for i, (x, y) in enumerate(xy):
        pt = Point(x, y)
        if prep.contains(pt):
            continue
        if not others.contains(pt) and province.distance(pt) > NEAR_COAST:
            kinds[i] = "island"
            discs.append(pt.buffer(ISLAND_RADIUS, quad_segs=4))
            continue
        moved = interior_near(province, pt)
        xy[i] = (moved.x, moved.y)
        kinds[i] = "moved"
    for x, y in (extra_islands if extra_islands is not None else []):
        pt = Point(x, y)
        if not others.contains(pt) and province.distance(pt) > NEAR_COAST:
            discs.append(pt.buffer(ISLAND_RADIUS, quad_segs=4))
    island = shapely.union_all(discs).difference(others) if discs else None
    area = province.union(island) if island is not None else province
    xy = spread_duplicates(xy, area)
    return xy, kinds, island


def spread_duplicates(xy: np.ndarray, area) -> np.ndarray:
    """Give repeated coordinates distinct positions on a small spiral, kept inside `area`."""
    seen: dict[tuple, int] = {}
    out = xy.copy()
    taken = {tuple(np.round(p, 7)) for p in xy}
    for i, p in enumerate(xy):
        key = tuple(np.round(p, 7))
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k == 0:
            continue
        for j in range(k, k + 60):   # golden-angle spiral; skip spots outside or already taken
            r, a = 0.002 * math.sqrt(j), j * 2.39996
            cand = (p[0] + r * math.cos(a), p[1] + r * math.sin(a))
            if tuple(np.round(cand, 7)) not in taken and area.contains(Point(cand)):
                break
        out[i] = cand
        taken.add(tuple(np.round(cand, 7)))
    return out


def polygonal(g):
    """Only the areal part of an overlay result (intersections can leave stray lines or points)."""
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def voronoi_cells(xy: np.ndarray, area) -> list:
    """One cell per point (input order), clipped to `area` and snapped to GRID."""
    if len(xy) == 1:
        return [polygonal(shapely.set_precision(area, GRID))]
    frame = shapely.box(*area.bounds).buffer(1.0)
    diagram = shapely.voronoi_polygons(MultiPoint(xy), extend_to=frame, ordered=True)
    cells = np.array(list(diagram.geoms), dtype=object)
    clipped = shapely.intersection(cells, area)
    # Snapping on a shared grid makes neighbours' edges vertex-identical (a valid coverage).
    return [polygonal(g) for g in shapely.set_precision(clipped, GRID)]
