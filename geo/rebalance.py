"""Area repair on a drawn pixel layout (geo/outlines.py): the last step towards the area targets.

The weighted cells leave some 2025 communes well off their target (a commune whose geocoded
boxes are much smaller than its official area cannot grow far by weights alone, and keeping one
piece per commune moves areas again). Here boundary pixels pass from a 2025 commune whose area
ratio (area / target) is higher to a neighbour whose ratio is lower, a pixel layer per round,
so area flows along chains of neighbours until the ratios even out near 1:
- only **simple** pixels move (removing one keeps its commune, and its legacy commune, in one
  4-connected piece: the classic simple-point test on the 3 × 3 neighbourhood), and pixels of
  one parity class ((row, column) mod 2) at a time, so moves in a sub-round never interact;
- each pair of neighbours moves at most half of what would even out their ratios per sub-round,
  pixels with the most receiver neighbours first (notches fill before a front advances: no
  fingers);
- a moving pixel joins the receiver's neighbouring legacy piece, so whole legacy communes stay
  inside their 2025 commune; then pixels outside the donor's geocoded box and inside the
  receiver's move first, so the extents are respected where there is a choice.
Deterministic (no random order; ties broken by pixel index).
"""
from __future__ import annotations

import numpy as np

ROUNDS = 80        # pixel layers at most
DIFF = 0.005       # move only where the donor's ratio exceeds the receiver's by this much
TOL = 0.01        # ... and one of them is off its target by more than this
KEEP = 30          # pixels: a legacy unit smaller than this is not shrunk, larger ones not below it


def _simple_table() -> np.ndarray:
    """For the 8 neighbours (clockwise from north-west; bit set = same label as the centre): True
    when removing the centre keeps the label's 4-connectivity (exactly one run of set ring cells
    holding an edge neighbour)."""
    table = np.zeros(256, bool)
    for code in range(256):
        bits = [(code >> i) & 1 for i in range(8)]
        if all(bits):
            continue
        start = bits.index(0)
        runs, edge, inrun = 0, False, False
        for k in range(1, 9):
            i = (start + k) % 8
            if bits[i]:
                inrun = True
                edge |= i % 2 == 1
            elif inrun:
                runs += edge
                inrun, edge = False, False
        if inrun:
            runs += edge
        table[code] = runs == 1
    return table


SIMPLE = _simple_table()


def rebalance(lab: np.ndarray, is_land: np.ndarray, px_km2: np.ndarray, unit_of: np.ndarray,
              commune_of: np.ndarray, goal: np.ndarray, boxes: np.ndarray, slack: np.ndarray | None = None, rounds: int = ROUNDS,
              extents: bool = True) -> np.ndarray:
    """Atom label per pixel (H × W, every land pixel labelled) after the area repair.

    `unit_of`, `commune_of`: legacy unit and (local) 2025 commune index of each atom; `goal`: km²
    per local commune (<= 0: left alone); `boxes`: (units, 4) cx, cy, hx, hy in pixels;
    `px_km2`: km² of a pixel per row; `slack` (per local commune, a share of its target, default
    TOL): a commune that close to its target neither gives nor takes. `extents`: also pass pixels between legacy pieces of one
    2025 commune (no area changes) where the pixel lies outside the donor's box and inside the
    receiver's: both then fit their geocoded extent better."""
    h, w = lab.shape
    wp = w + 2
    big = np.full((h + 2, wp), -1, np.int64)
    big[1:-1, 1:-1] = np.where(is_land, lab, -1)
    flat = big.ravel()
    km2 = np.zeros((h + 2, wp))
    km2[1:-1, 1:-1] = px_km2[:, None]
    km2 = km2.ravel()
    n_atoms = len(unit_of)
    vof = np.append(commune_of, -1)          # index -1 (sea, border) -> -1
    uof = np.append(unit_of, -1)
    land = np.flatnonzero(flat >= 0)
    ucount = np.bincount(uof[flat[land]], minlength=int(unit_of.max()) + 1 if n_atoms else 0)
    floor = np.minimum(ucount, KEEP)          # a legacy unit never shrinks below this many pixels
    area = np.bincount(vof[flat[land]], weights=km2[land], minlength=len(goal))
    active = goal > 0
    safe_goal = np.where(active, goal, 1.0)
    slack = np.full(len(goal), TOL) if slack is None else np.maximum(slack, TOL)
    four = np.array([-wp, 1, wp, -1])
    ring = np.array([-wp - 1, -wp, -wp + 1, 1, wp + 1, wp, wp - 1, -1])
    weights8 = 1 << np.arange(8)
    check = land
    for _ in range(rounds):
        # boundary pixels among those that may have become one
        a = flat[check]
        nb = flat[check[:, None] + four[None, :]]
        border = ((nb >= 0) & (nb != a[:, None])).any(axis=1)
        pix = check[border]
        if not len(pix):
            break
        moved_any = []
        rows, cols = pix // wp, pix % wp
        for parity in range(4):
            p = pix[((rows % 2) * 2 + (cols % 2)) == parity]
            if not len(p):
                continue
            if extents:
                lo = np.where(active, safe_goal * (1 - slack), -np.inf)
                hi = np.where(active, safe_goal * (1 + slack), np.inf)
                moved_any.append(_extent_moves(flat, p, four, ring, weights8, uof, vof, boxes, wp, km2, area,
                                               lo, hi, ucount, floor))
            ratio = np.where(active, area / safe_goal, 1.0)
            ratio_ext = np.append(ratio, np.inf)
            a_d = flat[p]
            v_d = vof[a_d]
            nb = flat[p[:, None] + four[None, :]]
            nv = vof[nb]
            r_n = np.where((nv >= 0) & (nv != v_d[:, None]), ratio_ext[nv], np.inf)
            k = np.argmin(r_n, axis=1)
            r_r = r_n[np.arange(len(p)), k]
            r_d = ratio[v_d]
            v_n = nv[np.arange(len(p)), k]
            ok = (np.isfinite(r_r) & active[v_d] & (r_d - r_r > DIFF)
                  & ((r_d > 1 + slack[v_d]) | (r_r < 1 - slack[np.maximum(v_n, 0)])))
            if not ok.any():
                continue
            p, a_d, v_d, r_d, r_r = p[ok], a_d[ok], v_d[ok], r_d[ok], r_r[ok]
            a_r = nb[ok][np.arange(len(p)), k[ok]]
            v_r = vof[a_r]
            active_r = active[v_r]
            r_r = np.where(active_r, r_r, 1.0)
            # simple points: the donor commune, and the donor legacy unit when it changes, stay in one piece
            around = flat[p[:, None] + ring[None, :]]
            code_v = ((vof[around] == v_d[:, None]) * weights8).sum(axis=1)
            u_d, u_r = uof[a_d], uof[a_r]
            code_u = ((uof[around] == u_d[:, None]) * weights8).sum(axis=1)
            ok = SIMPLE[code_v] & ((u_d == u_r) | (SIMPLE[code_u] & (ucount[u_d] > floor[u_d])))
            if not ok.any():
                continue
            p, a_d, v_d, a_r, v_r, u_d, u_r, r_d, r_r = (x[ok] for x in (p, a_d, v_d, a_r, v_r, u_d, u_r, r_d, r_r))
            # how much each pair may move: half of what evens out their ratios
            g_d, g_r = safe_goal[v_d], np.where(active[v_r], safe_goal[v_r], np.inf)
            even = (r_d - r_r) / (1 / g_d + 1 / g_r)
            # order: pixels outside the donor's box and inside the receiver's first, then by index
            y, x = p // wp - 1 + 0.5, p % wp - 1 + 0.5
            bd, br = boxes[u_d], boxes[u_r]
            depth_d = ((x - bd[:, 0]) / bd[:, 2]) ** 2 + ((y - bd[:, 1]) / bd[:, 3]) ** 2
            depth_r = ((x - br[:, 0]) / br[:, 2]) ** 2 + ((y - br[:, 1]) / br[:, 3]) ** 2
            pair = v_d.astype(np.int64) * (len(goal) + 1) + v_r
            klass = 1 + _inside(bd, x, y).astype(int) - _inside(br, x, y)
            notch = (vof[flat[p[:, None] + four[None, :]]] == v_r[:, None]).sum(axis=1)
            order = np.lexsort((p, depth_r - depth_d, klass, -notch, pair))
            pair_s = pair[order]
            km = km2[p[order]]
            first = np.ones(len(order), bool)
            first[1:] = pair_s[1:] != pair_s[:-1]
            start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
            cum = np.cumsum(km)
            before = cum - km - (cum - km)[start]
            take = order[(before + km <= 0.5 * even[order]) | ((before == 0) & (km <= even[order]))]
            if not len(take):
                continue
            flat[p[take]] = a_r[take]
            np.subtract.at(ucount, u_d[take], 1)
            np.add.at(ucount, u_r[take], 1)
            np.subtract.at(area, v_d[take], km2[p[take]])
            np.add.at(area, v_r[take], km2[p[take]])
            moved_any.append(p[take])
        if not sum(len(m) for m in moved_any):
            break
        moved = np.concatenate(moved_any)
        near = (moved[:, None] + np.append(four, 0)[None, :]).ravel()
        check = np.unique(np.concatenate([pix, near[flat[near] >= 0]]))
    out = big[1:-1, 1:-1].copy()
    return np.where(is_land, out, lab).astype(lab.dtype) if n_atoms else lab


def _inside(b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (np.abs(x - b[:, 0]) <= b[:, 2]) & (np.abs(y - b[:, 1]) <= b[:, 3])


def _group_cap(group: np.ndarray, km: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Mask of the items (in the given order) that fit their group's budget (km²), cumulatively."""
    order = np.argsort(group, kind="stable")
    g = group[order]
    k = km[order]
    first = np.ones(len(g), bool)
    first[1:] = g[1:] != g[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    cum = np.cumsum(k)
    used = cum - (cum - k)[start]
    ok = np.zeros(len(g), bool)
    ok[order] = used <= budget[g]
    return ok


def _extent_moves(flat, p, four, ring, weights8, uof, vof, boxes, wp, km2, area, low, high, ucount, floor) -> np.ndarray:
    """Pixels `p` outside their legacy unit's box pass to a 4-neighbour whose unit's box holds
    them: within the 2025 commune freely, to another 2025 commune only while both stay within
    [low, high] km² (their slack around the target). Simple points only. Returns the moved pixels."""
    a_d = flat[p]
    u_d, v_d = uof[a_d], vof[a_d]
    y, x = p // wp - 1 + 0.5, p % wp - 1 + 0.5
    out = ~_inside(boxes[np.maximum(u_d, 0)], x, y) & (u_d >= 0)
    if not out.any():
        return p[:0]
    p, a_d, u_d, v_d, x, y = p[out], a_d[out], u_d[out], v_d[out], x[out], y[out]
    nb = flat[p[:, None] + four[None, :]]
    nu, nv = uof[nb], vof[nb]
    good = (nb >= 0) & (nu != u_d[:, None])
    for k in range(4):
        good[:, k] &= _inside(boxes[np.maximum(nu[:, k], 0)], x, y)
    good = np.where(good, np.where(nv == v_d[:, None], 2, 1), 0)   # the same commune first
    k = np.argmax(good, axis=1)
    has = good[np.arange(len(p)), k] > 0
    if not has.any():
        return p[:0]
    p, u_d, v_d, k, nb = p[has], u_d[has], v_d[has], k[has], nb[has]
    a_r = nb[np.arange(len(p)), k]
    v_r = vof[a_r]
    around = flat[p[:, None] + ring[None, :]]
    code_u = ((uof[around] == u_d[:, None]) * weights8).sum(axis=1)
    code_v = ((vof[around] == v_d[:, None]) * weights8).sum(axis=1)
    cross = v_r != v_d
    ok = SIMPLE[code_u] & (~cross | SIMPLE[code_v]) & (ucount[u_d] > floor[u_d])
    km = km2[p]
    idx = np.flatnonzero(ok & cross)
    if len(idx):
        fits = _group_cap(v_d[idx], km[idx], area - low)
        idx2 = idx[fits]
        fits2 = _group_cap(v_r[idx2], km[idx2], high - area)
        keep = np.zeros(len(p), bool)
        keep[idx2[fits2]] = True
        ok &= ~cross | keep
    p, u_d, v_d, v_r, a_r, km = p[ok], u_d[ok], v_d[ok], v_r[ok], a_r[ok], km[ok]
    flat[p] = a_r
    np.subtract.at(ucount, u_d, 1)
    np.add.at(ucount, uof[a_r], 1)
    cross = v_r != v_d
    np.subtract.at(area, v_d[cross], km[cross])
    np.add.at(area, v_r[cross], km[cross])
    return p
