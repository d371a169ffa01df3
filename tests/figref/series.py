"""Time series of chosen units with the national line, target lines, article figures and the
boundary break of 1 July 2025.

Colours come from `base.stable_colours` keyed by (version, code), so a province keeps its colour in
both modes, in the rank chart and when others are added. One legend entry per colour (a province and
its same-named predecessor share one) and a chart tall enough for its legend: it never scrolls. Where
the nation's scale would flatten the provinces (`nation_panel`, counts as they are) it has its own
panel and axis under theirs, and its legend entry says so."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from cnscd import collate, fmt
from tests.figref.base import NATION_COLOUR, date_axis, finish, stable_colours
from cnscd.charts.meta import ChartMeta
from cnscd.charts.series import pooled_note, pooled_words   # the words of a partly pooled month (session 6)
from cnscd.text import in_lang, t

LEGEND_ROW_PX = 23      # one legend entry at the screen's font (tracegroupgap 2), with room to spare


def _ordered_keys(frame: pl.DataFrame) -> list[str]:
    """Line keys in the selection's order (`order` column when there is one), else as they come."""
    cols = ["key", "order"] if "order" in frame.columns else ["key"]
    first = frame.select(cols).unique(maintain_order=True)
    return (first.sort("order", maintain_order=True) if "order" in cols else first)["key"].to_list()


def time_series(frame: pl.DataFrame, meta: ChartMeta, *, targets: pl.DataFrame | None = None,
                seeds: pl.DataFrame | None = None, break_date: dt.date | None = None,
                y_title: str = "", decimals: int = 0, ref_line: float | None = None,
                nation_panel: bool = False, undefined: list[str] | None = None,
                rebased: list[str] | None = None) -> go.Figure:
    """frame: key, label, period_end, value, is_demo, is_nation, optional colour_key (keys sharing a
    colour_key share a colour and a legend entry, e.g. a province and its predecessor of the same name)
    and order (legend and colour priority). targets: key, label, period_start, period_end, target_value.
    seeds: key, label, period_end, value, quote_vi, source_title, optional value_qualifier (the hover
    says "hơn 74.422" as the article does). nation_panel: the nation in a panel and axis of its own.
    undefined: labels of lines with no value to show (an index whose base is 0), said on the chart."""
    lang = meta.lang
    demo_word = f" ({t('demo_tag', lang)})"
    if "colour_key" not in frame.columns:
        frame = frame.with_columns(colour_key=pl.col("label"))
    order = _ordered_keys(frame)
    by_key = {k[0]: part for k, part in frame.sort("period_end").group_by("key", maintain_order=True)}
    groups = [by_key[k]["colour_key"][0] for k in order if not by_key[k]["is_nation"][0]]
    colours = stable_colours(groups)
    if nation_panel:
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.64, 0.36], vertical_spacing=0.1,
                            subplot_titles=[t("panel_provinces", lang), t("panel_nation", lang)])
    else:
        fig = go.Figure()
    undefined = set(undefined or [])

    def where(nation: bool) -> dict:
        return {"row": 2 if nation else 1, "col": 1} if nation_panel else {}

    fig_colour, nation_keys, shown_groups = {}, set(), set()
    number = f"%{{y:{fmt.d3(decimals)}}}"
    for key in order:
        part = by_key[key]
        first = part.row(0, named=True)
        nation = bool(first["is_nation"])
        group = "nation" if nation else first["colour_key"]
        c = NATION_COLOUR if nation else colours[group]
        fig_colour[key] = c
        if nation:
            nation_keys.add(key)
        name = first["label"]
        if nation and nation_panel:
            name = f"{name} ({t('nation_own_axis', lang)})"
        if first["label"] in undefined:
            name = f"{name} ({t('index_base_zero_short', lang)})"
        fig.add_trace(go.Scatter(
            x=part["period_end"].to_list(), y=part["value"].to_list(), name=name, mode="lines",
            legendgroup=group, showlegend=group not in shown_groups,
            line={"color": c, "width": 3 if nation else 2, "dash": "dash" if nation else "solid"},
            customdata=[(demo_word if d else "") + w for d, w in zip(part["is_demo"].to_list(), pooled_words(part, lang))],
            hovertemplate=f"<b>{first['label']}</b><br>%{{x|{fmt.DATE_D3}}}: {number}{fmt.unit_after(meta.unit, lang)}%{{customdata}}<extra></extra>",
            meta={"key": key},
        ), **where(nation))
        shown_groups.add(group)
    entries = len(shown_groups)
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
                hovertemplate=f"{t('target', lang)} {part['label'][0]}: %{{y:{fmt.d3(decimals)}}}{fmt.unit_after(meta.unit, lang)}<extra></extra>",
            ), **where(key[0] in nation_keys))
        entries += 1
    if seeds is not None and seeds.height:
        nation_rows = (seeds["key"].is_in(list(nation_keys)) if "key" in seeds.columns
                       else pl.Series([False] * seeds.height))
        seeds = in_lang(seeds, "source_title", lang)
        parts = ([(False, seeds.filter(~nation_rows)), (True, seeds.filter(nation_rows))] if nation_panel
                 else [(False, seeds)])
        legend_done = False
        for nation, part in parts:
            if part.height == 0:
                continue
            quals = part["value_qualifier"].to_list() if "value_qualifier" in part.columns else [None] * part.height
            words = [f"{w} " if w else "" for w in (fmt.qualifier_word(q, lang) for q in quals)]
            fig.add_trace(go.Scatter(
                x=part["period_end"].to_list(), y=part["value"].to_list(), mode="markers",
                name=t("seed_point", lang), legendgroup="seed", showlegend=not legend_done,
                marker={"symbol": "star", "size": 12, "color": "#f2b600", "line": {"color": "#333", "width": 1}},
                customdata=list(zip(part["label"].to_list(),
                                    [(q or "")[:160] for q in part["quote_vi"].to_list()],
                                    [s or "" for s in part["source_title"].to_list()], words)),
                hovertemplate=(f"<b>%{{customdata[0]}}</b> %{{x|{fmt.DATE_D3}}}: %{{customdata[3]}}{number}{fmt.unit_after(meta.unit, lang)}"
                               "<br><i>%{customdata[1]}</i><br>%{customdata[2]}<extra></extra>"),
            ), **where(nation))
            legend_done = True
        entries += 1
    if break_date is not None:
        x = break_date.isoformat()
        fig.add_shape(type="line", x0=x, x1=x, xref="x", yref="paper", y0=0, y1=1,
                      line={"color": "#888", "dash": "dashdot", "width": 1}, name="boundary_break")
        fig.add_annotation(x=x, y=1, xref="x", yref="paper", text=t("break_2025", lang), showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 11, "color": "#555"})
    if ref_line is not None:
        fig.add_hline(y=ref_line, line={"color": "#555", "dash": "dot", "width": 1}, **where(False))
    said = ([f"{t('index_base_zero', lang)}: {', '.join(collate.sorted_names(undefined))}"] if undefined else []) + (
        [t("index_later_base", lang, lines="; ".join(rebased))] if rebased else [])
    if said:
        fig.add_annotation(text=" · ".join(said), xref="paper",
                           yref="paper", x=0, y=1, yshift=4, xanchor="left", yanchor="bottom", showarrow=False,
                           align="left", font={"size": 12, "color": "#b00020"}, bgcolor="rgba(255,255,255,0.8)",
                           name="index_base_zero")
    note = pooled_note(frame, lang)
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=1, yshift=4, xanchor="left", yanchor="bottom",
                           showarrow=False, align="left", font={"size": 12, "color": "#b00020"},
                           bgcolor="rgba(255,255,255,0.8)", name="pooled_partial")
    date_axis(fig)
    fig.update_yaxes(title=y_title or meta.unit, tickformat=fmt.d3(decimals), rangemode="tozero")
    fig.update_layout(hovermode="closest", legend={"tracegroupgap": 2})
    # the plot is at least as tall as its legend (the top and bottom margins around it): no legend scrolls
    top = 115 if nation_panel or said or note else 90
    height = max(460 + (80 if nation_panel else 0), top + 92 + LEGEND_ROW_PX * entries + 16)
    fig = finish(fig, meta, height=height, top=top)
    fig.update_layout(legend={"tracegroupgap": 2})
    return fig
