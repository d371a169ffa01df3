"""Exports of a chart: pictures, decks, reports and tables of a finished figure.

A chart function returns the finished figure — title, subtitle, source line and warnings
already on it (cnscd.charts.base.finish, from its `ChartMeta`, cnscd/charts/meta.py). Export only
resizes and restyles it for a meeting room (`restyle()`): fonts and margins scaled to the
export width, the footer moved into the bottom margin, no basemap request. Nothing here
imports Streamlit (the download menus are cnscd/ui/downloads.py).
"""
from __future__ import annotations

import math
import re

import plotly.graph_objects as go

from cnscd.charts.meta import ChartInputError
from cnscd.charts.textfit import text_width, wrap

from cnscd.fmt import FONT_FAMILY

# The layout width every size below is drawn for; bigger presets scale fonts with width.
BASE_WIDTH = 1280


class ExportError(ChartInputError):
    """Bad export input, with a message in Vietnamese and English saying what and where."""


def _scaled(px: float, width: int) -> int:
    return round(px * width / BASE_WIDTH)


def _offline_maps(fig: go.Figure) -> None:
    """Keep map exports from reaching a CDN: no basemap layers on `geo` subplots (plotly.js
    only fetches its world topojson for shown layers or a trace `locationmode`; the engine
    points that at an empty local file) and no tile style on MapLibre `map` subplots; outlines the
    screen fetches from the app's static files (charts.maplayer.static_url) carried inline."""
    from cnscd.charts.maplayer import static_geojson

    for trace in fig.data:
        if isinstance(getattr(trace, "geojson", None), str):
            inline = static_geojson(trace.geojson)
            if inline is not None:
                trace.geojson = inline
    for geo in fig.select_geos():
        for layer in ("showland", "showocean", "showlakes", "showrivers",
                      "showcountries", "showcoastlines", "showsubunits"):
            geo[layer] = False
    for sub in fig.select_maps():
        sub.style = "white-bg"


# Footer of an export, in layout px at BASE_WIDTH (scaled with the width): the room under the plot for
# the x axis's ticks (and a title), the footer font, at most this many source lines, the side padding.
AXIS_ROOM, FOOTER_FONT, FOOTER_LINES, SIDE_PAD = 65, 14.5, 3, 12
LINE_HEIGHT = 1.3            # plotly sets the lines of an annotation 1.3 em apart
BLOCK_GAP = 6                # px between blocks: an annotation's box is its lines plus 2 px of padding a side
MIN_ANNOTATION_FONT = 15     # subplot titles and labels: >= 8 pt in the PDF report (report.points_per_px)


def _axis_numbers(out: go.Figure, axis_id: str) -> list[float]:
    """The numbers a y axis shows: its fixed range, else the values of the traces drawn on it (x of a
    horizontal bar)."""
    ax = out.layout[axis_id]
    if ax.range is not None and all(isinstance(v, (int, float)) for v in ax.range):
        return [float(v) for v in ax.range]
    short = "y" + axis_id[5:]
    values: list[float] = []
    for tr in out.data:
        if (getattr(tr, "yaxis", None) or "y") != short:
            continue
        seq = tr.x if getattr(tr, "orientation", None) == "h" else getattr(tr, "y", None)
        values += [float(v) for v in (seq if seq is not None else []) if isinstance(v, (int, float))]
    return values


def _left_room(out: go.Figure, size: int) -> int:
    """Px the y axes of the first column need on the left (tick labels, axis title), measured here:
    the export sets its left margin to it and turns plotly's automargin off, so the plot's left edge
    is where the footer's offset assumes (plotly's automargin would move it after the fact)."""
    need = 0
    for key in [k for k in out.layout if k.startswith("yaxis")]:
        ax = out.layout[key]
        if ax.visible is False or ax.side == "right" or ax.showticklabels is False:
            continue
        anchor = out.layout["xaxis" + (ax.anchor or "x")[1:]] if (ax.anchor or "x").startswith("x") else None
        if anchor is not None and anchor.domain and anchor.domain[0] > 0.01:
            continue   # a subplot of an inner column: its labels sit in the gap, not in the margin
        tick = ax.tickfont.size if ax.tickfont and ax.tickfont.size else size
        if ax.ticktext:
            width = max(text_width(str(x), tick) for x in ax.ticktext)
        else:
            numbers = [abs(v) for v in _axis_numbers(out, key)]
            top = max(numbers, default=1.0)
            rounded_up = 10 ** math.ceil(math.log10(max(top * 1.05, 1.0)))
            places = int(m.group(1)) if (m := re.search(r"\.(\d)f", ax.tickformat or "")) else 0
            label = f"{'-' if any(v < 0 for v in _axis_numbers(out, key)) else ''}{rounded_up:,.{places}f}"
            width = text_width(label + (ax.ticksuffix or ""), tick)
        title = ax.title.text if ax.title else None
        need = max(need, width + 14 + (size * 1.8 if title else 0))
    return int(need)


def restyle(fig: go.Figure, width: int = BASE_WIDTH, text_scale: float = 1.0) -> go.Figure:
    """A copy of the finished `fig` styled for an export drawn at layout width `width`: fonts,
    title and margins scaled with it; in the bottom margin the source line, wrapped to the export's
    width (at most FOOTER_LINES lines), and under it the warnings, each on lines of their own so
    nothing overlaps at any width. The words are the chart's own; nothing is added or taken away.
    `text_scale` sets every text (and the margins around it) that much larger than the width alone
    would: the report's portrait page of a tall chart (report.tall_page) prints its labels at 8 pt."""
    if not isinstance(fig, go.Figure):
        raise ExportError(f"restyle() cần plotly Figure, nhận {type(fig).__name__} / "
                          f"restyle() needs a plotly Figure, got {type(fig).__name__}")
    out = go.Figure(fig.to_dict())   # to_dict() is already a deep copy: the input stays as is
    tw = width * text_scale          # the width the text is sized for
    font_px = _scaled(15, tw)
    top, room = _scaled(110, tw), _scaled(AXIS_ROOM, tw)
    legend = out.layout.legend
    if legend.orientation == "h" and legend.y is not None and legend.y >= 1:
        top += _scaled(35, tw)       # a top legend must not sit on the subtitle
    elif legend.orientation == "h":
        room += _scaled(40, tw)      # plotly puts it under the axis: the footer moves down
    if any(a.yref == "paper" and a.yanchor == "bottom" and (a.y or 0) >= 0.99 and a.font and a.font.size
           for a in out.layout.annotations):
        top += _scaled(MIN_ANNOTATION_FONT, tw)   # the first row's subplot titles clear the subtitle
    margin = out.layout.margin
    left = max(_scaled(70, tw), margin.l or 0, _left_room(out, font_px) + _scaled(SIDE_PAD, tw))

    # the footer: source lines, then the warnings, left-aligned from the figure's left edge
    size, pad = _scaled(FOOTER_FONT, tw), _scaled(SIDE_PAD, tw)
    line_h = size * LINE_HEIGHT
    footer = {a.name: a for a in out.layout.annotations if a.name in ("cnscd_footer", "cnscd_notes")}
    blocks = []
    for name in ("cnscd_footer", "cnscd_notes"):
        if name in footer:
            text = footer[name].text.replace("<br>", " ")
            blocks.append((footer[name], wrap(text, size, width - 2 * pad,
                                              FOOTER_LINES if name == "cnscd_footer" else None)))
    heights = [round(len(lines) * line_h) + BLOCK_GAP for _, lines in blocks]
    bottom = max(room + sum(heights) + _scaled(10, tw), margin.b or 0)
    out.update_layout(
        font=dict(family=FONT_FAMILY, size=font_px),
        title=dict(x=0.01, xanchor="left", y=0.975, yref="container", yanchor="top",
                   font=dict(size=_scaled(26, width)),   # large already; one line at any text_scale
                   subtitle=dict(font=dict(size=_scaled(16, tw), color="#555"))),
        margin=dict(t=max(top, margin.t or 0), b=bottom, l=left, r=max(_scaled(40, tw), margin.r or 0)),
        paper_bgcolor="white",
    )
    # anchored to the plot's bottom-left corner (paper 0, 0) and shifted by pixels into the margin:
    # the plot's left edge is `left` px from the figure's (set above, see _left_room)
    shift = room
    for (ann, lines), height in zip(blocks, heights):
        colour = "#b00020" if ann.name == "cnscd_notes" else "#444"
        ann.update(text="<br>".join(lines), x=0, xanchor="left", xshift=-(left - pad), align="left",
                   y=0, yanchor="top", yshift=-shift, font=dict(size=size, color=colour))
        shift += height
    for a in out.layout.annotations:    # subplot titles and labels: readable in print
        if a.name not in footer and a.font and a.font.size:
            a.font.size = _scaled(max(a.font.size, MIN_ANNOTATION_FONT), tw)
    out.update_yaxes(automargin=False)   # the left margin is measured above (_left_room)
    _offline_maps(out)
    return out


__all__ = ["ExportError", "restyle", "wrap", "text_width", "FONT_FAMILY", "BASE_WIDTH"]
