"""Every number a page shows, held against independent SQL over the core tables (tests/numbers.py: Truth).

Each page is opened as a shared link (AppTest of app.py, bare unit codes in the URL) for a sample of units
and periods: Đồng Tháp in 2024 (legacy province 87) and in 2026 (2025 province 82), Thanh Liêm (legacy
district 351 of Hà Nam 35) and the nation. The test reads the cards, the chart traces, the table cells
and the CSV the download menu hands out, and compares each with its own query; nothing goes through
queries/ or cnscd to compute an expectation. Expectations come from the tables, so any correct data passes.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests import numbers as nb
from tests.numbers import LEGACY_DAY, as_date, close, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    def open_(name=None, **params):
        downloads = nb.Downloads.install(monkeypatch)
        return nb.ok(nb.open_page(name, **params)), downloads
    return open_


def new_day(truth) -> dt.date:
    """June 2026, or the latest month if the data ends earlier."""
    return min(dt.date(2026, 6, 30), truth.latest_month())


def key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


# ---- Overview (app.py → pages/1_Tong_quan.py) ------------------------------------------------------------
def overview_samples(truth):
    new = new_day(truth)
    first_2025 = dt.date(2025, 7, 31)  # the first month of the 34 provinces: a province has no change yet
    return [("87", LEGACY_DAY), ("VN", LEGACY_DAY), ("82", new), ("VN", new), ("82", first_2025)]


@pytest.mark.parametrize("sample", range(5), ids=["DongThap-87-2024", "nation-2024", "DongThap-82-2026",
                                                  "nation-2026", "DongThap-82-2025-07"])
def test_overview_cards_chart_table_and_csv(page, truth, sample):
    unit, day = overview_samples(truth)[sample]
    version = truth.version_at(day)
    at, downloads = page(unit=unit, period=key(day))
    # a bare code in the link still works; the page writes it back as (version, code): `2025:82`
    assert at.query_params["unit"] == (unit if unit == "VN" else f"{version}:{unit}")
    assert at.query_params["period"] == key(day)
    name = "Toàn quốc" if unit == "VN" else truth.unit_name(version, unit)
    assert any(name in s.value for s in at.subheader), [s.value for s in at.subheader]

    # cards: value, change on the month before, % of target in the caption under the card
    cards = nb.cards(at)
    assert len(cards) >= 5
    captions = [c.value for c in at.caption]
    prev = nb.months_back(day, 1)
    checked_targets = 0
    for label, card in cards.items():
        code = truth.indicator_by_name(label)
        value = truth.value(version, unit, code, day)
        assert shows(card.value, value), (label, card.value, value)
        before = truth.value(truth.version_at(prev), unit, code, prev) if (
            unit == "VN" or truth.version_at(prev) == version) else None
        if before is None:
            assert not card.delta, (label, card.delta)
        else:
            assert shows(card.delta, value - before), (label, card.delta, value - before)
            if "(" in card.delta and before:  # a count's change also as a share of last month's figure
                assert shows(card.delta.split("(")[1], 100.0 * (value - before) / before), (label, card.delta)
        target = truth.targets(version, code, day, [unit]).get(unit)
        if target:
            pct = 100.0 * value / target
            assert any("mục tiêu" in c and shows(c.split("·")[-1], pct) for c in captions), (label, pct, captions)
            checked_targets += 1
    assert checked_targets >= 1

    # the unit's trends chart: each headline indicator, its last 12 months (a province's within its
    # boundary version: code 82 before 7/2025 is another province)
    (fig,) = nb.figures(at)
    assert len(fig["data"]) == len(cards)
    start = nb.months_back(day, 11)
    for tr in fig["data"]:
        code = truth.indicator_by_name(tr["name"])
        expected = {d: v for d, v in truth.series(unit, code, nb.month_end(key(start)), day).items()
                    if unit == "VN" or truth.version_at(d) == version}
        got = {as_date(x): y for x, y in zip(tr["x"], tr["y"])}
        assert set(got) == set(expected), (code, sorted(set(got) ^ set(expected)))
        for d, y in got.items():
            assert close(y, expected[d]), (code, d, y, expected[d])
    # ... and the CSV of that chart: the same points
    rows = downloads.csv("overview_headline")
    assert len(rows) == sum(len(tr["x"]) for tr in fig["data"])
    for r in rows:
        code, d = truth.indicator_by_name(r["label"]), as_date(r["period_end"])
        # exported as shown: a count an integer, a rate to its one decimal
        assert shows(r["value"], truth.value(truth.version_at(d), unit, code, d), "en"), r
        assert nb.decimals_of(r["value"], "en") == truth.decimals(code), r

    # the units table: the nation's provinces, or the province's districts (legacy) / communes (2025);
    # every unit of it (places where nobody lives left out, as in the district ranking), those without a
    # figure that month said "chưa báo cáo"; every headline value, change and % of target
    (table,) = nb.frames(at)
    level, inside = ("province", None) if unit == "VN" else (nb.CHILD_LEVEL[version], unit)
    units = dict(truth.sql("""SELECT unit_code, display_name FROM core_unit WHERE boundary_version = ?
                              AND unit_level = ? AND (? IS NULL OR province_code = ?)
                              AND coalesce(is_reporting, true)""", [version, level, inside, inside]))
    by_name = {n: c for c, n in units.items()}
    name_col = table.columns[0]
    value_cols = [(c, truth.indicator_by_name(c)) for c in table.columns
                  if c in {truth.name(i) for i in truth.indicators}]
    assert len(value_cols) >= 5
    expected = {code: truth.values(version, code, day, level=level, province=inside) for _, code in value_cols}
    reported = {u for vals in expected.values() for u in vals}
    assert len(table) == len(units) and {str(n) for n in table[name_col]} == set(units.values())
    assert len(reported) >= (len(units) if unit == "VN" else 5)
    if sample == 2:   # Đồng Tháp in 6/2026: 7 of its 102 communes have no figure, and are listed
        assert set(units) - reported
    if set(units) - reported:   # the column that says which units have no figure, only when some have none
        report_col = table.columns[1]
        assert report_col == "Báo cáo tháng"
        said = {by_name[str(n)]: r for n, r in zip(table[name_col], table[report_col])}
        assert {u for u, r in said.items() if r == "chưa báo cáo"} == set(units) - reported
        assert all(r == "" for u, r in said.items() if u in reported)
    else:
        assert "Báo cáo tháng" not in table.columns
    teams_prev = (truth.values(version, "teams_total", prev, level=level, province=inside)
                  if truth.version_at(prev) == version else {})
    teams_target = truth.targets(version, "teams_total", day, list(units))
    delta_col = next(c for c in table.columns if c.startswith("Δ"))
    pct_col = next(c for c in table.columns if c.endswith("% mục tiêu"))
    for _, row in table.iterrows():
        code = by_name[str(row[name_col])]
        for col, ind in value_cols:
            assert close(none(row[col]), expected[ind].get(code)), (code, ind, row[col], expected[ind].get(code))
        t = expected["teams_total"].get(code)
        d = t - teams_prev[code] if code in teams_prev and t is not None else None
        assert close(none(row[delta_col]), d), (code, row[delta_col], d)
        p = 100.0 * t / teams_target[code] if teams_target.get(code) and t is not None else None
        assert close(none(row[pct_col]), p), (code, row[pct_col], p)


HIGHLIGHT_SAMPLES = {"DongThap-2025:82-2026": ("2025:82", None), "DongThap-legacy:87-2024": ("legacy:87", LEGACY_DAY),
                     # 10/2026: five communes share the largest gain in teams (+1 each)
                     "DongThap-2025:82-2026-10": ("2025:82", dt.date(2026, 10, 31))}


@pytest.mark.parametrize("sample", list(HIGHLIGHT_SAMPLES))
def test_overview_highlights_follow_the_unit(page, truth, sample):
    """"Điểm đáng chú ý" of a province speaks of the province and of its own units (legacy districts, 2025
    communes), never of other provinces: every figure in it from SQL of our own."""
    import re

    unit, day = HIGHLIGHT_SAMPLES[sample]
    day = min(day, truth.latest_month()) if day else new_day(truth)
    version, code = unit.split(":")
    at, _ = page(unit=unit, period=key(day))
    assert at.query_params["unit"] == unit
    (block,) = [m.value for m in at.markdown if m.value.startswith("- ")]
    sentences = [x[2:] for x in block.split("\n")]
    level = nb.CHILD_LEVEL[version]
    units = truth.units(version, level, code)
    among = {"district": "các huyện", "commune": "các xã/phường"}[level]
    prev = nb.months_back(day, 1)
    # the province's own teams and their change on last month
    own = truth.value(version, code, "teams_total", day)
    before = truth.value(version, code, "teams_total", prev)
    assert truth.unit_name(version, code) in sentences[0] and sentences[0].split(" đạt ")[0] in at.subheader[0].value
    m = re.search(r" đạt ([\d.]+) tổ, ([+−])([\d.]+) so với", sentences[0])
    assert m, sentences[0]
    assert shows(m[1], own) and shows(m[3], abs(own - before)) and (m[2] == "+") == (own >= before), (m.groups(), own, before)
    # the largest gains among its units
    checked = 0
    for ind in ("teams_total", "vneid_activations"):
        now, then = (truth.values(version, ind, d, level=level, province=code) for d in (day, prev))
        gains = {u: now[u] - then[u] for u in now if u in then}
        best = max(gains.values())
        hits = [x for x in sentences if f" tăng {phrase(truth, ind)} nhiều nhất" in x]
        if best <= 0:
            assert not hits
            continue
        (hit,) = hits
        # several units sharing the largest gain are said as a tie, never one of them called "the largest"
        winners = {units[u] for u, v in gains.items() if v == best}
        g = re.match(rf"Trong {re.escape(among)}, (.+?)(?: và (\d+) đơn vị khác cùng)? tăng .+ nhiều nhất: "
                     rf"\+([\d.]+) (?:\(|mỗi đơn vị)", hit)
        assert g, hit
        assert g[1] in winners, (g[1], best)
        assert int(g[2] or 0) == len(winners) - 1, (hit, sorted(winners))
        assert shows(g[3], best), (g[3], best)
        checked += 1
    assert checked >= 1
    # the unit furthest behind its target, of all headline indicators, among the province's units
    pct = {}
    for ind in ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
                "people_guided_dvc", "dossiers_online_pct"):
        values = truth.values(version, ind, day, level=level, province=code)
        for u, tg in truth.targets(version, ind, day, list(values)).items():
            if tg:
                pct[(u, ind)] = 100.0 * values[u] / tg
    low = min(pct.values())
    (hit,) = [x for x in sentences if "xa mục tiêu" in x]
    b = re.match(rf"Trong {re.escape(among)}, (.+) xa mục tiêu nhất về (.+): mới đạt ([\d.,]+) %", hit)
    assert b, hit
    assert b[1] in {units[u] for (u, _), v in pct.items() if abs(v - low) < 1e-9}, (b[1], low)
    assert b[2] in {phrase(truth, i) for (_, i), v in pct.items() if abs(v - low) < 1e-9}, (b[2], low)
    assert shows(b[3], low), (b[3], low)


def phrase(truth, indicator: str, lang: str = "vi") -> str:
    """How a sentence names an indicator (own SQL): the catalogue's phrase, else the name lower-cased."""
    ((ph, name),) = truth.sql(f"SELECT phrase_{lang}, name_{lang} FROM core_indicator WHERE indicator_code = ?",
                              [indicator])
    return ph or (name if name[1:2].isupper() else name[:1].lower() + name[1:])
    # nothing about another province
    others = set(truth.units(version, "province").values()) - {truth.unit_name(version, code)}
    assert not [o for o in others if any(f" {o} " in f" {x} " for x in sentences[1:]) and o not in units.values()]


def none(v):
    """A table cell as a float, None for a missing one (pandas NaN / None)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


# ---- Map (pages/2_Ban_do.py) ------------------------------------------------------------------------------
def map_points(fig) -> dict[str, list]:
    """{unit code: customdata} over the choropleth traces (slot 7 = code, see cnscd/charts/maps.py)."""
    return {cd[7]: cd for tr in fig["data"] if tr["type"] == "choropleth" for cd in tr["customdata"]}


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


def nation_pooled_pct(truth, ind, d):
    """The nation's % of target: Σ value / Σ target over the provinces (of the version in force that month)
    that have a figure and a target then (a province that has not reported is unknown, not 0: left out of
    both sums, and the targets page says how many; tests/test_audit_partial.py)."""
    version = truth.version_at(d)
    provinces = list(truth.units(version, "province"))
    values = truth.values(version, ind, d, units=provinces)
    targets = {c: v for c, v in truth.targets(version, ind, d, provinces).items() if v and v > 0 and c in values}
    if not targets:
        return None
    return 100.0 * sum(values[c] for c in targets) / sum(targets.values())


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


# ---- Targets (pages/5_Muc_tieu.py) --------------------------------------------------------------------------
TARGET_VIEWS = {
    "teams-2024": (dict(ind="teams_total"), "legacy"),
    "ewallet-2024-DongThap-article-target": (dict(ind="ewallet_installs"), "legacy"),
    "members-2026": (dict(ind="members", thr="95"), "2025"),
}


@pytest.mark.parametrize("view", list(TARGET_VIEWS))
def test_targets_progress_below_threshold_and_csv(page, truth, view):
    params, version = TARGET_VIEWS[view]
    day = LEGACY_DAY if version == "legacy" else new_day(truth)
    at, downloads = page("targets", period=key(day), **params)
    ind = params["ind"]
    threshold = float(params.get("thr", 80))
    names = truth.units(version, "province")
    code_of = {n: c for c, n in names.items()}
    values = truth.values(version, ind, day, units=list(names))
    targets = truth.targets(version, ind, day, list(names))
    pct = {c: 100.0 * values[c] / t for c, t in targets.items() if t > 0 and c in values}
    assert pct, "no unit with a target this month"
    if ind == "ewallet_installs":
        assert "87" in pct  # Đồng Tháp's article target (4.292 installs against 3.000)
    assert ("87" if version == "legacy" else "82") in pct  # Đồng Tháp

    # the nation is no bar: a headline and a reference line at Σ value / Σ target of the provinces with a target
    nation = nation_pooled_pct(truth, ind, day)
    with_target = [c for c, t in targets.items() if t > 0 and c in values]
    sum_v, sum_t = sum(values.get(c, 0.0) for c in with_target), sum(targets[c] for c in with_target)
    (headline,) = [m.value for m in at.markdown if m.value.startswith("Toàn quốc:")]
    assert shows(headline.split(":")[1].split("%")[0], nation), (headline, nation)
    assert nb.parse_number(headline.split("(")[1].split("/")[0]) == pytest.approx(sum_v), headline
    assert nb.parse_number(headline.split("/")[1].split()[0]) == pytest.approx(sum_t), headline
    assert f"{len(with_target)} tỉnh" in headline, headline

    progress = nb.figures(at)[0]
    shown = {}
    for tr in progress["data"]:
        if tr.get("type") != "bar":
            continue
        # bars keyed by unit code (two units never share a bar), the display name as tick text and hover
        for y, x, (v, t, label) in zip(tr["y"], tr["x"], tr["customdata"]):
            assert label == names[y], (y, label, names[y])
            shown[y] = (x, v, t)
    assert set(shown) == set(pct), sorted(set(shown) ^ set(pct))
    for code, (x, v, t) in shown.items():
        assert close(x, pct[code]) and close(v, values[code]) and close(t, targets[code]), (code, x, v, t)
    # every bar carries its % as text (kept in PNG/PDF: tests/test_export.py), and the nation's line
    for tr in progress["data"]:
        if tr.get("type") == "bar":
            assert [nb.parse_number(x) for x in tr["text"]] == pytest.approx([round(x, 1) for x in tr["x"]])
            assert tr["textposition"] == "outside" and tr["constraintext"] == "none"
    (line,) = [sh for sh in progress["layout"]["shapes"] if sh.get("name") == "nation"]
    assert close(line["x0"], nation), (line["x0"], nation)

    below = {c for c, p in pct.items() if c != "VN" and p < threshold}
    tables = nb.frames(at)
    if below:
        table = tables[0]
        label_col, value_col, target_col, pct_col = table.columns[:4]
        assert {code_of[str(n)] for n in table[label_col]} == below
        for _, row in table.iterrows():
            code = code_of[str(row[label_col])]
            assert close(none(row[value_col]), values[code]) and close(none(row[target_col]), targets[code])
            assert close(none(row[pct_col]), pct[code]), (code, row[pct_col], pct[code])
    else:
        assert at.success

    rows = {code_of[r["label"]]: r for r in downloads.csv("targets_progress")}
    assert set(rows) == set(pct)
    for code, r in rows.items():
        assert shows(r["pct"], pct[code], "en") and shows(r["value"], values[code], "en"), (code, r)


def test_targets_achievements_from_articles(page, truth):
    at, _ = page("targets", period=key(LEGACY_DAY))
    # an article figure with an article target for the same unit and indicator whose period contains it
    pairs = truth.sql("""
        SELECT u.display_name, o.indicator_code, o.period_end, o.value, t.target_value,
               coalesce(t.target_is_derived, false), o.stated_pct_of_target
        FROM core_observation o
        JOIN core_target t ON t.unit_code = o.unit_code AND t.boundary_version = o.boundary_version
             AND t.indicator_code = o.indicator_code AND o.period_end BETWEEN t.period_start AND t.period_end
        JOIN core_unit u ON u.unit_code = o.unit_code AND u.boundary_version = o.boundary_version
        WHERE NOT o.is_demo AND NOT t.is_demo
        QUALIFY row_number() OVER (PARTITION BY o.unit_code, o.boundary_version, o.indicator_code, o.period_end,
                                                o.source_id ORDER BY t.period_end) = 1""")
    expected = sorted((n, truth.name(i), d, v, t, derived, stated) for n, i, d, v, t, derived, stated in pairs)
    # the achievements table (the DTI goals table follows it): value and target as the article words them,
    # a back-calculated target marked "(suy ra)", the % recomputed and the % the article states
    table = next(f for f in nb.frames(at) if "Đạt, tính lại (%)" in f.columns)
    got = sorted((str(r.iloc[0]), str(r.iloc[1]), as_date(r.iloc[2]), nb.parse_number(str(r.iloc[3])),
                  nb.parse_number(str(r.iloc[4])), "(suy ra)" in str(r.iloc[4]), none(r.iloc[6]))
                 for _, r in table.iterrows())
    assert len(got) >= 1 and [g[:6] for g in got] == [e[:6] for e in expected], (got, expected)
    for g, e in zip(got, expected):
        assert close(g[6], e[6]) if e[6] is not None else g[6] is None, (g, e)
    for _, r in table.iterrows():
        assert close(none(r.iloc[5]), 100.0 * nb.parse_number(str(r.iloc[3])) / nb.parse_number(str(r.iloc[4]))), \
            r.to_dict()


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


# ---- Overview: the "what changed" sentences and the English page -------------------------------------------
@pytest.mark.parametrize("when", ["2024", "2026"])
def test_overview_sentences_name_the_right_units_and_numbers(page, truth, when):
    import re

    day = LEGACY_DAY if when == "2024" else new_day(truth)
    version, prev = truth.version_at(day), nb.months_back(day, 1)
    at, _ = page(period=key(day))
    sentences = [s[2:] for m in at.markdown for s in m.value.split("\n") if s.startswith("- ")]
    assert len(sentences) >= 3, sentences
    nation = truth.value(version, "VN", "teams_total", day)
    nation_prev = truth.value(truth.version_at(prev), "VN", "teams_total", prev)
    first = sentences[0]
    assert first.startswith("Toàn quốc") and shows(first.split("đạt")[1], nation), (first, nation)
    assert shows(first.split(",")[-1], nation - nation_prev), (first, nation - nation_prev)
    provinces = truth.units(version, "province")
    same = truth.version_at(prev) == version
    for code_ind, s in zip(("teams_total", "vneid_activations"), sentences[1:3]):
        now = truth.values(version, code_ind, day, level="province")
        before = truth.values(version, code_ind, prev, level="province") if same else {}
        gains = {c: now[c] - before[c] for c in now if c in before}
        if not gains:
            continue
        best = max(gains.values())
        winners = {provinces[c] for c, g in gains.items() if g == best}
        assert any(s.startswith(w + " ") for w in winners), (s, winners)
        if len(winners) > 1:   # a tie is said as one: "X và 2 đơn vị khác cùng tăng … +7 mỗi đơn vị"
            assert f" và {len(winners) - 1} đơn vị khác cùng tăng " in s and shows(s.split("+")[-1], best), (s, winners)
            continue
        assert " đơn vị khác cùng " not in s, s
        m = re.search(r"\+([\d.,]+) \(\+([\d.,]+) %\)", s)
        assert m and shows(m.group(1), best), (s, best)
        (winner,) = [c for c, g in gains.items() if g == best and s.startswith(provinces[c])][:1]
        assert shows(m.group(2), 100.0 * best / before[winner]), s
    # furthest behind: the lowest % of target over the headline indicators, among provinces
    behind = sentences[-1]
    if "mục tiêu" in behind:
        headline = [truth.indicator_by_name(label) for label in nb.cards(at)]
        lowest = {}
        for ind in headline:
            vals = truth.values(version, ind, day, level="province")
            tg = truth.targets(version, ind, day, list(provinces))
            for c, t in tg.items():
                if t > 0 and c in vals:
                    lowest[(c, ind)] = 100.0 * vals[c] / t
        worst = min(lowest.values())
        who = {provinces[c] for (c, _), p in lowest.items() if p == worst}
        assert any(behind.startswith(w + " ") for w in who), (behind, who)
        assert shows(behind.split("mới đạt")[1], worst), (behind, worst)


def overview_headline() -> tuple[str, ...]:
    return ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
            "people_guided_dvc", "dossiers_online_pct")


def test_overview_in_english_reads_the_same_numbers(page, truth):
    day = new_day(truth)
    at, _ = page(unit="82", period=key(day), lang="en")
    cards = nb.cards(at)
    assert len(cards) >= 5
    for label, card in cards.items():
        code = truth.indicator_by_name(label, "en")
        value = truth.value("2025", "82", code, day)
        assert shows(card.value, value, "en"), (label, card.value, value)
        assert "," in card.value or value < 1000 or "%" in card.value  # thousands comma in English
    # the highlights name indicators as a sentence does ("the largest gain in teams"), never a catalogue
    # heading ("teams, total")
    sentences = [s[2:] for m in at.markdown for s in m.value.split("\n") if s.startswith("- ")]
    gains = [s for s in sentences if " had the largest gain in " in s]
    assert gains and all(s.startswith("Among the communes, ") for s in gains), sentences
    named = {s.split(" had the largest gain in ")[1].split(":")[0] for s in gains}
    assert named <= {phrase(truth, i, "en") for i in ("teams_total", "vneid_activations")}, named
    assert phrase(truth, "teams_total", "en") == "teams"
    assert not any(", total" in s or "teams, total" in s.lower() for s in sentences), sentences
    behind = [s for s in sentences if "furthest behind target in " in s]
    assert len(behind) == 1 and behind[0].split("furthest behind target in ")[1].split(":")[0] in {
        phrase(truth, i, "en") for i in overview_headline()}, behind


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
