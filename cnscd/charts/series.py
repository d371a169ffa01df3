"""Time series of chosen units with the national line, target lines, article figures and the
boundary break of 1 July 2025."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from cnscd.charts.base import NATION_COLOUR, colour, date_axis, finish
from cnscd.charts.meta import ChartMeta
from cnscd.i18n import t


def time_series(frame: pl.DataFrame, meta: ChartMeta, *, targets: pl.DataFrame | None = None,
                seeds: pl.DataFrame | None = None, break_date: dt.date | None = None,
                y_title: str = "", decimals: int = 0, ref_line: float | None = None) -> go.Figure:
    """frame: key, label, period_end, value, is_demo, is_nation, optional colour_key (one line per key;
    keys sharing a colour_key share a colour, e.g. a province and its predecessors before the merger).
    targets: key, label, period_start, period_end, target_value. seeds: label, period_end, value,
    quote_vi, source_title, optional value_qualifier (the hover says "hơn 74.422" as the article does)."""
    lang = meta.lang
    fig = go.Figure()
    demo_word = f" ({t('demo_tag', lang)})"
    if "colour_key" not in frame.columns:
        frame = frame.with_columns(colour_key=pl.col("label"))
    groups = frame.filter(~pl.col("is_nation"))["colour_key"].unique(maintain_order=True).to_list()
    colours = {g: colour(i) for i, g in enumerate(groups)}
    fig_colour = {}
    number = f"%{{y:{fmt.d3(decimals)}}}"
    for key, part in frame.sort("period_end").group_by("key", maintain_order=True):
        key = key[0]
        first = part.row(0, named=True)
        nation = bool(first["is_nation"])
        c = NATION_COLOUR if nation else colours[first["colour_key"]]
        fig_colour[key] = c
        fig.add_trace(go.Scatter(
            x=part["period_end"].to_list(), y=part["value"].to_list(), name=first["label"], mode="lines",
            legendgroup=first["label"], showlegend=first["label"] not in [tr.name for tr in fig.data],
            line={"color": c, "width": 3 if nation else 2, "dash": "dash" if nation else "solid"},
            customdata=[demo_word if d else "" for d in part["is_demo"].to_list()],
            hovertemplate=f"<b>{first['label']}</b><br>%{{x|{fmt.DATE_D3}}}: {number} {meta.unit}%{{customdata}}<extra></extra>",
            meta={"key": key},
        ))
    if targets is not None and targets.height:
        # one dotted step line per unit (segments joined by gaps), one legend entry for all
        for i, (key, part) in enumerate(targets.sort("period_end").group_by("key", maintain_order=True)):
            xs: list = []
            ys: list = []
            for row in part.iter_rows(named=True):
                xs += [row["period_start"], row["period_end"], None]
                ys += [row["target_value"], row["target_value"], None]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", name=t("target", lang), legendgroup="target", showlegend=i == 0,
                line={"color": fig_colour.get(key[0], NATION_COLOUR), "width": 1.5, "dash": "dot"},
                hovertemplate=f"{t('target', lang)} {part['label'][0]}: %{{y:{fmt.d3(decimals)}}} {meta.unit}<extra></extra>",
            ))
    if seeds is not None and seeds.height:
        quals = seeds["value_qualifier"].to_list() if "value_qualifier" in seeds.columns else [None] * seeds.height
        words = [f"{w} " if w else "" for w in (fmt.qualifier_word(q, lang) for q in quals)]
        fig.add_trace(go.Scatter(
            x=seeds["period_end"].to_list(), y=seeds["value"].to_list(), mode="markers",
            name=t("seed_point", lang), marker={"symbol": "star", "size": 12, "color": "#f2b600",
                                                "line": {"color": "#333", "width": 1}},
            customdata=list(zip(seeds["label"].to_list(),
                                [(q or "")[:160] for q in seeds["quote_vi"].to_list()],
                                [s or "" for s in seeds["source_title"].to_list()], words)),
            hovertemplate=(f"<b>%{{customdata[0]}}</b> %{{x|{fmt.DATE_D3}}}: %{{customdata[3]}}{number} {meta.unit}"
                           "<br><i>%{customdata[1]}</i><br>%{customdata[2]}<extra></extra>"),
        ))
    if break_date is not None:
        x = break_date.isoformat()
        fig.add_shape(type="line", x0=x, x1=x, xref="x", yref="paper", y0=0, y1=1,
                      line={"color": "#888", "dash": "dashdot", "width": 1}, name="boundary_break")
        fig.add_annotation(x=x, y=1, xref="x", yref="paper", text=t("break_2025", lang), showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 11, "color": "#555"})
    if ref_line is not None:
        fig.add_hline(y=ref_line, line={"color": "#555", "dash": "dot", "width": 1})
    date_axis(fig)
    fig.update_yaxes(title=y_title or meta.unit, tickformat=fmt.d3(decimals), rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return finish(fig, meta, height=460)
