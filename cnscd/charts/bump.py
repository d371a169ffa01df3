"""Rank (bump) chart: each chosen unit's rank among all units of its boundary version per period."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from cnscd.charts.base import NATION_COLOUR, date_axis, finished, stable_colours
from cnscd.charts.meta import ChartMeta
from cnscd.text import t


def rank_chart(frame: pl.DataFrame, meta: ChartMeta) -> go.Figure:
    """frame: key, label, period_end, rank, n_units, optional colour_key (rank 1 = best)."""
    lang = meta.lang
    data: list[dict] = []   # plain dicts, one figure at the end (base.figure)
    if "colour_key" not in frame.columns:
        frame = frame.with_columns(colour_key=pl.col("label"))
    if "order" in frame.columns:   # the selection's order: the same colours as the series chart
        frame = frame.sort("order", "period_end", maintain_order=True)
    colours = stable_colours(frame["colour_key"].unique(maintain_order=True).to_list())
    seen: set[str] = set()
    for key, part in frame.group_by("key", maintain_order=True):
        part = part.sort("period_end")
        first = part.row(0, named=True)
        lab, group = first["label"], first["colour_key"]
        data.append(dict(
            type="scatter", x=part["period_end"].to_list(), y=part["rank"].to_list(), name=lab, mode="lines+markers",
            legendgroup=group, showlegend=group not in seen,
            line={"color": colours.get(group, NATION_COLOUR), "width": 2}, marker={"size": 5},
            customdata=part["n_units"].to_list(),
            hovertemplate=(f"<b>{lab}</b><br>%{{x|{fmt.DATE_D3}}}: {t('rank', lang)} %{{y}} / %{{customdata}}"
                           "<extra></extra>"),
        ))
        seen.add(group)
    layout: dict = {}
    date_axis(layout)
    top = int(frame["n_units"].max() or 1) if frame.height else 1
    layout["yaxis"] = {"title": {"text": t("rank", lang)}, "autorange": False, "range": [top + 0.5, 0.5], "tickformat": "d"}
    layout["legend"] = {"tracegroupgap": 2}
    return finished(data, layout, meta, height=max(380, 182 + 22 * len(seen) + 20))
