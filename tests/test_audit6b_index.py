"""Compare provinces, "index" mode: each line is 100 × value / its value at the base month, and a line formed
after the base month (2025 Đồng Tháp, from 7/2025) is indexed to its first month. Before, nothing on the
chart, its hover, the page or the CSV said which month was the base, nor that 2025 Đồng Tháp's 100 is July
2025 while the nation's 100 is the chosen January 2024 (the two lines side by side at 100.0 and 119.3 read as
"the nation grew 19 %, Đồng Tháp not at all"). Now the unit says the base month ("Chỉ số (kỳ gốc T1/2024 =
100)", hover, subtitle, axis, CSV header) and the chart and page name the lines indexed to a later month.

Expected figures from SQL of our own over core_observation, never through queries/ or cnscd.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests import numbers as nb

BASE = dt.date(2024, 1, 31)


def monthly(truth, version: str, code: str, indicator: str) -> dict[dt.date, float]:
    """{month end: value} of one unit (month ends only, as the chart) (version, code), real before demo, a monthly row before a point."""
    rows = truth.sql("""
        SELECT period_end, value FROM core_observation
        WHERE boundary_version = $v AND unit_code = $c AND indicator_code = $i
          AND period_end = last_day(period_end)
          AND (granularity = 'month' OR (granularity = 'date' AND period_start = period_end))
        QUALIFY row_number() OVER (PARTITION BY period_end ORDER BY is_demo, granularity = 'month' DESC, source_id) = 1
        ORDER BY period_end""", {"v": version, "c": code, "i": indicator})
    return {d: v for d, v in rows}


def own_index(series: dict[dt.date, float]) -> tuple[dt.date, dict[dt.date, float | None]]:
    """(the month indexed to, {month: 100 × value / its value}) from the first month at or after BASE."""
    first = min(d for d in series if d >= BASE)
    base = series[first]
    return first, {d: (100.0 * v / base if base else None) for d, v in series.items()}


@pytest.mark.parametrize("lang, unit_txt, note, info", [
    ("vi", "Chỉ số (kỳ gốc T1/2024 = 100)", "Kỳ gốc là tháng đầu có số liệu: Đồng Tháp T7/2025",
     "Chưa có số liệu kỳ gốc T1/2024, nên chỉ số tính theo tháng đầu có số liệu: Đồng Tháp T7/2025."),
    ("en", "Index (base 01/2024 = 100)", "Base is the first month with a figure: Đồng Tháp 07/2025",
     "No figure for the base period 01/2024, so the index is to the first month with one: Đồng Tháp 07/2025."),
])
def test_the_index_says_its_base_month_and_a_line_indexed_later(warehouse_env, truth, monkeypatch, lang, unit_txt,
                                                                  note, info):
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("compare", units="82", ind="members", measure="index", base="2024-01", lang=lang))
    fig = nb.figures(at)[0]
    lines = {tr["meta"]["key"]: tr for tr in fig["data"] if tr.get("mode") == "lines" and "key" in tr.get("meta", {})}
    # the numbers: 100 × value / base value, by SQL of our own
    dong_thap = monthly(truth, "2025", "82", "members")
    first82, want82 = own_index(dong_thap)
    assert first82 == dt.date(2025, 7, 31)               # formed on 1 July 2025: no figure at the base month
    legacy87 = monthly(truth, "legacy", "87", "members")
    first87, want87 = own_index(legacy87)
    assert first87 == BASE
    nation = {**monthly(truth, "legacy", "VN", "members"), **monthly(truth, "2025", "VN", "members")}
    _, want_vn = own_index(nation)
    for key, want in (("82|2025", want82), ("87|legacy", want87)):
        tr = lines[key]
        got = dict(zip((nb.as_date(x) for x in tr["x"]), tr["y"]))
        assert got.keys() == want.keys() and all(nb.close(got[d], want[d]) for d in want), key
    got_vn = {nb.as_date(x): y for key, tr in lines.items() if key.startswith("VN|") for x, y in zip(tr["x"], tr["y"])}
    assert all(nb.close(got_vn[d], want_vn[d]) for d in want_vn)
    assert nb.close(got_vn[dt.date(2025, 7, 31)], 100.0 * nation[dt.date(2025, 7, 31)] / nation[BASE])
    # what it says: the base month in the hover and the subtitle, the later-indexed line on the chart and page
    assert all(unit_txt in tr["hovertemplate"] for tr in lines.values()), [tr["hovertemplate"] for tr in lines.values()]
    assert unit_txt in fig["layout"]["title"]["subtitle"]["text"]
    notes = [a["text"] for a in fig["layout"]["annotations"] if a.get("name") == "index_base_zero"]
    assert notes == [note], notes
    assert info in [e.value for e in at.info], [e.value for e in at.info]
    # the CSV: its header names the base month; 2025 Đồng Tháp's July 2025 row is 100.0
    meta = downloads.menus["compare_series"][1]
    assert unit_txt in meta.label("shown"), meta.label("shown")
    rows = nb.csv_rows(meta)
    (jul,) = [r for r in rows if r["boundary_version"].startswith(("34", "34 ")) and nb.as_date(r["period_end"]) == first82
              and not r["label"].startswith(("Toàn quốc", "Nation"))]
    assert nb.shows(jul["shown"], 100.0, "en") and nb.shows(jul["value"], dong_thap[first82], "en"), jul   # CSV: machine-readable numbers


def test_a_base_every_line_has_says_no_later_month(warehouse_env, truth):
    """Base 8/2025 (after the merger): every 2025 line has it, legacy lines end before it (not drawn)."""
    at = nb.ok(nb.open_page("compare", units="82", ind="members", measure="index", base="2025-08"))
    fig = nb.figures(at)[0]
    assert not [a for a in fig["layout"]["annotations"] if a.get("name") == "index_base_zero"]
    assert not [e for e in at.info if "tháng đầu có số liệu" in e.value]
    (tr,) = [tr for tr in fig["data"] if tr.get("meta", {}).get("key") == "82|2025"]
    series = monthly(truth, "2025", "82", "members")
    assert nb.close(tr["y"][tr["x"].index("2025-08-31")], 100.0)
    assert nb.close(tr["y"][-1], 100.0 * series[max(series)] / series[dt.date(2025, 8, 31)])
