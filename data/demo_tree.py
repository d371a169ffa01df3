"""One boundary version's unit tree for the demo (nation -> provinces -> lowest level), and the
two-step exact allocation of a national path down it (see data/demo.py for the method)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from cnscd import months
from data.demo_alloc import allocate, pin_matrix, pin_path

Series = tuple[np.ndarray, np.ndarray, np.ndarray]  # nation [T], provinces [P, T], lowest level [L, T]


@dataclass
class Tree:
    version: str
    start: dt.date
    months: int
    low_level: str                 # 'district' (legacy) or 'commune' (2025)
    prov: list[str]
    low: list[str]
    low_group: np.ndarray          # province index of each lowest-level unit
    pop_p: np.ndarray
    pop_l: np.ndarray
    communes_l: np.ndarray         # legacy communes per district (caps commune-level teams); 2025: None
    start_p: np.ndarray | None = field(default=None, init=False)  # first month of each province (legacy)
    prov_index: dict[str, int] = field(init=False)
    low_index: dict[str, int] = field(init=False)

    def __post_init__(self):
        self.prov_index = {c: i for i, c in enumerate(self.prov)}
        self.low_index = {c: i for i, c in enumerate(self.low)}

    @property
    def communes_p(self) -> np.ndarray | None:
        return None if self.communes_l is None else np.bincount(self.low_group, self.communes_l, len(self.prov))

    def index(self, level: str) -> dict[str, int]:
        return self.prov_index if level == "province" else self.low_index

    def month_ends(self) -> list[dt.date]:
        return months.ends(self.start, self.months)


def make_tree(units: pl.DataFrame, population: pl.DataFrame, version: str, start: dt.date, months: int) -> Tree:
    pop = population.filter(pl.col("boundary_version") == version).select("unit_code", "population")
    # a unit with no population row (nobody lives there: Hoàng Sa) gets no demo figures at all
    u = units.filter((pl.col("boundary_version") == version) & pl.col("unit_code").is_in(pop["unit_code"].implode()))
    low_level = "district" if version == "legacy" else "commune"
    prov = u.filter(pl.col("unit_level") == "province").sort("unit_code")
    low = u.filter(pl.col("unit_level") == low_level).sort("province_code", "unit_code")
    prov_codes = prov["unit_code"].to_list()
    pidx = {c: i for i, c in enumerate(prov_codes)}
    group = np.array([pidx[c] for c in low["province_code"].to_list()], dtype=np.int64)

    def pops(frame: pl.DataFrame) -> np.ndarray:
        p = frame.select("unit_code").join(pop, on="unit_code", how="left")["population"].fill_null(1000.0)
        return np.maximum(p.to_numpy().astype(float), 100.0)

    communes = None
    if version == "legacy":
        counts = u.filter(pl.col("unit_level") == "commune").group_by("parent_code").len()
        communes = low.select("unit_code").join(counts, left_on="unit_code", right_on="parent_code", how="left")[
            "len"].fill_null(0).to_numpy().astype(float)
    return Tree(version, start, months, low_level, prov_codes, low["unit_code"].to_list(), group,
                pops(prov), pops(low), communes)


def two_level(tree: Tree, national: np.ndarray, w_p: np.ndarray, w_l: np.ndarray,
              cap_p=None, cap_l=None, pins_p: dict | None = None, pins_l: dict | None = None,
              driver_l=None, init_p: np.ndarray | None = None, start_l: np.ndarray | None = None,
              driver_p=None, least_one: dict[int, int] | None = None) -> Series:
    """Allocate a national path to provinces, then each province's path to its lowest units.

    pins_p / pins_l: {unit index: {month: value}}; a province pin keeps its share of the national
    path (or of `driver_p(i)`) before its first anchor; a lowest-level pin keeps its share of its
    province's path, or follows `driver_l(i)` (e.g. its own teams) — its province then grows at
    least as fast (the `floor` of data/demo_alloc.allocate). least_one: {lowest unit: first month}
    of units too small for any share (Trường Sa, 93 people): each gets one, in the first month
    from then in which its province grows by enough (demo.py)."""
    months, n_p, n_l = tree.months, len(tree.prov), len(tree.low)
    # a pinned province is zero before its start month and has at least 1 from it (it counts as started)
    pp = {i: pin_path(a, (national if driver_p is None else driver_p(i)).astype(float),
                      0 if tree.start_p is None else int(tree.start_p[i]),
                      init=None if init_p is None else float(init_p[i]), least=1.0)
          for i, a in (pins_p or {}).items()}
    national = _room_for_pins(national, pp, init_p)
    pl_, floor = {}, None
    if driver_l is not None:  # lowest-level pins on their own path: their province must make room
        floor = np.zeros((n_p, months))
        for i, a in (pins_l or {}).items():
            pl_[i] = pin_path(a, driver_l(i).astype(float), 0 if start_l is None else int(start_l[i]))
            floor[tree.low_group[i]] += np.nan_to_num(np.diff(pl_[i], prepend=0.0), nan=0.0)
    prov = allocate(national[None, :], np.zeros(n_p, np.int64), w_p, cap_p, pin_matrix(n_p, months, pp), init_p,
                    floor)
    if driver_l is None:
        for i, a in (pins_l or {}).items():
            pl_[i] = pin_path(a, prov[tree.low_group[i]].astype(float), 0 if start_l is None else int(start_l[i]))
        room = np.diff(prov, axis=1, prepend=0).astype(float)  # what the children share each month
        for i, first in sorted((least_one or {}).items()):
            g = tree.low_group[i]
            ok = np.flatnonzero(room[g, first:] >= 1)
            if i not in pl_ and ok.size:
                t = first + int(ok[0])
                room[g, t] -= 1
                pl_[i] = pin_path({t: 1.0}, prov[g].astype(float))
    low = allocate(prov, tree.low_group, w_l(prov) if callable(w_l) else w_l, cap_l, pin_matrix(n_l, months, pl_))
    return national.astype(np.int64), prov, low


def _room_for_pins(national: np.ndarray, pins: dict[int, np.ndarray], init: np.ndarray | None) -> np.ndarray:
    """The national path, raised where pinned provinces together grow faster than it (a 2025
    figure well above a province's June 2025 level): its increments are at least theirs."""
    if not pins:
        return national
    base = 0.0 if init is None else float(init.sum())
    need = np.zeros(national.size)
    for i, path in pins.items():
        start = 0.0 if init is None else float(init[i])
        need += np.nan_to_num(np.diff(path, prepend=start), nan=0.0)
    inc = np.maximum(np.diff(national, prepend=base), need)
    return base + np.cumsum(inc)


def national_path(default: np.ndarray, anchors: dict[int, float] | None) -> np.ndarray:
    """`default`, bent to pass through national anchors: scaled before the first, straight lines
    between, and after the last the default's own increments."""
    default = np.floor(default + 1e-9)
    if not anchors:
        return default
    a = {t: v for t, v in anchors.items() if 0 <= t < default.size}
    if not a:
        return default
    path = pin_path(a, np.maximum(default, 1.0))
    last = max(a)
    path[last + 1:] = a[last] + default[last + 1:] - default[last]
    return np.maximum.accumulate(path)


def cumulative_flows(flow: np.ndarray, init: np.ndarray | None = None) -> np.ndarray:
    out = np.cumsum(flow, axis=1)
    return out if init is None else out + init[:, None]
