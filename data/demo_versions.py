"""Legacy (March 2022 – June 2025) and 2025 (July 2025 – October 2026) demo count series."""
from __future__ import annotations

import datetime as dt

import numpy as np

from cnscd.months import index as month_index
from data.demo_anchors import Anchor, by_unit
from data.demo_members import members_series
from data.demo_series import (ADOPTION, PER_TEAM_MONTH, TC_SHARE, activity, adoption_and_training,
                              allocate_levels, dossiers, index_pins, lognormal, team_pins, villages)
from data.demo_tree import Tree, national_path, two_level

# Published national path (issue 2; reference file) by month. The seed figures (national anchors)
# are merged over these, so a seed wins where both exist.
PUBLISHED_TEAMS = {dt.date(2022, 6, 1): 27_218, dt.date(2022, 8, 1): 42_469, dt.date(2023, 6, 1): 74_422,
                   dt.date(2024, 9, 1): 93_524}
PUBLISHED_MEMBERS = {dt.date(2022, 6, 1): 130_487, dt.date(2022, 8, 1): 208_000, dt.date(2023, 6, 1): 348_362}
# Guidance 793/BTTTT-THH of 5/3/2022 started the teams: the series opens in March 2022 with this
# share of the first published national count (about 2,300 in April 2022); not a published figure.
FIRST_MONTH_SHARE = 0.25
GROWTH_AFTER = 0.0025            # teams per month after the last published count (Sept 2024)
MEMBERS_PER_NEW_TEAM = 5.5       # after June 2023 (348,362 / 74,422 = 4.7 then) ...
# Before June 2022 (130,487 / 27,218 = 4.8 then) the early provinces' own figures weigh more
# (Thái Nguyên 17,000 / 2,256 = 7.5 in May 2022): national members per team, not published.
EARLY_MEMBERS_PER_TEAM = 5.3
MEMBERS_DRIFT = 0.0015           # ... plus members joining existing teams, per month
# The ten provinces with teams in every commune by 14/6/2022 (thoibao.online, 15/6/2022): started by May 2022.
EARLY = ("24", "20", "12", "93", "30", "38", "26", "33", "31", "19")
EARLY_BY = dt.date(2022, 5, 1)
# Provinces with any team, by month (published: 34 on 14/6/2022, 49 on 23/8/2022, 63/63 by June 2023);
# the months between are the demo's own, filled linearly.
ACTIVE_PROVINCES = {dt.date(2022, 3, 1): 10, dt.date(2022, 4, 1): 20, dt.date(2022, 5, 1): 28,
                    dt.date(2022, 6, 1): 34, dt.date(2022, 8, 1): 49, dt.date(2023, 6, 1): 63}
# Start order among the provinces no figure forces: population rank with noise (a large province
# usually organises early, as Hà Nội did in 2022), this spread on log population.
ORDER_NOISE = 0.8
# A unit with fewer people than this (Trường Sa: 93; Cồn Cỏ: 500) gets no team by its share of
# population; it gets one commune-level team from its start (where it has a commune to hold it).
TINY_POPULATION = 1_000
REFORM_GROWTH = {"teams_village": 0.0012, "teams_commune": 0.001, "members": 0.0015}


def _points_path(points: dict[int, float], months: int, growth: float) -> np.ndarray:
    ts = sorted(points)
    t = np.arange(months)
    path = np.interp(t, ts, [points[k] for k in ts])
    after = t > ts[-1]
    path[after] = points[ts[-1]] * (1 + growth) ** (t[after] - ts[-1])
    return np.floor(path + 1e-9)


UNTIED = ("dossiers_online_pct", "dossiers_total", "dossiers_online")  # no sign that teams exist


def _national(anchors: list[Anchor], code: str) -> dict[int, float]:
    return by_unit(anchors, code, "nation").get("VN", {})


def _by_month(points: dict[dt.date, float], start: dt.date) -> dict[int, float]:
    return {month_index(d, start): float(v) for d, v in points.items()}


def _active_counts(tree: Tree, points: dict[int, float]) -> np.ndarray:
    """Provinces with any team at each month (the published counts, linear between, all after)."""
    ts = sorted(points)
    counts = np.floor(np.interp(np.arange(tree.months), ts, [points[t] for t in ts]) + 1e-9)
    return np.minimum(counts, len(tree.prov)).astype(np.int64)


def _required(tree: Tree, anchors: list[Anchor], province_of: dict[str, str]) -> np.ndarray:
    """The month by which each province must have started: its earliest figure (any unit inside)."""
    req = np.full(len(tree.prov), tree.months, np.int64)
    for a in anchors:
        p = province_of.get(a.unit_code)
        if a.unit_level != "nation" and p in tree.prov_index and a.value > 0 and a.indicator_code not in UNTIED:
            req[tree.prov_index[p]] = min(req[tree.prov_index[p]], max(a.month, 0))
    early = month_index(EARLY_BY, tree.start)
    for c in EARLY:
        req[tree.prov_index[c]] = min(req[tree.prov_index[c]], early)
    return req


def _starts(tree: Tree, anchors: list[Anchor], province_of: dict[str, str], district_of: dict[str, str],
            active: dict[int, float], rng) -> tuple[np.ndarray, np.ndarray]:
    """First month of each province and lowest unit. Each month as many provinces start as the
    published counts of provinces with teams say: first those a figure says had started by then,
    then the rest in order of population with noise (ORDER_NOISE)."""
    n_p = len(tree.prov)
    counts, req = _active_counts(tree, active), _required(tree, anchors, province_of)
    score = np.log(tree.pop_p) + rng.normal(0.0, ORDER_NOISE, n_p)
    starts = np.full(n_p, -1, np.int64)
    for t in range(tree.months):
        starts[(starts < 0) & (req <= t)] = t
        free = np.flatnonzero(starts < 0)
        room = int(counts[t] - (starts >= 0).sum())
        if room > 0:
            starts[free[np.argsort(-score[free], kind="stable")[:room]]] = t
    starts[starts < 0] = tree.months - 1
    first = {}
    for a in anchors:
        if a.unit_level != "nation":
            first[a.unit_code] = min(first.get(a.unit_code, 99), max(a.month, 0))
    delay = rng.choice([0, 1, 2, 3], size=len(tree.low), p=[0.55, 0.2, 0.15, 0.1])
    for p in range(n_p):  # the most populous district of a province starts with it
        idx = np.flatnonzero(tree.low_group == p)
        if idx.size:
            delay[idx[np.argmax(tree.pop_l[idx])]] = 0
    starts_l = starts[tree.low_group] + delay
    for c, m in first.items():  # a unit with a figure (or a commune inside with one) has started by then
        i = tree.low_index.get(c, tree.low_index.get(district_of.get(c, ""), -1))
        if i >= 0:
            starts_l[i] = min(starts_l[i], max(m, starts[tree.low_group[i]]))
    return starts, starts_l


def _full_coverage(anchors: list[Anchor], level: str, index: dict, tv_pins: dict) -> dict[int, float]:
    out = {}
    for unit, a in by_unit(anchors, "villages_with_team_pct", level).items():
        if unit in index:
            pins = tv_pins.get(index[unit], {})
            for t in a:
                if t in pins:
                    out[index[unit]] = pins[t]
    return out


def _least_one(tree: Tree, starts_l: np.ndarray | None, pinned: dict) -> dict[int, int]:
    """Lowest units too small to get any team by their share, that can hold a commune-level team."""
    small = np.flatnonzero(tree.pop_l < TINY_POPULATION)
    cap = tree.communes_l
    return {int(i): 0 if starts_l is None else int(starts_l[i]) for i in small
            if int(i) not in pinned and (cap is None or cap[i] >= 1)}


def _teams(tree: Tree, anchors, nat_tv, nat_tc, v_total, rng, w_p, w_l, init_p=None, v_fixed=None, starts_l=None):
    """teams_village (under the village caps) and teams_commune (legacy: one per commune at most)."""
    communes = {} if tree.communes_l is None else dict(zip(tree.low, tree.communes_l)) | dict(
        zip(tree.prov, tree.communes_p))
    least = None if init_p is None else dict(zip(tree.prov, init_p["teams_commune"].astype(float)))
    tv_p_raw, tc_p_raw = team_pins(anchors, "province", communes, least)
    tv_l_raw, tc_l_raw = team_pins(anchors, tree.low_level, communes)
    tv_p, tc_p = index_pins(tv_p_raw, tree.prov_index), index_pins(tc_p_raw, tree.prov_index)
    tv_l, tc_l = index_pins(tv_l_raw, tree.low_index), index_pins(tc_l_raw, tree.low_index)
    if v_fixed is None:
        full_p = _full_coverage(anchors, "province", tree.prov_index, tv_p)
        full_l = _full_coverage(anchors, tree.low_level, tree.low_index, tv_l)
        v_p, v_l = villages(tree, v_total, tv_p, tv_l, full_p, full_l, rng)
    else:
        v_p, v_l = v_fixed
    for index, full, tv, vil in ((tree.prov_index, "province", tv_p, v_p), (tree.low_index, tree.low_level, tv_l, v_l)):
        for unit, a in by_unit(anchors, "villages_with_team_pct", full).items():
            if unit in index:  # 100 % covered with no team figure: one village team per village
                for t in a:
                    tv.setdefault(index[unit], {}).setdefault(t, float(vil[index[unit]]))
    out = {"villages_total": (np.full(tree.months, v_p.sum(), np.int64), np.repeat(v_p[:, None], tree.months, 1)
                              .astype(np.int64), np.repeat(v_l[:, None], tree.months, 1).astype(np.int64))}
    out["teams_village"] = two_level(tree, nat_tv, w_p, w_l, v_p, v_l, tv_p, tv_l,
                                     init_p=None if init_p is None else init_p["teams_village"])
    cap_p, cap_l = (None, None) if tree.communes_l is None else (tree.communes_p, tree.communes_l)
    out["teams_commune"] = two_level(tree, nat_tc, w_p, w_l, cap_p, cap_l, tc_p, tc_l,
                                     init_p=None if init_p is None else init_p["teams_commune"],
                                     least_one=_least_one(tree, starts_l, tc_l | tv_l))
    return out


def legacy(tree: Tree, anchors: list[Anchor], province_of: dict[str, str], district_of: dict[str, str],
           active: dict[dt.date, float], v_total: float, rng) -> dict:
    """`province_of`: unit code -> province code; `district_of`: legacy commune -> district; `active`:
    published counts of provinces with teams by month (seed figures over ACTIVE_PROVINCES)."""
    months = tree.months
    pts = _by_month(PUBLISHED_TEAMS, tree.start) | _national(anchors, "teams_total")
    first = min(t for t in pts if t >= 0)
    if first > 0:
        pts[0] = float(np.floor(FIRST_MONTH_SHARE * pts[first]))
    teams = _points_path(pts, months, GROWTH_AFTER)
    nat_tc = np.floor(TC_SHARE * teams)
    nat_tv = teams - nat_tc
    starts, starts_l = _starts(tree, anchors, province_of, district_of, _by_month(ACTIVE_PROVINCES | active, tree.start), rng)
    tree.start_p = starts
    w_p = (tree.pop_p ** 0.9 * lognormal(rng, len(tree.prov), 0.25))[:, None] * activity(starts, months)
    w_l = (tree.pop_l ** 0.9 * lognormal(rng, len(tree.low), 0.3))[:, None] * activity(starts_l, months)
    out = _teams(tree, anchors, nat_tv, nat_tc, v_total, rng, w_p, w_l, starts_l=starts_l)
    pts = _by_month(PUBLISHED_MEMBERS, tree.start) | _national(anchors, "members")
    last, first_m = max(pts), min(t for t in pts if t >= 0)
    members = _points_path(pts, months, 0.0)
    before = np.arange(months) < first_m  # before the first published count: a steady members per team
    members[before] = np.floor(teams[before] * max(EARLY_MEMBERS_PER_TEAM, pts[first_m] / teams[first_m]))
    after = np.arange(months) > last
    members[after] = np.floor(pts[last] * (1 + MEMBERS_DRIFT) ** (np.arange(months)[after] - last)
                              + MEMBERS_PER_NEW_TEAM * (teams[after] - teams[last]))
    members_series(tree, out, members, anchors, rng)
    nat = {"members_trained": national_path(0.12 * members[0] + np.cumsum(0.05 * members),
                                            _national(anchors, "members_trained"))}
    for code in ADOPTION:
        nat[code] = national_path(PER_TEAM_MONTH[code] * np.cumsum(teams), _national(anchors, code))
    adoption_and_training(tree, out, nat, anchors, rng)
    pct = index_pins(by_unit(anchors, "dossiers_online_pct", tree.low_level), tree.low_index)
    d, o = dossiers(tree, rng, month_index(tree.start, dt.date(2022, 7, 1)), pct)
    out["dossiers_total"] = (d.sum(0), _sum_p(tree, d), d)
    out["dossiers_online"] = (o.sum(0), _sum_p(tree, o), o)
    return out


def _sum_p(tree: Tree, low: np.ndarray) -> np.ndarray:
    out = np.zeros((len(tree.prov), low.shape[1]), np.int64)
    np.add.at(out, tree.low_group, low)
    return out


def reform(tree: Tree, old: dict, to_new: np.ndarray, anchors: list[Anchor], rng) -> dict:
    """2025 units: each new province starts from the sum of its legacy provinces in June 2025
    (province crosswalk) and keeps growing slowly; communes share their province by population."""
    months, n_p, n_l = tree.months, len(tree.prov), len(tree.low)
    init = {k: np.bincount(to_new, v[1][:, -1], n_p) for k, v in old.items()}
    t = np.arange(1, months + 1)
    nat = {k: np.floor(init[k].sum() * (1 + g) ** t) for k, g in REFORM_GROWTH.items()}
    v_p = init["villages_total"]
    v_l = allocate_levels(tree, v_p, tree.pop_l * lognormal(rng, n_l, 0.2))
    nat["teams_village"] = np.minimum(nat["teams_village"], np.floor(0.995 * v_p.sum()))
    nat["teams_village"] = np.maximum(nat["teams_village"], init["teams_village"].sum())
    w_p = (tree.pop_p ** 0.9 * lognormal(rng, n_p, 0.25))[:, None] * np.ones(months)
    w_l = (tree.pop_l * lognormal(rng, n_l, 0.3))[:, None] * np.ones(months)
    out = _teams(tree, anchors, nat["teams_village"], nat["teams_commune"], 0, rng, w_p, w_l, init, (v_p, v_l))
    teams = nat["teams_village"] + nat["teams_commune"]
    members = national_path(nat["members"], _national(anchors, "members"))
    members_series(tree, out, members, anchors, rng, init["members"])
    m_n = out["members"][0]
    nat2 = {"members_trained": national_path(init["members_trained"].sum() + np.cumsum(0.04 * m_n),
                                             _national(anchors, "members_trained"))}
    for code in ADOPTION:
        nat2[code] = national_path(init[code].sum() + PER_TEAM_MONTH[code] * np.cumsum(teams),
                                   _national(anchors, code))
    pace = {k: np.bincount(to_new, v[1][:, -1] - v[1][:, -2], n_p) for k, v in old.items()}
    adoption_and_training(tree, out, nat2, anchors, rng, init, pace)
    d0 = allocate_levels(tree, init["dossiers_total"], tree.pop_l)
    o0 = allocate_levels(tree, init["dossiers_online"], d0.astype(float) + 1e-9, d0)
    pct = index_pins(by_unit(anchors, "dossiers_online_pct", tree.low_level), tree.low_index)
    d, o = dossiers(tree, rng, month_index(tree.start, dt.date(2022, 7, 1)), pct, d0, o0)
    out["dossiers_total"] = (d.sum(0), _sum_p(tree, d), d)
    out["dossiers_online"] = (o.sum(0), _sum_p(tree, o), o)
    return out
