"""Every number the map (pages/2_Ban_do.py) shows, held against independent SQL over the core tables
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
from tests.numbers import LEGACY_DAY, close, key, map_points, new_day, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


# ---- Map (pages/2_Ban_do.py) ------------------------------------------------------------------------------
MAP_VIEWS = {  # id: (url params without the period, level drawn, province whose units are drawn)
    "provinces-2024": (dict(ind="teams_total"), "province", None, "legacy"),
    "DongThap-87-districts-2024": (dict(unit="87", ind="members"), "district", "87", "legacy"),
    "DongThap-82-communes-2026": (dict(unit="82", ind="villages_with_team_pct"), "commune", "82", "2025"),
    "provinces-2026-per1000": (dict(ind="members", measure="per1000"), "province", None, "2025"),
    "HaNam-35-districts-pct-target": (dict(unit="35", ind="teams_total", measure="pct_target"), "district", "35",
                                      "legacy"),
    "ThanhLiem-HaNam-35-change-since-2024-01": (dict(unit="35", ind="members", measure="change", base="2024-01"),
                                                "district", "35", "legacy"),
}


@pytest.mark.parametrize("view", list(MAP_VIEWS))
def test_map_values_ranks_targets_and_csv(page, truth, view):
    params, level, province, version = MAP_VIEWS[view]
    day = LEGACY_DAY if version == "legacy" else new_day(truth)
    at, downloads = page("map", period=key(day), **params)
    (fig,) = nb.figures(at)
    ind = params["ind"]
    measure = params.get("measure", "abs")
    units = truth.units(version, level, province)
    pts = map_points(fig)
    assert set(pts) == set(units)  # every unit of the level drawn, once
    values = truth.values(version, ind, day, level=level, province=province)
    targets = truth.targets(version, ind, day, list(units))
    if measure == "per1000":
        pop = truth.population(version, list(units), day.year)
        shown = {u: 1000.0 * v / pop[u] for u, v in values.items() if pop.get(u)}
    elif measure == "pct_target":
        shown = {u: 100.0 * v / targets[u] for u, v in values.items() if targets.get(u)}
    elif measure == "change":
        base = truth.values(version, ind, nb.month_end(params["base"]), level=level, province=province)
        shown = {u: v - base[u] for u, v in values.items() if u in base}
        assert "351" in shown  # Thanh Liêm
    else:
        shown = values
    rank = nb.ranks(shown, bool(truth.indicators[ind]["higher_is_better"]))
    decimals = 2 + (1 if measure != "abs" or truth.decimals(ind) else 0)
    checked = 0
    for code, cd in pts.items():
        assert cd[0], code  # a name in the hover
        if code not in shown:
            assert cd[1] is None and cd[2] is None, (code, cd)
            continue
        assert cd[1] == pytest.approx(shown[code], abs=10 ** -decimals + 1e-9), (code, cd[1], shown[code])
        assert cd[2] == rank[code], (code, cd[2], rank[code])
        if measure != "abs":
            assert cd[6] == pytest.approx(values[code], abs=1e-4), (code, cd[6], values[code])
        if code in targets:
            assert cd[3] == pytest.approx(targets[code], abs=0.01)
            assert cd[4] == pytest.approx(100.0 * values[code] / targets[code], abs=0.01)
        else:
            assert cd[3] is None
        checked += 1
    assert checked >= max(1, len(units) // 2), (checked, len(units))

    # the CSV of the map: one row per unit, the same figures
    (map_key,) = [k for k in downloads.menus if k.startswith("map_one_")]
    rows = {r["unit_code"]: r for r in downloads.csv(map_key)}
    assert set(rows) == set(units)
    for code, r in rows.items():
        assert shows(r["value"], values.get(code), "en"), (code, r, values.get(code))
        assert shows(r["measure_value"], shown.get(code), "en"), (code, r)
def test_map_two_periods_across_the_reform(page, truth):
    """Đồng Tháp 87 in June 2024 beside its 2025 province in June 2026: each map holds its own version's units
    and figures, and the grey 'no report' count is the units without a figure."""
    new = new_day(truth)
    at, _ = page("map", period=key(LEGACY_DAY), unit="87", cmp="1", period2=key(new), ind="teams_total")
    left, right = nb.figures(at)
    (successor,) = [c for (c,) in truth.sql("""SELECT to_code FROM core_crosswalk WHERE from_version = 'legacy'
                                               AND from_code = '87' AND unit_level = 'province'""")]
    for fig, version, day, level, province in ((left, "legacy", LEGACY_DAY, "district", "87"),
                                               (right, "2025", new, "commune", successor)):
        pts = map_points(fig)
        units = truth.units(version, level, province)
        assert set(pts) == set(units), (version, len(pts), len(units))
        values = truth.values(version, "teams_total", day, level=level, province=province)
        for code, cd in pts.items():
            assert close(cd[1], values.get(code), abs_=0.01), (version, code, cd[1], values.get(code))
        missing = len(units) - len(values)
        if missing:
            assert any(c.value.startswith(f"{missing} đơn vị chưa báo cáo") for c in at.caption), missing
