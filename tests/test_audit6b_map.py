"""The map page, one month and indicator (members, 6/2026, 34 provinces): each province's hover value, rank
and % of target, and its legend class, against SQL of our own over core_observation and core_target (never
through queries/ or cnscd). Found right at this audit (no fix); kept so it stays right, in both languages.
"""
from __future__ import annotations

import base64
import datetime as dt

import numpy as np
import pytest

from tests import numbers as nb

DAY = dt.date(2026, 6, 30)


def own(truth) -> dict[str, tuple[float, float | None]]:
    """{province code: (members, target in force)} of the 34 provinces at DAY."""
    rows = truth.sql("""
        WITH v AS (SELECT unit_code, value FROM core_observation WHERE boundary_version = '2025'
                   AND indicator_code = 'members' AND period_end = $d AND granularity = 'month'
                   QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY is_demo, source_id) = 1),
             t AS (SELECT unit_code, target_value FROM core_target WHERE boundary_version = '2025'
                   AND indicator_code = 'members' AND period_start <= $d AND $d <= period_end
                   QUALIFY row_number() OVER (PARTITION BY unit_code
                                              ORDER BY is_demo, period_end, period_end - period_start, source_id) = 1)
        SELECT u.unit_code, v.value, t.target_value FROM core_unit u JOIN v USING (unit_code) LEFT JOIN t USING (unit_code)
        WHERE u.boundary_version = '2025' AND u.unit_level = 'province'""", {"d": DAY})
    return {c: (v, tg) for c, v, tg in rows}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_map_hover_and_legend_class_are_the_provinces_figures(warehouse_env, truth, lang):
    want = own(truth)
    assert len(want) == 34
    at = nb.ok(nb.open_page("map", ind="members", period=f"{DAY:%Y-%m}", lang=lang))
    tr = nb.figures(at)[0]["data"][0]
    assert tr["type"] == "choropleth"
    z = np.frombuffer(base64.b64decode(tr["z"]["bdata"]), dtype=tr["z"]["dtype"]).tolist()
    ticks = dict(zip(tr["colorbar"]["tickvals"], tr["colorbar"]["ticktext"]))
    ranked = sorted(want, key=lambda c: -want[c][0])
    seen = {}
    for cd, cls in zip(tr["customdata"], z):
        code = cd[7]
        value, target = want[code]
        seen[code] = cls
        assert nb.close(cd[1], value), (code, cd[1], value)
        assert cd[2] == 1 + sum(want[c][0] > value for c in want), (code, cd[2], ranked.index(code) + 1)
        assert nb.close(cd[3], target) and abs(cd[4] - 100.0 * value / target) < 0.006, (code, cd[3:5], target)
        lo, hi = (nb.parse_number(p, lang) for p in ticks[cls].split(" – "))
        assert lo <= value <= hi, (code, value, ticks[cls])
    assert seen.keys() == want.keys()
    # quintiles: the classes hold 6-7 provinces each, in the order of the values, from the least to the most
    counts = [list(seen.values()).count(k) for k in range(1, 6)]
    assert sorted(counts) == [6, 7, 7, 7, 7] and sum(counts) == 34, counts
    by_value = [seen[c] for c in sorted(want, key=lambda c: want[c][0])]
    assert by_value == sorted(by_value)
    assert nb.parse_number(ticks[1].split(" – ")[0], lang) == min(v for v, _ in want.values())
    assert nb.parse_number(ticks[5].split(" – ")[1], lang) == max(v for v, _ in want.values())
    assert ticks[0] == ("chưa báo cáo" if lang == "vi" else "no report")
    sep = "." if lang == "vi" else ","
    assert all(sep in ticks[k] for k in range(1, 6)), ticks


def test_map_hover_percent_sign_as_the_rest_of_each_language(warehouse_env):
    """The hover's % of target is written as everywhere else in that language: '98,8 % mục tiêu' (vi),
    '98.8% of target' (en; before, '98.8 % of target' beside the cards' and Targets' '94.3% of target')."""
    for lang, words in (("vi", "%{customdata[4]:,.1f} % mục tiêu"), ("en", "%{customdata[4]:,.1f}% of target")):
        at = nb.ok(nb.open_page("map", ind="members", period=f"{DAY:%Y-%m}", lang=lang))
        hover = nb.figures(at)[0]["data"][0]["hovertemplate"]
        assert words in hover, hover
