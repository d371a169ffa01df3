"""Exact, monotone top-down allocation for the demo series (see data/demo.py).

Every demo count is a cumulative level. A parent's monthly *increment* is shared among its
children by weight (water-filling under a level cap, e.g. village teams <= villages), then
rounded by largest remainder inside each parent, so children sum to the parent exactly and
no child ever falls. Pinned children follow a given path (a seed figure) and the others
share what is left.
"""
from __future__ import annotations

import numpy as np

EPS = 1e-9


class AllocationError(ValueError):
    """The demo constraints cannot all hold (a pin outgrows its parent, a cap is too small)."""


def round_in_groups(x: np.ndarray, group: np.ndarray, n_groups: int, total: np.ndarray,
                    cap: np.ndarray) -> np.ndarray:
    """Integers near x (x <= cap) whose sum per group equals `total` (largest remainder)."""
    f = np.minimum(np.floor(x + EPS), cap)
    deficit = np.rint(total - np.bincount(group, f, n_groups)).astype(np.int64)
    frac = x - f
    eligible = (frac > EPS) & (f + 1 <= cap + EPS)
    order = np.lexsort((-frac, ~eligible, group))
    g_sorted = group[order]
    rank = np.arange(order.size) - np.searchsorted(g_sorted, g_sorted, side="left")
    give = (rank < deficit[g_sorted]) & eligible[order]
    f[order[give]] += 1
    short = deficit - np.bincount(group[order[give]], minlength=n_groups)
    if (short != 0).any():
        raise AllocationError(f"rounding left {int(np.abs(short).sum())} unallocated / làm tròn còn dư")
    return f


def _waterfill(r: np.ndarray, group: np.ndarray, w: np.ndarray, head: np.ndarray, n_groups: int) -> np.ndarray:
    """Share r[g] among the members of g in proportion to w, none above its headroom."""
    x = np.zeros(w.size)
    rem = r.astype(float).copy()
    for weights in (w, np.where(head > EPS, 1.0, 0.0)):  # second pass: anyone with room left
        open_ = (weights > 0) & (head - x > EPS)
        for _ in range(100):
            if not (rem > EPS).any():
                break
            wsum = np.bincount(group, weights * open_, n_groups)
            share = np.where(open_, rem[group] * weights / np.where(wsum[group] > 0, wsum[group], 1.0), 0.0)
            over = open_ & (x + share > head + EPS)
            if not over.any():
                x += share
                rem -= np.bincount(group, share, n_groups)
                rem[wsum > 0] = 0.0
                break
            rem -= np.bincount(group[over], head[over] - x[over], n_groups)
            x[over] = head[over]
            open_ &= ~over
    if (rem > 1e-6).any():
        raise AllocationError(f"caps too small for {rem.sum():.0f} units / trần không đủ chỗ")
    return x


def allocate(parent: np.ndarray, group: np.ndarray, weight, cap: np.ndarray | None = None,
             pin: np.ndarray | None = None, init: np.ndarray | None = None,
             floor: np.ndarray | None = None) -> np.ndarray:
    """Children paths [C, T] summing to parent [G, T] every month.

    group[c]: index of c's parent; weight[c, t] >= 0 (or weight(t, levels before t) -> [C]);
    cap[c]: ceiling on c's level;
    pin[c, t]: forced level (NaN = free); init[c]: levels the month before t = 0;
    floor[c, t]: least increment of a free child (room for pinned grandchildren).
    """
    n_groups, months = parent.shape
    n = group.size
    out = np.zeros((n, months))
    prev = np.zeros(n) if init is None else init.astype(float)
    prev_parent = np.bincount(group, prev, n_groups)
    cap_ = np.full(n, np.inf) if cap is None else cap.astype(float)
    for t in range(months):
        pinned = np.zeros(n, bool) if pin is None else ~np.isnan(pin[:, t])
        pin_inc = np.where(pinned, (pin[:, t] if pin is not None else 0) - prev, 0.0)
        if (pin_inc < -EPS).any():
            raise AllocationError("a pinned path falls / đường cố định bị giảm")
        base = np.zeros(n) if floor is None else np.where(pinned, 0.0, floor[:, t])
        r = parent[:, t] - prev_parent - np.bincount(group, pin_inc + base, n_groups)
        if (r < -EPS).any():
            g = int(np.argmin(r))
            raise AllocationError(f"month {t}: pinned children outgrow parent #{g} by {-r[g]:.0f} / "
                                  f"tháng {t}: đơn vị cố định tăng nhanh hơn đơn vị cha")
        head = np.where(pinned, 0.0, np.maximum(cap_ - prev - base, 0.0))
        w = weight(t, prev) if callable(weight) else weight[:, t]
        x = _waterfill(r, group, np.where(pinned, 0.0, w), head, n_groups)
        x = round_in_groups(x, group, n_groups, r, head)
        out[:, t] = prev + x + pin_inc + base
        prev, prev_parent = out[:, t], parent[:, t].astype(float)
    return out.astype(np.int64)


def pin_path(anchors: dict[int, float], driver: np.ndarray, start: int = 0, init: float | None = None,
             least: float = 0.0) -> np.ndarray:
    """A unit's forced path up to its last anchor (NaN after: free from then on).

    Before the first anchor it keeps the anchor's share of `driver` (its parent's path, or its
    own teams for members), zero before `start` and at least `least` from it — or, when the unit had a level `init` before
    the series (a 2025 province), a straight line from it; between anchors a straight line.
    """
    months = driver.size
    out = np.full(months, np.nan)
    if init is not None:  # a series cannot fall below where the unit already stood
        anchors = {t: max(v, init) for t, v in anchors.items()}
    ts = sorted(anchors)
    t1, v1 = ts[0], anchors[ts[0]]
    idx = np.arange(t1)
    if init is not None:
        before = np.floor(np.interp(idx, [-1, t1], [init, v1]) + EPS)
    else:
        before = np.floor(v1 * driver[:t1] / driver[t1]) if driver[t1] > 0 else np.zeros(t1)
    out[:t1] = np.where(idx < start, 0.0, np.clip(before, min(least, v1), v1))
    for a, b in zip(ts, ts[1:]):
        out[a:b + 1] = np.floor(np.interp(np.arange(a, b + 1), [a, b], [anchors[a], anchors[b]]) + EPS)
    out[ts[-1]] = anchors[ts[-1]]
    return out


def pin_matrix(n: int, months: int, pins: dict[int, np.ndarray]) -> np.ndarray | None:
    if not pins:
        return None
    m = np.full((n, months), np.nan)
    for i, path in pins.items():
        m[i] = path
    return m
