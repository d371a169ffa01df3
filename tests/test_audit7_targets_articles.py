"""Targets page, "achievements reported in articles": each row is an article's figure beside the article's target
for the same unit, indicator and period (own SQL over core_observation and core_target), the % recomputed from the
two, and the row names its source. Before, the "Source" column held only the article's link, so the three
Đồng Tháp rows (an article with no URL) named no source at all; and the unit read "Đồng Tháp" on a page whose
months are 2025 Đồng Tháp's, while the figures are legacy Đồng Tháp's (87, 6/2024): now "Đồng Tháp (63 tỉnh)".
"""
from __future__ import annotations

import pytest

from tests import numbers as nb

SUFFIX = {"vi": " (63 tỉnh)", "en": " (63 provinces)"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_article_achievements_rows_name_their_source_and_version(warehouse_env, truth, lang):
    want = truth.sql(f"""
        SELECT o.unit_code, u.short_name, u.unit_level, o.period_end, o.value, t.target_value,
               coalesce(s.title_en, s.title) AS title_en, s.title
        FROM core_observation o
        JOIN core_target t ON t.unit_code = o.unit_code AND t.boundary_version = o.boundary_version
             AND t.indicator_code = o.indicator_code AND o.period_end BETWEEN t.period_start AND t.period_end
             AND NOT t.is_demo
        JOIN core_indicator i ON i.indicator_code = o.indicator_code AND i.higher_is_better
        JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
        JOIN core_source s ON s.source_id = o.source_id
        WHERE NOT o.is_demo AND o.boundary_version = 'legacy'""")
    assert len(want) == 3
    at = nb.ok(nb.open_page("targets", lang=lang))
    (table,) = [f for f in nb.frames(at) if len(f.columns) > 9]
    cols = list(table.columns)
    assert cols[-2:] == (["Nguồn", "Liên kết"] if lang == "vi" else ["Source", "Link"]), cols
    rows = sorted(((str(r.iloc[0]), nb.parse_number(str(r.iloc[3]), lang), nb.parse_number(str(r.iloc[4]), lang),
                    float(r.iloc[5]), str(r.iloc[-2])) for _, r in table.iterrows()), key=lambda r: r[1])
    expected = sorted(((name + SUFFIX[lang], value, target, 100.0 * value / target, en if lang == "en" else vi)
                       for _, name, level, _, value, target, en, vi in want), key=lambda r: r[1])
    assert [r[0] for r in rows] == [e[0] for e in expected] and [r[4] for r in rows] == [e[4] for e in expected], rows
    for r, e in zip(rows, expected):
        assert r[1] == e[1] and r[2] == e[2] and nb.close(r[3], e[3]), (r, e)
