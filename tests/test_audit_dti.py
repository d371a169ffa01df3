"""The map of a published DTI score gives each province the rank published with it that year, out of the
whole ranking: Trà Vinh's DTI 2022 score 0,6077 is rank 25/63 (before: "6/6", its place among the six
scores published, and its government-pillar score "1/1" instead of 29/63). A component index with no
published rank (dti_idx_*) keeps the scores' own ranking, out of those published.

Expectations from SQL of our own over core_observation / core_unit, never through queries/ or cnscd.
"""
from __future__ import annotations

import pytest

from tests import numbers as nb
from tests.numbers import map_points

VIEWS = {  # id: (indicator, month shown, the DTI year that month shows, its published rank indicator)
    "score-2022-at-2023-06": ("dti_score", "2023-06", 2022, "dti_rank"),
    "gov-score-2022-at-2022-06": ("dti_gov_score", "2022-06", 2022, "dti_gov_rank"),
    "econ-score-2022-at-2022-12": ("dti_econ_score", "2022-12", 2022, "dti_econ_rank"),
    "awareness-2022-no-published-rank": ("dti_idx_awareness", "2023-06", 2022, None),
}


def published(truth, indicator: str, year: int) -> dict[str, float]:
    return dict(truth.sql("""SELECT unit_code, value FROM core_observation WHERE boundary_version = 'legacy'
                             AND indicator_code = ? AND granularity = 'year' AND year(period_end) = ? AND NOT is_demo""",
                          [indicator, year]))


@pytest.mark.parametrize("view", list(VIEWS))
def test_dti_score_map_shows_the_published_rank(warehouse_env, truth, monkeypatch, view):
    indicator, month, year, rank_code = VIEWS[view]
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("map", period=month, ind=indicator))
    (fig,) = nb.figures(at)
    scores = published(truth, indicator, year)
    assert scores
    provinces = truth.units("legacy", "province")
    pts = map_points(fig)
    assert set(pts) == set(provinces)
    if rank_code:
        expected, n = {c: int(r) for c, r in published(truth, rank_code, year).items() if c in scores}, len(provinces)
        assert set(expected) == set(scores)
    else:
        expected, n = nb.ranks(scores), len(scores)
    for code, cd in pts.items():
        if code in scores:
            assert cd[1] == pytest.approx(scores[code]) and cd[2] == expected[code], (code, cd, expected[code])
        else:
            assert cd[1] is None and cd[2] is None, (code, cd)
    (hover,) = {tr["hovertemplate"] for tr in fig["data"] if tr["type"] == "choropleth" and "customdata[2]" in
                tr["hovertemplate"]}
    assert f"%{{customdata[2]}}/{n}<" in hover, hover
    # the map's CSV: the same ranks
    (key,) = [k for k in downloads.menus if k.startswith("map_one_")]
    rows = {r["unit_code"]: r for r in downloads.csv(key)}
    for code, rank in expected.items():
        assert int(rows[code]["rank"]) == rank, (code, rows[code])
    if indicator == "dti_score" and year == 2022:
        assert expected["84"] == 25   # Trà Vinh, as its own article says ("xếp hạng 25/63")
