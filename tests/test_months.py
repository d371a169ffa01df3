"""cnscd/months.py: the one place months are counted (app, import, demo build and tests use it)."""
from __future__ import annotations

import datetime as dt

import pytest

from cnscd import months

D = dt.date


def test_end_knows_leap_years_and_month_lengths():
    assert months.end(2024, 2) == D(2024, 2, 29)
    assert months.end(2025, 2) == D(2025, 2, 28)
    assert months.end(2025, 6) == D(2025, 6, 30)
    assert months.end(2025, 12) == D(2025, 12, 31)
    assert months.end_of(D(2025, 7, 1)) == D(2025, 7, 31)


def test_key_round_trips_and_refuses_what_is_not_a_month():
    assert months.key(D(2025, 6, 30)) == "2025-06"
    assert months.from_key("2025-06") == D(2025, 6, 30)
    assert months.from_key("2025-12-31") == D(2025, 12, 31)
    for bad in ("", "2025", "2025-13", "juni"):
        with pytest.raises(ValueError):
            months.from_key(bad)


@pytest.mark.parametrize("day, n, expected", [
    (D(2025, 7, 31), 1, D(2025, 6, 30)),       # across the boundary change
    (D(2025, 3, 31), 13, D(2024, 2, 29)),      # across a year, onto a leap February
    (D(2026, 3, 31), 11, D(2025, 4, 30)),
    (D(2025, 1, 15), 1, D(2024, 12, 31)),      # any day of the month counts as its month
    (D(2025, 1, 31), 0, D(2025, 1, 31)),
    (D(2024, 12, 31), -1, D(2025, 1, 31)),     # forward
    (D(2022, 3, 31), -40, D(2025, 7, 31)),
])
def test_back(day, n, expected):
    assert months.back(day, n) == expected


def test_ends_and_index_agree():
    ends = months.ends(D(2024, 11, 1), 4)
    assert ends == [D(2024, 11, 30), D(2024, 12, 31), D(2025, 1, 31), D(2025, 2, 28)]
    assert [months.index(e, D(2024, 11, 1)) for e in ends] == [0, 1, 2, 3]
    assert months.index(D(2022, 3, 1), D(2022, 7, 1)) == -4


def test_version_at_both_edges_of_the_boundary_change(tmp_path):
    """One version_at (views.common; the app's cache.version_at calls it): 30/6/2025 is legacy, 1/7/2025 is
    2025, and a day no version covers is refused, not silently the newest version."""
    import polars as pl

    from cnscd.views.common import version_at

    versions = pl.DataFrame({"boundary_version": ["legacy", "2025"],
                             "valid_from_date": [None, D(2025, 7, 1)],
                             "valid_to_date": [D(2025, 6, 30), None]})
    query = lambda name, **_: versions  # noqa: E731
    assert version_at(query, D(2025, 6, 30)) == "legacy"
    assert version_at(query, D(2025, 7, 1)) == "2025"
    assert version_at(query, D(2001, 1, 1)) == "legacy" and version_at(query, D(2030, 1, 1)) == "2025"
    gap = versions.with_columns(valid_to_date=pl.Series([D(2025, 5, 31), None]))
    with pytest.raises(ValueError, match="no boundary version in force on 2025-06-15"):
        version_at(lambda name, **_: gap, D(2025, 6, 15))


def test_app_version_at_is_the_views_one(monkeypatch):
    """cnscd.ui.cache.version_at reads the app's cached query and gives the same answers at both edges."""
    import polars as pl

    from cnscd.ui import cache

    versions = pl.DataFrame({"boundary_version": ["legacy", "2025"],
                             "valid_from_date": [None, D(2025, 7, 1)],
                             "valid_to_date": [D(2025, 6, 30), None]})
    monkeypatch.setattr(cache, "query", lambda name, **_: versions)
    assert cache.version_at(D(2025, 6, 30)) == "legacy" and cache.version_at(D(2025, 7, 1)) == "2025"
    gap = versions.with_columns(valid_to_date=pl.Series([D(2025, 5, 31), None]))
    monkeypatch.setattr(cache, "query", lambda name, **_: gap)
    with pytest.raises(ValueError):
        cache.version_at(D(2025, 6, 15))
