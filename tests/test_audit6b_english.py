"""The English UI (lang=en in the link): the Overview cards, the Targets headline and the Compare page's
titles show the Vietnamese UI's numbers, with English separators (97,475; 90.6%), English months (10/2026)
and no Vietnamese word in those texts (place names aside). Expected figures from SQL of our own over
core_observation and core_target, never through queries/ or cnscd. Found right at this audit (no fix).
"""
from __future__ import annotations

import re

from tests import numbers as nb

# Vietnamese words that would betray an untranslated text (not place names: those keep their diacritics)
VI_WORDS = re.compile(r"\b(mục tiêu|tổ|người|lượt|Toàn quốc|tỉnh|Địa giới|Kỳ|so với|minh hoạ|T\d{1,2}/\d{4})\b")


def nation_latest(truth, day) -> dict[str, float]:
    rows = truth.sql("""SELECT indicator_code, value FROM core_observation WHERE boundary_version = $v
                        AND unit_code = 'VN' AND period_end = $d AND granularity = 'month'
                        QUALIFY row_number() OVER (PARTITION BY indicator_code ORDER BY is_demo, source_id) = 1""",
                     {"v": truth.version_at(day), "d": day})
    return dict(rows)


def test_overview_cards_and_targets_headline_in_english_are_the_vietnamese_numbers(warehouse_env, truth):
    day = truth.latest_month()
    want = nation_latest(truth, day)
    shown = {}
    for lang in ("vi", "en"):
        at = nb.ok(nb.open_page(None, lang=lang))
        vals = []
        for m in at.metric:
            code = truth.indicator_by_name(m.label, lang)
            assert nb.shows(m.value, want[code], lang), (lang, m.label, m.value, want[code])
            sep = ("," if lang == "en" else ".")
            assert want[code] < 1000 or sep in m.value, (lang, m.value)
            if lang == "en":
                assert not VI_WORDS.search(m.label + m.value + (m.delta or "")), (m.label, m.value, m.delta)
                assert not VI_WORDS.search(m.help.replace("·", "")), m.help
            vals.append((code, nb.parse_number(m.value, lang), nb.parse_number(m.delta, lang)))
        assert len(vals) == 7, vals
        shown[lang] = vals
        bullets = [md.value for md in at.markdown if md.value.startswith("- ")]
        prev = f"{day.month - 1 or 12:02d}/{day.year if day.month > 1 else day.year - 1}"
        if lang == "en":
            assert bullets and f"vs {prev}" in bullets[0] and not VI_WORDS.search(bullets[0].replace("Hồ Chí Minh", "")), bullets
    assert shown["vi"] == shown["en"]

    ((value, target),) = truth.sql("""
        SELECT sum(o.value), sum(t.target_value) FROM core_unit u
        JOIN core_observation o ON o.boundary_version = u.boundary_version AND o.unit_code = u.unit_code
             AND o.indicator_code = 'teams_total' AND o.period_end = $d AND o.granularity = 'month'
        JOIN (SELECT unit_code, target_value FROM core_target WHERE boundary_version = $v AND indicator_code = 'teams_total'
              AND period_start <= $d AND $d <= period_end
              QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY is_demo, period_end, period_end - period_start,
                                         source_id) = 1) t ON t.unit_code = u.unit_code
        WHERE u.boundary_version = $v AND u.unit_level = 'province'""", {"d": day, "v": truth.version_at(day)})
    pct = 100.0 * value / target
    heads = {}
    for lang in ("vi", "en"):
        at = nb.ok(nb.open_page("targets", lang=lang))
        (head,) = [md.value for md in at.markdown if md.value.startswith(("Toàn quốc:", "Nation:"))]
        heads[lang] = head
    assert heads["en"] == (f"Nation: {pct:.1f}% of target ({value:,.0f} / {target:,.0f} teams; "
                           f"total of the 34 provinces with a target)"), heads["en"]
    assert nb.shows(heads["vi"].split(": ", 1)[1], pct, "vi"), heads["vi"]


def test_compare_titles_in_english(warehouse_env, truth):
    at = nb.ok(nb.open_page("compare", units="82", lang="en"))
    day = truth.latest_month()
    for fig in nb.figures(at):
        title = fig["layout"]["title"]
        text = title["text"] + " " + title["subtitle"]["text"]
        assert f"03/2022 – {day:%m/%Y}" in text, text
        assert not VI_WORDS.search(text.replace("Đồng Tháp", "")), text
