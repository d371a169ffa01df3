"""Month arithmetic, once: a monthly period is named by its last day (30/06/2025) and keyed in URLs
as 'YYYY-MM'. Pure standard library (no Streamlit, no Polars), so the app, the import, the demo build
and the tests count months the same way."""
from __future__ import annotations

import calendar
import datetime as dt


def end(year: int, month: int) -> dt.date:
    """The last day of a month: end(2024, 2) -> 29/02/2024."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def end_of(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in."""
    return end(day.year, day.month)


def key(day: dt.date) -> str:
    """A month's URL key: 30/06/2025 -> '2025-06'."""
    return f"{day.year:04d}-{day.month:02d}"


def from_key(text: str) -> dt.date:
    """'2025-06' (or an ISO date '2025-06-30') -> 30/06/2025; ValueError when it is not a month."""
    y, m = (int(p) for p in text.split("-")[:2])
    return end(y, m)


def back(day: dt.date, n: int) -> dt.date:
    """The month end n months before the month `day` falls in (n < 0 goes forward)."""
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return end(y, m + 1)


def ends(start: dt.date, n: int) -> list[dt.date]:
    """The month ends of the n months from the month `start` falls in."""
    return [back(start, -i) for i in range(n)]


def index(day: dt.date, start: dt.date) -> int:
    """How many months after the month of `start` the month of `day` is (same month: 0)."""
    return (day.year - start.year) * 12 + day.month - start.month
