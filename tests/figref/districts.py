"""Charts of the district comparison page: ranking bars with the province line, a scatter of two
indicators, small multiples of monthly trends. Pure: frames and a ChartMeta in, a Figure out.

Units are keyed by `unit_code` (bar categories, subplot order); the text a reader sees is
`display_name` (data/unit_labels.py), so two units that share a name ("Cao Lãnh") never merge."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cnscd import collate, fmt
from tests.figref.base import DATE_AXIS, axes, finish, subplot_grid
from cnscd.charts.meta import ChartMeta
from cnscd.text import t

BAR_COLOUR = "#2c7fb8"
NO_REPORT_COLOUR = "#bdbdbd"
AVG_COLOUR = "#d95f0e"
GAP_CODE = "…"   # the y category of the row that says how many units a long ranking leaves out


def ranking_bars(frame: pl.DataFrame, meta: ChartMeta, *, reference: float | None, reference_label: str,
                 decimals: int = 0, no_report_label: str | None = None, limit: int | None = None) -> go.Figure:
    """Horizontal bars, best at the top; units with no report listed at the bottom with no bar.
    With `limit`, a province of 100+ communes shows its best and worst limit/2 (the table has all).
    frame: unit_code, display_name, value, rank, pct_target. One bar per row: the category is the
    unit code (Plotly stacks bars that share a category), the tick text its display name."""
    f = collate.sort(frame, "display_name", "unit_code").sort("rank", nulls_last=True, maintain_order=True)
    no_report_label = no_report_label or t("no_report", meta.lang)
    names = [n if v is not None else f"{n} ({no_report_label})" for n, v in zip(f["display_name"], f["value"])]
    gap = None
    if limit and f.height > limit:
        head, tail = limit // 2, limit - limit // 2
        gap = (head, t("rank_gap", meta.lang, n=f.height - limit, total=f.height))
        names = names[:head] + names[-tail:]
        f = pl.concat([f.head(head), f.tail(tail)])
    codes = f["unit_code"].to_list()
    d3 = fmt.d3(decimals)
    fig = go.Figure(go.Bar(
        x=f["value"].fill_null(0).to_list(), y=codes, orientation="h",
        marker={"color": [BAR_COLOUR if v is not None else NO_REPORT_COLOUR for v in f["value"]]},
        customdata=list(zip(f["rank"].to_list(), f["pct_target"].to_list(), codes, names)),
        hovertemplate=f"<b>%{{customdata[3]}}</b><br>%{{x:{d3}}}{fmt.unit_after(meta.unit, meta.lang)}<br>#%{{customdata[0]}}"
                      f" · %{{customdata[1]:,.1f}}{fmt.unit_after('%', meta.lang)}<extra></extra>",
        hovertemplatefallback="–", name=meta.title, showlegend=False))
    if reference is not None:
        fig.add_vline(x=reference, line={"color": AVG_COLOUR, "dash": "dash", "width": 2})
        fig.add_annotation(x=reference, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{reference_label}: {fmt.number(reference, meta.lang, max(decimals, 1))}",
                           font={"color": AVG_COLOUR}, name="reference")
    if gap is not None:   # the units left out between the best and the worst say so, in their place
        at, words = gap
        fig.add_trace(go.Bar(x=[None], y=[GAP_CODE], orientation="h", showlegend=False, hoverinfo="skip"))
        codes, names = codes[:at] + [GAP_CODE] + codes[at:], names[:at] + [words] + names[at:]
        fig.update_layout(barmode="overlay")
    fig.update_yaxes(type="category", tickmode="array", tickvals=codes, ticktext=names,
                     categoryorder="array", categoryarray=codes, autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=d3, title={"text": meta.unit})
    return finish(fig, meta, height=max(320, 22 * f.height + 160),
                  uirevision=f"rank-{meta.name}")


LABELLED_EXTREMES = 2   # per end of each axis


def labelled_units(frame: pl.DataFrame, highlight: list[str] | None = None, n: int = LABELLED_EXTREMES) -> list[str]:
    """The few units a scatter names on the chart: the n highest and lowest on each axis and the
    `highlight`ed ones (ties broken by code, so the choice is the same every time); the rest are named
    on hover only, so 100+ communes never pile their names up."""
    if frame.height == 0:
        return []
    picked: list[str] = []
    for axis in ("x", "y"):
        ranked = frame.sort([axis, "unit_code"])["unit_code"].to_list()
        picked += ranked[:n] + ranked[-n:]
    # an extreme right beside one already named stays unnamed (its name would sit on the other's)
    span = {a: (frame[a].max() - frame[a].min()) or 1.0 for a in ("x", "y")}
    at = {r["unit_code"]: (r["x"] / span["x"], r["y"] / span["y"]) for r in frame.iter_rows(named=True)}
    kept: list[str] = [c for c in highlight or [] if c in at]
    for c in dict.fromkeys(picked):
        if all(abs(at[c][0] - at[k][0]) > 0.08 or abs(at[c][1] - at[k][1]) > 0.06 for k in kept):
            kept.append(c)
    return list(dict.fromkeys(kept))


def scatter(frame: pl.DataFrame, meta: ChartMeta, *, x_title: str, y_title: str, x_decimals: int = 0,
            y_decimals: int = 0, highlight: list[str] | None = None) -> go.Figure:
    """frame: unit_code, display_name, x, y. Every point has its name on hover; only the extremes and
    the `highlight`ed units (codes) carry it on the chart (labelled_units)."""
    named = set(labelled_units(frame, highlight))
    names = frame["display_name"].to_list()
    codes = frame["unit_code"].to_list()
    wanted = set(highlight or [])
    fig = go.Figure(go.Scatter(
        x=frame["x"].to_list(), y=frame["y"].to_list(), mode="markers+text",
        text=[n if c in named else "" for c, n in zip(codes, names)], textposition="top center",
        textfont={"color": "#333"}, hovertext=names, customdata=codes,
        marker={"size": [13 if c in wanted else 10 for c in codes],
                "color": [AVG_COLOUR if c in wanted else BAR_COLOUR for c in codes],
                "opacity": 0.8, "line": {"width": 1, "color": "white"}},
        hovertemplate=f"<b>%{{hovertext}}</b><br>{x_title}: %{{x:{fmt.d3(x_decimals)}}}<br>"
                      f"{y_title}: %{{y:{fmt.d3(y_decimals)}}}<extra></extra>", showlegend=False, cliponaxis=False))
    fig.update_xaxes(title={"text": x_title}, tickformat=fmt.d3(x_decimals))
    fig.update_yaxes(title={"text": y_title}, tickformat=fmt.d3(y_decimals))
    return finish(fig, meta, height=520, uirevision=f"scatter-{meta.name}")


def small_multiples(series: pl.DataFrame, meta: ChartMeta, *, order: list[str], columns: int = 4,
                    decimals: int = 0) -> go.Figure:
    """One small line chart per unit (in `order`), same y scale so they compare.
    series: unit_code, display_name, period_end, value, is_demo."""
    names = dict(zip(series["unit_code"], series["display_name"]))
    order = list(dict.fromkeys(c for c in order if c in names))  # one panel per unit
    rows = max(1, -(-len(order) // columns))
    layout, cells = subplot_grid(rows, columns, [names[c] for c in order] or [""], shared_yaxes=True,
                                 shared_xaxes=True, vertical_spacing=min(0.12, 0.45 / max(rows, 1)),
                                 horizontal_spacing=0.04)
    traces = []
    for i, code in enumerate(order):
        part = series.filter(pl.col("unit_code") == code).sort("period_end")
        traces.append(dict(
            type="scatter", x=part["period_end"].to_list(), y=part["value"].to_list(), mode="lines", name=names[code],
            line={"color": BAR_COLOUR, "width": 2}, fill="tozeroy", fillcolor="rgba(44,127,184,0.12)",
            hovertemplate=f"<b>{names[code]}</b><br>%{{x|{fmt.DATE_D3}}}: %{{y:{fmt.d3(decimals)}}}{fmt.unit_after(meta.unit, meta.lang)}"
                          "<extra></extra>", showlegend=False, **cells[i]))
    for ax in axes(layout, "x"):
        ax.update(DATE_AXIS)
    for ax in axes(layout, "y"):
        ax.update(tickformat=fmt.d3(decimals), rangemode="tozero")
    for ann in layout.get("annotations", []):
        ann.update(font={"size": 12}, yshift=4)   # subplot titles clear of the lines
    fig = go.Figure(data=traces, layout=layout)   # validated once (see base.subplot_grid)
    # top 115: the first row's titles sit under the subtitle, not on it
    return finish(fig, meta, height=200 * rows + 170, uirevision=f"multi-{meta.name}", top=115)


__all__ = ["ranking_bars", "scatter", "small_multiples", "labelled_units"]
