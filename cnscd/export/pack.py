"""A briefing pack in plain parts (cover, cards, sentences, charts, tables), so one pack is written both
as a 16:9 deck (slides.build_pack) and as an A4 report (report.build_pack): every part is display text
already formatted by the caller (cnscd.brief), so the two files show the same numbers character for
character. The pack carries one fixed date (`stamp`, the warehouse's build time), which every file's
metadata takes: the same inputs give the same bytes. Pure: no Streamlit, no data access.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Union

import plotly.graph_objects as go

from cnscd.charts.meta import ChartMeta

from . import ExportError


@dataclass(frozen=True)
class Card:
    """One headline card: label, value, its unit, and the lines under it (changes, target)."""
    label: str
    value: str
    unit: str = ""
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cards:
    title: str
    cards: tuple[Card, ...]
    note: str = ""


@dataclass(frozen=True)
class Sentences:
    title: str
    lines: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Table:
    """Header and rows as display text; `numeric` right-aligns a column; `note` is printed under it."""
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    note: str = ""

    def __post_init__(self) -> None:
        widths = {len(self.headers), len(self.numeric), *(len(r) for r in self.rows)}
        if len(widths) != 1:
            raise ExportError(f"Bảng '{self.title}': số cột không khớp {sorted(widths)} / "
                              f"table '{self.title}': column counts differ {sorted(widths)}")


@dataclass(frozen=True)
class Chart:
    fig: go.Figure
    meta: ChartMeta


Part = Union[Cards, Sentences, Table, Chart]


@dataclass(frozen=True)
class Pack:
    title: str                       # "Bản tin tháng 10/2026 — Đồng Tháp (từ 1/7/2025)"
    cover_lines: tuple[str, ...]     # boundary version, period, data date ...
    parts: tuple[Part, ...]
    sources: tuple[str, ...]
    notice: str                      # the demo notice, on every page / slide ("" = none)
    stamp: dt.datetime               # the one date every file's metadata carries
    lang: str = "vi"
    footer: str = ""
    charts: tuple[Chart, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "charts", tuple(p for p in self.parts if isinstance(p, Chart)))


def chunks(rows: tuple, size: int) -> list[tuple]:
    """Rows in pages of `size` (at least one page, so an empty table still shows its header)."""
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [()]


ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """The same zip (an OOXML package) with every member dated ZIP_DATE: python-pptx stamps members
    with the wall clock, which would make two builds of one pack differ."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


__all__ = ["Card", "Cards", "Sentences", "Table", "Chart", "Part", "Pack", "chunks", "fixed_zip"]
