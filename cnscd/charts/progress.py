"""Progress against target per unit: horizontal bars coloured by status, with 100 % and the threshold."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from cnscd.charts.base import STATUS_COLOURS, finish
from cnscd.charts.meta import ChartMeta
from cnscd.i18n import t


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
                  decimals: int = 0) -> go.Figure:
    """frame: label, pct (value / target × 100), value, target_value, is_demo, optional unit_code;
    sorted as given. With unit_code the bar categories are codes (two units never share a bar) and
    the tick texts their labels."""
    lang = meta.lang
    frame = frame.with_columns(status=pl.col("pct").map_elements(lambda p: status_of(p, threshold),
                                                                 return_dtype=pl.String),
                               _key=pl.col("unit_code" if "unit_code" in frame.columns else "label"))
    fig = go.Figure()
    for status in ("ahead", "on_track", "behind", "far_behind"):
        part = frame.filter(pl.col("status") == status)
        fig.add_trace(go.Bar(
            y=part["_key"].to_list(), x=part["pct"].to_list(), orientation="h", name=t(f"status_{status}", lang),
            marker={"color": STATUS_COLOURS[status]}, visible=True if part.height else "legendonly",
            customdata=list(zip(part["value"].to_list(), part["target_value"].to_list(), part["label"].to_list())),
            hovertemplate=(f"<b>%{{customdata[2]}}</b>: %{{x:,.1f}} %<br>%{{customdata[0]:{fmt.d3(decimals)}}} / "
                           f"%{{customdata[1]:{fmt.d3(decimals)}}} {meta.unit}<extra></extra>"),
        ))
    fig.add_vline(x=100, line={"color": "#333", "width": 1})
    fig.add_vline(x=threshold, line={"color": STATUS_COLOURS["behind"], "dash": "dash", "width": 1})
    order = frame["_key"].to_list()
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order[::-1], tickmode="array",
                     tickvals=order, ticktext=frame["label"].to_list(), automargin=True)
    fig.update_xaxes(title=f"% {t('target', lang).lower()}", ticksuffix=" %" if lang == "vi" else "%",
                     tickformat=",.0f", rangemode="tozero")
    fig.update_layout(barmode="overlay", bargap=0.25)
    return finish(fig, meta, height=max(320, 22 * frame.height + 160))
