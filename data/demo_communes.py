"""Legacy communes, for the provinces whose seed figures reach a commune (Hà Nam: Xã Thanh Tâm).

Team coverage only — village and commune teams, members, villages — shared out of each
district's series exactly as districts are shared out of provinces (data/demo.py), so the
communes of a district add up to it every month. Communes always report (no missing rows).
"""
from __future__ import annotations

import numpy as np
import polars as pl

from data.demo_alloc import allocate, pin_matrix, pin_path
from data.demo_anchors import Anchor, by_unit
from data.demo_members import fill_to_level
from data.demo_series import index_pins, lognormal, team_pins, with_floors
from data.demo_tree import Tree

CODES = ("teams_village", "teams_commune", "members", "villages_total")


def legacy_communes(units: pl.DataFrame, population: pl.DataFrame, tree: Tree, series: dict,
                    anchors: list[Anchor], rng: np.random.Generator) -> tuple[list[str], dict[str, np.ndarray]] | None:
    """(commune codes, {code: [communes, months]}) or None when no figure is at a commune."""
    legacy = units.filter((pl.col("boundary_version") == "legacy") & (pl.col("unit_level") == "commune"))
    prov_of = dict(legacy.select("unit_code", "province_code").iter_rows())
    provinces = {prov_of[a.unit_code] for a in anchors if a.unit_level == "commune" and a.unit_code in prov_of}
    if not provinces:
        return None
    com = legacy.filter(pl.col("province_code").is_in(sorted(provinces))).sort("parent_code", "unit_code")
    codes = com["unit_code"].to_list()
    index = {c: i for i, c in enumerate(codes)}
    dist = np.array([tree.low_index[d] for d in com["parent_code"].to_list()])
    sel, group = np.unique(dist, return_inverse=True)
    n, n_d, months = len(codes), sel.size, tree.months
    pop = com.select("unit_code").join(population.filter(pl.col("boundary_version") == "legacy"),
                                       on="unit_code", how="left")["population"].fill_null(1000.0).to_numpy()
    parent = {k: series[k][2][sel] for k in CODES}
    tv_pins, tc_pins = team_pins(anchors, "commune", {c: 1.0 for c in codes})
    tv_pins, tc_pins = index_pins(tv_pins, index), index_pins(tc_pins, index)
    floors, fixed = np.zeros(n), np.full(n, -1.0)
    for i, a in tv_pins.items():
        floors[i] = max(a.values())
    for i, a in index_pins(by_unit(anchors, "villages_total", "commune"), index).items():
        fixed[i] = max(a.values())
    w = pop ** 0.9 * lognormal(rng, n, 0.3)
    villages = np.zeros(n)
    for d in range(n_d):
        idx = np.flatnonzero(group == d)
        villages[idx] = with_floors(parent["villages_total"][d, 0], w[idx], floors[idx], fixed[idx])
    weights = np.repeat(w[:, None], months, 1)

    def pinned(pins: dict, code: str) -> np.ndarray | None:
        return pin_matrix(n, months, {i: pin_path(a, parent[code][group[i]].astype(float)) for i, a in pins.items()})

    out = {"villages_total": np.repeat(villages[:, None], months, 1).astype(np.int64)}
    out["teams_village"] = allocate(parent["teams_village"], group, weights, villages, pinned(tv_pins, "teams_village"))
    out["teams_commune"] = allocate(parent["teams_commune"], group, weights, np.ones(n),
                                    pinned(tc_pins, "teams_commune"))
    teams = (out["teams_village"] + out["teams_commune"]).astype(float)
    ratio = rng.uniform(0.93, 1.07, n)

    def w_members(t, prev):
        total = parent["members"][:, t] - np.bincount(group, prev, n_d)
        return fill_to_level(ratio * teams[:, t], prev, total, group, n_d) + 1e-3 * teams[:, t]

    m_pins = {i: pin_path(a, teams[i]) for i, a in index_pins(by_unit(anchors, "members", "commune"), index).items()}
    out["members"] = allocate(parent["members"], group, w_members, None, pin_matrix(n, months, m_pins))
    return codes, out
