"""Every number Sources (pages/7_Nguon.py) shows, held against independent SQL over the core tables
(tests/numbers.py: Truth).

One of the page-number files (tests/test_page_numbers_*.py, one per page, so two workers share them). Each
page is opened as a shared link (AppTest of app.py, bare unit codes in the URL) for a sample of units and
periods: Đồng Tháp in 2024 (legacy province 87) and in 2026 (2025 province 82), Thanh Liêm (legacy
district 351 of Hà Nam 35) and the nation. The test reads the cards, the chart traces, the table cells
and the CSV the download menu hands out, and compares each with its own query; nothing goes through
queries/ or cnscd to compute an expectation. Expectations come from the tables, so any correct data passes.
"""
from __future__ import annotations

import pytest

from tests import numbers as nb
from tests.numbers import as_date, none


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


# ---- Sources (pages/7_Nguon.py) ----------------------------------------------------------------------------
def test_sources_counts_every_figure_and_target(page, truth):
    at, _ = page("sources")
    sources = frames_by_first_column(nb.frames(at)[0])
    expected = {title: (n_obs, n_tgt) for title, n_obs, n_tgt in truth.sql("""
        SELECT s.title, (SELECT count(*) FROM core_observation o WHERE o.source_id = s.source_id),
               (SELECT count(*) FROM core_target t WHERE t.source_id = s.source_id)
        FROM core_source s""")}
    assert set(sources) == set(expected)
    cols = nb.frames(at)[0].columns
    obs_col, tgt_col = cols[5], cols[6]
    for title, row in sources.items():
        n_obs, n_tgt = expected[title]
        assert int(none(row[obs_col]) or 0) == n_obs and int(none(row[tgt_col]) or 0) == n_tgt, (title, row.to_dict())
    # the boundary versions with their dates
    frames = nb.frames(at)   # sources, article figures, indicator catalogue, boundary versions, layers
    versions = next(f for f in frames if f.columns[0] == "Địa giới")
    assert len(versions) == len(truth.versions)
    got = sorted(((none_date(r.iloc[1]), none_date(r.iloc[2])) for _, r in versions.iterrows()), key=str)
    assert got == sorted(((lo, hi) for _, lo, hi in truth.versions), key=str)
    # the boundary layers: how many outlines each file holds and how many are approximate
    layers = next(f for f in frames if f.columns[-1] == "Tệp")
    assert len(layers) >= 1
    for _, r in layers.iterrows():
        path = nb.ROOT / "geo" / "layers" / str(r.iloc[-1])
        columns = {c for (c, *_) in truth.sql(f"DESCRIBE SELECT * FROM read_parquet('{path.as_posix()}')")}
        if "is_approximate" not in columns:  # listed, not counted
            assert none(r.iloc[1]) is None and none(r.iloc[2]) is None, path.name
            continue
        n, approx = truth.sql(f"SELECT count(*), count(*) FILTER (WHERE is_approximate IS NOT false) "
                              f"FROM read_parquet('{path.as_posix()}')")[0]
        assert (int(r.iloc[1]), int(r.iloc[2])) == (n, approx), (path.name, r.iloc[1], r.iloc[2], n, approx)
    # the merger line: 63 legacy provinces went into 34
    n_from, n_to = truth.sql("""SELECT count(DISTINCT from_code), count(DISTINCT to_code) FROM core_crosswalk
                                WHERE unit_level = 'province' AND to_version = '2025'""")[0]
    assert any(c.value.startswith(f"{n_from} → {n_to}") for c in at.caption)


def frames_by_first_column(frame) -> dict:
    return {str(r.iloc[0]): r for _, r in frame.iterrows()}


def none_date(v):
    if v is None or (isinstance(v, float) and v != v) or str(v) in ("NaT", "None"):
        return None
    return as_date(v)
