"""Which seed figures the demo series must pass through (data/demo.py), and which it cannot.

An anchor is an observation of a core indicator, at a unit and level the demo generates, whose
period lies within one month (a point date or a month). It is placed at the month containing
its date. Figures up to three months before the series starts are placed at its first month, as
a floor the unit has reached by then (the series opens in March 2022 with the programme, so no
seed figure is that early; MoHA's 2020 village count is read separately as villages_total).
Skipped, with the reason recorded: spans (a year's flow such as dossiers of 2023), dates after
the series, and a figure that would make a cumulative count fall (Thanh Hóa's "trên 14.000"
members of May 2025 after 15,995 in October 2024: the approximate one of the pair gives way).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from cnscd.months import index as month_index

CORE = (
    "teams_village", "teams_commune", "teams_total", "members", "members_trained", "villages_total",
    "villages_with_team", "villages_with_team_pct", "vneid_activations", "ewallet_installs", "shops_epayment",
    "people_guided_dvc", "payment_dossiers_online", "dossiers_total", "dossiers_online", "dossiers_online_pct",
)
RATIOS = ("villages_with_team_pct", "dossiers_online_pct")
PRE_RANGE_MONTHS = 3


@dataclass(frozen=True)
class Anchor:
    figure_id: str
    unit_code: str
    unit_level: str
    indicator_code: str
    month: int          # index from the series' first month; < 0 only for the nation
    value: float
    is_approximate: bool


def collect(figures: pl.DataFrame, version: str, start: dt.date, months: int, levels: tuple[str, ...],
            lowest: str, extra: tuple[str, ...] = ()) -> tuple[list[Anchor], list[tuple[str, str]]]:
    """(anchors kept, [(figure_id, reason)] skipped) for one boundary version.

    `lowest` is the lowest level with every indicator (legacy communes below it carry team
    coverage only); `extra` lists non-core codes read as hints (communes_with_team ->
    commune-level teams). Rates are pinned only where the method can: a 100 % village coverage
    (villages_total set to the unit's village teams) and a dossier rate at the lowest level.
    """
    f = figures.filter((pl.col("record") == "observation") & (pl.col("boundary_version") == version)
                       & pl.col("indicator_code").is_in(list(CORE) + list(extra)))
    kept: list[Anchor] = []
    skipped: list[tuple[str, str]] = []
    for r in f.sort("period_end", "figure_id").iter_rows(named=True):
        fid = r["figure_id"]
        if r["unit_level"] not in levels:
            skipped.append((fid, f"level {r['unit_level']} not generated"))
            continue
        if month_index(r["period_start"], start) != month_index(r["period_end"], start):
            skipped.append((fid, "span longer than a month (a flow, not a level)"))
            continue
        m = month_index(r["period_end"], start)
        if m >= months:
            skipped.append((fid, "after the series"))
            continue
        if m < -PRE_RANGE_MONTHS or (m < 0 and r["unit_level"] != "nation" and r["indicator_code"] in RATIOS):
            skipped.append((fid, "before the series"))
            continue
        if m < 0 and r["unit_level"] != "nation":
            m = 0
        why = _unsupported(r["indicator_code"], r["unit_level"], float(r["value"]), levels, lowest)
        if why:
            skipped.append((fid, why))
            continue
        kept.append(Anchor(fid, r["unit_code"], r["unit_level"], r["indicator_code"], m, float(r["value"]),
                           bool(r["is_approximate"])))
    return _monotone(kept, skipped)


COMMUNE_CODES = ("teams_village", "teams_commune", "teams_total", "members", "villages_total", "villages_with_team",
                 "villages_with_team_pct", "communes_with_team")


def _unsupported(code: str, level: str, value: float, levels: tuple[str, ...], lowest: str) -> str | None:
    if levels.index(level) > levels.index(lowest) and code not in COMMUNE_CODES:
        return "legacy communes carry team coverage only (teams, members, villages)"
    if code in ("dossiers_total", "dossiers_online") or (code == "dossiers_online_pct" and level != lowest):
        return "dossier series are built bottom-up from monthly flows; pinned only as a lowest-level rate"
    if code == "villages_with_team_pct" and (value < 99.95 or level == "nation"):
        return "a village coverage below 100 % has no unique village count to pin"
    return None


def _monotone(anchors: list[Anchor], skipped: list[tuple[str, str]]):
    """Drop figures that would make a cumulative count fall (or two values in one month)."""
    by_key: dict[tuple[str, str], list[Anchor]] = {}
    for a in anchors:
        by_key.setdefault((a.unit_code, a.indicator_code), []).append(a)
    kept: list[Anchor] = []
    for (_, code), items in by_key.items():
        items.sort(key=lambda a: (a.month, a.figure_id))
        chosen: list[Anchor] = []
        for a in items:
            last = chosen[-1] if chosen else None
            conflict = last is not None and (a.month == last.month or (code not in RATIOS and a.value < last.value))
            if not conflict:
                chosen.append(a)
                continue
            loser = a if (a.is_approximate or not last.is_approximate) else last
            if loser is last:
                chosen[-1] = a
            skipped.append((loser.figure_id, f"conflicts with {(a if loser is last else last).figure_id} "
                                             "(a cumulative count cannot fall)"))
        kept += chosen
    return sorted(kept, key=lambda a: (a.unit_code, a.indicator_code, a.month)), skipped


def by_unit(anchors: list[Anchor], code: str, level: str) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for a in anchors:
        if a.indicator_code == code and a.unit_level == level:
            out.setdefault(a.unit_code, {})[a.month] = a.value
    return out
