"""Members of the demo teams: each unit keeps its own steady members per team (data/demo.py)."""
from __future__ import annotations

import numpy as np

from data.demo_anchors import Anchor, by_unit
from data.demo_series import index_pins
from data.demo_tree import Tree, two_level


def fill_to_level(a: np.ndarray, prev: np.ndarray, total: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Gaps max(s·a − prev, 0) with s per group chosen so the gaps sum to `total` (bisection):
    the units furthest below their own ratio a are topped up first, to a common level."""
    hi = np.zeros(n_groups)
    ok = a > 0
    np.maximum.at(hi, group[ok], (prev[ok] + total[group[ok]]) / a[ok])
    lo = np.zeros(n_groups)
    for _ in range(40):
        mid = (lo + hi) / 2
        filled = np.bincount(group, np.maximum(mid[group] * a - prev, 0.0), n_groups)
        lo, hi = np.where(filled < total, mid, lo), np.where(filled < total, hi, mid)
    return np.maximum(hi[group] * a - prev, 0.0)


def members_series(tree: Tree, out: dict, national: np.ndarray, anchors: list[Anchor], rng,
                   init_p: np.ndarray | None = None) -> None:
    """Members: each month's new members go to the units furthest below their own members per
    team (a fixed factor × a common level), so every unit keeps a steady ratio."""
    t_p = (out["teams_village"][1] + out["teams_commune"][1]).astype(float)
    t_l = (out["teams_village"][2] + out["teams_commune"][2]).astype(float)
    n_p = len(tree.prov)
    r_p = rng.uniform(0.95, 1.15, n_p)
    r_l = r_p[tree.low_group] * rng.uniform(0.93, 1.07, len(tree.low))
    one = np.zeros(n_p, np.int64)

    def w_p(t, prev):
        gap = fill_to_level(r_p * t_p[:, t], prev, np.array([national[t] - prev.sum()]), one, 1)
        return gap + 1e-3 * t_p[:, t]

    def w_l(prov):
        def w(t, prev):
            total = prov[:, t] - np.bincount(tree.low_group, prev, n_p)
            return fill_to_level(r_l * t_l[:, t], prev, total, tree.low_group, n_p) + 1e-3 * t_l[:, t]
        return w

    pins_p = index_pins(by_unit(anchors, "members", "province"), tree.prov_index)
    pins_l = index_pins(by_unit(anchors, "members", tree.low_level), tree.low_index)
    out["members"] = two_level(tree, national, w_p, w_l, pins_p=pins_p, pins_l=pins_l, driver_p=lambda i: t_p[i],
                               driver_l=lambda i: t_l[i], init_p=init_p)
