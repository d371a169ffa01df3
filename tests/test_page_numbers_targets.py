"""Every number Targets (pages/5_Muc_tieu.py) shows, held against independent SQL over the core tables
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
from tests.numbers import LEGACY_DAY, as_date, close, key, nation_pooled_pct, new_day, none, shows


@pytest.fixture
def page(warehouse_env, monkeypatch):
    """`page(name, **url)` -> (AppTest run, Downloads recorded while it ran)."""
    return nb.opener(monkeypatch)


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
