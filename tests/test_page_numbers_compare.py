"""Every number Compare provinces (pages/3_So_sanh_tinh.py) shows, held against independent SQL over the core tables
(tests/numbers.py: Truth).

One of the page-number files (tests/test_page_numbers_*.py, one per page, so two workers share them). Each
page is opened as a shared link (AppTest of app.py, bare unit codes in the URL) for a sample of units and
periods: Đồng Tháp in 2024 (legacy province 87) and in 2026 (2025 province 82), Thanh Liêm (legacy
district 351 of Hà Nam 35) and the nation. The test reads the cards, the chart traces, the table cells
and the CSV the download menu hands out, and compares each with its own query; nothing goes through
queries/ or cnscd to compute an expectation. Expectations come from the tables, so any correct data passes.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests import numbers as nb
from tests.numbers import as_date, close, nation_pooled_pct, none, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


# ---- Compare provinces (pages/3_So_sanh_tinh.py) -----------------------------------------------------------
OLD_SUFFIX = " (63 tỉnh)"


def compare_unit(truth, label: str, chosen: str, day: dt.date) -> tuple[str, str]:
    """(version, code) of a line label on the compare page: today's province, one of its predecessors
    ('Tiền Giang (63 tỉnh)') or the nation; names are matched loosely, codes decide."""
    version = truth.version_at(day)
    if label.startswith("Toàn quốc"):
        return version, "VN"
    if label.endswith(OLD_SUFFIX):
        preds = [c for (c,) in truth.sql("""SELECT from_code FROM core_crosswalk WHERE to_code = ? AND to_version = '2025'
                                            AND unit_level = 'province' AND from_version = ?""", [chosen, version])]
        hits = [c for c in preds if truth.unit_name(version, c) in label]
        assert len(hits) == 1, (label, preds)
        return version, hits[0]
    assert truth.unit_name("2025", chosen) in label, label
    return version, chosen


COMPARE_VIEWS = {
    "DongThap-82-teams-reported": dict(units="82", ind="teams_total"),
    "DongThap-82-share-today": dict(units="82", ind="villages_with_team_pct", mode="today"),
    "DongThap-82-members-per1000": dict(units="82", ind="members", measure="per1000"),
    "DongThap-82-members-per1000-today": dict(units="82", ind="members", measure="per1000", mode="today"),
    "DongThap-82-teams-pct-target-today": dict(units="82", ind="teams_total", measure="pct_target", mode="today"),
    "DongThap-82-members-index-2024-01": dict(units="82", ind="members", measure="index", base="2024-01"),
    "DongThap-82-ewallet-pct-target-reported": dict(units="82", ind="ewallet_installs", measure="pct_target"),
}


@pytest.mark.parametrize("view", list(COMPARE_VIEWS))
def test_compare_lines_ranks_table_and_csv(page, truth, view):
    params = COMPARE_VIEWS[view]
    ind, mode, measure = params["ind"], params.get("mode", "reported"), params.get("measure", "abs")
    at, downloads = page("compare", **params)
    assert at.query_params["units"] == "2025:82"   # the bare 82 of the link, written back with its version
    today = "2025"

    def expected(label: str, d: dt.date, unit: tuple[str, str] | None = None) -> float | None:
        version, code = unit or compare_unit(truth, label, "82", d)
        version = today if mode == "today" else version   # an earlier month re-added into today's provinces
        if code == "VN" and measure == "pct_target" and truth.indicators[ind]["aggregation"] == "sum":
            return nation_pooled_pct(truth, ind, d)
        if measure != "index":
            return expected_for(truth, mode, measure, ind, version, code, d)
        value = expected_for(truth, mode, "abs", ind, version, code, d)
        # index: 100 = the line's value at the base month (its first month at or after it; the nation is
        # one line across versions); a base of 0 leaves the index undefined
        start = nb.month_end(params["base"])
        if code == "VN":
            months_ = {**truth.monthly("legacy", "VN", ind, start, dt.date(9999, 12, 31)),
                       **truth.monthly("2025", "VN", ind, start, dt.date(9999, 12, 31))}
        else:
            months_ = truth.monthly(version, code, ind, start, dt.date(9999, 12, 31))
        first = [v for _, v in sorted(months_.items())]
        return 100.0 * value / first[0] if value is not None and first and first[0] != 0 else None

    series, rank_fig = nb.figures(at)
    lines = [tr for tr in series["data"] if tr.get("mode") != "markers" and tr["name"] != "Mục tiêu"
             and tr["name"] != "Số liệu từ bài báo"]
    assert truth.unit_name(today, "82") in {tr["name"] for tr in lines}
    (nation_name,) = {tr["name"] for tr in lines if tr["meta"]["key"].startswith("VN|")}
    if measure == "abs" and truth.indicators[ind]["aggregation"] == "sum":
        # counts: the nation in a panel and on an axis of its own, and its legend entry says so
        assert nation_name == "Toàn quốc (ô dưới, trục riêng)", nation_name
        assert {tr.get("yaxis") for tr in lines if tr["meta"]["key"].startswith("VN|")} == {"y2"}
        assert {tr.get("yaxis", "y") for tr in lines if not tr["meta"]["key"].startswith("VN|")} == {"y"}
    elif measure == "pct_target" and truth.indicators[ind]["aggregation"] == "sum":
        assert nation_name == "Toàn quốc (Σ các tỉnh có mục tiêu)", nation_name
    else:
        assert nation_name == "Toàn quốc", nation_name
    # one legend entry per colour: no legend scrolls (the plot is at least as tall as its entries)
    entries = [tr for tr in series["data"] if tr.get("showlegend", True)]
    lay = series["layout"]
    assert lay["height"] - lay["margin"]["t"] - lay["margin"]["b"] >= 23 * len(entries)
    points = 0
    for tr in lines:
        code, version = tr["meta"]["key"].split("|")  # each line carries its unit as (code, version)
        assert truth.unit_name(version, code) in tr["name"] or code == "VN", (tr["name"], code, version)
        for x, y in zip(tr["x"], tr["y"]):
            d = as_date(x)
            unit = (truth.version_at(d), code)
            assert mode == "today" or unit[0] == version, (tr["name"], d, version)
            assert close(y, expected(tr["name"], d, unit)), (tr["name"], d, y, expected(tr["name"], d, unit))
            points += 1
    assert points >= 24

    # target lines (counts as reported): each step is one stored target of that unit, over its period
    for tr in series["data"] if measure == "abs" and mode == "reported" else []:
        if tr["name"] != "Mục tiêu":
            continue
        label = tr["hovertemplate"].split(":")[0].removeprefix("Mục tiêu ").strip()
        steps = [(as_date(tr["x"][i]), as_date(tr["x"][i + 1]), tr["y"][i]) for i in range(0, len(tr["x"]), 3)]
        version, code = compare_unit(truth, label, "82", steps[-1][1] if not label.startswith("Toàn quốc") else steps[0][0])
        for start, end, y in steps:
            version = truth.version_at(start)
            stored = truth.sql("""SELECT target_value FROM core_target WHERE unit_code = ? AND boundary_version = ?
                                  AND indicator_code = ? AND period_start = ? AND period_end = ?
                                  ORDER BY is_demo, source_id LIMIT 1""", [code, version, ind, start, end])
            assert stored and close(y, stored[0][0]), (label, start, end, y, stored)

    # article figures drawn on the chart are stored real figures of that unit and day
    for tr in series["data"]:
        if tr["name"] == "Số liệu từ bài báo":
            for x, y, cd in zip(tr["x"], tr["y"], tr["customdata"]):
                d = as_date(x)
                version, code = compare_unit(truth, cd[0], "82", d)
                real = {v for (v,) in truth.sql("""SELECT value FROM core_observation WHERE NOT is_demo AND unit_code = ?
                        AND boundary_version = ? AND indicator_code = ? AND period_end = ?""", [code, version, ind, d])}
                assert y in real, (cd[0], d, y, real)

    # rank chart: the chosen province's rank among the provinces of its version that month, of n
    for tr in rank_fig["data"] if measure != "index" else []:  # an index ranks growth: not re-derived here
        for x, y, n in zip(tr["x"], tr["y"], tr["customdata"]):
            d = as_date(x)
            version, code = compare_unit(truth, tr["name"], "82", d)
            if mode == "today":
                version = today
            everyone = {c: expected_for(truth, mode, measure, ind, version, c, d)
                        for c in truth.units(version, "province")}
            everyone = {c: v for c, v in everyone.items() if v is not None}
            assert n == len(everyone), (tr["name"], d, n, len(everyone))
            assert y == nb.ranks(everyone, bool(truth.indicators[ind]["higher_is_better"]))[code], (tr["name"], d)
            break  # one month per line: ranking every month would rebuild 34-63 provinces each time

    # the table under the chart: periods down, lines across
    (table,) = nb.frames(at)
    period_col = table.columns[0]
    for _, row in table.head(6).iterrows():
        d = as_date(row[period_col])
        for col in table.columns[1:]:
            if d < dt.date(2025, 7, 1) and mode == "reported" and col == truth.unit_name(today, "82"):
                assert none(row[col]) is None
                continue
            if mode == "reported" and d >= dt.date(2025, 7, 1) and col.endswith(OLD_SUFFIX):
                assert none(row[col]) is None
                continue
            assert close(none(row[col]), expected(col, d)), (col, d, row[col], expected(col, d))

    # the CSV of the chart: label, version, month, value and the measure shown
    rows = downloads.csv("compare_series")
    assert len(rows) == points
    for r in rows[:: max(1, len(rows) // 30)]:
        d = as_date(r["period_end"])
        assert shows(r["shown"], expected(r["label"], d), "en"), r


def target_today(truth, version, code, ind, d):
    """% of target in today's provinces for a month reported earlier: the predecessors' targets summed
    (counts only, and only where every predecessor has one)."""
    if version == truth.version_at(d):
        return truth.targets(version, ind, d, [code]).get(code)
    old = truth.version_at(d)
    preds = truth.sql("""SELECT from_code, weight FROM core_crosswalk WHERE from_version = ? AND to_code = ?
                         AND unit_level = 'province'""", [old, code]) if code != "VN" else [("VN", 1.0)]
    tg = truth.targets(old, ind, d, [c for c, _ in preds])
    if truth.indicators[ind]["aggregation"] != "sum" or any(c not in tg for c, _ in preds):
        return None
    return sum(tg[c] * w for c, w in preds)


def expected_for(truth, mode, measure, ind, version, code, d):
    """One province's shown measure (for ranks), as the compare page defines it."""
    if mode == "today" and truth.version_at(d) != version:
        value = truth.reaggregated(code, ind, d)
    else:
        value = truth.value(version, code, ind, d)
    if value is None:
        return None
    if measure == "per1000":
        pop = truth.population(version, [code], d.year).get(code)
        return 1000.0 * value / pop if pop else None
    if measure == "pct_target":
        t = target_today(truth, version, code, ind, d) if mode == "today" else truth.targets(version, ind, d, [code]).get(code)
        return 100.0 * value / t if t else None
    assert measure == "abs", "ranks of this measure are not checked here"
    return value
