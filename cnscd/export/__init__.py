"""Exports of a chart: what every exported picture, deck, report and table carries.

A pure chart function builds the figure; `ChartMeta` says what it shows (title, unit, period,
boundary version, source, demo / approximate flags, filters) and holds the frame behind it.
`decorate()` turns the on-screen figure into a self-explaining one for a meeting room: the
title and subtitle on top, the source and the warnings in a footer, a font with Vietnamese
glyphs and Vietnamese number separators. Nothing here imports Streamlit (see menu.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from cnscd.text import t

# Debian fonts-noto-core ("Noto Sans") carries every Vietnamese precomposed letter; the
# fallbacks only matter on a machine without it, where diacritics may degrade.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"

# The layout width every size below is drawn for; bigger presets scale fonts with width.
BASE_WIDTH = 1280

SEPARATORS = {"vi": ",.", "en": ".,"}


class ExportError(ValueError):
    """Bad export input, with a message in Vietnamese and English saying what and where."""


@dataclass
class ChartMeta:
    """What a chart shows, in words, plus the data behind it (one row per plotted value)."""

    title_vi: str
    title_en: str
    unit: str = ""                 # unit of measure, in `lang` ("tổ", "%", "người")
    period: str = ""               # period label, in `lang` ("01/2025 – 06/2025")
    boundary_version: str = ""     # "2025" or "legacy" (or its label)
    source: str = ""               # source line, in `lang`
    is_demo: bool = False
    is_approximate_boundaries: bool = False
    lang: str = "vi"
    filters: dict[str, str] = field(default_factory=dict)      # label -> value, shown as is
    data: pl.DataFrame = field(default_factory=pl.DataFrame)
    column_labels: dict[str, str] = field(default_factory=dict)  # column -> header label
    # column -> "int" | "dec" | "pct" (fraction 0–1) | "pct100" (0–100) | "text";
    # unset columns are inferred (see tables.column_kind).
    column_formats: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)    # term -> definition
    name: str = "chart"            # file-name stem, ASCII preferred

    def __post_init__(self) -> None:
        if self.lang not in ("vi", "en"):
            raise ExportError(f"ChartMeta.lang phải là 'vi' hoặc 'en', nhận {self.lang!r} / "
                              f"ChartMeta.lang must be 'vi' or 'en', got {self.lang!r}")
        if not isinstance(self.data, pl.DataFrame):
            raise ExportError("ChartMeta.data phải là polars.DataFrame / "
                              f"ChartMeta.data must be a polars.DataFrame, got {type(self.data).__name__}")
        unknown = set(self.column_labels) - set(self.data.columns)
        if unknown:
            raise ExportError(f"ChartMeta.column_labels có cột không tồn tại: {sorted(unknown)} / "
                              f"column_labels name columns not in data: {sorted(unknown)}")

    @property
    def title(self) -> str:
        return self.title_vi if self.lang == "vi" else self.title_en

    @property
    def subtitle(self) -> str:
        """Unit · period · boundary version, skipping the empty ones."""
        parts = [self.unit, self.period]
        if self.boundary_version:
            parts.append(t("boundary_word", self.lang, label=self.boundary_version))
        return " · ".join(p for p in parts if p)

    @property
    def source_line(self) -> str:
        return t("sources_word", self.lang, src=self.source) if self.source else ""

    @property
    def notes(self) -> list[str]:
        """The warnings every export must carry when they apply."""
        out = []
        if self.is_demo:
            out.append(t("demo_note", self.lang))
        if self.is_approximate_boundaries:
            out.append(t("approx_note", self.lang))
        return out

    def label(self, column: str) -> str:
        return self.column_labels.get(column, column)


def _scaled(px: float, width: int) -> int:
    return round(px * width / BASE_WIDTH)


def _offline_maps(fig: go.Figure) -> None:
    """Keep map exports from reaching a CDN: no basemap layers on `geo` subplots (plotly.js
    only fetches its world topojson for shown layers or a trace `locationmode`; the engine
    points that at an empty local file) and no tile style on MapLibre `map` subplots."""
    for geo in fig.select_geos():
        for layer in ("showland", "showocean", "showlakes", "showrivers",
                      "showcountries", "showcoastlines", "showsubunits"):
            geo[layer] = False
    for sub in fig.select_maps():
        sub.style = "white-bg"


def decorate(fig: go.Figure, meta: ChartMeta, width: int = BASE_WIDTH) -> go.Figure:
    """A copy of `fig` carrying title, subtitle, source footer, warnings and Vietnamese
    formats. `width` is the layout width it will be drawn at; sizes scale with it."""
    if not isinstance(fig, go.Figure):
        raise ExportError(f"decorate() cần plotly Figure, nhận {type(fig).__name__} / "
                          f"decorate() needs a plotly Figure, got {type(fig).__name__}")
    out = go.Figure(fig.to_dict())   # to_dict() is already a deep copy: the input stays as is
    # a chart drawn with its on-screen chrome (charts.base.finish) brings its own footer
    out.layout.annotations = [a for a in out.layout.annotations
                              if not (a.name or "").startswith("cnscd_")]
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
        separators=SEPARATORS[meta.lang],
        title=dict(text=f"<b>{meta.title}</b>", x=0.01, xanchor="left", y=0.975,
                   yref="container", yanchor="top", font=dict(size=_scaled(26, width)),
                   subtitle=dict(text=meta.subtitle, font=dict(size=_scaled(16, width),
                                                               color="#555"))),
        margin=dict(t=max(top, margin.t or 0), b=bottom,
                    l=max(_scaled(70, width), margin.l or 0), r=max(_scaled(40, width), margin.r or 0)),
        paper_bgcolor="white",
    )
    footer_font = dict(size=_scaled(13, width), color="#444")
    # Footer sits in the bottom margin: anchored to the plot's bottom edge and shifted down by
    # pixels, so it lands near the container's bottom whatever the figure height.
    shift = -(bottom - _scaled(30, width))
    if meta.source_line:
        out.add_annotation(text=meta.source_line, xref="paper", yref="paper", x=0, y=0,
                           xanchor="left", yanchor="top", yshift=shift, showarrow=False,
                           align="left", font=footer_font)
    if meta.notes:
        out.add_annotation(text="  ·  ".join(meta.notes), xref="paper", yref="paper", x=1, y=0,
                           xanchor="right", yanchor="top", yshift=shift, showarrow=False,
                           align="right", font=dict(footer_font, color="#b00020"))
    _offline_maps(out)
    return out


__all__ = ["ChartMeta", "ExportError", "decorate", "FONT_FAMILY"]
