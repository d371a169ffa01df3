"""Headline sparklines: one small line per national indicator, last value and change written beside it."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from cnscd import fmt
from cnscd.charts.base import NATION_COLOUR, date_axis, finish
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
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=short, vertical_spacing=0.2 if rows > 1 else 0.1,
                        horizontal_spacing=0.08)
    fig.update_annotations(font={"size": 12})
    for i, lab in enumerate(labels):
        part = frame.filter(pl.col("label") == lab).sort("period_end")
        dec = int(part["decimals"][0])
        r, c = i // columns + 1, i % columns + 1
        fig.add_trace(go.Scatter(
            x=part["period_end"].to_list(), y=part["value"].to_list(), mode="lines", name=lab,
            line={"color": NATION_COLOUR, "width": 2}, 
            hovertemplate=f"<b>{lab}</b><br>%{{x|{fmt.DATE_D3}}}: %{{y:{fmt.d3(dec)}}} {part['unit'][0]}<extra></extra>",
            showlegend=False), row=r, col=c)
        # trends, not levels: the axis follows the data so a month's change is visible
        fig.update_yaxes(tickformat=fmt.d3(dec), row=r, col=c)
    date_axis(fig)
    return finish(fig, meta, height=230 * rows + 120, top=120)
