"""The data behind a chart as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX.

Exactly `meta.data`, headers from `meta.column_labels`. Text cells that a spreadsheet would
read as a formula (first character = + - @, tab or CR) are prefixed with an apostrophe in
both formats (OWASP "CSV injection"); numbers stay numbers, so a negative value is not text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter

from cnscd.charts.meta import ChartMeta

from . import ExportError

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"int": "#,##0", "dec": "#,##0.0", "pct": "0.0%", "pct100": '0.0"%"', "text": "@"}
SHEET_DATA = {"vi": "Dữ liệu", "en": "Data"}
SHEET_META = {"vi": "Thông tin", "en": "About"}


def neutralise(value: object) -> object:
    """A text cell starting like a formula gets a leading apostrophe; others pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def column_kind(meta: ChartMeta, column: str) -> str:
    """How a column is formatted: explicit `meta.column_formats`, else inferred from dtype,
    the `_pct` naming rule, and whether a share is written 0–1 or 0–100."""
    if column in meta.column_formats:
        kind = meta.column_formats[column]
        if kind not in NUMBER_FORMATS:
            raise ExportError(f"Định dạng cột {column!r} không hợp lệ: {kind!r} / "
                              f"invalid format for column {column!r}: {kind!r} ({sorted(NUMBER_FORMATS)})")
        return kind
    series = meta.data[column]
    if not series.dtype.is_numeric():
        return "text"
    if column.endswith("_pct") or column.endswith("_share"):
        top = series.abs().max()
        return "pct" if top is None or top <= 1.0 else "pct100"
    if series.dtype.is_integer():
        return "int"
    whole = series.drop_nulls().drop_nans() if series.dtype.is_float() else series.drop_nulls()
    return "int" if whole.len() == 0 or bool((whole == whole.round(0)).all()) else "dec"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(neutralise(value))


def to_csv(meta: ChartMeta) -> bytes:
    """UTF-8 with BOM; dates dd/mm/yyyy; numbers unformatted (decimal point) so any tool can
    read them back."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_cell_text(meta.label(c)) for c in meta.data.columns])
    for row in meta.data.iter_rows():
        writer.writerow([_cell_text(v) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def _metadata_rows(meta: ChartMeta) -> list[tuple[str, str]]:
    vi = meta.lang == "vi"
    rows = [
        ("Tiêu đề" if vi else "Title", meta.title),
        ("Đơn vị" if vi else "Unit", meta.unit),
        ("Kỳ" if vi else "Period", meta.period),
        ("Phiên bản ranh giới" if vi else "Boundary version", meta.boundary_version),
        ("Nguồn" if vi else "Source", meta.source),
        ("Ghi chú" if vi else "Notes", " · ".join(meta.notes)),
        ("Ngày xuất" if vi else "Exported", dt.date.today().strftime("%d/%m/%Y")),
    ]
    rows += [(("Bộ lọc: " if vi else "Filter: ") + k, str(v)) for k, v in meta.filters.items()]
    rows += [(("Định nghĩa: " if vi else "Definition: ") + k, v) for k, v in meta.definitions.items()]
    rows += [(("Cột: " if vi else "Column: ") + meta.label(c), c) for c in meta.data.columns]
    return rows


def to_xlsx(meta: ChartMeta) -> bytes:
    """A data sheet (bold frozen header, number formats, autofilter) and a metadata sheet."""
    buf = io.BytesIO()
    # strings_to_formulas/urls off: xlsxwriter must never turn a user's text into a formula
    # or a hyperlink; the apostrophe prefix also keeps it inert after a user's re-save.
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "white",
                            "text_wrap": True, "valign": "top", "border": 1})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    fmts = {k: book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
    sheet = book.add_worksheet(SHEET_DATA[meta.lang])
    frame = meta.data
    for j, col in enumerate(frame.columns):
        kind = column_kind(meta, col)
        label = str(neutralise(meta.label(col)))
        sheet.write_string(0, j, label, head)
        sheet.set_column(j, j, min(max(len(label), 10) + 2, 50))
        for i, value in enumerate(frame[col].to_list(), start=1):
            _write_cell(sheet, i, j, value, kind, fmts, date_fmt)
    sheet.freeze_panes(1, 0)
    if frame.width:
        sheet.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
    about = book.add_worksheet(SHEET_META[meta.lang])
    about.set_column(0, 0, 34)
    about.set_column(1, 1, 90)
    for i, (key, value) in enumerate(_metadata_rows(meta)):
        about.write_string(i, 0, str(neutralise(key)), head)
        about.write_string(i, 1, str(neutralise(value)))
    book.close()
    return buf.getvalue()


def _write_cell(sheet, i, j, value, kind, fmts, date_fmt) -> None:
    if value is None or (isinstance(value, float) and value != value):
        sheet.write_blank(i, j, None)
    elif isinstance(value, bool):
        sheet.write_boolean(i, j, value)
    elif isinstance(value, (int, float)) and kind != "text":
        sheet.write_number(i, j, value, fmts[kind])
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(i, j, value, date_fmt)
    else:
        sheet.write_string(i, j, str(neutralise(str(value))))


def file_name(meta: ChartMeta, fmt: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in meta.name) or "chart"
    return f"{stem}.{fmt}"


MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
__all__ = ["to_csv", "to_xlsx", "neutralise", "column_kind", "file_name", "MIME"]
