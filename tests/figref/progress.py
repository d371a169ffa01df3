"""Progress against target per unit: horizontal bars coloured by status, with 100 % and the threshold."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from tests.figref.base import NATION_COLOUR, STATUS_COLOURS, finish
from cnscd.charts.meta import ChartMeta
from cnscd.text import STATUS_KEYS, t, word


def status_of(pct: float | None, threshold: float) -> str:
    """ahead >= 100 %; on track >= threshold; behind >= half the threshold; else far behind."""
    if pct is None:
        return "far_behind"
    if pct >= 100:
        return "ahead"
    if pct >= threshold:
        return "on_track"
    if pct >= threshold / 2:
        return "behind"
    return "far_behind"


def progress_bars(frame: pl.DataFrame, meta: ChartMeta, *, threshold: float = 80.0,
                  decimals: int = 0, reference: tuple[float, str] | None = None) -> go.Figure:
    """frame: label, pct (value / target × 100), value, target_value, is_demo, optional unit_code;
    sorted as given. With unit_code the bar categories are codes (two units never share a bar) and
    the tick texts their labels. Every bar carries its % as text outside its end, never hidden for
    lack of room (the same on screen, PNG and PDF). reference: (pct, label), the nation as a line
    across the bars, not a bar among them."""
    lang = meta.lang
    frame = frame.with_columns(status=pl.col("pct").map_elements(lambda p: status_of(p, threshold),
                                                                 return_dtype=pl.String),
                               _key=pl.col("unit_code" if "unit_code" in frame.columns else "label"))
    fig = go.Figure()
    for status in ("ahead", "on_track", "behind", "far_behind"):
        part = frame.filter(pl.col("status") == status)
        fig.add_trace(go.Bar(
            y=part["_key"].to_list(), x=part["pct"].to_list(), orientation="h", name=word(STATUS_KEYS, status, lang),
            marker={"color": STATUS_COLOURS[status]}, visible=True if part.height else "legendonly",
            text=[fmt.pct(p, lang, 1) for p in part["pct"].to_list()], textposition="outside",
            constraintext="none", cliponaxis=False, textfont={"color": "#333"},   # the chart font: scaled in exports
            customdata=list(zip(part["value"].to_list(), part["target_value"].to_list(), part["label"].to_list())),
            hovertemplate=(f"<b>%{{customdata[2]}}</b>: %{{x:,.1f}}{fmt.unit_after('%', lang)}<br>%{{customdata[0]:{fmt.d3(decimals)}}} / "
                           f"%{{customdata[1]:{fmt.d3(decimals)}}}{fmt.unit_after(meta.unit, lang)}<extra></extra>"),
        ))
    fig.add_vline(x=100, line={"color": "#333", "width": 1})
    fig.add_vline(x=threshold, line={"color": STATUS_COLOURS["behind"], "dash": "dash", "width": 1})
    if reference is not None:
        fig.add_vline(x=reference[0], line={"color": NATION_COLOUR, "dash": "dot", "width": 2}, name="nation")
        fig.add_annotation(x=reference[0], y=1.0, yref="paper", yanchor="bottom", xanchor="center", showarrow=False,
                           text=f"<b>{reference[1]}</b>", font={"color": NATION_COLOUR, "size": 12},
                           bgcolor="rgba(255,255,255,0.85)", name="nation_reference")
    order = frame["_key"].to_list()
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1], tickmode="array",
                     tickvals=order, ticktext=frame["label"].to_list(), automargin=True)
    # room right of the longest bar for its label
    top = max([p for p in frame["pct"].to_list() if p is not None] + [100.0, reference[0] if reference else 0.0])
    fig.update_xaxes(title=t('measure_pct_target', lang), ticksuffix=fmt.unit_after("%", lang),
                     tickformat=",.0f", range=[0, top * 1.12])
    fig.update_layout(barmode="overlay", bargap=0.25)
    return finish(fig, meta, height=max(320, 22 * frame.height + 180), top=110 if reference else 90)
