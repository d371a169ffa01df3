"""A rate's own value and a % of target are written as each language writes a percentage everywhere else:
"90,6 %" (vi) and "90.6%" (en). Before, the English hovers of every chart that named a rate's unit after the
number read "90.6 %" (cards' sparkline trends, map value and "Measure: 98.8 % of target", compare lines,
district bars and small multiples, the targets bars) and the PDF/slide tables' shares "92.5 %", while the
cards, the Targets headline and the map's target line read "90.6%". Every page is opened in English and in
Vietnamese with a rate and with % of target, and every string of every chart is read.
"""
from __future__ import annotations

import json
import re

import pytest

from tests import numbers as nb

SPACED = re.compile(r"(\d|\}) %")      # "90.6 %" or "%{y:,.1f} %"
TIGHT = re.compile(r"(\d|\})%(?!\{)")   # "90,6%" or "%{y:,.1f}%" (not "%%{customdata}": a number then a field)

CASES = [(None, {}), ("map", {"ind": "villages_with_team_pct"}), ("map", {"measure": "pct_target"}),
         ("compare", {"units": "82", "ind": "villages_with_team_pct"}), ("compare", {"units": "82", "measure": "pct_target"}),
         ("districts", {"unit": "2025:82", "ind": "villages_with_team_pct"}), ("districts", {"unit": "2025:82"}),
         ("targets", {})]


def strings(o):
    if isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings(v)
    elif isinstance(o, str):
        yield o


@pytest.mark.parametrize("page, params", CASES, ids=[f"{p}-{'-'.join(q.values())}" for p, q in CASES])
def test_every_chart_writes_percent_as_its_language(warehouse_env, page, params):
    for lang, wrong, right in (("en", SPACED, re.compile(r"(\d|\})%")), ("vi", TIGHT, SPACED)):
        at = nb.ok(nb.open_page(page, lang=lang, **params))
        texts = [s for fig in nb.figures(at) for s in strings(fig)] + \
                [s for m in at.metric for s in (m.value, m.delta or "")]
        hovers = [s for fig in nb.figures(at) for tr in fig["data"] for s in [tr.get("hovertemplate") or ""]
                  if "%" in s.replace("%{", "")]
        assert hovers, (page, lang)                                  # a percentage is in some hover
        bad = sorted({s for s in texts if wrong.search(s.replace("%%{", "%{"))})
        assert not bad, (lang, bad[:5])
        assert any(right.search(s) for s in hovers), (lang, hovers[:3])


def test_unit_after_and_the_pdf_tables():
    from cnscd import fmt
    from cnscd.export.notes import _kinded

    assert [fmt.unit_after(u, "en") for u in ("%", "% of target", "% a year", "teams", "", None)] == \
        ["%", "% of target", "% a year", " teams", "", ""]
    assert [fmt.unit_after(u, "vi") for u in ("%", "% mục tiêu", "tổ")] == [" %", " % mục tiêu", " tổ"]
    assert _kinded(92.5, "pct100", 1, "en") == "92.5%" and _kinded(0.925, "pct", 3, "en") == "92.5%"
    assert _kinded(92.5, "pct100", 1, "vi") == "92,5 %"


def test_problem_text_percent():
    from cnscd.text import t

    assert "0–100%" in t("rate_range", "en", parsed="120") and "0–100 %" in t("rate_range", "vi", parsed="120")


def test_english_says_percent_of_target(warehouse_env):
    """'% of target' in English wherever Vietnamese says '% mục tiêu' (before, the Overview table's column
    'Teams, total: % target', the Targets axis 'target' as '% target' and its below-threshold table's header)."""
    for lang, words in (("vi", "% mục tiêu"), ("en", "% of target")):
        at = nb.ok(nb.open_page(None, unit="2025:82", lang=lang))
        assert any(str(c).endswith(f": {words}") for f in nb.frames(at) for c in f.columns), \
            [list(f.columns) for f in nb.frames(at)]
        at = nb.ok(nb.open_page("targets", ind="members", thr="99", lang=lang))
        assert nb.figures(at)[0]["layout"]["xaxis"]["title"]["text"] == words
        assert words in list(nb.frames(at)[0].columns), list(nb.frames(at)[0].columns)
