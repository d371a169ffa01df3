"""Compare provinces in "today's 34 provinces" mode re-aggregates a month reported under the 63 provinces
through the crosswalk. A 2025 province's month is the sum of the provinces it was formed from only when every
one of them has a figure, as its targets already were (compare.crosswalk_targets): before, 2025 Đồng Tháp's
districts in 7/2022 read 12 (legacy Đồng Tháp's 12 alone, Tiền Giang's missing) and 2025 Đồng Nai's
e-commerce enterprises in 8/2022 read Bình Phước's 220 alone, each labelled as the whole merged province.

Expected figures from SQL of our own over core_crosswalk and core_observation, never through queries/ or cnscd.
"""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import queries
from cnscd.views import compare


def own(truth, to_code: str, indicator: str, day: dt.date) -> tuple[int, int, float | None]:
    """(predecessors with a monthly or month-end figure, predecessors, their sum) of 2025 province `to_code`."""
    ((n, total, value),) = truth.sql("""
        WITH preds AS (SELECT from_code, weight FROM core_crosswalk WHERE unit_level = 'province'
                       AND to_version = '2025' AND from_version = 'legacy' AND to_code = $to),
        figs AS (SELECT unit_code, value FROM core_observation WHERE boundary_version = 'legacy'
                 AND indicator_code = $ind AND period_end = $day
                 AND (granularity = 'month' OR (granularity = 'date' AND period_start = period_end))
                 QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY is_demo, granularity = 'month' DESC) = 1)
        SELECT count(f.value), count(*), sum(f.value * p.weight) FROM preds p LEFT JOIN figs f ON f.unit_code = p.from_code""",
                                     {"to": to_code, "ind": indicator, "day": day})
    return n, total, value


@pytest.mark.parametrize("to_code, indicator, day, complete", [
    ("82", "districts_total", dt.date(2022, 7, 31), False),
    ("75", "enterprises_ecommerce", dt.date(2022, 8, 31), False),
    ("82", "teams_total", dt.date(2024, 6, 30), True),
    ("82", "villages_with_team", dt.date(2024, 6, 30), True),
])
def test_a_merged_provinces_earlier_month_is_the_sum_of_all_its_parts_or_none(con, truth, to_code, indicator, day,
                                                                              complete):
    n, total, value = own(truth, to_code, indicator, day)
    assert (n == total) is complete and n >= 1, (n, total)
    bundle = compare.all_provinces(lambda name, **p: queries.run(con, name, **p), indicator=indicator, mode="today",
                                   measure="abs", base="")
    got = bundle["series"].filter((pl.col("unit_code") == to_code) & (pl.col("period_end") == day))["value"].to_list()
    assert got == ([value] if complete else []), (got, value, n, total)
