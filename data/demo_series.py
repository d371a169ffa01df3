"""The demo's count series for one boundary version (method and choices: data/demo.py)."""
from __future__ import annotations

import numpy as np

from data.demo_alloc import allocate, round_in_groups
from data.demo_anchors import Anchor, by_unit
from data.demo_tree import Tree, cumulative_flows, two_level

TC_SHARE = 0.085                 # commune-level teams among all teams (Đồng Tháp 19/525, Thanh Liêm 16/117)
MEMBERS_PER_DERIVED_TEAM = 6.0   # a member figure with no team figure implies this many members per team
DEFAULT_VILLAGES = 98_455        # MoHA, 31/12/2020 (seed moha_vn_villages_2020), if the seeds lack it
# Supported actions per team and month, calibrated on Đồng Tháp's two-year figures (≈6,400 team-months).
PER_TEAM_MONTH = {"vneid_activations": 7.0, "ewallet_installs": 0.65, "shops_epayment": 0.11,
                  "people_guided_dvc": 3.2, "payment_dossiers_online": 0.7}
ADOPTION = tuple(PER_TEAM_MONTH)


def lognormal(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    return np.exp(rng.normal(0.0, sigma, n))


def with_floors(total: float, weights: np.ndarray, floors: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Integers summing to total, proportional to weights, never below floors; fixed (>= 0) kept."""
    fixed = fixed.astype(float).copy()
    for _ in range(weights.size + 1):
        free = fixed < 0
        x = np.where(free, (total - fixed[~free].sum()) * weights / max(weights[free].sum(), 1e-12), fixed)
        low = free & (x < floors)
        if not low.any():
            break
        fixed[low] = floors[low]
    free = fixed < 0
    out = np.where(free, 0.0, fixed)
    idx = np.flatnonzero(free)
    out[idx] = round_in_groups(x[idx], np.zeros(idx.size, np.int64), 1, np.array([total - fixed[~free].sum()]),
                               np.full(idx.size, np.inf))
    return out


def index_pins(pins: dict[str, dict[int, float]], index: dict[str, int]) -> dict[int, dict[int, float]]:
    return {index[u]: a for u, a in pins.items() if u in index}


def team_pins(anchors: list[Anchor], level: str, communes: dict[str, float],
              least_tc: dict[str, float] | None = None) -> tuple[dict, dict]:
    """Village- and commune-level team pins of one level, derived where a figure gives only the
    total (split at TC_SHARE, keeping at least `least_tc`), villages with a team (one team each), or members (÷ 6)."""
    tv, tc = by_unit(anchors, "teams_village", level), by_unit(anchors, "teams_commune", level)
    tot = by_unit(anchors, "teams_total", level)
    for unit, a in by_unit(anchors, "villages_with_team", level).items():
        for t, v in a.items():
            tv.setdefault(unit, {}).setdefault(t, v)
    for unit, a in by_unit(anchors, "communes_with_team", level).items():
        for t, v in a.items():
            tc.setdefault(unit, {}).setdefault(t, v)
    for unit, a in by_unit(anchors, "members", level).items():
        for t, v in a.items():
            if t not in tot.get(unit, {}) and t not in tv.get(unit, {}):
                tot.setdefault(unit, {})[t] = float(round(v / MEMBERS_PER_DERIVED_TEAM))
    for unit, a in tot.items():
        for t, v in a.items():
            has_v, has_c = t in tv.get(unit, {}), t in tc.get(unit, {})
            if has_v and not has_c:
                tc.setdefault(unit, {})[t] = max(v - tv[unit][t], 0.0)
            elif has_c and not has_v:
                tv.setdefault(unit, {})[t] = v - tc[unit][t]
            elif not has_v:
                c = float(min(max(round(TC_SHARE * v), (least_tc or {}).get(unit, 0.0)), communes.get(unit, np.inf)))
                tc.setdefault(unit, {})[t], tv.setdefault(unit, {})[t] = c, v - c
    # A legacy district/province holds at most one commune-level team per commune (the package's
    # 2024 commune list: Hải Dương's "235/235 communes" of 2022 are 207 communes there).
    tc = {u: {t: min(v, communes.get(u, np.inf)) for t, v in a.items()} for u, a in tc.items()}
    return _monotone(tv), _monotone(tc)


def _monotone(pins: dict) -> dict:
    out = {}
    for unit, a in pins.items():
        run, out[unit] = 0.0, {}
        for t in sorted(a):
            run = max(run, a[t])
            out[unit][t] = run
    return out


def villages(tree: Tree, total: float, tv_p: dict, tv_l: dict, full_p: dict, full_l: dict,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """villages_total per province and lowest unit (constant): national total by population,
    at least each pinned unit's teams, exactly its teams where a figure says 100 % covered."""
    n_p = len(tree.prov)
    floors_p = np.zeros(n_p)
    fixed_p = np.full(n_p, -1.0)
    for i, a in tv_p.items():
        floors_p[i] = max(a.values())
    for i, v in full_p.items():
        fixed_p[i] = v
    v_p = with_floors(total, tree.pop_p * lognormal(rng, n_p, 0.15), floors_p, fixed_p)
    w_l = tree.pop_l * lognormal(rng, len(tree.low), 0.2)
    floors_l = np.zeros(len(tree.low))
    fixed_l = np.full(len(tree.low), -1.0)
    for i, a in tv_l.items():
        floors_l[i] = max(a.values())
    for i, v in full_l.items():
        fixed_l[i] = v
    v_l = np.zeros(len(tree.low))
    for p in range(n_p):
        idx = np.flatnonzero(tree.low_group == p)
        v_l[idx] = with_floors(v_p[p], w_l[idx], floors_l[idx], fixed_l[idx])
    return v_p, v_l


def activity(starts: np.ndarray, months: int) -> np.ndarray:
    return (np.arange(months)[None, :] >= starts[:, None]).astype(float)


def dossiers(tree: Tree, rng: np.random.Generator, t0: int, pct_pins: dict[int, dict[int, float]],
             init_d: np.ndarray | None = None, init_o: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative dossiers received / received online at the lowest level since the series began.

    Monthly flows ∝ population (fewer around Tết); the online share of the flow rises along a
    logistic from 40–75 % towards 85–99 %; t0 = months since July 2022 (the share keeps rising
    across the 2025 reform). A reported rate pins a unit's cumulative share at that month."""
    n, months = len(tree.low), tree.months
    t_abs = np.arange(months) + t0
    cal_month = np.array([d.month for d in tree.month_ends()])
    season = np.where(np.isin(cal_month, [1, 2]), 0.8, np.where(cal_month == 12, 1.15, 1.0))
    flow_d = np.rint(tree.pop_l[:, None] * 0.05 * lognormal(rng, n, 0.25)[:, None] * season[None, :])
    p0, p1 = rng.uniform(0.40, 0.75, n), rng.uniform(0.85, 0.99, n)
    mid = rng.uniform(8, 30, n)
    share = p0[:, None] + (p1 - p0)[:, None] / (1 + np.exp(-(t_abs[None, :] - mid[:, None]) / 6.0))
    for i, a in pct_pins.items():
        share[i] = min(a.values()) / 100.0
    flow_o = np.minimum(np.rint(flow_d * share), flow_d)
    d, o = cumulative_flows(flow_d, init_d), cumulative_flows(flow_o, init_o)
    for i, a in pct_pins.items():
        for t, v in a.items():
            delta = np.rint(v / 100.0 * d[i, t]) - o[i, t]
            o[i, t:] = np.minimum(o[i, t:] + delta, d[i, t:])
        o[i] = np.maximum.accumulate(o[i])
    return d.astype(np.int64), o.astype(np.int64)


def allocate_levels(tree: Tree, totals_p: np.ndarray, weights: np.ndarray, caps: np.ndarray | None = None):
    """Fixed province totals shared among their lowest units (exact, by weight, under caps)."""
    return allocate(totals_p[:, None], tree.low_group, weights[:, None], caps)[:, 0]


def adoption_and_training(tree: Tree, out: dict, nat: dict, anchors: list[Anchor], rng,
                          init_p: dict | None = None, pace: dict | None = None) -> None:
    """members_trained and the five adoption counts, allocated by the units' members / teams;
    with `pace` (2025: each new province's last legacy monthly gain) a province keeps its pace."""
    t_p = out["teams_village"][1] + out["teams_commune"][1]
    t_l = out["teams_village"][2] + out["teams_commune"][2]
    n_p, n_l = len(tree.prov), len(tree.low)
    m_p, m_l = out["members"][1], out["members"][2]
    for code, drv_p, drv_l in [("members_trained", m_p, m_l)] + [(c, t_p, t_l) for c in ADOPTION]:
        pins_p = index_pins(by_unit(anchors, code, "province"), tree.prov_index)
        pins_l = index_pins(by_unit(anchors, code, tree.low_level), tree.low_index)
        if pace is None:
            w_p = drv_p * lognormal(rng, n_p, 0.3)[:, None] + 1e-9
        else:
            w_p = pace[code][:, None] * drv_p / np.maximum(drv_p[:, :1], 1.0) + 1e-9
        out[code] = two_level(tree, nat[code], w_p, drv_l * lognormal(rng, n_l, 0.3)[:, None] + 1e-9,
                              pins_p=pins_p, pins_l=pins_l, init_p=None if init_p is None else init_p[code])