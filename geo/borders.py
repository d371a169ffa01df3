"""Repair Natural Earth province borders that disagree with where the GSO communes are.

Natural Earth's admin-1 outlines for Viet Nam predate some border changes (Mê Linh joined Hà Nội
in 2008; Than Uyên and Tân Uyên, the Cần Thơ / Hậu Giang split of 2004 is drawn off by ~10 km), so
whole groups of communes fall inside a neighbouring province. Moving their points would squeeze
them against the old border and leave, for instance, central Cần Thơ inside Hậu Giang. Instead,
the territory nearer those communes than to any other commune changes hands: Voronoi cells over
the affected provinces, and each misplaced commune's cell, within the province it fell in, passes
to its own province — only where the passed pieces touch that province (a lone point geocoded far
away moves instead, in geo/cells.py).
"""
from __future__ import annotations

import numpy as np
import polars as pl
import shapely

from geo import cells


def _zones(pairs: set[tuple[str, str]]) -> list[set[str]]:
    """Connected groups of provinces linked by misplaced points (union-find)."""
    parent: dict[str, str] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x
    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    return list(groups.values())


def host_province(provinces: dict[str, object], xy: np.ndarray) -> list[str | None]:
    codes = list(provinces)
    tree = shapely.STRtree([provinces[c] for c in codes])
    pts = shapely.points(xy)
    idx_pt, idx_poly = tree.query(pts, predicate="within")
    host: list[str | None] = [None] * len(xy)
    for i, j in zip(idx_pt, idx_poly):
        host[i] = codes[j]
    return host


def repair(provinces: dict[str, object], points: pl.DataFrame) -> tuple[dict[str, object], list[dict]]:
    """New province polygons and a log of transfers (from, to, communes, area in degrees²).

    `points`: unit_code, province_code, lon, lat (legacy communes).
    """
    xy = points.select("lon", "lat").to_numpy()
    own = points["province_code"].to_list()
    host = host_province(provinces, xy)
    wrong = [i for i in range(len(own)) if host[i] is not None and host[i] != own[i]]
    out, log = dict(provinces), []
    for zone in _zones({(own[i], host[i]) for i in wrong}):
        members = [i for i in range(len(own)) if own[i] in zone and host[i] in zone]
        area = shapely.union_all([provinces[c] for c in sorted(zone)])
        zxy = cells.spread_duplicates(xy[members], area)
        zone_cells = dict(zip(members, cells.voronoi_cells(zxy, area)))
        pieces: dict[tuple[str, str], list] = {}
        for i in members:
            if host[i] != own[i]:
                pieces.setdefault((own[i], host[i]), []).append((points["unit_code"][i], zone_cells[i]))
        for (to, frm), items in sorted(pieces.items()):
            got = shapely.intersection(shapely.union_all([c for _, c in items]), out[frm])
            parts, keep, grown = [p for p in shapely.get_parts(got) if p.area > 0], [], True
            while grown:   # keep pieces touching the province, or touching pieces already kept
                reach = shapely.union_all([out[to], *keep])
                grown = [p for p in parts if p.distance(reach) < 1e-6]
                parts = [p for p in parts if not any(p is g for g in grown)]
                keep += grown
            if not keep:
                continue
            moved = shapely.union_all(keep)
            out[to] = cells.polygonal(shapely.set_precision(shapely.union(out[to], moved), cells.GRID))
            out[frm] = cells.polygonal(shapely.set_precision(shapely.difference(out[frm], moved), cells.GRID))
            log.append(dict(to=to, frm=frm, communes=len(items), area=round(moved.area, 5)))
    touched = sorted({t["to"] for t in log} | {t["frm"] for t in log})
    return _give_away_orphans(out, touched, dict(zip(range(len(own)), own)), xy), log


def _give_away_orphans(out: dict, touched: list[str], own: dict[int, str], xy: np.ndarray) -> dict:
    """Pieces of a province left with none of its communes and bordering a neighbour (ribbons of an
    old border after a transfer) go to the neighbour sharing the longest edge. Islands stay."""
    for code in touched:
        pts = shapely.multipoints(xy[[i for i, c in own.items() if c == code]])
        parts = list(shapely.get_parts(out[code]))
        if len(parts) < 2:
            continue
        for part in parts:
            if part.intersects(pts):
                continue
            shared = {c: part.boundary.intersection(g.boundary).length for c, g in out.items()
                      if c != code and part.distance(g) < 1e-6}
            best = max(shared, key=shared.get, default=None)
            if best is None or shared[best] <= 0:
                continue
            out[code] = cells.polygonal(shapely.set_precision(shapely.difference(out[code], part), cells.GRID))
            out[best] = cells.polygonal(shapely.set_precision(shapely.union(out[best], part), cells.GRID))
    return out
