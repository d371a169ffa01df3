"""What every chart shares: language separators, Noto Sans, `uirevision`, and the words that make a
chart self-explaining — title, subtitle (unit · period · boundary version) and a footer with the
source and the demo warning, all taken from its `ChartMeta` (cnscd/charts/meta.py).

A chart is finished once, here: the screen, its PNG/SVG/PDF, the slide and the PDF report all show
this figure (export.restyle only resizes fonts and margins for print).

Speed: `plotly_white` is the process's default template (plotly applies the default without
validating it again, ~1 ms; setting it per figure cost 25–35 ms).
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
TEMPLATE = "plotly_white"
pio.templates.default = TEMPLATE   # every figure of the app; see the module doc


def finish(fig: go.Figure, meta: ChartMeta, *, uirevision: str | None = None, height: int | None = None,
           top: int = 90) -> go.Figure:
    """The finished chart: shared layout, title and subtitle, source line and warnings (footer)."""
    lang = meta.lang
    layout = fmt.plotly_layout(lang) | {
        "uirevision": uirevision or meta.name,   # zoom and legend toggles survive reruns
        "margin": {"l": 60, "r": 20, "t": top, "b": 92},
        # Legend on the right: it can grow to many lines without covering title, subtitle or footer.
        "legend": {"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"},
    }
    if height:
        layout["height"] = height
    layout["title"] = {"text": f"<b>{meta.title}</b>", "x": 0.01, "xanchor": "left",
                       "subtitle": {"text": meta.subtitle}}
    # the source line wrapped (textfit.wrap, as the export wraps it) to the figure's width, else plotly's
    # default 700 px, less the left margin the footer starts at: a long source is never cut at the edge
    fig.update_layout(**layout)
    lines = textfit.wrap(meta.source_line, FOOTER_SIZE, footer_width(fig)) if meta.source_line else []
    extra = max(0, len(lines) - 1) * round(FOOTER_SIZE * 1.3)   # plotly sets lines 1.3 em apart
    if extra:
        fig.update_layout(margin_b=layout["margin"]["b"] + extra)
    if lines:
        fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, yshift=-48,
                           xanchor="left", yanchor="top", showarrow=False, align="left",
                           font={"size": FOOTER_SIZE, "color": "#555"}, name="cnscd_footer")
    if meta.notes:
        # A line of its own under the source: a long source line never runs into it.
        fig.add_annotation(text="  ·  ".join(meta.notes), xref="paper", yref="paper", x=0, y=0,
                           yshift=-66 - extra, xanchor="left", yanchor="top", showarrow=False,
                           font={"size": FOOTER_SIZE, "color": DEMO_COLOUR}, name="cnscd_notes")
    return fig


FOOTER_SIZE = 11
DEFAULT_WIDTH = 700   # plotly.js's width of a figure that sets none


def footer_width(fig: go.Figure) -> float:
    """The px a footer line may take: the figure's width (else plotly's default) less its left margin
    (the footer starts at the plot's left edge) and a few px to spare."""
    margin = fig.layout.margin.l if fig.layout.margin.l is not None else 80
    return (fig.layout.width or DEFAULT_WIDTH) - margin - 8


@functools.lru_cache(maxsize=64)
def _grid(rows: int, cols: int, titled: tuple[bool, ...], options: tuple) -> dict:
    # make_subplots draws no annotation for an empty title: the placeholders keep that
    return make_subplots(rows=rows, cols=cols, subplot_titles=[" " if t else "" for t in titled],
                         **dict(options)).layout.to_plotly_json()


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


def date_axis(fig: go.Figure, **kw) -> None:
    """Months on the axis (06/2025), whole dates when zoomed below a month, dd/mm/yyyy on hover."""
    fig.update_xaxes(**DATE_AXIS, **kw)


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
