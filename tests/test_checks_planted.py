"""Every integrity check (`queries/check_*.sql`, run by data/checks.py) catches a planted fault, names it,
and fails when it compared nothing.

Each test copies the built warehouse to a temp file and plants its fault there, so every plant starts
from the unplanted copy (which passes every check). Rows to spoil are picked from the data at test
time, never typed in from the demo.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from data import checks

# planted rows name their columns: the tables gain columns at the end (value_qualifier, stated_pct_of_target,
# target_is_derived), which a bare VALUES list would have to follow
OBS_COLS = ("unit_code, boundary_version, indicator_code, period_start, period_end, granularity, value, source_id, "
            "quote_vi, is_demo, batch_id")
TARGET_COLS = ("unit_code, boundary_version, indicator_code, period_start, period_end, target_value, source_id, "
               "quote_vi, is_demo, batch_id")


# A first statement slow on the full warehouse (DELETE of every observation: ~7 s CPU, its primary-key
# index) is run once per module; a test planting it starts from that state, exactly what running it on a
# fresh copy gives, and runs the rest of its statements on its own copy.
SHARED_FIRST = ("DELETE FROM core_observation",)


@pytest.fixture(scope="module")
def _planted_start(warehouse_file, tmp_path_factory):
    """`start(sql)` -> a copy of the built warehouse with `sql` run and checkpointed, made once."""
    made: dict[str, object] = {}

    def start(sql: str):
        if sql not in made:
            path = tmp_path_factory.mktemp("planted-start") / "start.duckdb"
            shutil.copyfile(warehouse_file, path)
            c = duckdb.connect(str(path))
            c.execute(sql)
            c.close()
            made[sql] = path
        return made[sql]
    return start


@pytest.fixture
def planted(warehouse_file, tmp_path, _planted_start):
    """`planted(*sql)` copies the built warehouse to a temp file, runs the statements on it (committed:
    the gateway reads through its own cursor) and returns the connection; later calls run more statements
    on the same copy. The copy is deleted after, unwritten back (no checkpoint: nothing reads it again)."""
    path = tmp_path / "planted.duckdb"
    held: list = []

    def plant(*statements: str):
        if not held:
            first = statements[0] if statements else None
            shared = first in SHARED_FIRST
            shutil.copyfile(_planted_start(first) if shared else warehouse_file, path)
            held.append(duckdb.connect(str(path)))
            held[0].execute("PRAGMA disable_checkpoint_on_shutdown")
            if shared:
                statements = statements[1:]
        for sql in statements:
            held[0].execute(sql)
        return held[0]
    yield plant
    if held:
        held[0].close()
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


def one(con, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row


def demo_row(con, unit: str, version: str, indicator: str, before: str | None = None):
    """The latest demo month of one unit and indicator (before a date if given): (period_end, value)."""
    return one(con, """SELECT period_end, value FROM core_observation
                       WHERE unit_code = ? AND boundary_version = ? AND indicator_code = ? AND is_demo
                         AND granularity = 'month' AND period_end < coalesce(CAST(? AS DATE), DATE '9999-12-31')
                       ORDER BY period_end DESC LIMIT 1""", [unit, version, indicator, before])


def failures(con, name: str) -> list[str]:
    return checks.run(con, name).failures


def assert_named(con, name: str, pattern: str) -> None:
    found = failures(con, name)
    assert any(re.search(pattern, f) for f in found), (pattern, found[:10])


# ---- the unplanted copy ------------------------------------------------------------------------------
def test_every_check_counts_what_it_compared_and_holds(con):
    """The unplanted copy: every check compared something and found nothing wrong."""
    names = checks.check_names()
    assert len(names) >= 9
    for name in names:
        r = checks.run(con, name)
        assert r.n_compared is not None, f"{name} must return n_compared (see data/checks.py)"
        assert r.n_compared > 0 and r.failures == [], (name, r.n_compared, r.failures[:5])
    assert checks.run_all(con) == []


def test_every_check_has_a_planted_fault_and_an_empty_case():
    planted_for = {p.values[0] for p in FAULTS}
    emptied_for = {p.values[0] for p in EMPTY}
    names = set(checks.check_names())
    assert names <= planted_for, f"add a planted fault to FAULTS for {sorted(names - planted_for)}"
    assert names <= emptied_for, f"add an emptied case to EMPTY for {sorted(names - emptied_for)}"
    assert planted_for | emptied_for <= names, sorted((planted_for | emptied_for) - names)


# ---- one planted fault per check (several for some) ---------------------------------------------------
def _orphan_observation(con):
    con.execute(f"""INSERT INTO core_observation ({OBS_COLS}) VALUES ('99999', 'legacy', 'teams_total', DATE '2024-06-01',
                   DATE '2024-06-30', 'month', 5, 'demo', NULL, true, NULL)""")
    return r"core_observation: unknown unit 99999 in version legacy"


def _orphan_crosswalk_target(con):
    con.execute("UPDATE core_crosswalk SET to_code = '98' WHERE from_version = 'legacy' AND from_code = '87'")
    return r"core_crosswalk\(to\): unknown unit 98 in version 2025"


def _orphan_target(con):
    con.execute("UPDATE core_target SET boundary_version = '2025' WHERE rowid = (SELECT min(rowid) FROM core_target "
                "WHERE boundary_version = 'legacy' AND unit_code = '87')")
    return r"core_target: unknown unit 87 in version 2025"


def _unit_count_province(con):
    con.execute("DELETE FROM core_unit WHERE boundary_version = 'legacy' AND unit_code = '87'")
    n = one(con, "SELECT count(*) FROM core_unit WHERE boundary_version = 'legacy' AND unit_level = 'province'")[0]
    return rf"legacy province: {n} units, expected 63–63"


def _unit_count_district_2025(con):
    con.execute("""INSERT INTO core_unit (boundary_version, unit_code, unit_level, unit_name, short_name, slug,
                   parent_code, province_code, source_id, display_name, display_name_full)
                   VALUES ('2025', '999', 'district', 'Huyện Thử', 'Thử', 'thu', '82', '82', 'demo', 'H. Thử',
                           'H. Thử, Đồng Tháp')""")
    return r"2025 district: 1 units, expected 0–0"


def _weights_halved(con):
    con.execute("UPDATE core_crosswalk SET weight = weight / 2 WHERE from_version = 'legacy' AND from_code = '351'")
    return r"legacy 351: crosswalk weights sum to 0\.5\b"


def _weights_unmapped(con):
    code = one(con, """SELECT min(unit_code) FROM core_unit WHERE boundary_version = 'legacy'
                       AND unit_level = 'commune' AND parent_code = '351'""")[0]
    con.execute("DELETE FROM core_crosswalk WHERE from_version = 'legacy' AND from_code = ?", [code])
    return rf"legacy commune {code} has no crosswalk row"


def _demo_not_flagged(con):
    end, _ = demo_row(con, "87", "legacy", "teams_total", "2024-07-01")
    con.execute("""UPDATE core_observation SET is_demo = false WHERE unit_code = '87' AND boundary_version = 'legacy'
                   AND indicator_code = 'teams_total' AND period_end = ? AND source_id = 'demo'""", [end])
    return rf"observation 87 teams_total {end}: is_demo=false but source kind demo"


def _article_flagged_demo(con):
    unit, ind, end, src = one(con, """SELECT o.unit_code, o.indicator_code, o.period_end, o.source_id
        FROM core_observation o JOIN core_source s USING (source_id) WHERE s.source_kind = 'article'
        ORDER BY ALL LIMIT 1""")
    con.execute("""UPDATE core_observation SET is_demo = true, quote_vi = '  ' WHERE unit_code = ?
                   AND indicator_code = ? AND period_end = ? AND source_id = ?""", [unit, ind, end, src])
    return rf"observation {unit} {ind} {end}: is_demo=true but source kind article.*|article figure {unit} {ind} {end} has no quote"


def _value_negative(con):
    end, _ = demo_row(con, "82", "2025", "members")
    con.execute("""UPDATE core_observation SET value = -3 WHERE unit_code = '82' AND boundary_version = '2025'
                   AND indicator_code = 'members' AND period_end = ? AND is_demo""", [end])
    return rf"observation 82 members {end} = -3(\.0)? is negative"


def _rate_above_100(con):
    end, _ = demo_row(con, "87", "legacy", "villages_with_team_pct")
    con.execute("""UPDATE core_observation SET value = 120 WHERE unit_code = '87' AND boundary_version = 'legacy'
                   AND indicator_code = 'villages_with_team_pct' AND period_end = ? AND is_demo""", [end])
    return rf"observation 87 villages_with_team_pct {end} = 120(\.0)? is outside 0–100 %"


def _target_zero(con):
    unit, ind, end = one(con, "SELECT unit_code, indicator_code, period_end FROM core_target ORDER BY ALL LIMIT 1")
    con.execute("UPDATE core_target SET target_value = 0 WHERE unit_code = ? AND indicator_code = ? AND period_end = ?",
                [unit, ind, end])
    return rf"target {unit} {ind} {end} = 0(\.0)? is not positive"


def _ratio_not_num_over_den(con):
    end, value = demo_row(con, "87", "legacy", "villages_with_team_pct")
    con.execute("""UPDATE core_observation SET value = ? WHERE unit_code = '87' AND boundary_version = 'legacy'
                   AND indicator_code = 'villages_with_team_pct' AND period_end = ? AND is_demo""", [value / 2, end])
    return rf"^87 villages_with_team_pct {end}: [\d.]+ ≠ 100×"


def _parent_not_sum_legacy(con):
    end, _ = demo_row(con, "87", "legacy", "teams_total", "2024-07-01")
    con.execute("""UPDATE core_observation SET value = value + 100 WHERE unit_code = '87' AND boundary_version = 'legacy'
                   AND indicator_code = 'teams_total' AND period_end = ? AND is_demo""", [end])
    return rf"legacy 87 teams_total {end}: parent [\d.]+ ≠ sum of children"


def _child_changed_2025(con):
    # a 2025 parent and month the check compares (every child reported: the demo leaves some communes
    # unreported each month, so it is often the nation over its 34 provinces); one child's value moves
    parent, end = one(con, """WITH reported AS (
                                  SELECT u.parent_code, o.period_end, count(*) AS n FROM core_observation o
                                  JOIN core_unit u USING (boundary_version, unit_code)
                                  WHERE o.boundary_version = '2025' AND o.indicator_code = 'members' AND o.is_demo
                                    AND u.parent_code IS NOT NULL GROUP BY ALL),
                              children AS (
                                  SELECT parent_code, count(*) AS n FROM core_unit
                                  WHERE boundary_version = '2025' AND parent_code IS NOT NULL
                                    AND coalesce(is_reporting, true) GROUP BY ALL)
                              SELECT r.parent_code, r.period_end FROM reported r JOIN children c USING (parent_code)
                              WHERE r.n = c.n ORDER BY r.period_end DESC, r.parent_code LIMIT 1""")
    code = one(con, """SELECT min(o.unit_code) FROM core_observation o JOIN core_unit u USING (boundary_version, unit_code)
                       WHERE o.boundary_version = '2025' AND u.parent_code = ? AND o.indicator_code = 'members'
                         AND o.period_end = ? AND o.is_demo""", [parent, end])[0]
    con.execute("""UPDATE core_observation SET value = value + 7 WHERE unit_code = ? AND boundary_version = '2025'
                   AND indicator_code = 'members' AND period_end = ? AND is_demo""", [code, end])
    return rf"2025 {parent} members {end}: parent [\d.]+ ≠ sum of children"


def _july_jump(con):
    con.execute("""UPDATE core_observation SET value = value * 1.5 WHERE unit_code = '82' AND boundary_version = '2025'
                   AND indicator_code = 'teams_total' AND period_end = DATE '2025-07-31' AND is_demo""")
    return r"2025 province 82 teams_total: June 2025 \(legacy, re-aggregated\) \d+(\.0)? vs July 2025"


def _observation_before_its_version(con):
    con.execute(f"""INSERT INTO core_observation ({OBS_COLS}) VALUES ('82', '2025', 'teams_total', DATE '2025-03-01',
                   DATE '2025-03-31', 'month', 5, 'demo', NULL, true, NULL)""")
    return r"observation 82 teams_total 2025-03-01\.\.2025-03-31 is outside boundary version 2025"


def _observation_after_its_version(con):
    con.execute(f"""INSERT INTO core_observation ({OBS_COLS}) VALUES ('87', 'legacy', 'teams_total', DATE '2025-08-01',
                   DATE '2025-08-31', 'month', 5, 'demo', NULL, true, NULL)""")
    return r"observation 87 teams_total 2025-08-01\.\.2025-08-31 is outside boundary version legacy"


def _target_starting_after_its_version(con):
    con.execute(f"""INSERT INTO core_target ({TARGET_COLS}) VALUES ('87', 'legacy', 'teams_total', DATE '2026-01-01',
                   DATE '2026-12-31', 10, 'demo', NULL, true, NULL)""")
    return r"target 87 teams_total 2026-01-01\.\.2026-12-31 is outside boundary version legacy"


FAULTS = [
    pytest.param("check_orphan_codes", _orphan_observation, id="orphan-observation"),
    pytest.param("check_orphan_codes", _orphan_crosswalk_target, id="orphan-crosswalk-target"),
    pytest.param("check_orphan_codes", _orphan_target, id="orphan-target-wrong-version"),
    pytest.param("check_unit_counts", _unit_count_province, id="62-legacy-provinces"),
    pytest.param("check_unit_counts", _unit_count_district_2025, id="a-2025-district"),
    pytest.param("check_crosswalk_weights", _weights_halved, id="weights-sum-0.5"),
    pytest.param("check_crosswalk_weights", _weights_unmapped, id="commune-unmapped"),
    pytest.param("check_demo_flags", _demo_not_flagged, id="demo-row-not-flagged"),
    pytest.param("check_demo_flags", _article_flagged_demo, id="article-flagged-demo-no-quote"),
    pytest.param("check_value_ranges", _value_negative, id="negative-count"),
    pytest.param("check_value_ranges", _rate_above_100, id="rate-above-100"),
    pytest.param("check_value_ranges", _target_zero, id="zero-target"),
    pytest.param("check_ratio_consistency", _ratio_not_num_over_den, id="ratio-not-num-over-den"),
    pytest.param("check_sums_across_levels", _parent_not_sum_legacy, id="legacy-parent-off"),
    pytest.param("check_sums_across_levels", _child_changed_2025, id="2025-commune-off"),
    pytest.param("check_crosswalk_continuity", _july_jump, id="july-2025-jump"),
    pytest.param("check_boundary_periods", _observation_before_its_version, id="2025-row-in-march-2025"),
    pytest.param("check_boundary_periods", _observation_after_its_version, id="legacy-row-in-august-2025"),
    pytest.param("check_boundary_periods", _target_starting_after_its_version, id="legacy-target-2026"),
]


@pytest.mark.parametrize("name,plant", FAULTS)
def test_planted_fault_fails_its_check_by_name(planted, name, plant):
    con = planted()
    pattern = plant(con)
    assert_named(con, name, pattern)


def test_run_all_reports_a_planted_fault_under_its_check_name(planted):
    """What the build and `python -m data check` see: the fault, prefixed with the check's name."""
    con = planted()
    pattern = _parent_not_sum_legacy(con)
    found = [f for f in checks.run_all(con) if f.startswith("check_sums_across_levels: ")]
    assert any(re.search(pattern, f) for f in found), found


def test_an_index_published_under_the_new_provinces_is_not_a_boundary_fault(planted):
    """A figure its source published under the 34 provinces for 2024 (the DTI 2024, published 21/10/2025)
    may start before the 2025 version (the check's published-date rule); the same row from a source
    without such a date is still caught, and so is a demo row before the version."""
    src = one(planted(), "SELECT source_id FROM core_source WHERE published_date >= DATE '2025-07-01' "
                         "AND source_id LIKE '%dti%' ORDER BY source_id LIMIT 1")[0]
    row = "('82', '2025', 'dti_rank', DATE '2024-01-01', DATE '2024-12-31', 'year', 39, '{}', NULL, {}, NULL)"
    con = planted(f"INSERT INTO core_observation ({OBS_COLS}) VALUES " + row.format(src, "false"))
    assert checks.run(con, "check_boundary_periods").failures == []
    pattern = _observation_before_its_version(con)
    assert_named(con, "check_boundary_periods", pattern)
    con = planted(f"INSERT INTO core_observation ({OBS_COLS}) VALUES " + row.format("demo", "true"))
    assert_named(con, "check_boundary_periods", r"observation 82 dti_rank 2024-01-01\.\.2024-12-31 is outside")


# ---- a check that compared nothing fails -------------------------------------------------------------
EMPTY = [
    pytest.param("check_boundary_periods", ["DELETE FROM core_observation", "DELETE FROM core_target"],
                 id="no-rows"),
    # the realistic vacuous case: the 2025 series does not start in July 2025, nothing to line up with June
    pytest.param("check_crosswalk_continuity",
                 ["DELETE FROM core_observation WHERE boundary_version = '2025' AND period_end = DATE '2025-07-31'"],
                 id="no-july-2025"),
    pytest.param("check_crosswalk_weights",
                 ["DELETE FROM core_unit WHERE boundary_version = 'legacy' AND unit_level <> 'nation'"],
                 id="no-legacy-units"),
    pytest.param("check_demo_flags", ["DELETE FROM core_observation"], id="no-observations"),
    pytest.param("check_orphan_codes", ["DELETE FROM core_observation", "DELETE FROM core_target",
                                        "DELETE FROM core_population", "DELETE FROM core_crosswalk",
                                        "UPDATE core_unit SET parent_code = NULL"], id="no-references"),
    # numerators stored under another source than their ratio: no ratio can be checked against its parts
    pytest.param("check_ratio_consistency",
                 ["DELETE FROM core_observation WHERE indicator_code IN "
                  "(SELECT numerator_code FROM core_indicator WHERE aggregation = 'ratio')"], id="no-numerators"),
    # one child of every parent never reported: no sum is complete, none can be compared
    pytest.param("check_sums_across_levels",
                 ["""DELETE FROM core_observation o USING core_unit u
                     WHERE u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
                       AND u.unit_code IN (SELECT min(unit_code) FROM core_unit WHERE parent_code IS NOT NULL
                                           GROUP BY boundary_version, parent_code)"""], id="one-child-missing"),
    pytest.param("check_unit_counts", ["DELETE FROM core_unit"], id="no-units"),
    pytest.param("check_value_ranges", ["DELETE FROM core_observation", "DELETE FROM core_target"],
                 id="no-rows"),
]


@pytest.mark.parametrize("name,statements", EMPTY)
def test_check_that_compared_nothing_fails(planted, name, statements):
    con = planted(*statements)
    r = checks.run(con, name)
    assert r.n_compared == 0
    assert any("compared nothing" in f for f in r.failures), r.failures


def test_run_all_reports_a_check_that_compared_nothing(planted):
    con = planted("DELETE FROM core_observation WHERE boundary_version = '2025' AND period_end = DATE '2025-07-31'")
    assert any(f.startswith("check_crosswalk_continuity: compared nothing") for f in checks.run_all(con))
