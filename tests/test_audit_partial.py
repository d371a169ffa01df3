"""A month only some units have reported, as a planner's imports make one: the Overview's "what changed"
says how many reported before it names "the largest gain" among them, and a unit without its own figure
says so (before: the nation's page at a new month one province had imported showed no card and no word,
and "Đồng Tháp tăng số Tổ CNSCĐ nhiều nhất" / "xa mục tiêu nhất" read as if of all 34 provinces).

Counts come from SQL of our own over core_unit and core_observation (tests/numbers.py `Truth`), never
through queries/ or cnscd.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from cnscd import months
from tests import numbers as nb
from tests.ingest_fixtures import demo_copy, dry


def reported(truth, version: str, level: str, day: dt.date, province: str | None = None) -> tuple[int, int]:
    """(units of `level` with any headline figure at `day`, units expected to report), by our own SQL."""
    ((n, total),) = truth.sql("""
        SELECT count(DISTINCT o.unit_code), (SELECT count(*) FROM core_unit v WHERE v.boundary_version = $version
               AND v.unit_level = $level AND coalesce(v.is_reporting, true)
               AND ($province IS NULL OR v.province_code = $province))
        FROM core_observation o
        JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
        WHERE o.boundary_version = $version AND u.unit_level = $level AND o.period_end = $day
          AND o.granularity IN ('month', 'date') AND coalesce(u.is_reporting, true)
          AND ($province IS NULL OR u.province_code = $province)
          AND o.indicator_code IN ('teams_total', 'members', 'villages_with_team_pct', 'vneid_activations',
                                   'ewallet_installs', 'people_guided_dvc', 'dossiers_online_pct')""",
                              {"version": version, "level": level, "day": day, "province": province})
    return n, total


def sentences(at) -> list[str]:
    return [s[2:] for m in at.markdown for s in m.value.split("\n") if s.startswith("- ")]


@pytest.fixture
def one_province_new_month(warehouse_file, tmp_path, monkeypatch, truth):
    """A copy of the demo warehouse where Đồng Tháp (2025:82) alone has imported the month after the
    latest: (warehouse path, that month)."""
    from cnscd.ingest import commit

    target = demo_copy(warehouse_file, tmp_path, monkeypatch)
    new = months.end_of(truth.latest_month() + dt.timedelta(days=1))
    teams = truth.value("2025", "82", "teams_total", truth.latest_month()) + 11
    data = (f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Tổng số tổ CNSCĐ\n82;Tỉnh Đồng Tháp;{new:%m/%Y};{teams:.0f}\n"
            ).encode("utf-8")
    plan = dry(target, data, "dong-thap.csv")
    assert plan.ok, plan.problems
    commit(plan, "audit")
    return target, new


def test_a_month_one_province_reported_says_so(one_province_new_month):
    target, new = one_province_new_month
    truth = nb.Truth(duckdb.connect(str(target), read_only=True))
    assert truth.latest_month() == new
    n, total = reported(truth, "2025", "province", new)
    assert (n, total) == (1, 34)
    assert truth.value("2025", "VN", "teams_total", new) is None    # the nation has no figure that month
    at = nb.ok(nb.open_page(None))                                   # the default month is the new one
    assert at.query_params["period"] == f"{new:%Y-%m}"
    said = sentences(at)
    label = f"T{new.month}/{new.year}"
    assert said[0] == f"Toàn quốc chưa có số liệu {label}.", said
    assert said[1] == f"Mới có {n}/{total} tỉnh/thành báo cáo {label}: các so sánh dưới đây chỉ trong số đó.", said
    # what follows names the one province that reported, with its own change
    gain = truth.value("2025", "82", "teams_total", new) - truth.value("2025", "82", "teams_total",
                                                                      months.back(new, 1))
    assert said[2].startswith("Đồng Tháp tăng số Tổ CNSCĐ nhiều nhất: +") and nb.shows(said[2].split("+")[1], gain)
    en = sentences(nb.ok(nb.open_page(None, lang="en")))
    assert en[1] == f"Only {n} of {total} provinces have reported for {new:%m/%Y}: the comparisons below are among them."


@pytest.mark.parametrize("unit, day", [("82", dt.date(2026, 10, 31)), ("87", nb.LEGACY_DAY)],
                         ids=["DongThap-2025-communes-2026-10", "DongThap-legacy-districts-2024-06"])
def test_a_province_whose_units_partly_reported_says_how_many(warehouse_env, truth, unit, day):
    day = min(day, truth.latest_month())
    version = truth.version_at(day)
    level = nb.CHILD_LEVEL[version]
    n, total = reported(truth, version, level, day, unit)
    at = nb.ok(nb.open_page(None, unit=unit, period=f"{day:%Y-%m}"))
    said = sentences(at)
    word = {"commune": "xã/phường", "district": "huyện"}[level]
    partial = [s for s in said if s.startswith("Mới có ")]
    if n < total:
        assert partial == [f"Mới có {n}/{total} {word} báo cáo T{day.month}/{day.year}: "
                           "các so sánh dưới đây chỉ trong số đó."], said
        assert said.index(partial[0]) == 1   # after the province's own figure, before the comparisons
    else:
        assert not partial, said


def test_targets_headline_says_which_provinces_are_not_in_the_nations_sums(one_province_new_month):
    """Σ value / Σ target of the nation is over the provinces with a figure and a target: one that has not
    reported is left out of both (unknown, not 0), and the headline says how many were left out."""
    target, new = one_province_new_month
    truth = nb.Truth(duckdb.connect(str(target), read_only=True))
    provinces = list(truth.units("2025", "province"))
    values = truth.values("2025", "teams_total", new, units=provinces)
    targets = {c: v for c, v in truth.targets("2025", "teams_total", new, provinces).items() if v > 0}
    both = [c for c in targets if c in values]
    assert both == ["82"] and len(targets) == 34
    at = nb.ok(nb.open_page("targets", period=f"{new:%Y-%m}", ind="teams_total"))
    (headline,) = [m.value for m in at.markdown if m.value.startswith("Toàn quốc:")]
    pct = 100.0 * sum(values[c] for c in both) / sum(targets[c] for c in both)
    assert nb.shows(headline.split(":")[1].split("%")[0], pct), (headline, pct)
    assert f"tổng của {len(both)} tỉnh có mục tiêu" in headline, headline
    assert headline.endswith(f"— {len(targets) - len(both)} tỉnh khác có mục tiêu nhưng chưa báo cáo kỳ này, "
                             "không tính vào tổng."), headline
    # a month every province reported says nothing of the kind
    latest = nb.ok(nb.open_page("targets", period=f"{months.back(new, 1):%Y-%m}", ind="teams_total"))
    (full,) = [m.value for m in latest.markdown if m.value.startswith("Toàn quốc:")]
    assert "chưa báo cáo" not in full, full


def test_nation_follows_a_provinces_imported_report(warehouse_file, tmp_path, monkeypatch, truth):
    """Đồng Tháp imports 3.000 teams for the latest month, replacing its demo 2.949: the Overview's nation card
    kept the stored 97.475 while the Targets page's Σ provinces read 97.526. The demo figures above an
    imported one now move by the difference (queries/rollup_fill.sql), up to the first real figure: a
    commune's import then moves the nation only while its province has no real figure of its own, and a
    rollback moves it back."""
    from cnscd.ingest import commit, prepare, rollback

    target = demo_copy(warehouse_file, tmp_path, monkeypatch)
    day = truth.latest_month()
    data = f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Tổng số tổ CNSCĐ\n82;Tỉnh Đồng Tháp;{day:%m/%Y};3000\n".encode()
    plan = dry(target, data, "dong-thap.csv")
    commit(plan, "audit", policy="replace")
    after_con = duckdb.connect(str(target), read_only=True)
    after = nb.Truth(after_con)
    provinces = after.values("2025", "teams_total", day, level="province")
    name = after.name("teams_total")
    after_con.close()      # an open connection keeps DuckDB's instance of the file as it was: later reads see that
    assert provinces["82"] == 3000
    at = nb.ok(nb.open_page(None, period=f"{day:%Y-%m}"))
    card = nb.cards(at)[name]
    assert nb.shows(card.value, sum(provinces.values())), (card.value, sum(provinces.values()))
    nation0 = truth.values("2025", "teams_total", day, level="nation")["VN"]        # the stored demo figure
    demo82 = truth.values("2025", "teams_total", day, level="province")["82"]

    def nation_and_82():
        con = duckdb.connect(str(target), read_only=True)
        try:
            got = dict(con.sql("""SELECT unit_code, value FROM out_observation WHERE boundary_version = '2025'
                                  AND indicator_code = 'teams_total' AND period_end = $d AND unit_code IN ('VN', '82')""",
                               params={"d": day}).fetchall())
        finally:
            con.close()
        return got["VN"], got["82"]

    assert nation_and_82() == (nation0 + 3000 - demo82, 3000)
    # a commune of Đồng Tháp imports 10 more than its demo figure: its province's figure is real, so only
    # the province's own figure counts it (the nation does not move twice)
    con = duckdb.connect(str(target), read_only=True)
    try:
        code, name, demo = con.sql("""SELECT u.unit_code, u.unit_name, o.value FROM core_unit u
            JOIN core_observation o ON o.unit_code = u.unit_code AND o.boundary_version = u.boundary_version
            WHERE u.boundary_version = '2025' AND u.unit_level = 'commune' AND u.province_code = '82'
              AND o.indicator_code = 'teams_total' AND o.period_end = $d AND o.is_demo
            ORDER BY u.unit_code LIMIT 1""", params={"d": day}).fetchall()[0]
        plan = prepare(f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Tổng số tổ CNSCĐ\n{code};{name};{day:%m/%Y};{demo + 10:.0f}\n"
                       .encode(), "xa.csv", con)
    finally:
        con.close()
    commune_batch = commit(plan, "audit", policy="replace")["batch_id"]
    assert nation_and_82() == (nation0 + 3000 - demo82, 3000)
    # the province's batch rolled back: its demo figure is back, moved by the commune's 10, and so is the nation
    con = duckdb.connect(str(target), read_only=True)
    try:
        batches = [b for (b,) in con.sql("SELECT batch_id FROM core_batch WHERE status = 'active'").fetchall()]
    finally:
        con.close()
    (province_batch,) = [b for b in batches if b != commune_batch]
    rollback(province_batch, "audit")
    assert nation_and_82() == (nation0 + 10, demo82 + 10)
    rollback(commune_batch, "audit")
    assert nation_and_82() == (nation0, demo82)
