"""What every chart shares: language separators, Noto Sans, `uirevision`, and the words that make a
chart self-explaining on screen — title, subtitle (unit · period · boundary version) and a footer with
the source and the demo warning, all taken from the export package's `ChartMeta`.

`chrome=False` leaves title and footer off, for the export menu, whose `decorate()` adds its own.
"""
from __future__ import annotations

import plotly.graph_objects as go

from cnscd import fmt
from cnscd.export import ChartMeta

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#7f7f7f"]
NATION_COLOUR = "#222222"
STATUS_COLOURS = {"ahead": "#1a9850", "on_track": "#91cf60", "behind": "#fdae61", "far_behind": "#d73027"}
DEMO_COLOUR = "#b00020"


def finish(fig: go.Figure, meta: ChartMeta, *, chrome: bool = True, uirevision: str | None = None,
           height: int | None = None) -> go.Figure:
    lang = meta.lang
    layout = fmt.plotly_layout(lang) | {
        "template": "plotly_white",
        "uirevision": uirevision or meta.name,   # zoom and legend toggles survive reruns
        "margin": {"l": 60, "r": 20, "t": 90 if chrome else 30, "b": 92 if chrome else 40},
        # Legend on the right: it can grow to many lines without covering title, subtitle or footer.
        "legend": {"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"},
    }
    if height:
        layout["height"] = height
    fig.update_layout(**layout)
    if chrome:
        fig.update_layout(title={"text": f"<b>{meta.title}</b>", "x": 0.01, "xanchor": "left",
                                 "subtitle": {"text": meta.subtitle}})
        footer = meta.source_line
        if footer:
            fig.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=0, yshift=-48,
                               xanchor="left", yanchor="top", showarrow=False, align="left",
                               font={"size": 11, "color": "#555"}, name="cnscd_footer")
        if meta.notes:
            # A line of its own under the source: a long source line never runs into it.
            fig.add_annotation(text="  ·  ".join(meta.notes), xref="paper", yref="paper", x=0, y=0,
                               yshift=-66, xanchor="left", yanchor="top", showarrow=False,
                               font={"size": 11, "color": DEMO_COLOUR}, name="cnscd_notes")
    return fig


def date_axis(fig: go.Figure, **kw) -> None:
    """Months on the axis (06/2025), whole dates when zoomed below a month, dd/mm/yyyy on hover."""
    fig.update_xaxes(tickformat=fmt.MONTH_D3, hoverformat=fmt.DATE_D3,
                     tickformatstops=[{"dtickrange": [None, "M1"], "value": fmt.DATE_D3},
                                      {"dtickrange": ["M1", None], "value": fmt.MONTH_D3}], **kw)


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]
