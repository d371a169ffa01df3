"""A rate (villages_with_team_pct, dossiers_online_pct) is 100 × Σ numerator / Σ denominator at every level,
never a mean of percentages. After a province imports its villages, the demo figures above it move by the
difference (derived_rollup), so the nation's villages move; its rate must move with them. Before, the
nation's demo coverage stayed as stored (90,6 %) while its own villages read 89,7 % (Đồng Tháp importing
3.000 villages, 1.500 with a team, over its demo 3.387 / 2.742): the Overview card and Compare provinces
showed a rate that no longer was the ratio of the figures beside it. A rollback restores it exactly.

The expected figures come from SQL of our own over core_unit and core_observation, never through queries/ or
cnscd: a province's figure is its real one where it has one, else its demo one; the nation's the provinces' sum.
"""
from __future__ import annotations


import duckdb
import pytest

from tests import numbers as nb
from tests.ingest_fixtures import demo_copy, dry

NUM, DEN, RATE = "villages_with_team", "villages_total", "villages_with_team_pct"


def nation_parts(path, day) -> tuple[float, float, float]:
    """(Σ villages with a team, Σ villages, the nation's stored demo rate) at `day`, the 2025 provinces."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.sql("""
            WITH prov AS (
                SELECT o.unit_code, o.indicator_code, o.value
                FROM core_observation o JOIN core_unit u USING (boundary_version, unit_code)
                WHERE o.boundary_version = '2025' AND u.unit_level = 'province' AND o.granularity = 'month'
                  AND o.period_end = $day AND o.indicator_code IN ($num, $den)
                QUALIFY row_number() OVER (PARTITION BY o.unit_code, o.indicator_code ORDER BY o.is_demo) = 1)
            SELECT (SELECT sum(value) FROM prov WHERE indicator_code = $num),
                   (SELECT sum(value) FROM prov WHERE indicator_code = $den),
                   (SELECT value FROM core_observation WHERE boundary_version = '2025' AND unit_code = 'VN'
                     AND indicator_code = $rate AND period_end = $day AND is_demo AND granularity = 'month')""",
                       params={"day": day, "num": NUM, "den": DEN, "rate": RATE}).fetchall()
    finally:
        con.close()
    return rows[0]


@pytest.fixture
def villages_imported(warehouse_file, tmp_path, monkeypatch, truth):
    from cnscd.ingest import commit

    target = demo_copy(warehouse_file, tmp_path, monkeypatch)
    day = truth.latest_month()
    data = (f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Số thôn, tổ dân phố;Số thôn, tổ dân phố có Tổ CNSCĐ\n"
            f"82;Tỉnh Đồng Tháp;{day:%m/%Y};3000;1500\n").encode("utf-8")
    plan = dry(target, data, "dong-thap-thon.csv")
    assert plan.ok, plan.problems
    batch = commit(plan, "audit", policy="replace")["batch_id"]
    return target, day, batch


def rate_card(at, truth) -> str:
    return nb.cards(at)[truth.name(RATE)].value


def test_the_nations_rate_moves_with_its_parts_after_an_import_and_back_after_a_rollback(villages_imported, truth,
                                                                                       monkeypatch):
    from cnscd.ingest import rollback

    target, day, batch = villages_imported
    num, den, stored = nation_parts(target, day)
    expected = 100.0 * num / den
    assert not nb.close(expected, stored, abs_=0.05), (expected, stored)     # the import moved the ratio
    at = nb.ok(nb.open_page(None, period=f"{day:%Y-%m}"))
    assert nb.shows(rate_card(at, truth), expected), (rate_card(at, truth), expected, stored)
    # Compare provinces, the rate as it is: the nation's line at that month
    at = nb.ok(nb.open_page("compare", units="82", ind=RATE))
    ys = [(tr["y"][i]) for tr in nb.figures(at)[0]["data"] if tr.get("meta", {}).get("key", "").startswith("VN|")
          for i, x in enumerate(tr["x"]) if str(x)[:10] == day.isoformat()]
    assert len(ys) == 1 and nb.close(ys[0], expected), (ys, expected)
    # the province's own rate is its imported one (the importer derived it from its two parts)
    (prov,) = [tr["y"][-1] for tr in nb.figures(at)[0]["data"] if tr.get("meta", {}).get("key") == "82|2025"]
    assert nb.close(prov, 50.0), prov
    rollback(batch, "audit")
    num0, den0, stored0 = nation_parts(target, day)
    assert nb.close(100.0 * num0 / den0, stored0)
    at = nb.ok(nb.open_page(None, period=f"{day:%Y-%m}"))
    assert nb.shows(rate_card(at, truth), stored0), (rate_card(at, truth), stored0)


def test_every_shown_rate_is_the_ratio_of_its_shown_parts(con):
    """The demo warehouse as the pages read it (out_observation), nation and provinces: every demo rate with
    both parts is 100 × numerator / denominator of the same unit and month."""
    rows = con.sql("""
        SELECT boundary_version, unit_code, period_end, indicator_code, value FROM out_observation
        WHERE unit_level IN ('nation', 'province') AND indicator_code IN
              ('villages_with_team_pct', 'villages_with_team', 'villages_total')""").fetchall()
    got: dict = {}
    for v, u, d, code, value in rows:
        got.setdefault((v, u, d), {})[code] = value
    compared = 0
    for key, x in got.items():
        if {RATE, NUM, DEN} <= x.keys() and x[DEN] > 0:
            compared += 1
            assert nb.close(x[RATE], 100.0 * x[NUM] / x[DEN], abs_=1e-6), (key, x)
    assert compared > 3000, compared
