"""Compact, fully offline Plotly choropleths from the boundary layers.

Why the figure looks the way it does (geo/README.md has the proof):
- `go.Choropleth` with our own GeoJSON draws SVG paths: no tile server, no WebGL.
- plotly.js fetches a world topojson from cdn.plot.ly when a base layer is shown or when the
  *first* trace on the geo subplot has a `locationmode` (a GeoJSON choropleth always has one).
  So the base map is off (`visible=False`) and the first trace is a lon/lat `Scattergeo`
  (the Hoàng Sa / Trường Sa labels on national maps, an invisible anchor on province maps).
- Coordinates are rounded (3 decimals nationally, ~100 m; 4 in a province) and features carry
  only their `id`: the GeoJSON is most of the payload.
"""
from __future__ import annotations

import functools
import json
import urllib.parse

import plotly.graph_objects as go
import shapely

from geo import layers

DIGITS = {"national": 3, "province": 4}
# Belt and braces for figures built elsewhere: as `topojsonURL` in the Plotly config, an empty
# topology inlined as a data: URL satisfies the fetch without a request ('#' swallows the file
# name plotly.js appends).
EMPTY_TOPOJSON_URL = "data:application/json," + urllib.parse.quote('{"type":"Topology","objects":{},"arcs":[]}') + "#"
PLOTLY_CONFIG = {"topojsonURL": EMPTY_TOPOJSON_URL, "displaylogo": False}
# Kaleido adds a MathJax <script> from cdnjs unless told not to; plotly.io cannot pass False
# (pio.defaults.mathjax is only forwarded when truthy), so call kaleido.calc_fig_sync(...,
# kopts=KALEIDO_OFFLINE) for exports. Without it the export still works offline (the script
# fails, nothing needs it) but a request is attempted.
KALEIDO_OFFLINE = {"mathjax": False}
OFFLINE_GEO = dict(visible=False, fitbounds="locations", projection_type="mercator")
SEPARATORS = {"vi": ",.", "en": ".,"}


def choropleth_geojson(gdf, digits: int | None = 3) -> dict:
    """FeatureCollection with `id` = unit_code and rounded coordinates, nothing else
    (`digits=None`: full precision, the benchmark's baseline)."""
    geoms = gdf.geometry.values
    out = geoms.copy() if digits is None else shapely.set_precision(geoms, 10.0 ** -digits)  # drops collapsed rings
    for finer in (digits + 1, digits + 2, 6) if digits is not None else ():
        empty = shapely.is_empty(out)                       # a tiny unit must not vanish: keep more digits
        if not empty.any():
            break
        out[empty] = shapely.set_precision(geoms[empty], 10.0 ** -finer)
    # d3-geo reads rings on the sphere: exterior rings must run clockwise or a unit becomes
    # "the whole globe except this" (RFC 7946 says the opposite; plotly.js follows d3).
    texts = shapely.to_geojson(shapely.orient_polygons(out, exterior_cw=True))
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": code, "geometry": json.loads(t)}
                         for code, t in zip(gdf["unit_code"], texts)]}


def geojson(level: str, version: str, province_code: str | None = None) -> dict:
    """The cached compact GeoJSON of a layer (rebuilt when official outlines are accepted)."""
    stamp = layers.override_stamp(level, version)
    return _geojson(level, version, province_code, str(layers.LAYER_DIR), stamp)


@functools.lru_cache(maxsize=128)
def _geojson(level, version, province_code, _layer_dir, _stamp) -> dict:
    digits = DIGITS["national" if province_code is None else "province"]
    return choropleth_geojson(layers.layer(level, version, province_code), digits)


def island_trace(version: str, lang: str = "vi", province_code: str | None = None) -> go.Scattergeo:
    """Labels of Hoàng Sa and Trường Sa (both, or the one in `province_code`)."""
    isl = layers.islands(version)
    if province_code is not None:
        isl = isl[isl["province_code"] == province_code]
    names = isl["name_vi"] if lang == "vi" else isl["name_en"]
    text = [f"{n} ({p})" for n, p in zip(names, isl["province_name"])]
    # Trường Sa is the map's east edge: its label runs leftwards so it is not cut off.
    where = ["bottom left" if c == "56" else "bottom center" for c in isl["province_code"]]
    return go.Scattergeo(lon=isl["label_lon"].tolist(), lat=isl["label_lat"].tolist(), text=text,
                         mode="markers+text", textposition=where, marker=dict(size=3, color="#555"),
                         textfont=dict(size=10, color="#333"), hoverinfo="text", showlegend=False,
                         name="islands")


def anchor_trace(level: str, version: str, province_code: str) -> go.Scattergeo:
    """An invisible lon/lat point: as first trace it keeps plotly.js from fetching the CDN topojson."""
    x0, y0, x1, y1 = layers.layer(level, version, province_code).total_bounds
    return go.Scattergeo(lon=[(x0 + x1) / 2], lat=[(y0 + y1) / 2], mode="markers", marker=dict(opacity=0),
                         hoverinfo="skip", showlegend=False, name="anchor")


def map_figure(codes, values, level: str, version: str, province_code: str | None = None, *,
               lang: str = "vi", names=None, title: str | None = None, colorscale: str = "Blues",
               value_format: str = ",.0f", colorbar_title: str = "", gj: dict | None = None) -> go.Figure:
    """A choropleth of `values` by unit code, offline-safe, with islands and the approximate note.
    `gj` replaces the layer's cached GeoJSON (the benchmark's unsimplified baseline)."""
    gj = gj or geojson(level, version, province_code)
    first = island_trace(version, lang) if province_code is None else anchor_trace(level, version, province_code)
    traces = [first]
    if province_code in ("48", "56"):
        traces.append(island_trace(version, lang, province_code))
    hover = "%{text}<br>%{z:" + value_format + "}<extra></extra>" if names is not None else None
    traces.append(go.Choropleth(locations=list(codes), z=list(values), text=None if names is None else list(names),
                                hovertemplate=hover, colorscale=colorscale, marker_line_width=0.3,
                                marker_line_color="white", colorbar=dict(title=colorbar_title, thickness=12)))
    fig = go.Figure(traces)
    # Assigned after construction: go.Figure(traces) would deep-copy the (large, shared) GeoJSON.
    fig.data[-1].geojson = gj
    fig.update_geos(**OFFLINE_GEO)
    fig.update_layout(margin=dict(l=0, r=0, t=40 if title else 0, b=20), title=title,
                      separators=SEPARATORS.get(lang, ",."))
    if level != "province" or bool(layers.layer(level, version, province_code)["is_approximate"].any()):
        fig.add_annotation(text=layers.APPROX_NOTE, showarrow=False, xref="paper", yref="paper",
                           x=0, y=0, xanchor="left", yanchor="top", font=dict(size=10, color="#666"))
    return fig
