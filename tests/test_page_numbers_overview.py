"""Every number the overview (pages/1_Tong_quan.py) shows, held against independent SQL over the core tables
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
from tests.numbers import LEGACY_DAY, as_date, close, key, new_day, none, phrase, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


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
    # nothing about another province
    others = set(truth.units(version, "province").values()) - {truth.unit_name(version, code)}
    assert not [o for o in others if any(f" {o} " in f" {x} " for x in sentences[1:]) and o not in units.values()]


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
