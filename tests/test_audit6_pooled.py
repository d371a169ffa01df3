"""Compare provinces, "% of target": the nation's line is Σ value / Σ target over the provinces that have a
figure and a target that month. In a month only some provinces have reported (the nation's own figure and
Đồng Tháp's imported for a new month), that line is one province's own % of target, yet it read as the
nation's (before: no word on the chart, its hover, the page or the CSV; the Overview and Targets pages said
"Mới có 1/34 …"). Now the hover, a note on the chart, the page and the CSV say how many provinces it pools,
in both languages. (Where the nation has no figure of its own that month it has no point, as before.)

Counts and sums come from SQL of our own over core_unit, core_observation and out_target_in_force
(tests/numbers.py `Truth`), never through queries/ or cnscd.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from cnscd import months
from tests import numbers as nb
from tests.ingest_fixtures import demo_copy, dry

POOLED_COL = {"vi": "Số tỉnh/thành Toàn quốc tính / có mục tiêu", "en": "Provinces the nation pools / with a target"}


@pytest.fixture
def nation_and_one_province(warehouse_file, tmp_path, monkeypatch, truth):
    """A copy of the demo warehouse where the nation (VN) and Đồng Tháp (2025:82) alone have imported the
    month after the latest: (warehouse path, that month)."""
    from cnscd.ingest import commit

    target = demo_copy(warehouse_file, tmp_path, monkeypatch)
    last = truth.latest_month()
    new = months.end_of(last + dt.timedelta(days=1))
    nation = truth.value("2025", "VN", "teams_total", last) + 40
    teams = truth.value("2025", "82", "teams_total", last) + 11
    data = (f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Tổng số tổ CNSCĐ\nVN;Việt Nam;{new:%m/%Y};{nation:.0f}\n"
            f"82;Tỉnh Đồng Tháp;{new:%m/%Y};{teams:.0f}\n").encode("utf-8")
    plan = dry(target, data, "vn-dong-thap.csv")
    assert plan.ok, plan.problems
    commit(plan, "audit")
    return target, new


def pooled_by_sql(truth, indicator: str, day: dt.date) -> tuple[int, int, float]:
    """(provinces with a figure and a target > 0, provinces with a target > 0, 100 × Σ value / Σ target of the
    first) at `day`, provinces of the version in force then."""
    version = truth.version_at(day)
    provinces = list(truth.units(version, "province"))
    values = truth.values(version, indicator, day, units=provinces)
    targets = {c: v for c, v in truth.targets(version, indicator, day, provinces).items() if v > 0}
    both = [c for c in targets if c in values]
    pct = 100.0 * sum(values[c] for c in both) / sum(targets[c] for c in both) if both else None
    return len(both), len(targets), pct


def nation_traces(fig: dict) -> list[dict]:
    """The nation's lines (one per boundary version in 'as reported' mode)."""
    return [tr for tr in fig["data"] if tr.get("meta", {}).get("key", "").startswith("VN|") and tr["mode"] == "lines"]


def at_day(fig: dict, day: dt.date) -> tuple[float, str]:
    """(y, customdata) of the nation's point at `day`."""
    assert nation_traces(fig), [(tr.get("name"), tr.get("meta"), tr["x"][-2:]) for tr in fig["data"]]
    (hit,) = [(tr["y"][i], tr["customdata"][i]) for tr in nation_traces(fig)
              for i, x in enumerate(tr["x"]) if str(x)[:10] == day.isoformat()]
    return hit


def test_a_month_one_province_reported_the_nations_pct_of_target_says_how_many(nation_and_one_province, monkeypatch):
    target, new = nation_and_one_province
    truth = nb.Truth(duckdb.connect(str(target), read_only=True))
    n, total, pct = pooled_by_sql(truth, "teams_total", new)
    assert (n, total) == (1, 34)
    assert truth.value("2025", "VN", "teams_total", new) is not None     # the nation has its own figure
    prev = months.back(new, 1)
    n0, total0, pct0 = pooled_by_sql(truth, "teams_total", prev)
    assert n0 == total0 == 34
    for lang, word in (("vi", "mới có 1/34 tỉnh/thành có mục tiêu báo cáo"),
                       ("en", "only 1 of 34 provinces with a target reported")):
        downloads = nb.Downloads.install(monkeypatch)
        at = nb.ok(nb.open_page("compare", units="82", ind="teams_total", measure="pct_target", lang=lang))
        fig = nb.figures(at)[0]
        (y, hover), (y0, hover0) = at_day(fig, new), at_day(fig, prev)
        assert nb.close(y, pct) and nb.close(y0, pct0), (y, pct, y0, pct0)
        # the hover of that month says it, the month before (all 34 reported) does not
        assert hover.endswith(f" · {word}"), hover
        assert "34" not in hover0, hover0
        period = f"T{new.month}/{new.year}" if lang == "vi" else f"{new:%m/%Y}"
        notes = [a["text"] for a in fig["layout"].get("annotations", []) if a.get("name") == "pooled_partial"]
        expect = (f"{period}: mới có 1/34" if lang == "vi" else f"{period}: only 1 of 34")
        assert len(notes) == 1 and notes[0].endswith(expect), notes
        infos = [e.value for e in at.info]
        assert any(s.startswith("Mới có 1/34 tỉnh/thành có mục tiêu báo cáo " + period) if lang == "vi"
                   else s.startswith("Only 1 of 34 provinces with a target have reported for " + period)
                   for s in infos), infos
        # the CSV: the nation's rows carry n/N every month
        meta = downloads.menus["compare_series"][1]
        assert meta.label("pooled") == POOLED_COL[lang]
        rows = nb.csv_rows(meta)
        nation = {nb.as_date(r["period_end"]): r for r in rows if r["label"].startswith(("Toàn quốc", "Nation"))}
        assert nation[new]["pooled"] == "1/34" and nation[prev]["pooled"] == "34/34", (nation[new], nation[prev])
        assert nb.shows(nation[new]["shown"], pct, "en")
        assert all(r["pooled"] == "" for r in rows if not r["label"].startswith(("Toàn quốc", "Nation")))


def test_every_province_reported_nothing_is_added(warehouse_env, truth, monkeypatch):
    """The demo warehouse: every month every province with a target reported, so no note, no column."""
    day = truth.latest_month()
    n, total, _ = pooled_by_sql(truth, "teams_total", day)
    assert n == total == 34
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("compare", units="82", ind="teams_total", measure="pct_target"))
    fig = nb.figures(at)[0]
    assert not [a for a in fig["layout"].get("annotations", []) if a.get("name") == "pooled_partial"]
    assert all("mới có" not in c for tr in nation_traces(fig) for c in tr["customdata"])
    assert "pooled" not in downloads.menus["compare_series"][1].exported_columns
    assert not [e for e in at.info if "tỉnh/thành có mục tiêu" in e.value]
