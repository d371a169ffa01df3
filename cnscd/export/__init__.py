"""Exports of a chart: pictures, decks, reports and tables of a finished figure.

A chart function returns the finished figure — title, subtitle, source line and warnings
already on it (cnscd.charts.base.finish, from its `ChartMeta`, cnscd/charts/meta.py). Export only
resizes and restyles it for a meeting room (`restyle()`): fonts and margins scaled to the
export width, the footer moved into the bottom margin, no basemap request. Nothing here
imports Streamlit (the download menus are cnscd/ui/downloads.py).
"""
from __future__ import annotations

import plotly.graph_objects as go

from cnscd.charts.meta import ChartInputError

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


def restyle(fig: go.Figure, width: int = BASE_WIDTH) -> go.Figure:
    """A copy of the finished `fig` styled for an export drawn at layout width `width`: fonts,
    title and margins scaled with it, the source line (left) and the warnings (right) in the
    bottom margin. The words are the chart's own; nothing is added or taken away."""
    if not isinstance(fig, go.Figure):
        raise ExportError(f"restyle() cần plotly Figure, nhận {type(fig).__name__} / "
                          f"restyle() needs a plotly Figure, got {type(fig).__name__}")
    out = go.Figure(fig.to_dict())   # to_dict() is already a deep copy: the input stays as is
    top, bottom = _scaled(110, width), _scaled(95, width)
    legend = out.layout.legend
    if legend.orientation == "h" and legend.y is not None and legend.y >= 1:
        top += _scaled(35, width)       # a top legend must not sit on the subtitle
    elif legend.orientation == "h":
        bottom += _scaled(40, width)    # plotly puts it under the axis: the footer moves down
    margin = out.layout.margin
    bottom = max(bottom, margin.b or 0)   # a chart that needs a deeper margin keeps it
    out.update_layout(
        font=dict(family=FONT_FAMILY, size=_scaled(15, width)),
        title=dict(x=0.01, xanchor="left", y=0.975, yref="container", yanchor="top",
                   font=dict(size=_scaled(26, width)),
                   subtitle=dict(font=dict(size=_scaled(16, width), color="#555"))),
        margin=dict(t=max(top, margin.t or 0), b=bottom,
                    l=max(_scaled(70, width), margin.l or 0), r=max(_scaled(40, width), margin.r or 0)),
        paper_bgcolor="white",
    )
    footer_font = dict(size=_scaled(13, width), color="#444")
    # Footer sits in the bottom margin: anchored to the plot's bottom edge and shifted down by
    # pixels, so it lands near the container's bottom whatever the figure height.
    shift = -(bottom - _scaled(30, width))
    for a in out.layout.annotations:
        if a.name == "cnscd_footer":        # the source line, bottom left
            a.update(x=0, xanchor="left", yshift=shift, font=footer_font)
        elif a.name == "cnscd_notes":       # demo / approximate warnings, bottom right
            a.update(x=1, xanchor="right", align="right", yshift=shift,
                     font=dict(footer_font, color="#b00020"))
    _offline_maps(out)
    return out


__all__ = ["ExportError", "restyle", "FONT_FAMILY", "BASE_WIDTH"]
