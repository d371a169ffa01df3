"""The data behind a chart as CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX.

Exactly `meta.data` (less a column that only holds each row's decimals), headers in words
(`meta.label`: the chart's column_labels, else the shared words), numbers as the chart shows them
(`meta.decimals`: a count an integer, a rate to its one decimal), yes/no flags as words. Text cells that a spreadsheet would
read as a formula (first character = + - @, tab or CR) are prefixed with an apostrophe in
both formats (OWASP "CSV injection"); numbers stay numbers, so a negative value is not text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter

from cnscd.charts.meta import ChartMeta
from cnscd.text import t

from . import ExportError

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"int": "#,##0", "dec": "#,##0.0", "pct": "0.0%", "pct100": '0.0"%"', "text": "@"}


def neutralise(value: object) -> object:
    """A text cell starting like a formula gets a leading apostrophe; others pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def column_kind(meta: ChartMeta, column: str) -> str:
    """How a column is formatted: explicit `meta.column_formats`, else inferred from dtype,
    the `_pct` naming rule, and whether a share is written 0–1 or 0–100; a column with
    `meta.decimals` is "int" at 0 decimals and "dec" otherwise (a share keeps its pct kind)."""
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
    if column in meta.decimals:
        return "int" if meta.decimals[column] == 0 else "dec"
    if series.dtype.is_integer():
        return "int"
    whole = series.drop_nulls().drop_nans() if series.dtype.is_float() else series.drop_nulls()
    return "int" if whole.len() == 0 or bool((whole == whole.round(0)).all()) else "dec"


def _decimals(meta: ChartMeta, column: str, kind: str) -> list[int] | int | None:
    """The decimals a column's numbers are written with: `meta.decimals` (one number, or a list per row
    when it names a column of decimals), else by kind (int 0, dec and pct100 1, a 0–1 share 3: 0.1 %)."""
    given = meta.decimals.get(column)
    if isinstance(given, str):
        return [int(d) if d is not None else 0 for d in meta.data[given].to_list()]
    if given is not None:
        return int(given)
    return {"int": 0, "dec": 1, "pct100": 1, "pct": 3}.get(kind)


def rounded(value: object, decimals: int | None) -> object:
    """A number as it is shown: an int at 0 decimals, else rounded to `decimals` (the same rounding as
    cnscd.fmt.number); text, dates and missing values as they are."""
    if decimals is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and value != value:
        return None
    return int(float(f"{value:.0f}")) if decimals == 0 else float(f"{value:.{decimals}f}")


def columns(meta: ChartMeta) -> list[tuple[str, str, str]]:
    """(column, header in words, kind) of each exported column."""
    return [(c, meta.label(c), column_kind(meta, c)) for c in meta.exported_columns]


def table_rows(meta: ChartMeta, frame=None) -> list[list[object]]:
    """`frame` (meta.data or a head of it) as exported values: numbers rounded to the decimals they are
    shown with (see _decimals), yes/no flags as words in the chart's language, the rest as is."""
    frame = meta.data if frame is None else frame
    cols = columns(meta)
    decs = [_decimals(meta, c, kind) for c, _, kind in cols]
    yes, no = t("yes", meta.lang), t("no", meta.lang)
    out = []
    for i, row in enumerate(frame.select([c for c, _, _ in cols]).iter_rows()):
        cells = []
        for value, d in zip(row, decs):
            if isinstance(value, bool):
                cells.append(yes if value else no)
            else:
                cells.append(rounded(value, d[i] if isinstance(d, list) else d))
        out.append(cells)
    return out


def row_decimals(meta: ChartMeta, frame=None) -> list[list[int | None]]:
    """Per row and exported column, the decimals of its number (None for text)."""
    frame = meta.data if frame is None else frame
    cols = columns(meta)
    decs = [_decimals(meta, c, kind) for c, _, kind in cols]
    return [[d[i] if isinstance(d, list) else d for d in decs] for i in range(frame.height)]


def _cell_text(value: object, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and decimals is not None:
        return f"{value:.{decimals}f}"
    return str(neutralise(value))


def to_csv(meta: ChartMeta) -> bytes:
    """UTF-8 with BOM; headers in words; dates dd/mm/yyyy; numbers as shown (a count an integer, a rate
    rounded to its decimals) but unformatted (decimal point, no thousands mark) so any tool reads them."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_cell_text(label) for _, label, _ in columns(meta)])
    for row, decs in zip(table_rows(meta), row_decimals(meta)):
        writer.writerow([_cell_text(v, d) for v, d in zip(row, decs)])
    return (BOM + buf.getvalue()).encode("utf-8")


def _metadata_rows(meta: ChartMeta) -> list[tuple[str, str]]:
    lang = meta.lang
    rows = [
        (t("export_meta_title", lang), meta.title),
        (t("unit_col", lang), meta.unit),
        (t("period", lang), meta.period),
        (t("col_boundary_version", lang), meta.boundary_version),
        (t("source", lang), meta.source),
        (t("export_meta_notes", lang), " · ".join(meta.notes)),
        (t("export_date", lang), dt.date.today().strftime("%d/%m/%Y")),
    ]
    rows += [(t("export_filter", lang, name=k), str(v)) for k, v in meta.filters.items()]
    rows += [(t("export_definition", lang, name=k), v) for k, v in meta.definitions.items()]
    return rows


def number_format(kind: str, decimals: int | None) -> str:
    """The XLSX number format of a kind at `decimals` (None: the kind's own)."""
    if decimals is None or kind == "text":
        return NUMBER_FORMATS[kind]
    places = "." + "0" * decimals if decimals else ""
    if kind == "pct":
        return f"0{'.' + '0' * max(decimals - 2, 0) if decimals > 2 else ''}%"
    if kind == "pct100":
        return f'0{places}"%"'
    return f"#,##0{places}"


def to_xlsx(meta: ChartMeta) -> bytes:
    """A data sheet (bold frozen header, number formats as shown, autofilter) and a metadata sheet."""
    buf = io.BytesIO()
    # strings_to_formulas/urls off: xlsxwriter must never turn a user's text into a formula
    # or a hyperlink; the apostrophe prefix also keeps it inert after a user's re-save.
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "white",
                            "text_wrap": True, "valign": "top", "border": 1})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    fmts: dict[str, object] = {}

    def fmt_of(kind: str, decimals: int | None):
        spec = number_format(kind, decimals)
        if spec not in fmts:
            fmts[spec] = book.add_format({"num_format": spec})
        return fmts[spec]

    sheet = book.add_worksheet(t("export_sheet_data", meta.lang))
    cols = columns(meta)
    rows, decs = table_rows(meta), row_decimals(meta)
    for j, (col, label, kind) in enumerate(cols):
        label = str(neutralise(label))
        sheet.write_string(0, j, label, head)
        sheet.set_column(j, j, min(max(len(label), 10) + 2, 50))
        for i, (row, dec) in enumerate(zip(rows, decs), start=1):
            _write_cell(sheet, i, j, row[j], kind, fmt_of(kind, dec[j]), date_fmt)
    sheet.freeze_panes(1, 0)
    if cols:
        sheet.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)
    about = book.add_worksheet(t("export_sheet_about", meta.lang))
    about.set_column(0, 0, 34)
    about.set_column(1, 1, 90)
    for i, (key, value) in enumerate(_metadata_rows(meta)):
        about.write_string(i, 0, str(neutralise(key)), head)
        about.write_string(i, 1, str(neutralise(value)))
    book.close()
    return buf.getvalue()


def _write_cell(sheet, i, j, value, kind, num_fmt, date_fmt) -> None:
    if value is None or (isinstance(value, float) and value != value):
        sheet.write_blank(i, j, None)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and kind != "text":
        sheet.write_number(i, j, value, num_fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(i, j, value, date_fmt)
    else:
        sheet.write_string(i, j, str(neutralise(str(value))))


def file_name(meta: ChartMeta, fmt: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in meta.name) or "chart"
    return f"{stem}.{fmt}"


MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
__all__ = ["to_csv", "to_xlsx", "neutralise", "column_kind", "columns", "table_rows", "row_decimals",
           "rounded", "number_format", "file_name", "MIME"]
