"""Headline sparklines: one small line per national indicator, last value and change written beside it."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from tests.figref.base import DATE_AXIS, NATION_COLOUR, axes, finish, subplot_grid
from cnscd.charts.meta import ChartMeta


def sparkline(frame: pl.DataFrame, lang: str = "vi", decimals: int = 0, colour: str = NATION_COLOUR) -> go.Figure:
    """A bare sparkline (no axes) of frame: period_end, value."""
    fig = go.Figure(go.Scatter(x=frame["period_end"].to_list(), y=frame["value"].to_list(), mode="lines",
                               line={"color": colour, "width": 2}, fill="tozeroy",
                               hovertemplate=f"%{{x|{fmt.MONTH_D3}}}: %{{y:{fmt.d3(decimals)}}}<extra></extra>"))
    fig.update_layout(**fmt.plotly_layout(lang), height=60, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      showlegend=False, uirevision="spark")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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
    for i, lab in enumerate(labels):
        part = frame.filter(pl.col("label") == lab).sort("period_end")
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
    fig = go.Figure(data=traces, layout=layout)   # validated once (see base.subplot_grid)
    return finish(fig, meta, height=230 * rows + 120, top=120)
