"""Every number Compare districts (pages/4_So_sanh_huyen.py) shows, held against independent SQL over the core tables
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
from tests.numbers import LEGACY_DAY, as_date, close, key, new_day, none, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


# ---- Compare districts (pages/4_So_sanh_huyen.py) ----------------------------------------------------------
DISTRICT_VIEWS = {  # id: (url params, version); Thanh Liêm is legacy district 351 of Hà Nam 35
    "HaNam-35-ThanhLiem-2024": (dict(unit="35", ind="teams_total", ind2="members"), "legacy"),
    "DongThap-87-share-2024": (dict(unit="87", ind="villages_with_team_pct", ind2="teams_total"), "legacy"),
    "DongThap-82-communes-2026": (dict(unit="82", ind="members", ind2="villages_with_team_pct", nbars="0"), "2025"),
}


@pytest.mark.parametrize("view", list(DISTRICT_VIEWS))
def test_districts_bars_table_scatter_multiples_and_csv(page, truth, view):
    params, version = DISTRICT_VIEWS[view]
    day = LEGACY_DAY if version == "legacy" else new_day(truth)
    at, downloads = page("districts", period=key(day), **params)
    province, ind, ind2 = params["unit"], params["ind"], params["ind2"]
    assert at.query_params["unit"] == f"{version}:{province}"   # bare code in, (version, code) back
    level = "district" if version == "legacy" else "commune"
    units = truth.units(version, level, province)
    values = truth.values(version, ind, day, level=level, province=province)
    targets = truth.targets(version, ind, day, list(units))
    rank = nb.ranks(values, bool(truth.indicators[ind]["higher_is_better"]))
    if province == "35":
        assert "351" in units and "351" in values  # Thanh Liêm is on the page with a figure

    rank_fig, scatter, multiples = nb.figures(at)
    # ranking bars: one bar per unit, the value, its rank and % of target
    bar = rank_fig["data"][0]
    assert sorted(cd[2] for cd in bar["customdata"]) == sorted(units)
    # bars keyed by unit code (two namesakes never share a bar), the display name as tick text
    assert list(bar["y"]) == [cd[2] for cd in bar["customdata"]]
    assert list(rank_fig["layout"]["yaxis"]["tickvals"]) == list(bar["y"])
    for y, x, (r, pct, code, name), tick in zip(bar["y"], bar["x"], bar["customdata"],
                                                 rank_fig["layout"]["yaxis"]["ticktext"]):
        assert name == tick and name.startswith(units[code]), (code, name, units[code])
        assert (code in values) == (name == units[code]), (code, name)   # a unit with no report says so
        assert close(x, values.get(code, 0.0)), (code, x, values.get(code))
        assert r == rank.get(code), (code, r, rank.get(code))
        p = 100.0 * values[code] / targets[code] if code in values and targets.get(code) else None
        assert close(pct, p), (code, pct, p)
    # the province line: a rate's pooled province value, a count's mean per reporting unit
    agg = truth.indicators[ind]["aggregation"]
    ref = truth.value(version, province, ind, day) if agg == "ratio" else sum(values.values()) / len(values)
    (annotation,) = [a for a in rank_fig["layout"]["annotations"] if a.get("name") == "reference"]
    assert shows(annotation["text"].split(":")[-1], ref), (annotation["text"], ref)
    # ... and says which: a count's mean is over the units that reported, not the province's total per unit
    assert annotation["text"].startswith("Cả tỉnh (tỷ lệ chung)" if agg == "ratio"
                                         else "Trung bình mỗi đơn vị có báo cáo"), annotation["text"]
    assert any(close(s.get("x0"), ref) for s in rank_fig["layout"].get("shapes", [])), ref

    # the table: every unit, value, rank, target, % of target and the 12-month trend
    (table,) = nb.frames(at)
    from cnscd.text import t  # the headers the page writes (labels only, no numbers)

    code_col, value_col, rank_col, target_col, pct_col, trend_col = (
        t(k, "vi") for k in ("col_unit_code", "value", "rank", "target", "measure_pct_target", "sparkline"))
    assert {code_col, value_col, rank_col, target_col, pct_col, trend_col} <= set(table.columns), table.columns
    assert sorted(table[code_col]) == sorted(units)
    start = nb.months_back(day, 11)
    for _, row in table.iterrows():
        code = row[code_col]
        assert close(none(row[value_col]), values.get(code)), (code, row[value_col], values.get(code))
        assert (none(row[rank_col]) or None) == rank.get(code), (code, row[rank_col])
        assert close(none(row[target_col]), targets.get(code)), (code, row[target_col])
        p = 100.0 * values[code] / targets[code] if code in values and targets.get(code) else None
        assert close(none(row[pct_col]), p), (code, row[pct_col], p)
    sample = [c for c in sorted(values)][:: max(1, len(values) // 5)]
    trend_of = dict(zip(table[code_col], table[trend_col]))
    for code in sample:
        expected = [v for _, v in sorted(truth.monthly(version, code, ind, start, day).items())]
        assert [float(v) for v in trend_of[code]] == pytest.approx(expected), code

    # scatter: both indicators of every unit that has both
    values2 = truth.values(version, ind2, day, level=level, province=province)
    both = {c for c in values if c in values2}
    sc = scatter["data"][0]
    assert set(sc["customdata"]) == both
    for x, y, code in zip(sc["x"], sc["y"], sc["customdata"]):
        assert close(x, values[code]) and close(y, values2[code]), (code, x, y)

    # small multiples: the best-ranked units (rank, then code), each its 12 months
    n = int(at.query_params.get("nmult", 12))
    order = sorted(rank, key=lambda c: (rank[c], c))[:n]
    assert len(multiples["data"]) == len(order)
    for tr, code in zip(multiples["data"], order):
        expected = truth.monthly(version, code, ind, start, day)
        assert {as_date(x): y for x, y in zip(tr["x"], tr["y"])} == pytest.approx(expected), code

    # the CSV of the ranking: the same values and ranks
    (rank_key,) = [k for k in downloads.menus if k == "d_rank"]
    rows = {r["unit_code"]: r for r in downloads.csv(rank_key)}
    assert set(rows) == set(units)
    for code, r in rows.items():
        assert shows(r["value"], values.get(code), "en"), (code, r)
        assert (int(r["rank"]) if r["rank"] else None) == rank.get(code), (code, r)
