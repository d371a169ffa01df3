"""Pixel grids for growing approximate outlines: a province's grid, its land mask, and the
polygons of a label image (exact, in integer pixel space, so neighbours share identical edges).

Pixels are square in kilometres (the column width is divided by cos(latitude)), so distances in
pixel units are distances on the ground.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320


@dataclass(frozen=True)
class Grid:
    x0: float       # west edge (lon)
    y1: float       # north edge (lat)
    dx: float       # pixel width (degrees of longitude)
    dy: float       # pixel height (degrees of latitude)
    width: int
    height: int

    @classmethod
    def around(cls, bounds, side_km: float, pad: int = 2) -> "Grid":
        minx, miny, maxx, maxy = bounds
        lat0 = 0.5 * (miny + maxy)
        dy = side_km / KM_PER_DEG_LAT
        dx = side_km / (KM_PER_DEG_LON * np.cos(np.radians(lat0)))
        x0, y1 = minx - pad * dx, maxy + pad * dy
        return cls(x0, y1, dx, dy, int(np.ceil((maxx + pad * dx - x0) / dx)), int(np.ceil((y1 - miny + pad * dy) / dy)))

    def to_px(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - self.x0) / self.dx, (self.y1 - np.asarray(lat)) / self.dy

    def row_km2(self) -> np.ndarray:
        """Ground area of one pixel in each row (km²)."""
        lat = self.y1 - (np.arange(self.height) + 0.5) * self.dy
        return (self.dx * KM_PER_DEG_LON * np.cos(np.radians(lat))) * (self.dy * KM_PER_DEG_LAT)

    def to_lonlat(self, geom):
        """Integer pixel-space geometry -> lon/lat (the same vertex gives the same float)."""
        return shapely.transform(geom, lambda c: np.column_stack([self.x0 + c[:, 0] * self.dx, self.y1 - c[:, 1] * self.dy]))


def _edges(geom, grid: Grid) -> np.ndarray:
    rings = []
    for poly in shapely.get_parts(geom):
        rings.append(shapely.get_coordinates(poly.exterior))
        rings.extend(shapely.get_coordinates(r) for r in poly.interiors)
    segs = []
    for r in rings:
        x, y = grid.to_px(r[:, 0], r[:, 1])
        segs.append(np.column_stack([x[:-1], y[:-1], x[1:], y[1:]]))
    return np.concatenate(segs) if segs else np.zeros((0, 4))


def land_mask(geom, grid: Grid) -> np.ndarray:
    """Pixels whose centre lies inside `geom` (even-odd scanline fill, vectorised)."""
    e = _edges(geom, grid)
    e = e[e[:, 1] != e[:, 3]]
    ylo, yhi = np.minimum(e[:, 1], e[:, 3]), np.maximum(e[:, 1], e[:, 3])
    r0 = np.clip(np.ceil(ylo - 0.5), 0, grid.height).astype(np.int64)
    r1 = np.clip(np.ceil(yhi - 0.5), 0, grid.height).astype(np.int64)
    n = r1 - r0
    idx = np.repeat(np.arange(len(e)), n)
    rows = np.repeat(r0, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    x1, y1, x2, y2 = (e[idx, k] for k in range(4))
    xs = x1 + (rows + 0.5 - y1) * (x2 - x1) / (y2 - y1)
    order = np.lexsort((xs, rows))
    rows, xs = rows[order], xs[order]
    a, b = slice(0, None, 2), slice(1, None, 2)
    c0 = np.clip(np.ceil(xs[a] - 0.5), 0, grid.width).astype(np.int64)
    c1 = np.clip(np.ceil(xs[b] - 0.5), 0, grid.width).astype(np.int64)
    acc = np.zeros((grid.height, grid.width + 1), np.int32)
    np.add.at(acc, (rows[a], c0), 1)
    np.add.at(acc, (rows[a], c1), -1)
    return np.cumsum(acc[:, :-1], axis=1) > 0


def polygons(labels: np.ndarray, n: int, grid: Grid, smooth: float = 0.0) -> list:
    """One lon/lat polygon per label 0..n-1 (empty where a label has no pixel).

    Row runs of equal labels, merged down identical columns, unioned per label on integer
    coordinates: every shared edge is exact, so the result is a clean coverage of the grid.
    `smooth` (pixels): the pixel stairs are then coverage-simplified away, neighbours alike.
    """
    h, w = labels.shape
    start = np.ones((h, w), bool)
    start[:, 1:] = labels[:, 1:] != labels[:, :-1]
    rows, cols = np.nonzero(start)
    ends = np.empty_like(cols)
    ends[:-1] = np.where(rows[1:] == rows[:-1], cols[1:], w)
    ends[-1] = w
    lab = labels[rows, cols]
    order = np.lexsort((rows, ends, cols, lab))
    rows, cols, ends, lab = rows[order], cols[order], ends[order], lab[order]
    new = np.ones(len(rows), bool)
    new[1:] = (lab[1:] != lab[:-1]) | (cols[1:] != cols[:-1]) | (ends[1:] != ends[:-1]) | (rows[1:] != rows[:-1] + 1)
    first = np.nonzero(new)[0]
    last = np.append(first[1:] - 1, len(rows) - 1)
    boxes = shapely.box(cols[first], rows[first], ends[first], rows[last] + 1)
    blab = lab[first]
    out = np.array([shapely.Polygon()] * n, dtype=object)
    cut = np.nonzero(np.diff(blab))[0] + 1
    for part, code in zip(np.split(boxes, cut), blab[np.append(0, cut)]):
        if 0 <= code < n:
            out[code] = shapely.union_all(part)
    full = np.flatnonzero(~shapely.is_empty(out))
    if smooth > 0 and len(full) > 1:
        out[full] = shapely.coverage_simplify(out[full], smooth)
    return [grid.to_lonlat(g) if not g.is_empty else g for g in out]
