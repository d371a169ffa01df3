"""Compare provinces, "% of target": a province with no target in force that month (legacy Yên Bái, 2022)
has no point (never 0 %) and a blank CSV cell beside its figure; where it has one, 100 × value / target.
Expected figures from SQL of our own over core_observation and core_target. Found right at this audit.
"""
from __future__ import annotations

import datetime as dt

from tests import numbers as nb


def own(truth, code: str) -> dict[dt.date, tuple[float, float | None]]:
    rows = truth.sql("""
        SELECT o.period_end, o.value, (SELECT t.target_value FROM core_target t WHERE t.boundary_version = 'legacy'
               AND t.unit_code = o.unit_code AND t.indicator_code = o.indicator_code
               AND t.period_start <= o.period_end AND o.period_end <= t.period_end
               ORDER BY t.is_demo, t.period_end, t.period_end - t.period_start, t.source_id LIMIT 1)
        FROM core_observation o WHERE o.boundary_version = 'legacy' AND o.unit_code = $c
          AND o.indicator_code = 'teams_total' AND o.granularity = 'month'
        QUALIFY row_number() OVER (PARTITION BY o.period_end ORDER BY o.is_demo, o.source_id) = 1""", {"c": code})
    return {d: (v, t) for d, v, t in rows}


def test_no_target_no_point_and_a_blank_cell(warehouse_env, truth, monkeypatch):
    want = own(truth, "15")
    untargeted = sorted(d for d, (_, t) in want.items() if t is None)
    assert untargeted and untargeted[-1] == dt.date(2022, 12, 31), untargeted
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("compare", units="15", ind="teams_total", measure="pct_target"))
    (tr,) = [tr for tr in nb.figures(at)[0]["data"] if tr.get("meta", {}).get("key") == "15|legacy"]
    got = dict(zip((nb.as_date(x) for x in tr["x"]), tr["y"]))
    assert got.keys() == want.keys()
    for d, (v, t) in want.items():
        assert (got[d] is None) if t is None else nb.close(got[d], 100.0 * v / t), (d, got[d], v, t)
    rows = [r for r in downloads.csv("compare_series") if r["label"].startswith("Yên Bái")]
    by_day = {nb.as_date(r["period_end"]): r for r in rows}
    for d in untargeted:
        assert by_day[d]["shown"] == "" and nb.shows(by_day[d]["value"], want[d][0], "en"), by_day[d]
