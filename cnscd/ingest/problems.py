"""Problems found in an import file: where (file, sheet, row, column, value), what, how to fix, vi + en.

Every message is in the text catalogue under its problem code (cnscd/text/problems.py), so the two
languages stay side by side and tests/test_text.py checks each code has both. Values are shortened
before they enter a message: a 10,000-character cell must not become a 10,000-character report, and
text is never rendered as HTML anywhere.
"""
from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

import polars as pl

from cnscd.text import t

ERROR, CONFLICT, WARNING, INFO = "error", "conflict", "warning", "info"


@dataclass
class Problem:
    severity: str
    code: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    detail: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        text = t(self.code, lang)
        try:
            return text.format(**self.detail)
        except (KeyError, IndexError):
            return text


def short(value, limit: int = 80) -> str:
    """A value as it may appear in a report: one line, at most `limit` characters."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def frame(problems: list[Problem]) -> pl.DataFrame:
    """The report table shown on the page and written by the CLI (row = Excel/CSV row number)."""
    rows = [{"severity": p.severity, "code": p.code, "file": p.file, "sheet": p.sheet, "row": p.row,
             "column": p.column, "value": short(p.value), "message_vi": p.message("vi"), "message_en": p.message("en")}
            for p in problems]
    schema = {"severity": pl.String, "code": pl.String, "file": pl.String, "sheet": pl.String, "row": pl.Int64,
              "column": pl.String, "value": pl.String, "message_vi": pl.String, "message_en": pl.String}
    return pl.DataFrame(rows, schema=schema)


def to_csv_bytes(problems: list[Problem]) -> bytes:
    """UTF-8 with BOM so Excel opens the Vietnamese text correctly."""
    buf = io.BytesIO()
    frame(problems).write_csv(buf)
    return b"\xef\xbb\xbf" + buf.getvalue()


def as_dict(p: Problem) -> dict:
    return asdict(p)
