"""Deterministic demo series (source_id 'demo', is_demo true): monthly, every level, both versions.

Legacy units, March 2022 (guidance 793/BTTTT-THH of 5/3/2022 started the teams) – June 2025:
nation, 63 provinces, 696 districts (the lowest level),
and — team coverage only — the communes of provinces with a commune-level seed figure (Hà Nam,
for Xã Thanh Tâm: data/demo_communes.py). 2025 units, July 2025 – October 2026: nation,
34 provinces, 3,321 communes.

Method (data/demo_alloc.py): every count is a cumulative level at the month's end. A national
path is drawn first, then each month's national *increment* is shared among active provinces
by weight (population^0.9 × a fixed random factor) with largest-remainder rounding, and each
province's increment among its districts/communes the same way — so children sum to parents
exactly and nothing falls. Seed figures (data/seed_figures.csv) are pinned: a unit with a figure
follows its own path through it (its share of the parent before, straight lines between, free
after) and the others share the rest. Which figures are pinned, and why some are not, is in
data/demo_anchors.py; `plan()` lists both. A figure for only part of the family is completed:
a teams total is split at the commune-team share (data/demo_series.team_pins), villages with a
team give as many village teams, communes with a team as many commune teams, and a members
figure with no team figure implies one team per 6 members (Đồng Tháp's pilot: 60 members).

Choices:
- National teams follow the published path (about 2,300 in 4/2022; 27,218 on 14/6/2022 sets June
  2022; 42,469 in Aug 2022; 74,422 in June 2023; 93,524 in Sept 2024), from a quarter of April's
  count in March 2022, then +0.25 %/month. Members likewise (130,487; 208,000; 348,362; before
  June 2022 5.3 per team, as the early provinces' own figures need), then 5.5 per new team and
  +0.15 %/month; new members go to the units furthest below their own members per team, so
  provinces stay within 4–9 (Thanh Hóa's own 15,995 / 4,351 = 3.7 excepted).
- Provinces with teams follow the published counts (seed figures: 34 on 14/6/2022, 49 on 23/8/2022,
  63/63 by June 2023; the demo's own 10, 20, 28 for March–May 2022, linear between): each month
  first the provinces a figure says had started by then (a figure anywhere inside them; the ten
  with teams in every commune by June 2022 by May), then the rest by population rank with noise —
  large provinces usually organised early (Hà Nội from 2022). A pinned province is zero before its
  start and at least 1 from it. A unit too small for any share (under 1,000 people: Trường Sa, 93)
  gets one commune-level team from its start.
- Units with no population row (nobody lives there: Hoàng Sa) get no rows at all.
- Commune-level teams are 8.5 % of teams, at most one per legacy commune; village teams never
  exceed villages. villages_total: 98,455 (MoHA 2020) shared by population, constant; a unit
  reported at 100 % coverage gets exactly as many villages as village teams.
  villages_with_team = min(village teams, villages) at the lowest level, summed upwards.
- Adoption counts grow with team-months (per-team rates calibrated on Đồng Tháp's two-year
  figures); members_trained with members (the national Sept 2022 round of 255,545 is pinned).
- Dossiers are cumulative since the series began, built bottom-up from monthly flows whose
  online share rises from 40–75 % towards 85–99 %. Rates (villages_with_team_pct,
  dossiers_online_pct) are 100 × summed numerator / summed denominator at every level.
- The 2025 reform: each new province starts July 2025 from the sum of its legacy provinces in
  June 2025 (province crosswalk) and grows slowly (teams ≈ +0.1 %/month). The GSO counted 63,619 thôn after the
  mergers (1/7/2025); a real system would consolidate teams, but the demo keeps teams and the
  village denominator continuous (the thôn count excludes tổ dân phố; no per-commune figure),
  and a 2025 commune may hold several commune-level teams of the communes merged into it.
- Missing reports: about 3 % of lowest-level unit-months have no rows, all in about one
  province in five where reporting is weak (never a month with a seed figure). Parents are
  computed before the drop, so they include the unreported unit's value (as a ministry roll-up
  carries the last report forward): parent == sum(children) holds for every month in which all
  children reported.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from data import demo_anchors
from data.demo_communes import legacy_communes
from data.demo_series import DEFAULT_VILLAGES
from data.demo_targets import targets
from data.demo_tree import Tree, make_tree
from data.demo_versions import legacy, reform

SOURCE_ID = "demo"
VERSIONS = {"legacy": (dt.date(2022, 3, 1), 40), "2025": (dt.date(2025, 7, 1), 16)}
LEVELS = {"legacy": ("nation", "province", "district", "commune"), "2025": ("nation", "province", "commune")}
LOWEST = {"legacy": "district", "2025": "commune"}
HINTS = ("communes_with_team",)
MISSING_SHARE = 0.03     # of lowest-level unit-months ...
WEAK_PROVINCES = 0.2     # ... all in about one province in five (reporting is weak in some places)
OBS_COLUMNS = ["unit_code", "boundary_version", "indicator_code", "period_start", "period_end", "granularity",
               "value", "source_id", "quote_vi", "is_demo", "batch_id"]
TARGET_COLUMNS = ["unit_code", "boundary_version", "indicator_code", "period_start", "period_end", "target_value",
                  "source_id", "quote_vi", "is_demo", "batch_id"]


def plan(seed_figures: pl.DataFrame) -> dict[str, tuple[list[demo_anchors.Anchor], list[tuple[str, str]]]]:
    """Per version: (seed figures the series passes through, [(figure_id, why not)])."""
    return {v: demo_anchors.collect(seed_figures, v, start, months, LEVELS[v], LOWEST[v], HINTS)
            for v, (start, months) in VERSIONS.items()}


def generate(units: pl.DataFrame, population: pl.DataFrame, seed_figures: pl.DataFrame, seed: int = 20220630,
             crosswalk: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(observations, targets) with the columns of core_observation / core_target."""
    if crosswalk is None:
        from data.units import load_crosswalk
        crosswalk = load_crosswalk()
    rng = np.random.default_rng(seed)
    anchors = plan(seed_figures)
    trees = {v: make_tree(units, population, v, *VERSIONS[v]) for v in VERSIONS}
    old_tree, new_tree = trees["legacy"], trees["2025"]
    lu = units.filter(pl.col("boundary_version") == "legacy")
    province_of = dict(lu.select("unit_code", "province_code").iter_rows())
    district_of = dict(lu.filter(pl.col("unit_level") == "commune").select("unit_code", "parent_code").iter_rows())
    old = legacy(old_tree, anchors["legacy"][0], province_of, district_of, _active_provinces(seed_figures),
                 _villages(seed_figures), rng)
    communes = legacy_communes(units, population, old_tree, old, anchors["legacy"][0], rng)
    prov_map = dict(crosswalk.filter(pl.col("unit_level") == "province").select("from_code", "to_code").iter_rows())
    to_new = np.array([new_tree.prov_index[prov_map[c]] for c in old_tree.prov])
    new = reform(new_tree, old, to_new, anchors["2025"][0], rng)
    obs, tgt = [], []
    for version, series in (("legacy", old), ("2025", new)):
        tree = trees[version]
        full = _derived(tree, series)
        extra = communes if version == "legacy" else None
        with_communes = set(units.filter(pl.col("boundary_version") == "legacy").filter(
            pl.col("unit_code").is_in(extra[0] if extra else []))["province_code"].to_list())
        missing = _missing(tree, anchors[version][0], rng, with_communes)
        obs.append(_rows(tree, full, missing, extra))
        tgt.append(targets(tree, {k: v[2] for k, v in full.items()}, rng))
    observations = pl.concat(obs).with_columns(
        granularity=pl.lit("month"), source_id=pl.lit(SOURCE_ID), quote_vi=pl.lit(None, pl.String),
        is_demo=pl.lit(True), batch_id=pl.lit(None, pl.String)).select(OBS_COLUMNS)
    target_frame = pl.concat(tgt).with_columns(
        target_value=pl.col("target_value").cast(pl.Float64), source_id=pl.lit(SOURCE_ID),
        quote_vi=pl.lit(None, pl.String), is_demo=pl.lit(True), batch_id=pl.lit(None, pl.String)).select(TARGET_COLUMNS)
    return observations, target_frame


def _villages(figures: pl.DataFrame) -> float:
    f = figures.filter((pl.col("indicator_code") == "villages_total") & (pl.col("unit_code") == "VN")
                       & (pl.col("record") == "observation") & (pl.col("boundary_version") == "legacy"))
    return float(f.sort("period_end")["value"][-1]) if f.height else float(DEFAULT_VILLAGES)


def _active_provinces(figures: pl.DataFrame) -> dict[dt.date, float]:
    """Published national counts of provinces with teams, by month (34 in 6/2022, 49 in 8/2022 ...)."""
    f = figures.filter((pl.col("indicator_code") == "provinces_with_teams") & (pl.col("unit_code") == "VN")
                       & (pl.col("record") == "observation") & (pl.col("boundary_version") == "legacy"))
    return {d.replace(day=1): float(v) for d, v in f.select("period_end", "value").iter_rows()}


def _derived(tree: Tree, s: dict) -> dict[str, tuple]:
    """Add totals and villages with a team (computed at the lowest level, summed upwards)."""
    out = dict(s)
    out["teams_total"] = tuple(a + b for a, b in zip(s["teams_village"], s["teams_commune"]))
    vwt = np.minimum(s["teams_village"][2], s["villages_total"][2])
    prov = np.zeros((len(tree.prov), tree.months), np.int64)
    np.add.at(prov, tree.low_group, vwt)
    out["villages_with_team"] = (vwt.sum(0), prov, vwt)
    return out


def _missing(tree: Tree, anchors: list[demo_anchors.Anchor], rng: np.random.Generator,
             keep: set[str]) -> np.ndarray:
    """Lowest-level unit-months without a report (none in provinces in `keep`)."""
    weak = (rng.random(len(tree.prov)) < WEAK_PROVINCES) & ~np.isin(tree.prov, sorted(keep))
    in_weak = weak[tree.low_group]
    p = min(MISSING_SHARE * len(tree.low) / max(in_weak.sum(), 1), 0.35)
    miss = (rng.random((len(tree.low), tree.months)) < p) & in_weak[:, None]
    for a in anchors:
        if a.unit_level == tree.low_level and a.unit_code in tree.low_index and 0 <= a.month < tree.months:
            miss[tree.low_index[a.unit_code], a.month] = False
    return miss


RATIOS = {"villages_with_team_pct": ("villages_with_team", "villages_total"),
          "dossiers_online_pct": ("dossiers_online", "dossiers_total")}


def _rows(tree: Tree, series: dict[str, tuple], missing: np.ndarray, communes=None) -> pl.DataFrame:
    codes = np.array(["VN", *tree.prov, *tree.low])
    keep = np.concatenate([np.ones((1 + len(tree.prov), tree.months), bool), ~missing]).ravel()
    parts = [_long(tree, codes, {k: np.concatenate([v[0][None, :], v[1], v[2]]) for k, v in series.items()}, keep)]
    if communes is not None:
        c_codes, c = communes
        c = dict(c, teams_total=c["teams_village"] + c["teams_commune"],
                 villages_with_team=np.minimum(c["teams_village"], c["villages_total"]))
        parts.append(_long(tree, np.array(c_codes), c, np.ones(len(c_codes) * tree.months, bool)))
    return pl.concat(parts)


def _long(tree: Tree, codes: np.ndarray, arrays: dict[str, np.ndarray], keep: np.ndarray) -> pl.DataFrame:
    """Long rows (unit, indicator, month, value) from [units, months] arrays; rates from sums."""
    months = tree.months
    unit_col, month_col = np.repeat(codes, months)[keep], np.tile(np.arange(months), codes.size)[keep]
    stacked = {k: v.astype(float).ravel()[keep] for k, v in arrays.items()}
    for code, (num, den) in RATIOS.items():
        if num in stacked and den in stacked:
            with np.errstate(divide="ignore", invalid="ignore"):
                stacked[code] = np.where(stacked[den] > 0, 100.0 * stacked[num] / stacked[den], np.nan)
    frames = [pl.DataFrame({"unit_code": unit_col, "month": month_col, "value": v, "indicator_code": k})
              for k, v in stacked.items()]
    ends = tree.month_ends()
    months_frame = pl.DataFrame({"month": np.arange(months), "period_end": ends,
                                 "period_start": [d.replace(day=1) for d in ends]})
    return (pl.concat(frames).filter(pl.col("value").is_not_nan())
            .join(months_frame, on="month").drop("month").with_columns(boundary_version=pl.lit(tree.version)))
