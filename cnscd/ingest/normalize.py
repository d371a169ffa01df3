"""Text, number and period normalisation for spreadsheets written by people.

Headers and names are compared as `key()`: NFC, no diacritics, lower case, punctuation to
spaces ('Số tổ CNSCĐ' == 'so to cnscd'); '%' is kept as the word 'pct' because it changes the
meaning of a column. Numbers follow Vietnamese habits ('6.800' = 6800, '141,6%' = 141.6) while
accepting English ones ('6,800'). Periods are returned as (start, end) dates.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from unidecode import unidecode

from cnscd.months import end as month_end, index as month_index

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EMPTY_MARKS = {"", "-", "–", "—", "x", "X", "...", "…", "n/a", "N/A", "null", "None"}


@functools.lru_cache(maxsize=1 << 17)   # reports repeat names, periods and numbers: cache the work
def clean_text(value) -> str:
    """NFC, control characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(_CONTROL.sub("", text).split())


@functools.lru_cache(maxsize=1 << 17)
def key(value) -> str:
    text = clean_text(value).replace("%", " pct ").replace("Đ", "D").replace("đ", "d")
    return _NON_ALNUM.sub(" ", unidecode(text).lower()).strip()


# ---- numbers -------------------------------------------------------------------------------

class NotANumber(ValueError):
    pass


def parse_number(value, percent_format: bool = False) -> float | None:
    """A cell as a float, or None when empty. Raises NotANumber for text.

    One separator kind occurring once with exactly three digits after it and a non-zero
    integer part is a thousands separator ('6.800', '6,800'); otherwise it is the decimal
    mark ('141,6', '0,800'). With both kinds present the last one is the decimal mark.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, (int, float)):
        return float(value) * (100.0 if percent_format else 1.0)
    if value.isascii() and value.isdigit():      # the common case, '6800'
        return float(value)
    text = clean_text(value).replace("\u00a0", "").replace(" ", "")
    if text in EMPTY_MARKS:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("%"):
        text = text[:-1]
    if text[:1] in "+-":
        negative, text = negative or text[0] == "-", text[1:]
    if not text or not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"[0-9]", text):
        raise NotANumber(value)
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        dec = "." if text.rfind(".") > text.rfind(",") else ","
        thou = "," if dec == "." else "."
        text = text.replace(thou, "").replace(dec, ".")
    elif dots + commas:
        sep = "." if dots else ","
        parts = text.split(sep)
        thousands = len(parts) > 2 or (len(parts[1]) == 3 and parts[0] not in ("", "0") and len(parts[0]) <= 3)
        if len(parts) > 2 and not all(len(p) == 3 for p in parts[1:]):
            raise NotANumber(value)
        text = text.replace(sep, "") if thousands else text.replace(sep, ".")
    try:
        number = float(text)
    except ValueError:
        raise NotANumber(value) from None
    return -number if negative else number


# ---- periods -------------------------------------------------------------------------------

def _year(text: str) -> int:
    y = int(text)
    if not 2000 <= y <= 2100:
        raise ValueError(text)
    return y


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@functools.lru_cache(maxsize=1 << 12)
def parse_period(value) -> tuple[dt.date, dt.date] | None:
    """'03/2024', 'Tháng 3/2024', 'T3-2024', '2024-03', 'Quý 1/2024', 'Q1 2024', 'Năm 2024', '2024',
    '31/03/2024', a date cell -> (start, end). None when empty; ValueError when not understood."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 2000 <= value <= 2100:
            y = int(value)
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        raise ValueError(value)
    k = key(value)
    if not k:
        return None
    k = re.sub(r"^(ky bao cao|ky|period)\s+", "", k)
    m = re.fullmatch(r"(?:quy|q)\s*(i{1,3}|iv|[1-4])\s*(?:nam\s*)?(\d{4})", k)
    if m:
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        y = _year(m.group(2))
        return dt.date(y, 3 * q - 2, 1), month_end(y, 3 * q)
    m = re.fullmatch(r"(?:thang|t|m)?\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})", k)
    if m and 1 <= int(m.group(1)) <= 12:
        y, mo = _year(m.group(2)), int(m.group(1))
        return dt.date(y, mo, 1), month_end(y, mo)
    m = re.fullmatch(r"(\d{4})\s+(\d{1,2})", k)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo = _year(m.group(1)), int(m.group(2))
        return dt.date(y, mo, 1), month_end(y, mo)
    m = re.fullmatch(r"(?:nam|year)?\s*(\d{4})", k)
    if m:
        y = _year(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    m = re.fullmatch(r"(?:ngay\s*)?(\d{1,2})\s+(\d{1,2})\s+(\d{4})(?:\s+00\s+00(?:\s+00)?)?", k)
    if m:
        d = dt.date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        return d, d
    m = re.fullmatch(r"(\d{4})\s+(\d{1,2})\s+(\d{1,2})(?:\s+00\s+00(?:\s+00)?)?", k)
    if m:
        d = dt.date(_year(m.group(1)), int(m.group(2)), int(m.group(3)))
        return d, d
    raise ValueError(value)


def parse_date(value) -> dt.date | None:
    p = parse_period(value)
    if p is None:
        return None
    if p[0] != p[1]:
        raise ValueError(value)
    return p[0]


def granularity(start: dt.date, end: dt.date) -> str:
    if start == end:
        return "date"
    if start.day == 1 and end == month_end(end.year, end.month):
        months = month_index(end, start) + 1
        if months == 1:
            return "month"
        if months == 3 and start.month % 3 == 1:
            return "quarter"
        if months == 12 and start.month == 1:
            return "year"
    return "span"


REFORM = dt.date(2025, 7, 1)


def version_for(start: dt.date, end: dt.date) -> str | None:
    """The boundary version a period fits: legacy up to 30/6/2025, 2025 from 1/7/2025, else None."""
    if end < REFORM:
        return "legacy"
    if start >= REFORM:
        return "2025"
    return None
