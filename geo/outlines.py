"""Approximate commune outlines grown from what the registry knows, calibrated to official areas.

For each legacy province, on a pixel grid (geo/raster.py):
1. every legacy commune grows from its geocoded extent (geo/extents.py; the Voronoi cell's box
   where the extent was dropped): a pixel goes to the commune whose box, scaled by the commune's
   weight, it lies deepest inside (the distance (dx/hx)² + (dy/hy)² to the box centre, hx and hy
   the box's half-widths, plus EPS; OUTSIDE times deeper outside the box), which splits overlaps
   and gaps between neighbouring boxes and keeps a commune to its box where it can;
2. a legacy commune that the official crosswalk divides between several 2025 communes is split
   among them by distance to their centre points (weighted too);
3. each 2025 commune is the union of its pieces; the weights are iterated (all the legacy pieces
   of a 2025 commune grow or shrink together) until each 2025 commune's area approaches its target;
4. on the layout as drawn (one piece per unit), boundary pixels pass between neighbours until
   every 2025 commune is within WINDOW of its official area where its target allows
   (geo/rebalance.py: simple points only, so every piece stays whole; pixels outside the
   donor's box and inside the receiver's first, and such pixels also pass between the legacy
   pieces of one 2025 commune).
Targets are the official areas, per legacy province (area cannot pass between grids); where a
province's official areas do not add up to its land, the difference goes to the fewest communes
that can take it: those whose first layout is most larger (smaller) than their figure, in km²
(`targets`). Pieces are then polygonised exactly and cut by the province outline, so the communes
tile their province with no gap or overlap. Deterministic: same inputs, same pixels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from geo import raster

REACH = 3.0            # a commune's window: this many (weighted) half-widths around its box centre
MAX_PIXELS = 1_200_000  # per legacy province
MIN_PIXELS = 150_000
PIXELS_PER_SMALL = 30   # pixels for the 5th-percentile commune box of the province
ITERATIONS = 40
FULL = 6                # the last iterations label exactly as drawn (one piece each, gaps filled)
EPS = 0.05              # depth at a box centre: the centre of a small box inside a large one is not a point
OUTSIDE = 7.4           # a pixel outside a commune's box counts this many times deeper
SMOOTH = 2.5           # pixels: the stairs of pixel edges are simplified away before the province cut
BAND = 0.0              # official areas that do not add up: the share every commune may move before any takes more
WINDOW = 0.07           # the area repair leaves a commune alone within this share of its official area
STEP = 0.6             # damping: weight change = (area ratio) ** (STEP / 2)


@dataclass
class Province:
    """One legacy province: its grid and its units (legacy communes or island districts)."""
    code: str
    geom: object
    units: list[str]                 # legacy unit codes, sorted
    boxes: np.ndarray                # (n, 4) lon/lat min x, min y, max x, max y
    points: np.ndarray               # (n, 2) lon/lat
    parts: list[list[str]]           # per unit: the 2025 communes it goes to (>= 1)
    sites: dict[str, tuple]          # 2025 code -> (lon, lat) for splitting divided units
    grid: raster.Grid = None
    land: np.ndarray = None          # flat indices of land pixels
    land_km2: np.ndarray = None
    px_boxes: np.ndarray = None      # (n, 4) cx, cy, hx, hy in pixels
    px_points: np.ndarray = None
    atoms: list[tuple[int, str]] = field(default_factory=list)   # (unit index, 2025 code)

    def prepare(self) -> None:
        from geo.extents import km2
        p_area = km2([self.geom])[0]
        box_km2 = km2(shapely.box(self.boxes[:, 0], self.boxes[:, 1], self.boxes[:, 2], self.boxes[:, 3]))
        small = float(np.percentile(box_km2, 5)) if len(box_km2) else p_area
        side = np.sqrt(np.clip(small / PIXELS_PER_SMALL, p_area / MAX_PIXELS, p_area / MIN_PIXELS))
        bbox_km2 = km2([shapely.box(*self.geom.bounds)])[0]
        side = max(side, np.sqrt(bbox_km2 / (2 * MAX_PIXELS)))   # a long coast: mostly sea in the box
        self.grid = g = raster.Grid.around(self.geom.bounds, float(side))
        mask = raster.land_mask(self.geom, g)
        px, py = g.to_px(self.points[:, 0], self.points[:, 1])
        self.px_points = np.column_stack([px, py])
        # a unit whose point is a pixel of land must own land even if the scanline missed a speck
        self.land = np.flatnonzero(mask)
        self.land_km2 = np.repeat(g.row_km2(), g.width)[self.land]
        x0, y0 = g.to_px(self.boxes[:, 0], self.boxes[:, 3])
        x1, y1 = g.to_px(self.boxes[:, 2], self.boxes[:, 1])
        hx, hy = np.maximum((x1 - x0) / 2, 1.5), np.maximum((y1 - y0) / 2, 1.5)
        self.px_boxes = np.column_stack([(x0 + x1) / 2, (y0 + y1) / 2, hx, hy])
        self.atoms = [(j, v) for j, vs in enumerate(self.parts) for v in vs]

    # -- labelling -------------------------------------------------------------------------
    def label(self, s: np.ndarray) -> np.ndarray:
        """Legacy unit index per pixel (-1: no window reached it)."""
        g = self.grid
        best = np.full((g.height, g.width), np.inf, np.float32)
        lab = np.full((g.height, g.width), -1, np.int32)
        for j, (cx, cy, hx, hy) in enumerate(self.px_boxes):
            rx, ry = REACH * s[j] * hx + 1, REACH * s[j] * hy + 1
            c0, c1 = max(0, int(cx - rx)), min(g.width, int(cx + rx) + 1)
            r0, r1 = max(0, int(cy - ry)), min(g.height, int(cy + ry) + 1)
            if c0 >= c1 or r0 >= r1:
                continue
            ux = np.abs((np.arange(c0, c1, dtype=np.float32) + 0.5 - cx) / hx)
            uy = np.abs((np.arange(r0, r1, dtype=np.float32) + 0.5 - cy) / hy)
            d = uy[:, None] ** 2 + ux[None, :] ** 2 + np.float32(EPS)
            d *= np.where((uy[:, None] > 1) | (ux[None, :] > 1), np.float32(OUTSIDE / s[j] ** 2), np.float32(1 / s[j] ** 2))
            b = best[r0:r1, c0:c1]
            win = d < b
            np.copyto(lab[r0:r1, c0:c1], j, where=win)
            np.copyto(b, d, where=win)
        return lab

    def assign(self, s: np.ndarray) -> np.ndarray:
        """Legacy unit per pixel as drawn: land only, each unit in one piece, every pixel labelled
        (strays, sea and pixels no window reached take the nearest unit's label)."""
        g = self.grid
        lab = self.label(s).ravel()
        is_land = np.zeros(lab.size, bool)
        is_land[self.land] = True
        lab[~is_land] = -1
        lab = _keep_main_parts(lab.reshape(g.height, g.width)).ravel()
        present = np.bincount(lab[lab >= 0], minlength=len(self.units))
        for j in np.flatnonzero(present == 0):   # squeezed out: give it the land pixels at its point
            lab[self._nearest_land(self.px_points[j], lab, j)] = j
        return _fill(lab.reshape(g.height, g.width)).ravel()

    def split(self, unit_of: np.ndarray, pix: np.ndarray, sigma: dict[int, np.ndarray]) -> np.ndarray:
        """Atom index for pixels `pix` (flat) whose legacy unit is `unit_of`."""
        first = np.full(len(self.units), -1, np.int64)
        for a, (j, _) in reversed(list(enumerate(self.atoms))):
            first[j] = a
        atom = first[unit_of]
        divided = [j for j in sigma]
        if not divided:
            return atom
        k = max(len(self.parts[j]) for j in divided)
        sx = np.full((len(self.units), k), np.nan)
        sy = np.full((len(self.units), k), np.nan)
        sg = np.ones((len(self.units), k))
        for j in divided:
            for i, v in enumerate(self.parts[j]):
                x, y = self.grid.to_px(*self.sites[v])
                sx[j, i], sy[j, i], sg[j, i] = x, y, sigma[j][i]
        on = np.isin(unit_of, divided)
        idx = np.flatnonzero(on)
        u = unit_of[idx]
        px = (pix[idx] % self.grid.width) + 0.5
        py = (pix[idx] // self.grid.width) + 0.5
        d = np.hypot(px[:, None] - sx[u], py[:, None] - sy[u]) / sg[u]
        d[np.isnan(d)] = np.inf
        atom[idx] = first[u] + np.argmin(d, axis=1)
        return atom

    def final(self, s: np.ndarray, sigma: dict[int, np.ndarray], local: tuple[dict, dict] | None = None) -> list:
        """Polygons of every atom, cut by the province outline: a clean tiling of the province.

        `local` (km² per 2025 commune: this province's share of its target; the slack each may
        keep): the drawn layout is then repaired towards it (geo/rebalance.py) before it is
        polygonised."""
        g = self.grid
        full = self.assign(s)
        pix = np.arange(full.size)
        atom = self._no_empty(full, self.split(full, pix, sigma))
        if local:
            from geo.rebalance import rebalance
            vs = sorted({v for _, v in self.atoms})
            vix = {v: i for i, v in enumerate(vs)}
            is_land = np.zeros(atom.size, bool)
            is_land[self.land] = True
            img = rebalance(atom.reshape(g.height, g.width), is_land.reshape(g.height, g.width), g.row_km2(),
                            np.array([j for j, _ in self.atoms]), np.array([vix[v] for _, v in self.atoms]),
                            np.array([local[0].get(v, 0.0) for v in vs]), self.px_boxes,
                            np.array([local[1].get(v, WINDOW) for v in vs]))
            img = np.where(is_land.reshape(img.shape), img, -1)
            atom = _fill(img).ravel()
            unit = np.array([j for j, _ in self.atoms])[atom]
            atom = self._no_empty(unit, atom)
        polys = raster.polygons(atom.reshape(g.height, g.width).astype(np.int32), len(self.atoms), g, SMOOTH)
        arr = np.array(polys, dtype=object)
        edge = self.geom.boundary
        shapely.prepare(edge)
        cut = shapely.intersects(edge, arr)
        arr[cut] = shapely.intersection(arr[cut], self.geom)
        # an atom the outline does not cross is wholly inside or wholly at sea
        whole = np.flatnonzero(~cut & ~shapely.is_empty(arr))
        shapely.prepare(self.geom)
        at_sea = ~shapely.contains(self.geom, shapely.point_on_surface(arr[whole]))
        arr[whole[at_sea]] = shapely.Polygon()
        return [_polygonal(p) for p in arr]

    def _no_empty(self, full: np.ndarray, atom: np.ndarray) -> np.ndarray:
        """A piece with no land gets the pixel of its unit (`full`) nearest its 2025 commune's site."""
        g = self.grid
        counts = np.bincount(atom[self.land], minlength=len(self.atoms))
        for a in np.flatnonzero(counts == 0):
            j, v = self.atoms[a]
            mine = self.land[full[self.land] == j]
            spare = mine[counts[atom[mine]] > 1]
            if len(spare):
                x, y = g.to_px(*self.sites[v])
                d = np.hypot(spare % g.width + 0.5 - x, spare // g.width + 0.5 - y)
                atom[spare[np.argmin(d)]] = a
                counts = np.bincount(atom[self.land], minlength=len(self.atoms))
        return atom

    def _nearest_land(self, pt, lab, j) -> np.ndarray:
        g = self.grid
        d = np.hypot(self.land % g.width + 0.5 - pt[0], self.land // g.width + 0.5 - pt[1])
        near = self.land[np.argsort(d, kind="stable")[:9]]
        return near[lab[near] != j] if np.any(lab[near] != j) else near


def _polygonal(g):
    from geo.cells import polygonal
    return polygonal(shapely.set_precision(g, 1e-7))


def _keep_main_parts(lab: np.ndarray) -> np.ndarray:
    """Each unit keeps its largest connected piece (4-neighbours); stray pieces become -1."""
    h, w = lab.shape
    flat = lab.ravel()
    idx = np.arange(flat.size).reshape(h, w)
    same_h = (lab[:, 1:] == lab[:, :-1]) & (lab[:, 1:] >= 0)
    same_v = (lab[1:, :] == lab[:-1, :]) & (lab[1:, :] >= 0)
    a = np.concatenate([idx[:, :-1][same_h], idx[:-1, :][same_v]])
    b = np.concatenate([idx[:, 1:][same_h], idx[1:, :][same_v]])
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(flat.size, flat.size))
    k, comp = connected_components(graph, directed=False)
    valid = flat >= 0
    size = np.bincount(comp[valid], minlength=k)
    comp_label = np.full(k, -1, np.int64)
    comp_label[comp[valid]] = flat[valid]
    order = np.lexsort((np.arange(k), -size, comp_label))
    first = np.ones(k, bool)
    first[1:] = comp_label[order][1:] != comp_label[order][:-1]
    keep = np.zeros(k, bool)
    keep[order[first]] = True
    return np.where(valid & keep[comp], flat, -1).reshape(h, w)


def _fill(lab: np.ndarray) -> np.ndarray:
    """Unlabelled pixels (sea, strays) take the label of the nearest labelled pixel."""
    if (lab >= 0).all():
        return lab
    idx = ndimage.distance_transform_edt(lab < 0, return_distances=False, return_indices=True)
    return lab[idx[0], idx[1]]


def targets(official: np.ndarray, first: np.ndarray, land_km2: float, band: float = None) -> np.ndarray:
    """Areas to aim at, summing to the land there is, with as few communes as possible far from
    their official figure.

    `official`: official areas (NaN where unknown: those keep their first-layout area);
    `first`: areas of the uncalibrated layout. Where the official areas add up to more (less)
    land than the province has, every commune may move by up to `band` (a share of its figure,
    so it stays close to it); what the band cannot absorb goes to the fewest communes that can
    take it: those whose first layout is most larger (smaller) than their figure, in km², each
    taking its first-layout area. The rest of the difference is then shared by all in proportion.
    """
    band = BAND if band is None else band
    t = np.where(np.isnan(official), first, official)
    gap = land_km2 - t.sum()
    if gap == 0 or not len(t):
        return t
    sign = 1.0 if gap > 0 else -1.0
    cap = (first - t) * sign                       # what each could take in the gap's direction
    cand = np.flatnonzero(~np.isnan(official) & (cap > band * t))
    order = cand[np.argsort(-cap[cand], kind="stable")]
    need, total = abs(gap), t.sum()
    taken = np.cumsum(cap[order])
    rest = band * (total - np.cumsum(t[order]))    # what the band of the others absorbs after k exits
    enough = np.flatnonzero(taken + rest >= need)
    k = int(enough[0]) + 1 if len(enough) else len(order)
    if band * total >= need:
        k = 0
    out = t.copy()
    if k:
        last = order[k - 1]
        out[order[:k]] += sign * cap[order[:k]]
        over = taken[k - 1] - need                   # the last one need not take all it could
        if over > 0:
            out[last] -= sign * min(over, cap[last])
    return out * (land_km2 / out.sum())


def calibrate(provinces: list[Province], official: dict[str, float], fixed: dict[str, float],
              log: list | None = None, inputs: list | None = None):
    """Per province (unit scales, split weights, (its share of each target in km², the slack each
    commune keeps in the area repair)) after iterating towards the targets, and the targets.

    `fixed`: km² of 2025 communes drawn outside the grids (remote islands), counted as they are.
    Targets are set per province (grid): area cannot pass between them. `inputs` receives what
    `targets` was given per grid (codes, official share, first layout, land: geo/bound.py).
    """
    codes = sorted({v for p in provinces for _, v in p.atoms} | set(fixed))
    vi = {v: i for i, v in enumerate(codes)}
    off = np.array([official.get(v) if official.get(v) else np.nan for v in codes], float)
    state = []
    for p in provinces:
        s = np.ones(len(p.units))
        sigma = {j: np.ones(len(vs)) for j, vs in enumerate(p.parts) if len(vs) > 1}
        state.append((s, sigma))
    goal = None
    for it in range(ITERATIONS + 1):
        area_v = np.array([fixed.get(v, 0.0) for v in codes])
        atom_areas = []
        for p, (s, sigma) in zip(provinces, state):
            lab = (p.assign(s) if it >= ITERATIONS - FULL else p.label(s).ravel())[p.land]
            ok = lab >= 0
            atom = p.split(lab[ok], p.land[ok], sigma)
            a = np.bincount(atom, weights=p.land_km2[ok], minlength=len(p.atoms))
            atom_areas.append(a)
            np.add.at(area_v, [vi[v] for _, v in p.atoms], a)
        if goal is None:   # targets per grid: area cannot pass between legacy provinces
            goal = np.array([fixed.get(v, 0.0) for v in codes])
            share = {}
            for p, a in zip(provinces, atom_areas):
                idx = np.array([vi[v] for _, v in p.atoms], int)
                mine = np.unique(idx)
                x = np.bincount(np.searchsorted(mine, idx), weights=a, minlength=len(mine))
                grown = area_v[mine] - np.array([fixed.get(codes[i], 0.0) for i in mine])
                part = np.where(grown > 0, x / np.maximum(grown, 1e-12), 1.0 / np.maximum(np.bincount(idx)[mine], 1))
                rest = off[mine] - np.array([fixed.get(codes[i], 0.0) for i in mine])
                t = targets(np.where(rest > 0, rest, np.nan) * part, x, float(p.land_km2.sum()))
                if inputs is not None:
                    inputs.append({"grid": p.code, "codes": [codes[i] for i in mine], "official": np.where(rest > 0, rest, np.nan) * part,
                                   "first": x, "land": float(p.land_km2.sum())})
                goal[mine] += t
                share[p.code] = {codes[i]: float(v) for i, v in zip(mine, t)}
        ratio = np.where(area_v > 0, goal / np.maximum(area_v, 1e-12), 2.0)
        if log is not None:
            log.append(float(np.mean(np.abs(ratio - 1) <= 0.1)))
        if it == ITERATIONS:
            break
        ratio = np.clip(ratio, 0.5, 2.0)
        for p, (s, sigma), a in zip(provinces, state, atom_areas):
            r = ratio[[vi[v] for _, v in p.atoms]]
            want = a * r
            unit_a = np.bincount([j for j, _ in p.atoms], weights=a, minlength=len(p.units))
            unit_w = np.bincount([j for j, _ in p.atoms], weights=want, minlength=len(p.units))
            f = np.where(unit_a > 0, unit_w / np.maximum(unit_a, 1e-12), 2.0)
            step = STEP * (1 - 0.6 * it / ITERATIONS)   # smaller steps at the end: no oscillation
            s *= np.clip(f, 0.5, 2.0) ** (step / 2)
            at = 0
            for j, vs in enumerate(p.parts):
                if len(vs) > 1:
                    ra = np.where(a[at:at + len(vs)] > 0, r[at:at + len(vs)] / max(f[j], 1e-12), 2.0)
                    sigma[j] *= np.clip(ra, 0.5, 2.0) ** (step / 2)
                at += len(vs)
    # a commune may stay off its target by what keeps it within WINDOW of its official area
    slack = {v: (WINDOW if np.isnan(o) else float(np.clip(WINDOW - abs(t / o - 1), 0.0, WINDOW)))
             for v, o, t in zip(codes, off, goal)}
    return ([(s, sigma, (share[p.code], slack)) for p, (s, sigma) in zip(provinces, state)],
            dict(zip(codes, goal)))
