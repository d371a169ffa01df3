"""The figures behind a chart as a compact plain-text table, for speaker notes and reports.

Numbers use the language's separators (vi: 1.234,5; en: 1,234.5) and dates dd/mm/yyyy, so
a presenter can read the exact values aloud; long frames are cut with a line saying so.
"""
from __future__ import annotations

import datetime as dt

from cnscd.charts.meta import ChartMeta
from cnscd.fmt import number, pct
from cnscd.text import t

MAX_ROWS = 40
MAX_CELL = 28


def cell(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, float):
        return number(value, lang, 0 if value.is_integer() else (1 if abs(value) >= 10 else 2))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())   # tabs / newlines would break the columns
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _kinded(value: object, kind: str, decimals: int | None, lang: str) -> str:
    """A share as a percentage (0–1 → ×100); a number with the decimals it is shown with; the rest
    through cell()."""
    if kind in ("pct", "pct100") and isinstance(value, (int, float)) and value == value:
        return pct(value * (100 if kind == "pct" else 1), lang, 1)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and decimals is not None and value == value:
        return number(value, lang, decimals)
    return cell(value, lang)


def rows(meta: ChartMeta, frame) -> list[list[str]]:
    """`frame` (meta.data or a head of it) as display strings: the exported values (export.tables:
    counts whole, rates to their decimals, flags as words), shares as percentages."""
    from .tables import columns, row_decimals, table_rows   # tables owns the export rules

    kinds = [k for _, _, k in columns(meta)]
    return [[_kinded(v, k, d, meta.lang) for v, k, d in zip(row, kinds, decs)]
            for row, decs in zip(table_rows(meta, frame), row_decimals(meta, frame))]


def headers(meta: ChartMeta) -> list[str]:
    from .tables import columns

    return [label for _, label, _ in columns(meta)]


def text_table(meta: ChartMeta, max_rows: int = MAX_ROWS) -> str:
    """Header, rule, rows; numeric columns right-aligned."""
    frame = meta.data
    if frame.width == 0:
        return t("export_no_data", meta.lang)
    shown = frame.head(max_rows)
    heads = headers(meta)
    body = rows(meta, shown)
    widths = [max([len(h)] + [len(r[j]) for r in body]) for j, h in enumerate(heads)]
    numeric = [frame[c].dtype.is_numeric() for c in meta.exported_columns]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)] + [line(r) for r in body]
    if frame.height > max_rows:
        more = frame.height - max_rows
        out.append(t("export_more_rows", meta.lang, n=more))
    return "\n".join(out)


def summary(meta: ChartMeta) -> str:
    """Title, subtitle, source and warnings: the words around the table."""
    parts = [meta.title, meta.subtitle, meta.source_line, *meta.notes]
    return "\n".join(p for p in parts if p)
