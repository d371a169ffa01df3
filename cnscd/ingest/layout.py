"""Where a sheet's table is: the header row (one row, or two when the top one is merged over
sub-headers), what each column means, and a reporting period written above the table.

Merged cells arrive as a value in the top-left cell and blanks elsewhere, so a group header
('Số tổ CNSCĐ' over 'Cấp thôn | Cấp xã | Tổng') is carried right across the sub-headers under it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnscd.ingest.columns import Column, classify, header_score
from cnscd.ingest.normalize import key, parse_period
from cnscd.ingest.read import Sheet

SCAN_ROWS = 40
_COLNUM = re.compile(r"^\(?[0-9a-zA-Z]{1,3}\)?\*?$")
_PERIOD_IN_TEXT = [
    re.compile(r"tu ngay\s+(\d{1,2} \d{1,2} \d{4})\s+den ngay\s+(\d{1,2} \d{1,2} \d{4})"),
    re.compile(r"(quy\s*(?:i{1,3}|iv|[1-4])\s*(?:nam\s*)?\d{4})"),
    re.compile(r"(thang\s*\d{1,2}\s*(?:nam\s*)?\d{4})"),
    re.compile(r"(?:tinh\s+)?den ngay\s+(\d{1,2} \d{1,2} \d{4})"),
    re.compile(r"ky bao cao\s+(\d{1,2}\s+\d{4}|\d{4})"),
    re.compile(r"(nam\s*\d{4})"),
]


@dataclass
class Layout:
    header_row: int                      # Excel row number of the (lowest) header row
    headers: list[str]
    columns: list[Column]
    first_data_index: int                # index into sheet.rows of the first data row
    period: tuple | None                 # from text above the table
    first_of: dict = field(default_factory=dict)      # kind -> first column index
    labels: list = field(default_factory=list)        # 'C (Số thành viên)' per column
    value_cols: list = field(default_factory=list)    # (index, Column) of indicator/target/village columns

    def __post_init__(self):
        from cnscd.ingest.problems import short
        from cnscd.ingest.read import col_letter

        for i, c in enumerate(self.columns):
            self.first_of.setdefault(c.kind, i)
        self.labels = [f"{col_letter(i)} ({short(h, 40)})" if h else col_letter(i) for i, h in enumerate(self.headers)]
        self.value_cols = [(i, c) for i, c in enumerate(self.columns) if c.kind in ("indicator", "target", "village")]


def _text(v) -> str:
    return "" if v is None else str(v)


def combine(upper: list, lower: list) -> list[str]:
    n = max(len(upper), len(lower))
    upper, lower = upper + [None] * (n - len(upper)), lower + [None] * (n - len(lower))
    filled: list = []
    for c in range(n):
        u = upper[c]
        if u is None and lower[c] is not None and c > 0 and lower[c - 1] is not None:
            u = filled[c - 1]
        filled.append(u)
    out = []
    for c in range(n):
        if lower[c] is None:
            out.append(_text(upper[c]))
        elif filled[c] is not None:
            out.append(f"{_text(filled[c])} {_text(lower[c])}")
        else:
            out.append(_text(lower[c]))
    return out


def find(sheet: Sheet, catalogue: dict[str, str]) -> Layout | None:
    best: tuple[int, int, list[str], list[Column]] | None = None
    rows = sheet.rows[:SCAN_ROWS]
    for i, (r_no, values) in enumerate(rows):
        variants = [[_text(v) for v in values]]
        if i > 0 and rows[i - 1][0] == r_no - 1:
            variants.append(combine(rows[i - 1][1], values))
        for headers in variants:
            cols = [classify(h, catalogue) for h in headers]
            score = header_score(cols)
            if score and (best is None or score > best[0]):
                best = (score, i, headers, cols)
    if best is None:
        return None
    _, i, headers, cols = best
    first = i + 1
    if first < len(sheet.rows):
        vals = [v for v in sheet.rows[first][1] if v is not None]
        if vals and all(_COLNUM.match(str(v).strip()) for v in vals) and len(vals) >= 2 and _looks_like_numbering(vals):
            first += 1
    period = _period_above(sheet.rows[:i])
    return Layout(sheet.rows[i][0], headers, cols, first, period)


def _looks_like_numbering(vals: list) -> bool:
    """'(1) (2) (3)', 'A B 1 2 3' under a header: consecutive small labels, not data."""
    digits = [int(re.sub(r"\D", "", str(v))) for v in vals if re.sub(r"\D", "", str(v))]
    return len(digits) >= 2 and digits == sorted(digits) and digits[-1] - digits[0] == len(digits) - 1


def _period_above(rows: list[tuple[int, list]]) -> tuple | None:
    for _, values in rows:
        for v in values:
            if not isinstance(v, str):
                continue
            k = key(v)
            for rx in _PERIOD_IN_TEXT:
                m = rx.search(k)
                if not m:
                    continue
                try:
                    if m.lastindex == 2:
                        s, e = parse_period(m.group(1)), parse_period(m.group(2))
                        return s[0], e[1]
                    return parse_period(m.group(1))
                except (ValueError, TypeError):
                    continue
    return None
