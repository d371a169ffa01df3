"""What every chart shares: language separators, Noto Sans, `uirevision`, and the words that make a
chart self-explaining — title, subtitle (unit · period · boundary version) and a footer with the
source and the demo warning, all taken from its `ChartMeta` (cnscd/charts/meta.py).

A chart is finished once, here: the screen, its PNG/SVG/PDF, the slide and the PDF report all show
this figure (export.restyle only resizes fonts and margins for print).

Speed: a chart is plain dicts (traces, layout) until `figure` wraps them once, unvalidated:
plotly's validation of every property of every graph object (each `add_trace`, `update_layout`,
`add_annotation`, `add_vline`) was most of a new view's chart CPU. `merge` is `update_layout`'s rule,
`axis_line` an `add_vline`/`add_hline`, `finish_layout` the finishing; tests/test_figure_fast.py
proves the figures the same as the validated ones. `cnscd_white` (plotly_white kept to the trace types
the app draws) is the process's default template
(plotly applies the default without validating it again, ~1 ms; setting it per figure cost 25–35 ms).
"""
from __future__ import annotations

import copy
import functools
import zlib

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from cnscd import fmt
from cnscd.charts import textfit
from cnscd.charts.meta import ChartMeta

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#00796b"]   # no grey: grey reads as a target or the nation
NATION_COLOUR = "#222222"
STATUS_COLOURS = {"ahead": "#1a9850", "on_track": "#91cf60", "behind": "#fdae61", "far_behind": "#d73027"}
DEMO_COLOUR = "#b00020"
# The app's template: plotly_white kept to what the app draws. A template's entry for a trace type applies
# only to traces of that type, and its polar / ternary / 3-D scene defaults only to such subplots, none of
# which the app makes: the figures draw exactly as with plotly_white (tests/test_figure_fast.py), but
# plotly copies the template into every figure it makes and into its JSON, and plotly_white's 24 trace
# types were most of that (7.2 → 2.3 KB a figure; ~1.5 ms of CPU a figure, ~5 % of a new view's rerun).
BASE_TEMPLATE = "plotly_white"
TRACE_TYPES = ("scatter", "bar", "choropleth", "choroplethmap", "scattergeo")   # every type the app draws
UNUSED_SUBPLOTS = ("polar", "ternary", "scene")
TEMPLATE = "cnscd_white"


def _app_template() -> go.layout.Template:
    full = pio.templates[BASE_TEMPLATE].to_plotly_json()
    return go.layout.Template({"data": {k: v for k, v in full["data"].items() if k in TRACE_TYPES},
                               "layout": {k: v for k, v in full["layout"].items() if k not in UNUSED_SUBPLOTS}})


pio.templates[TEMPLATE] = _app_template()
pio.templates.default = TEMPLATE   # every figure of the app; see the module doc


# a trace's data arrays: handed to the figure after it is made (see `figure`)
DATA_ARRAYS = ("x", "y", "z", "customdata", "locations", "text", "hovertext", "lon", "lat")


def figure(data: list[dict], layout: dict) -> go.Figure:
    """The figure of plain trace and layout dicts (made for it: it keeps them), wrapped once and not
    validated: plotly checks every property of every graph object it builds (a finished chart cost
    30–220 ms CPU of it); the dicts are what main's validated builders made, property for property
    (tests/test_figure_fast.py validates each chart again and compares its JSON). The constructor
    deep-copies every trace; a trace's data arrays (a map's 3,321 rows of customdata) are set after it,
    which copies nothing, as the map's GeoJSON is."""
    arrays = [{k: tr.pop(k) for k in DATA_ARRAYS if tr.get(k) is not None} for tr in data]
    if pio.templates.default != TEMPLATE:
        # importing streamlit sets its own default template: a process that imported this module first
        # (the brief CLI, tests) would draw other figures than the app (a test downloads the app's PNG
        # and compares it with one made in the test process, pixel for pixel)
        pio.templates.default = TEMPLATE
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    for trace, values in zip(fig.data, arrays):
        for k, v in values.items():
            trace[k] = v
    return fig


def merge(into: dict, changes: dict) -> dict:
    """`fig.update_layout`'s rule on plain dicts: a dict merges into the dict already there, key by
    key; anything else (a number, a string, a list) replaces it."""
    for k, v in changes.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v
    return into


def finish_layout(layout: dict, meta: ChartMeta, *, uirevision: str | None = None, height: int | None = None,
                  top: int = 90) -> dict:
    """The finished chart's layout dict, edited in place: shared layout, title and subtitle, source
    line and warnings (footer)."""
    lang = meta.lang
    merge(layout, fmt.plotly_layout(lang) | {
        "uirevision": uirevision or meta.name,   # zoom and legend toggles survive reruns
        "margin": {"l": 60, "r": 20, "t": top, "b": 92},
        # Legend on the right: it can grow to many lines without covering title, subtitle or footer.
        "legend": {"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"},
    })
    if height:
        layout["height"] = height
    merge(layout, {"title": {"text": f"<b>{meta.title}</b>", "x": 0.01, "xanchor": "left",
                             "subtitle": {"text": meta.subtitle}}})
    # the source line wrapped (textfit.wrap, as the export wraps it) to the figure's width, else plotly's
    # default 700 px, less the left margin the footer starts at: a long source is never cut at the edge
    lines = textfit.wrap(meta.source_line, FOOTER_SIZE, footer_width(layout)) if meta.source_line else []
    extra = max(0, len(lines) - 1) * round(FOOTER_SIZE * 1.3)   # plotly sets lines 1.3 em apart
    if extra:
        layout["margin"]["b"] = 92 + extra
    had = "annotations" in layout
    notes = layout.setdefault("annotations", [])
    if lines:
        notes.append({"text": "<br>".join(lines), "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yshift": -48,
                      "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
                      "font": {"size": FOOTER_SIZE, "color": "#555"}, "name": "cnscd_footer"})
    if meta.notes:
        # A line of its own under the source: a long source line never runs into it.
        notes.append({"text": "  ·  ".join(meta.notes), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                      "yshift": -66 - extra, "xanchor": "left", "yanchor": "top", "showarrow": False,
                      "font": {"size": FOOTER_SIZE, "color": DEMO_COLOUR}, "name": "cnscd_notes"})
    if not notes and not had:
        del layout["annotations"]
    return layout


def finished(data: list[dict], layout: dict, meta: ChartMeta, **kw) -> go.Figure:
    """The finished figure of plain trace and layout dicts (finish_layout, then `figure`)."""
    return figure(data, finish_layout(layout, meta, **kw))


def finish(fig: go.Figure, meta: ChartMeta, **kw) -> go.Figure:
    """The finished chart of a figure built elsewhere (export/sample.py): a new figure, `fig` unchanged.
    The app's charts build plain dicts and call `finished`."""
    data = [trace.to_plotly_json() for trace in fig.data]
    return finished(data, fig.layout.to_plotly_json(), meta, **kw)


FOOTER_SIZE = 11
DEFAULT_WIDTH = 700   # plotly.js's width of a figure that sets none


def footer_width(layout: dict) -> float:
    """The px a footer line may take: the figure's width (else plotly's default) less its left margin
    (the footer starts at the plot's left edge) and a few px to spare."""
    margin = (layout.get("margin") or {}).get("l")
    return (layout.get("width") or DEFAULT_WIDTH) - (margin if margin is not None else 80) - 8


def axis_line(x: float | None = None, y: float | None = None, *, xaxis: str = "x", yaxis: str = "y", **props) -> dict:
    """The shape `fig.add_vline(x=...)` / `fig.add_hline(y=...)` adds: a line across the plot's domain."""
    if x is not None:
        return {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": xaxis, "yref": f"{yaxis} domain", **props}
    return {"type": "line", "x0": 0, "x1": 1, "y0": y, "y1": y, "xref": f"{xaxis} domain", "yref": yaxis, **props}


@functools.lru_cache(maxsize=64)
def _grid(rows: int, cols: int, titled: tuple[bool, ...], options: tuple) -> dict:
    # make_subplots draws no annotation for an empty title: the placeholders keep that
    layout = make_subplots(rows=rows, cols=cols, subplot_titles=[" " if t else "" for t in titled],
                           **dict(options)).layout.to_plotly_json()
    # the figure gets the default template as every figure does (not a copy of it per grid: ~1.5 ms)
    layout.pop("template", None)
    return layout


def subplot_grid(rows: int, cols: int, titles: list[str], **options) -> tuple[dict, list[dict]]:
    """The layout of `make_subplots(rows, cols, subplot_titles=titles, **options)` as a plain dict (the
    grid is made once per shape) and, per cell in row-major order, the axes a trace there names
    ({"xaxis": "x2", "yaxis": "y2"}). Speed: a grid filled by `add_trace(row=, col=)` and
    `update_xaxes` relayouts the whole figure once per axis; edit this dict, then build the figure once."""
    layout = copy.deepcopy(_grid(rows, cols, tuple(bool(t) for t in titles), tuple(sorted(options.items()))))
    for ann, text in zip(layout.get("annotations", []), [t for t in titles if t]):
        ann["text"] = text
    cells = [{"xaxis": f"x{i}" if i > 1 else "x", "yaxis": f"y{i}" if i > 1 else "y"}
             for i in range(1, rows * cols + 1)]
    return layout, cells


def axes(layout: dict, letter: str) -> list[dict]:
    """Every x (letter 'x') or y axis of a layout dict."""
    return [v for k, v in layout.items() if k == f"{letter}axis" or (k.startswith(f"{letter}axis") and k[5:].isdigit())]


DATE_AXIS = {"tickformat": fmt.MONTH_D3, "hoverformat": fmt.DATE_D3,
             "tickformatstops": [{"dtickrange": [None, "M1"], "value": fmt.DATE_D3},
                                 {"dtickrange": ["M1", None], "value": fmt.MONTH_D3}]}


def date_axis(layout: dict, **kw) -> None:
    """Months on every x axis of `layout` (06/2025), whole dates when zoomed below a month, dd/mm/yyyy
    on hover (what `fig.update_xaxes(**DATE_AXIS)` did)."""
    for ax in axes(layout, "x") or [layout.setdefault("xaxis", {})]:
        merge(ax, copy.deepcopy(DATE_AXIS) | kw)


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _slot(key: str) -> int:
    code = key.rsplit(":", 1)[-1]
    return int(code) if code.isdigit() else zlib.crc32(key.encode("utf-8"))


def stable_colours(keys: list[str]) -> dict[str, str]:
    """A colour per key ('2025:82', 'legacy:53') that does not depend on where the key stands in a
    selection: each key has its own slot in PALETTE (its code modulo the palette); a key whose slot an
    earlier key of `keys` already holds takes the next free one. So Đồng Tháp keeps its colour in both
    modes, in the rank chart, and when provinces are added after it."""
    taken: dict[int, str] = {}
    out: dict[str, str] = {}
    n = len(PALETTE)
    for key in dict.fromkeys(keys):
        slot = _slot(key) % n
        for step in range(n):
            if (slot + step) % n not in taken:
                slot = (slot + step) % n
                break
        taken.setdefault(slot, key)
        out[key] = PALETTE[slot]
    return out
