"""Headline sparklines: one small line per national indicator, last value and change written beside it."""
from __future__ import annotations

from html import escape
from urllib.parse import quote

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from cnscd.charts.base import DATE_AXIS, NATION_COLOUR, axes, figure, finished, subplot_grid
from cnscd.charts.meta import ChartMeta


# a card's sparkline in the colours of Streamlit's own (st.metric chart_data, light theme): line, fill
CARD_TONES = {"good": ("#079464", "#F1FBF6"), "bad": ("#D94A57", "#FFF1F2"), "none": ("#6B7280", "#F5F4F2")}
CARD_SPARK_CLASS = "cnscd-spark"   # cnscd/ui/layout.py: the hovered month is shaded
_URI_SAFE = " ,./:='-"             # left as they are in the picture's data: URI (a path is mostly digits and commas)


def card_svg(values: list[float | None], tone: str = "none", *, width: int = 256, height: int = 56,
             top: int = 6, bottom: int = 6) -> str:
    """An overview card's 12-month sparkline as a plain SVG, drawn as st.metric draws its chart_data: an
    area from the lowest value (0 when the values cross it) up to the line, y from the lowest to the
    highest value, x by month, a 2 px line that keeps its width when the picture is stretched to the
    card. Empty when no month has a value."""
    line, fill = CARD_TONES.get(tone, CARD_TONES["none"])
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if not pts:
        return ""
    n = len(values)
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    base = 0.0 if lo < 0 < hi else lo
    x = (lambda i: i * width / (n - 1)) if n > 1 else (lambda i: width / 2)
    y = (lambda v: top + (height - top - bottom) * (hi - v) / (hi - lo)) if hi > lo else (lambda v: height / 2)
    xy = [(x(i), y(v)) for i, v in pts]
    if len(xy) == 1:    # one month: a flat line across, as st.metric draws a single value
        xy = [(0.0, xy[0][1]), (float(width), xy[0][1])]
    path = "M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in xy)
    area = f"{path}L{xy[-1][0]:.1f},{y(base):.1f}L{xy[0][0]:.1f},{y(base):.1f}Z"
    # single quotes: the picture goes into a double-quoted src (card_html), where they need no escape
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' preserveAspectRatio='none'>"
            f"<path d='{area}' fill='{fill}'/><path d='{path}' fill='none' stroke='{line}' stroke-width='2' "
            f"stroke-linecap='round' stroke-linejoin='round' vector-effect='non-scaling-stroke'/></svg>")


def card_html(values: list[float | None], titles: list[str], tone: str = "none", *, height: int = 56) -> str:
    """The card's sparkline as HTML for st.html (issue 11 §5): the SVG as an image (st.html keeps HTML
    only, no inline <svg>) under one hover band per month whose tooltip is that month's value as the
    card writes it ("T9/2026: 97.475"), bands centred on the months as st.metric's nearest-point hover.
    No chart code: st.metric's chart_data is a Vega chart the browser loads and runs before the page's
    first chart. Empty when no month has a value."""
    svg = card_svg(values, tone, height=height)
    if not svg:
        return ""
    n = len(values)
    # a band per month with a value, half-width at both ends (the line runs edge to edge)
    bands = "".join(f'<span title="{escape(titles[i] if i < len(titles) else "")}" '
                    f'style="flex:{1 if n > 1 and i in (0, n - 1) else 2} 1 0"></span>' if v is not None else
                    f'<i style="flex:{1 if n > 1 and i in (0, n - 1) else 2} 1 0"></i>'
                    for i, v in enumerate(values))
    return (f'<div class="{CARD_SPARK_CLASS}" style="position:relative;height:{height}px">'
            f'<img alt="" src="data:image/svg+xml,{quote(svg, safe=_URI_SAFE)}" style="display:block;width:100%;height:{height}px">'
            f'<div style="position:absolute;inset:0;display:flex">{bands}</div></div>')


def sparkline(frame: pl.DataFrame, lang: str = "vi", decimals: int = 0, colour: str = NATION_COLOUR) -> go.Figure:
    """A bare sparkline (no axes) of frame: period_end, value."""
    trace = dict(type="scatter", x=frame["period_end"].to_list(), y=frame["value"].to_list(), mode="lines",
                 line={"color": colour, "width": 2}, fill="tozeroy",
                 hovertemplate=f"%{{x|{fmt.MONTH_D3}}}: %{{y:{fmt.d3(decimals)}}}<extra></extra>")
    layout = fmt.plotly_layout(lang) | {"height": 60, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
                                        "uirevision": "spark", "xaxis": {"visible": False}, "yaxis": {"visible": False}}
    return figure([trace], layout)


def headline(frame: pl.DataFrame, meta: ChartMeta, *, columns: int = 3) -> go.Figure:
    """Small multiples of national indicators. frame: label, unit, decimals, period_end, value, is_demo
    (one group per label, in order)."""
    labels = frame["label"].unique(maintain_order=True).to_list()
    rows = max(1, -(-len(labels) // columns))
    short = [lab if len(lab) <= 36 else lab[:35] + "…" for lab in labels]
    layout, cells = subplot_grid(rows, columns, short, vertical_spacing=0.2 if rows > 1 else 0.1,
                                 horizontal_spacing=0.08)
    for ann in layout.get("annotations", []):
        ann["font"] = {"size": 12}
    traces = []
    # one pass over the frame, not a filter per label
    parts = frame.sort("period_end", maintain_order=True).partition_by("label", as_dict=True, maintain_order=True)
    for i, lab in enumerate(labels):
        part = parts[(lab,)]
        dec = int(part["decimals"][0])
        traces.append(dict(
            type="scatter", x=part["period_end"].to_list(), y=part["value"].to_list(), mode="lines", name=lab,
            line={"color": NATION_COLOUR, "width": 2},
            hovertemplate=f"<b>{lab}</b><br>%{{x|{fmt.DATE_D3}}}: %{{y:{fmt.d3(dec)}}}{fmt.unit_after(part['unit'][0], meta.lang)}<extra></extra>",
            showlegend=False, **cells[i]))
        # trends, not levels: the axis follows the data so a month's change is visible
        layout["yaxis" + cells[i]["yaxis"][1:]]["tickformat"] = fmt.d3(dec)
    for ax in axes(layout, "x"):
        ax.update(DATE_AXIS)
    return finished(traces, layout, meta, height=230 * rows + 120, top=120)
