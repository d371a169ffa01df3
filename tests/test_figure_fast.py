"""Charts built from plain dicts and wrapped once unvalidated (cnscd/charts/base.figure, issue 12 §4) are
the same figures the validated graph objects made: for every builder, over the calls the chart pages
make on the demo warehouse (tests/figure_cases.py) and hand-made edge cases, today's figure

1. validates: plotly's full validation of its dict (`go.Figure(fig.to_dict())`) neither raises nor
   changes a property, so nothing invalid reaches the browser or the exports;
2. is the reference's: its JSON equals what main's validated builders (tests/figref) give for the
   same call, so the screen, PNG/SVG/PDF, slides and report show exactly what they did.
"""
from __future__ import annotations

import json
from pathlib import Path
from collections import Counter

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests import figure_cases as fc


def spec(fig: go.Figure) -> dict:
    """What the browser and kaleido get: the figure's JSON, parsed (key order aside)."""
    return json.loads(pio.to_json(fig, validate=False))


def fresh(args: tuple) -> tuple:
    """The reference's finish edits its figure in place: each side gets its own copy."""
    return tuple(go.Figure(a.to_dict()) if isinstance(a, go.Figure) else a for a in args)


def where_differ(a, b, path="") -> str:
    """The first path at which two JSON values differ (for the failure message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: {'missing' if k not in a else repr(a[k])[:120]} vs " \
                       f"{'missing' if k not in b else repr(b[k])[:120]}"
            if a[k] != b[k]:
                return where_differ(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return where_differ(x, y, f"{path}[{i}]")
    return f"{path}: {repr(a)[:200]} vs {repr(b)[:200]}"


@pytest.fixture(autouse=True)
def _app_template(monkeypatch):
    """The app's default template (cnscd.charts.base sets it after Streamlit set its own on import; a test
    process may import Streamlit later), and the subplot grids, which carry the template they were made
    with, made again under it on both sides."""
    from cnscd.charts import base
    from tests.figref import base as ref_base

    import streamlit  # noqa: F401  (its import sets pio.templates.default = "streamlit")
    monkeypatch.setattr(pio.templates, "default", base.TEMPLATE)
    base._grid.cache_clear()
    ref_base._grid.cache_clear()


def check(name: str, args: tuple, kwargs: dict) -> None:
    new = fc.builder(name)(*fresh(args), **kwargs)
    ref = fc.builder(name, reference=True)(*fresh(args), **kwargs)
    assert isinstance(new, go.Figure)
    got = spec(new)
    revalidated = spec(go.Figure(new.to_dict()))          # raises on any invalid property
    assert got == revalidated, f"{name}: validation changes {where_differ(got, revalidated)}"
    want = spec(ref)
    assert got == want, f"{name}: differs from main's validated builder at {where_differ(got, want)}"


@pytest.fixture(scope="module")
def page_calls(warehouse_file):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
        calls = fc.record_views()
        # the caches the recording runs filled hold figures of the recorded builders: clear them
        import streamlit as st
        st.cache_data.clear()
        st.cache_resource.clear()
    return calls


def test_the_pages_views_reach_every_chart_builder(page_calls):
    seen = Counter(name for name, _, _ in page_calls)
    page_builders = set(fc.BUILDERS) - {"finish", "sparkline"}   # sparkline and finish: hand-made cases
    assert page_builders <= set(seen), f"no view built {sorted(page_builders - set(seen))}"
    langs = {c[1][1].lang for c in page_calls if c[0] != "choropleth"} | \
            {c[1][3].lang for c in page_calls if c[0] == "choropleth"}
    assert langs == {"vi", "en"}
    maps = [(args[0], kwargs) for name, args, kwargs in page_calls if name == "choropleth"]
    assert {layer.version for layer, _ in maps} == {"legacy", "2025"}
    assert any(kw.get("shared_note") for _, kw in maps) and any(kw.get("geojson_url") for _, kw in maps)
    assert any(layer.province for layer, _ in maps) and any(not kw.get("geojson_url") for _, kw in maps)


def test_every_figure_the_pages_build_is_the_validated_one(page_calls):
    for name, args, kwargs in page_calls:
        check(name, args, kwargs)


@pytest.mark.parametrize("case", fc.hand_made(), ids=lambda c: c[0])
def test_edge_cases_are_the_validated_figure(case):
    check(*case)


def test_an_unvalidated_figure_reads_like_a_validated_one():
    """Tests, exports and the app read properties off the finished figure: the same values come back."""
    name, args, kwargs = next(c for c in fc.hand_made() if c[0] == "progress_bars")
    new, ref = fc.builder(name)(*args, **kwargs), fc.builder(name, reference=True)(*args, **kwargs)
    assert new.layout.yaxis.categoryarray == ref.layout.yaxis.categoryarray
    assert [s.x0 for s in new.layout.shapes] == [s.x0 for s in ref.layout.shapes]
    assert new.layout.margin.b == ref.layout.margin.b and new.layout.title.text == ref.layout.title.text
    assert [tr.name for tr in new.data] == [tr.name for tr in ref.data]
    assert new.data[0].customdata == ref.data[0].customdata


def test_exports_get_the_same_figure(page_calls):
    """export.restyle (PNG/SVG/PDF, slides, report) of today's figure is that of the validated one: the
    files are drawn from equal JSON."""
    from cnscd import export

    firsts = {}
    for case in page_calls + fc.hand_made():
        firsts.setdefault(case[0], case)   # one call per builder: restyle re-validates, ~50 ms each
    for name, args, kwargs in firsts.values():
        new = fc.builder(name)(*fresh(args), **kwargs)
        ref = fc.builder(name, reference=True)(*fresh(args), **kwargs)
        for width, scale in ((export.BASE_WIDTH, 1.0), (1600, 1.4)):
            got, want = spec(export.restyle(new, width, scale)), spec(export.restyle(ref, width, scale))
            assert got == want, f"{name}: the export differs at {where_differ(got, want)}"


def test_the_screen_gets_plotlys_own_json_without_a_deep_copy(page_calls):
    """widgets.encode_once skips to_dict()'s deep copy (a map's outlines): the JSON sent to the browser
    is still exactly plotly's own of every figure the pages build, and the figure is left as it was."""
    import plotly.io as pio

    from cnscd.ui import widgets

    for name, args, kwargs in page_calls + fc.hand_made():
        fig = fc.builder(name)(*args, **kwargs)
        before = pio.to_json(fig.to_dict(), validate=False)
        assert pio.to_json(widgets._as_dict(fig), validate=False) == before, name
        assert widgets.encode_once(fig).json == before, name
        assert pio.to_json(fig.to_dict(), validate=False) == before, name


def test_the_template_does_not_depend_on_import_order():
    """Importing streamlit after cnscd.charts makes Streamlit's template plotly's default: a figure made
    then is still drawn with the app's template (the app imports streamlit first, the brief CLI does not)."""
    import subprocess
    import sys

    code = ("import plotly.io as pio\nfrom cnscd.charts import base\nimport streamlit\n"
            "assert pio.templates.default == 'streamlit'\n"
            "fig = base.figure([{'type': 'bar', 'x': [1], 'y': [2]}], {})\n"
            "print(fig.layout.template.layout.paper_bgcolor, fig.layout.template == pio.templates[base.TEMPLATE])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "True", out.stdout


def test_the_app_template_draws_what_plotly_white_draws(page_calls):
    """cnscd_white is plotly_white kept to what the app draws (base.TRACE_TYPES; no polar, ternary or 3-D
    scene): every figure the pages build has only traces of those types and none of those subplots, and
    for them the template's entries are plotly_white's own — the figure plotly.js draws is the same — while
    each figure's JSON is a third of plotly_white's size."""
    from cnscd.charts import base

    white = pio.templates[base.BASE_TEMPLATE].to_plotly_json()
    mine = pio.templates[base.TEMPLATE].to_plotly_json()
    assert mine["layout"] == {k: v for k, v in white["layout"].items() if k not in base.UNUSED_SUBPLOTS}
    assert mine["data"] == {k: v for k, v in white["data"].items() if k in base.TRACE_TYPES}
    sizes = []
    for name, args, kwargs in page_calls + fc.hand_made():
        fig = spec(fc.builder(name)(*fresh(args), **kwargs))
        types = {tr.get("type", "scatter") for tr in fig["data"]}
        assert types <= set(base.TRACE_TYPES), f"{name} draws {types - set(base.TRACE_TYPES)}: add to base.TRACE_TYPES"
        assert not [k for k in fig["layout"] if k.rstrip("0123456789") in base.UNUSED_SUBPLOTS], name
        assert fig["layout"]["template"] == mine
        sizes.append(len(json.dumps(fig["layout"]["template"])))
    assert max(sizes) < len(json.dumps(white)) / 2
