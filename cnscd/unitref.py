"""A unit is (boundary version, code): code 82 is legacy Tiền Giang and also 2025 Đồng Tháp.

`UnitRef` is the one place a unit reference is parsed and written: URL text `2025:82`, `legacy:87`
(the editor scopes of cnscd.store.auth write 2025 provinces the same way) and `VN` for the nation, which
needs no version. An old link's bare code (`unit=87`) is read in the version the caller names (the
version of the page's period).

`cross` moves a unit to another boundary version through the province crosswalk (the rule is in
queries/map_province_successor.sql); `lineage` says what a province is made of or became, for the
caption a page shows beside a merged province. Both take a `query(name, **params)` callable, so they
run cached in the app (`cnscd.ui.cache.view`) and plain in tests. No Streamlit here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

import polars as pl

Query = Callable[..., pl.DataFrame]
NATION_CODE = "VN"
_TEXT = re.compile(r"^(?:(?P<version>[A-Za-z0-9_]+):)?(?P<code>\d{2,5}|VN)$")


class UnitRefError(ValueError):
    """Text that is not a unit reference."""


@dataclass(frozen=True)
class UnitRef:
    version: str | None  # None only for the nation
    code: str

    @classmethod
    def parse(cls, text: str, version: str | None = None) -> "UnitRef":
        """`2025:82` / `legacy:87` / `VN`; a bare code (an old link's `82`) is read in `version`."""
        m = _TEXT.match(str(text).strip())
        if m is None:
            raise UnitRefError(text)
        if m["code"] == NATION_CODE:
            return NATION
        v = m["version"] or version
        if v is None:
            raise UnitRefError(text)
        return cls(v, m["code"])

    @classmethod
    def of(cls, value: Any, version: str | None = None) -> "UnitRef":
        """A UnitRef as is, else parsed text (so a widget given a bare code in a test still works)."""
        return value if isinstance(value, UnitRef) else cls.parse(str(value), version)

    @staticmethod
    def is_bare(text: str) -> bool:
        """An old link's code with no version (the nation is never bare: it has no version)."""
        return ":" not in str(text) and str(text).strip() != NATION_CODE

    @property
    def is_nation(self) -> bool:
        return self.code == NATION_CODE

    def __str__(self) -> str:
        return NATION_CODE if self.is_nation else f"{self.version}:{self.code}"


NATION = UnitRef(None, NATION_CODE)


def cross(query: Query, ref: UnitRef, to_version: str) -> UnitRef | None:
    """`ref` in `to_version`: itself when already there or the nation, else its successor / chosen
    predecessor through the province crosswalk; None when it has no mapping."""
    if ref.is_nation or ref.version == to_version:
        return ref
    rows = query("map_province_successor", from_version=ref.version, code=ref.code, to_version=to_version)
    return UnitRef(to_version, rows["unit_code"][0]) if rows.height else None


@dataclass(frozen=True)
class Part:
    ref: UnitRef
    name: str
    same_name: bool  # shares its name with the merged province ("Đồng Tháp cũ")


@dataclass(frozen=True)
class Lineage:
    """A province and the merger it is part of. For a province of today's version, `merged` is that
    province; for an older one, the province it went into. `parts` are the merged province's
    predecessors by code; `valid_to` / `valid_from` the last day of the old boundaries and the first
    of the new (30/6/2025, 1/7/2025)."""
    ref: UnitRef
    name: str
    merged: Part
    parts: tuple[Part, ...]
    valid_to: dt.date | None
    valid_from: dt.date | None

    @property
    def is_merger(self) -> bool:
        return len(self.parts) > 1

    @property
    def is_new(self) -> bool:
        return self.ref == self.merged.ref


def lineage(query: Query, *, version: str, code: str) -> Lineage | None:
    """What province `(version, code)` is made of (a 2025 province) or became (a legacy one); None for
    the nation or a unit the province crosswalk does not know."""
    cw = query("province_crosswalk")
    ref = UnitRef(version, code)
    rows = cw.filter((pl.col("to_version") == version) & (pl.col("to_code") == code))
    if rows.height == 0:
        up = cw.filter((pl.col("from_version") == version) & (pl.col("from_code") == code))
        if up.height == 0:
            return None
        # a legacy province of more than one successor has none at province level; the largest wins
        top = up.sort("weight", "to_code", descending=[True, False]).row(0, named=True)
        rows = cw.filter((pl.col("to_version") == top["to_version"]) & (pl.col("to_code") == top["to_code"]))
    first = rows.row(0, named=True)
    merged = Part(UnitRef(first["to_version"], first["to_code"]), first["to_name"], False)
    parts = tuple(Part(UnitRef(r["from_version"], r["from_code"]), r["from_name"], r["from_name"] == merged.name)
                  for r in rows.sort("from_code").iter_rows(named=True))
    name = merged.name if ref == merged.ref else next(p.name for p in parts if p.ref == ref)
    bv = query("boundary_versions")
    dates = dict(zip(bv["boundary_version"], bv["valid_from_date"]))
    ends = dict(zip(bv["boundary_version"], bv["valid_to_date"]))
    return Lineage(ref, name, merged, parts, ends.get(first["from_version"]), dates.get(first["to_version"]))


# ---- words -------------------------------------------------------------------------------------------
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def day_text(d: dt.date | None, lang: str) -> str:
    """1/7/2025 (vi) or 1 July 2025 (en): the way the reform's date is written in running text."""
    if d is None:
        return "–"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}" if lang == "en" else f"{d.day}/{d.month}/{d.year}"


def part_name(part: Part, lang: str) -> str:
    """A predecessor's name; the one that shares the merged province's name is the former one."""
    if not part.same_name:
        return part.name
    from cnscd.text import t

    return t("unit_former_name", lang, name=part.name)


def place_name(lin: Lineage | None, name: str, lang: str) -> str:
    """The heading name of a province: a province in a merger says which side of 1/7/2025 it is on
    ("Đồng Tháp (từ 1/7/2025)", "Tiền Giang (đến 30/6/2025)"); any other keeps its plain name."""
    from cnscd.text import t

    if lin is None or not lin.is_merger:
        return name
    if lin.is_new:
        return t("unit_new_name", lang, name=name, date=day_text(lin.valid_from, lang))
    return t("unit_old_name", lang, name=name, date=day_text(lin.valid_to, lang))


def _and(names: list[str], lang: str) -> str:
    from cnscd.text import t

    word = t("word_and", lang)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def made_of(lin: Lineage | None, lang: str) -> str | None:
    """'Đồng Tháp (từ 1/7/2025) gồm Tiền Giang và Đồng Tháp cũ' for a merged province, or for one of its
    predecessors 'Tiền Giang (đến 30/6/2025) nay thuộc Đồng Tháp (từ 1/7/2025), cùng Đồng Tháp cũ';
    None for a province the reform left whole."""
    from cnscd.text import t

    if lin is None or not lin.is_merger:
        return None
    new = t("unit_new_name", lang, name=lin.merged.name, date=day_text(lin.valid_from, lang))
    if lin.is_new:
        return t("unit_made_of", lang, new=new, parts=_and([part_name(p, lang) for p in lin.parts], lang))
    me = next(p for p in lin.parts if p.ref == lin.ref)
    old = t("unit_old_name", lang, name=part_name(me, lang), date=day_text(lin.valid_to, lang))
    others = _and([part_name(p, lang) for p in lin.parts if p.ref != lin.ref], lang)
    return t("unit_part_of", lang, old=old, new=new, others=others)
