"""Names that say which unit they are: the one place a unit's shown label is computed.

Đồng Tháp (legacy 87) had Thành phố Cao Lãnh (866) and Huyện Cao Lãnh (873): a chart whose category
is the short name "Cao Lãnh" merges them. Two labels per unit, stored in core_unit at build:

- `display_name`: the short name, unique among the units of the same version and level inside one
  province (provinces: inside the version). Where two share a short name the type abbreviation is
  added to each ("TP. Cao Lãnh", "H. Cao Lãnh"); where that still collides (two legacy communes of
  the same name and type in different districts) the district's label follows ("X. Tân Hòa
  (H. Châu Thành)"). Used by charts and tables inside one province.
- `display_name_full`: the official name, the same disambiguation, then the province for a district
  or commune ("Huyện Cao Lãnh, Đồng Tháp"): unique in the whole version, for national maps.

Names are compared NFC, case-folded ("AYun" and "Ayun" are one name to a reader); names that differ
by a diacritic (Văn Lang / Văn Lăng) are different names and are left as they are. A collision that
survives all of this gets the code in brackets, so a label is never ambiguous.
Pure: a units frame in (data/units.py UNIT_COLUMNS), the same frame with both columns out.
"""
from __future__ import annotations

import unicodedata
from collections import Counter

import polars as pl

# GSO's usual abbreviations of the unit types (data/units.py UNIT_TYPES).
ABBREVIATIONS = {"Thành phố": "TP.", "Thị xã": "TX.", "Quận": "Q.", "Huyện": "H.", "Đặc khu": "ĐK.",
                 "Phường": "P.", "Thị trấn": "TT.", "Xã": "X.", "Tỉnh": "T."}
CHILD_LEVELS = ("district", "commune")


def name_key(text: str) -> str:
    """How a reader compares two names: same letters and diacritics, whatever the case or spacing."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def typed(short: str, unit_type: str | None) -> str:
    """'H. Cao Lãnh'; a numbered unit already carries its type ('Phường 1', 'Quận 3')."""
    abbr = ABBREVIATIONS.get(unit_type or "")
    if not abbr or name_key(short).startswith(name_key(unit_type or "")):
        return short
    return f"{abbr} {short}"


def _scope(row: dict) -> tuple:
    level = row["unit_level"]
    return (row["boundary_version"], level, row["province_code"] if level in CHILD_LEVELS else None)


def _unique(labels: dict[tuple, str], scope_of: dict[tuple, tuple], fix) -> dict[tuple, str]:
    """Apply `fix(unit, label)` to every unit whose label collides inside its scope."""
    counts = Counter((scope_of[u], name_key(lab)) for u, lab in labels.items())
    return {u: (fix(u, lab) if counts[(scope_of[u], name_key(lab))] > 1 else lab) for u, lab in labels.items()}


def _disambiguate(first: dict[tuple, str], scope_of: dict[tuple, tuple], rows: dict[tuple, dict],
                  parent_label: dict[tuple, str], with_type: bool) -> dict[tuple, str]:
    labels = first
    if with_type:
        labels = _unique(labels, scope_of, lambda u, lab: typed(lab, rows[u]["unit_type"]))

    def add_parent(u, lab):
        r = rows[u]
        parent = parent_label.get((r["boundary_version"], r["parent_code"]))
        # a 2025 commune's parent is its province: naming it would not tell two communes apart
        return f"{lab} ({parent})" if parent and r["parent_code"] != r["province_code"] else lab
    labels = _unique(labels, scope_of, add_parent)
    return _unique(labels, scope_of, lambda u, lab: f"{lab} [{u[1]}]")


def with_display_names(units: pl.DataFrame) -> pl.DataFrame:
    """`units` plus `display_name` and `display_name_full` (see the module doc)."""
    order = {"nation": 0, "province": 1, "district": 2, "commune": 3}
    rows = {(r["boundary_version"], r["unit_code"]): r for r in units.iter_rows(named=True)}
    display: dict[tuple, str] = {}
    full: dict[tuple, str] = {}
    for level in sorted({r["unit_level"] for r in rows.values()}, key=lambda lv: order.get(lv, 9)):
        mine = {u: r for u, r in rows.items() if r["unit_level"] == level}
        scope_of = {u: _scope(r) for u, r in mine.items()}
        display |= _disambiguate({u: r["short_name"] for u, r in mine.items()}, scope_of, mine, display, True)
        official = _disambiguate({u: r["unit_name"] for u, r in mine.items()}, scope_of, mine, display, False)
        for u, r in mine.items():
            prov = display.get((r["boundary_version"], r["province_code"]))
            full[u] = f"{official[u]}, {prov}" if level in CHILD_LEVELS and prov else official[u]
    keys = list(zip(units["boundary_version"], units["unit_code"]))
    return units.with_columns(display_name=pl.Series([display[k] for k in keys], dtype=pl.String),
                              display_name_full=pl.Series([full[k] for k in keys], dtype=pl.String))


__all__ = ["ABBREVIATIONS", "name_key", "typed", "with_display_names"]
