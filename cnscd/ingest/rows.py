"""The shared pieces of extraction: the context (catalogue, units, scope), the records it
produces, a data row on its way, and column lookups that name a cell in messages."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cnscd.ingest.layout import Layout
from cnscd.ingest.normalize import key
from cnscd.ingest.read import Sheet, col_letter
from cnscd.ingest.resolve import Unit, Units
from cnscd.text import t

# a boundary version in problem messages, both languages (the CSV carries both)
VERSION_LABEL = {v: {"version_vi": t(key, "vi"), "version_en": t(key, "en")}
                 for v, key in {"legacy": "version_legacy", "2025": "version_2025"}.items()}
OTHER = {"legacy": "2025", "2025": "legacy"}


@dataclass
class Context:
    file_name: str
    indicators: dict[str, dict]              # code -> core_indicator row
    units: Units
    allowed: set[tuple[str, str]] | None     # (version, province_code) the editor may write; None = all
    period: tuple[dt.date, dt.date] | None = None
    names: dict[str, str] = field(default_factory=dict)   # key(name_vi) -> code

    ratios: list = field(default_factory=list)             # (code, meta) of rates with both parts known

    def __post_init__(self):
        self.names = {key(r["name_vi"]): c for c, r in self.indicators.items()}
        self.ratios = [(c, m) for c, m in self.indicators.items() if m["aggregation"] == "ratio" and m.get("numerator_code")]


@dataclass
class Extracted:
    observations: list[tuple] = field(default_factory=list)  # unit, version, indicator, start, end, value, sheet, row, col
    targets: list[tuple] = field(default_factory=list)
    totals_rows: int = 0
    data_rows: int = 0


@dataclass
class Row:
    sheet: Sheet
    layout: Layout
    r_no: int
    values: list
    start: dt.date
    end: dt.date
    version: str
    cands: list[Unit]
    name: str


def cell_value(values: list, idx: int | None):
    return values[idx] if idx is not None and idx < len(values) else None


def first_column(layout: Layout, *kinds: str) -> int | None:
    for kind in kinds:
        if kind in layout.first_of:
            return layout.first_of[kind]
    return None



def name_column(layout: Layout) -> int | None:
    return first_column(layout, "unit_name", "commune", "district", "province")


def column_label(layout: Layout, idx: int | None) -> str:
    if idx is None:
        return ""
    return layout.labels[idx] if idx < len(layout.labels) else col_letter(idx)


def province_label(ctx: Context, unit: Unit) -> str:
    p = ctx.units.by_code.get((unit.version, unit.province or ""))
    return p.name if p else (unit.province or "toàn quốc / the nation")
