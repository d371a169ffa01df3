"""Read an accepted file into sheets of rows (Excel row numbers kept), refusing active content.

A percent-formatted number becomes the text '141.6%' so it parses the same way as typed text.
Formula cells, overlong cells and HTML/script in cells become problems naming the cell; the
offending text never travels further than a shortened copy in the message.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from cnscd import fmt
from cnscd.ingest.guard import Limits, Refused
from cnscd.ingest.normalize import clean_text
from cnscd.ingest.problems import ERROR, Problem, short

MAX_COLS = 200
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript:|\bon[a-z]+\s*=", re.I)
_CSV_FORMULA = re.compile(r"^[=@]|^[+\-]\s*[A-Za-z(]")


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list]] = field(default_factory=list)   # (row number, values)


def col_letter(idx: int) -> str:
    s, n = "", idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def read(data: bytes, kind: str, file_name: str, limits: Limits, problems: list[Problem]) -> list[Sheet]:
    return _read_xlsx(data, file_name, limits, problems) if kind == "xlsx" else _read_csv(data, file_name, limits, problems)


def _cell_text(text: str, where, limits: Limits, problems: list[Problem]) -> str | None:
    """`where` is a function returning the cell's location: built only when there is a problem."""
    if len(text) > limits.max_cell_chars:
        problems.append(Problem(ERROR, "cell_too_long", value=short(text), detail={"length": len(text), "limit": limits.max_cell_chars}, **where()))
        return None
    if ("<" in text or "=" in text or ":" in text) and _HTML.search(text):
        problems.append(Problem(ERROR, "html", value=short(text), **where()))
        return None
    text = clean_text(text)
    return text or None


def _too_many_rows(file_name: str, limits: Limits) -> Refused:
    return Refused(Problem(ERROR, "too_many_rows", file=file_name, detail={"limit": fmt.neutral(limits.max_rows)}))


def _read_xlsx(data: bytes, file_name: str, limits: Limits, problems: list[Problem]) -> list[Sheet]:
    # Why openpyxl, not calamine (fastexcel): calamine reads the 100,000-row benchmark file ~25x faster,
    # but returns a formula's cached value (a formula must be refused), a %-formatted 1.416 as 1.416
    # (it is 141.6 %) and one type per column (numbers become text like "1.416", which Vietnamese
    # reading takes as 1416). It knows neither formulas nor number formats, so it cannot give these results.
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise Refused(Problem(ERROR, "corrupt", file=file_name, detail={"reason": short(exc, 120)})) from None
    try:
        if len(wb.worksheets) > limits.max_sheets:
            raise Refused(Problem(ERROR, "too_many_sheets", file=file_name, detail={"n": len(wb.worksheets), "limit": limits.max_sheets}))
        sheets, total = [], 0
        for ws in wb.worksheets:
            sheet = Sheet(ws.title[:64])
            # read-only rows are padded to max_col: use the sheet's own width (capped) when it states one
            width = min(MAX_COLS, ws.max_column or MAX_COLS) if isinstance(ws.max_column, int) else MAX_COLS
            for r_idx, row in enumerate(ws.iter_rows(max_col=width), start=1):
                total += 1
                if total > limits.max_rows + 1000:
                    raise _too_many_rows(file_name, limits)
                values, any_value = [], False
                for c_idx, cell in enumerate(row):
                    v = cell.value
                    if v is None:
                        values.append(None)
                        continue
                    where = lambda c=c_idx, r=r_idx: {"file": file_name, "sheet": sheet.name, "row": r, "column": col_letter(c)}  # noqa: E731
                    if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=")):
                        problems.append(Problem(ERROR, "formula", value=short(v), **where()))
                        v = None
                    elif isinstance(v, str):
                        v = _cell_text(v, where, limits, problems)
                    elif isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (cell.number_format or ""):
                        v = f"{round(v * 100, 10)!r}%"
                    elif isinstance(v, dt.time) or not isinstance(v, (int, float, dt.date, dt.datetime, str)):
                        v = _cell_text(str(v), where, limits, problems)
                    values.append(v)
                    any_value = any_value or v is not None
                if any_value:
                    sheet.rows.append((r_idx, values))
            sheets.append(sheet)
        return sheets
    except Refused:
        raise
    except Exception as exc:
        raise Refused(Problem(ERROR, "corrupt", file=file_name, detail={"reason": short(exc, 120)})) from None
    finally:
        wb.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1258 (Vietnamese Windows), else cp1252."""
    for enc in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, file_name: str, limits: Limits, problems: list[Problem]) -> list[Sheet]:
    text = decode_csv(data)
    sample = text[:8192]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delim = ","
    csv.field_size_limit(max(limits.max_cell_chars * 4, 65536))
    sheet, reader = Sheet("csv"), csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    start = 1
    try:
        for rec in reader:
            row_no, start = start, reader.line_num + 1
            if row_no > limits.max_rows + 1000:
                raise _too_many_rows(file_name, limits)
            values = []
            for c_idx, raw in enumerate(rec[:MAX_COLS]):
                raw = raw.strip()
                if not raw:
                    values.append(None)
                    continue
                if raw.isascii() and raw.isdigit():      # most cells: plain numbers
                    values.append(raw)
                    continue
                where = lambda c=c_idx, r=row_no: {"file": file_name, "sheet": sheet.name, "row": r, "column": col_letter(c)}  # noqa: E731
                if _CSV_FORMULA.match(raw):
                    problems.append(Problem(ERROR, "formula", value=short(raw), **where()))
                    values.append(None)
                    continue
                values.append(_cell_text(raw, where, limits, problems))
            if any(v is not None for v in values):
                sheet.rows.append((row_no, values))
    except csv.Error as exc:
        raise Refused(Problem(ERROR, "corrupt", file=file_name, detail={"reason": f"CSV: {short(exc, 100)}"})) from None
    return [sheet]
