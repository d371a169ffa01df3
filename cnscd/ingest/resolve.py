"""Unit names and codes as people write them -> core_unit rows of the right boundary version.

'Huyện Cao Lãnh', 'H. Cao Lãnh', 'cao lanh', '873' all work; the type prefix is used to choose
between 'Thành phố Cao Lãnh' and 'Huyện Cao Lãnh' when both exist. A name found in several
places is narrowed by the row's province/district columns, then by the provinces the rest of
the file is about; if still ambiguous the row asks for a code.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from cnscd.ingest.normalize import key

_PREFIXES = [("thanh pho", "thanh pho"), ("tp", "thanh pho"), ("thi xa", "thi xa"), ("tx", "thi xa"),
             ("thi tran", "thi tran"), ("tt", "thi tran"), ("huyen", "huyen"), ("h", "huyen"), ("quan", "quan"),
             ("q", "quan"), ("tinh", "tinh"), ("xa", "xa"), ("x", "xa"), ("phuong", "phuong"), ("p", "phuong"),
             ("dac khu", "dac khu")]
PREFIX_LEVELS = {"tinh": ("province",), "thanh pho": ("province", "district"), "huyen": ("district",),
                 "quan": ("district",), "thi xa": ("district",), "xa": ("commune",), "phuong": ("commune",),
                 "thi tran": ("commune",), "dac khu": ("commune",)}
TOTAL_KEYS = re.compile(r"^(tong|tong cong|cong|tong so|total|grand total|toan tinh|toan huyen|toan thanh pho|"
                        r"toan quoc|tong toan tinh|cong toan tinh|tong cong toan tinh|tong toan huyen)\b")


def split_prefix(k: str) -> tuple[str | None, str]:
    for p, canon in _PREFIXES:
        if k.startswith(p + " ") and len(k) > len(p) + 1:
            return canon, k[len(p) + 1:]
    return None, k


@dataclass(frozen=True)
class Unit:
    version: str
    code: str
    level: str
    name: str
    type_key: str
    parent: str | None
    province: str | None

    def label(self) -> str:
        return f"{self.name} ({self.code})"


class Units:
    def __init__(self, frame: pl.DataFrame):
        self.by_code: dict[tuple[str, str], Unit] = {}
        self.by_full: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self.by_short: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for r in frame.iter_rows(named=True):
            # type and short name are derived from the official full name: short_name may carry a
            # disambiguating suffix ('Cao Lãnh (Thành phố)') that nobody writes in a report
            full = key(r["unit_name"])
            prefix, rest = split_prefix(full)
            u = Unit(r["boundary_version"], r["unit_code"], r["unit_level"], r["unit_name"],
                     prefix or key(r["unit_type"] or ""), r["parent_code"], r["province_code"])
            self.by_code[(u.version, u.code)] = u
            self.by_full[(u.version, full)].append(u)
            shorts = {rest, key(re.sub(r"\s*\(.*\)\s*$", "", r["short_name"] or ""))} - {"", full}
            for s in shorts:
                self.by_short[(u.version, s)].append(u)

    def by_code_text(self, version: str, code_text: str) -> Unit | None:
        text = re.sub(r"\.0$", "", str(code_text).strip())
        if not text:
            return None
        if (version, text) in self.by_code:
            return self.by_code[(version, text)]
        if text.isdigit():
            for width in (2, 3, 5):
                if len(text) < width and (version, text.zfill(width)) in self.by_code:
                    return self.by_code[(version, text.zfill(width))]
        return None

    def candidates(self, version: str, name: str) -> list[Unit]:
        k = key(name)
        if not k:
            return []
        found = self.by_full.get((version, k))
        if found:
            return list(found)
        prefix, rest = split_prefix(k)
        found = list(self.by_short.get((version, rest), []))
        if prefix and found:
            # a wrong type word is forgiven only within its level: 'Huyện Cao Lãnh' must not
            # quietly become 'Phường Cao Lãnh' after the districts were abolished
            typed = [u for u in found if u.type_key == prefix]
            found = typed or [u for u in found if u.level in PREFIX_LEVELS.get(prefix, ())]
        if not found and prefix is None:
            found = list(self.by_short.get((version, k), []))
        return found

    def province_codes(self, version: str, name_or_code) -> set[str]:
        u = self.by_code_text(version, str(name_or_code))
        if u and u.level == "province":
            return {u.code}
        return {c.code for c in self.candidates(version, str(name_or_code)) if c.level == "province"}


def narrow(cands: list[Unit], provinces: set[str] | None = None, district: set[str] | None = None,
           levels: list[str] | None = None) -> list[Unit]:
    """Apply each filter only when it keeps at least one candidate."""
    for keep in (
        (lambda u: u.province in provinces) if provinces else None,
        (lambda u: u.parent in district or u.code in district) if district else None,
    ):
        if keep and len(cands) > 1:
            kept = [u for u in cands if keep(u)]
            cands = kept or cands
    if levels and len(cands) > 1:
        for level in levels:
            kept = [u for u in cands if u.level == level]
            if kept:
                return kept
    return cands
