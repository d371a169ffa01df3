"""Choropleth maps: a precomputed layer (GeoJSON built once) plus a map frame -> go.Figure.

Speed: the GeoJSON of a layer is built once per process (`prepare_layer`, cached by `layer_for`)
and handed to the figure by attribute assignment, which skips plotly's deep copy and
validation of the big dict; a new indicator or period only swaps z, customdata and colours.
Offline: no basemap layer is drawn (`geo.visible=False`); plotly.js still asks for a world
topojson for any geo trace, which `map_ui.plotly_config` answers with an inline empty one.
A click returns the unit through customdata (slot 7; slot 9 is its province).
"""
from __future__ import annotations

import urllib.parse

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
import polars as pl

from cnscd import fmt
from tests.figref.base import finish
from cnscd.charts.maplayer import MapLayer, island_labels, layer_for, prepare_layer, static_url  # noqa: F401 (re-exported)
from cnscd.charts.classes import Classes
from cnscd.charts.meta import ChartMeta
from cnscd.charts.maps import geo_frame as _frame
from cnscd.text import in_lang, t

# plotly.js fetches a world topojson for any geo trace with a `locationmode` (a GeoJSON choropleth
# has 'geojson-id'), from cdn.plot.ly by default. Nothing of it is drawn (geo.visible=False), so an
# empty topology inlined as a data: URL, the `topojsonURL` of the map's Plotly config
# (map_ui.plotly_config), satisfies it without any request ('#' swallows the file name plotly.js appends).
EMPTY_TOPOJSON_URL = "data:application/json," + urllib.parse.quote('{"type":"Topology","objects":{},"arcs":[]}') + "#"
NO_REPORT_COLOUR = "#d0d0d0"
NO_DATA_COLOUR = "#f7f7f7"     # nobody lives there (Hoàng Sa): drawn and named, no figure expected
BORDER_COLOUR = "#ffffff"
NATIONAL_HEIGHT = 820   # px: with the controls beside it, fills a 1920 × 1080 projector's screen
PANEL_HEIGHT = 620
PHONE_HEIGHT = 480    # px: a 358 px wide panel; taller only adds blank space above and below


def palette(k: int, higher_is_better: bool = True) -> list[str]:
    """k sequential colours for classes of rising value: light to dark, so dark = more; where lower is
    better (a DTI rank: 1 is best) the scale runs the other way, so dark is always the better end."""
    if k <= 0:
        return []
    pts = [0.12 + 0.88 * i / max(k - 1, 1) for i in range(k)]
    colours = pc.sample_colorscale("YlGnBu", pts)
    return colours if higher_is_better else colours[::-1]


def _colorscale(colours: list[str]) -> list[list]:
    """Stepped scale: z = 0 grey, z = i the i-th class colour (zmin -0.5, zmax k + 0.5)."""
    n = len(colours)
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


def class_labels(classes: Classes, decimals: int, lang: str) -> list[str]:
    """'12 – 40' per class, numbers the language's way (legend text, not an axis). Classes of whole
    numbers (counts) name the whole numbers each holds: class 1 is [min, e1], class i (e(i-1), e(i)], so
    '23 – 24', '25 – 44' (one number alone when a class holds only it)."""
    e = classes.edges

    def span(lo: float, hi: float) -> str:
        a, b = fmt.number(lo, lang, decimals), fmt.number(hi, lang, decimals)
        return a if a == b else f"{a} – {b}"

    if classes.whole and decimals == 0:
        return [span(e[i] + (1 if i else 0), e[i + 1]) for i in range(classes.k)]
    return [span(e[i], e[i + 1]) for i in range(classes.k)]


def legend_title(measure_unit: str, shared_note: str | None = None) -> str:
    """The colour bar's title: the unit, and under it, when two maps share one set of classes, that
    they do ("cùng thang màu cho hai bản đồ"), wrapped so it stays inside a half-width panel."""
    if not shared_note:
        return measure_unit
    lines = [""]
    for w in shared_note.split():
        if lines[-1] and len(lines[-1]) + len(w) >= 16:
            lines.append("")
        lines[-1] = f"{lines[-1]} {w}".strip()
    return f"{measure_unit}<br><span style='font-size:10px;color:#555'>{'<br>'.join(lines)}</span>"


def panel_height(province: str | None, two: bool = False, phone: bool = False) -> int:
    """Figure height of a map panel. Vietnam is tall and thin and the map fits its bounds to the
    height, so the national map alone is taller (it fills a laptop's and a projector's panel); two
    maps side by side are half as wide, so width, not height, limits them, as on a phone."""
    if phone:
        return PHONE_HEIGHT
    if province is None and not two:
        return NATIONAL_HEIGHT
    return PANEL_HEIGHT


def _per_feature(layer: MapLayer, frame: pl.DataFrame) -> pl.DataFrame:
    feats = pl.DataFrame({"unit_code": list(layer.feature_codes), "layer_name": list(layer.feature_names),
                          "feature_id": layer.ids})
    return feats.join(frame, on="unit_code", how="left", maintain_order="left")


def two_lines(name: str) -> str:
    """An archipelago's label on two lines, broken at the space nearest its middle ("Quần đảo<br>Trường
    Sa"): centred on islands at the map's east edge, one line ran past the plot on a phone."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}<br>{name[cut + 1:]}"


def _plain(text: str) -> str:
    """Text placed inside a hovertemplate: '%{' would read as a template variable."""
    return text.replace("%{", "% {")


def _status(has_report: bool | None, lang: str, no_report: str | None = None) -> str:
    return t("map_no_figure", lang) if has_report else (no_report or t("no_report", lang))


def choropleth(layer: MapLayer, frame: pl.DataFrame, classes: Classes, meta: ChartMeta, *,
               measure_unit: str, value_unit: str, decimals: int = 0, show_raw: bool = False,
               height: int = 620, uirevision: str | None = None,
               labels: list[tuple[str, float, float]] | None = None,
               geojson_url: str | None = None, no_report_label: str | None = None,
               higher_is_better: bool = True, shared_note: str | None = None) -> go.Figure:
    """The choropleth of a map frame (mapdata.map_frame) over `layer`.

    Up to four traces over disjoint features of the same GeoJSON: units with a figure and a
    target, with a figure but no target, and without a figure (grey, "chưa báo cáo"); a unit where
    nobody lives (`is_reporting` false: Hoàng Sa) has a fourth, pale one ("không có số liệu"). Each has
    its own hover template, so no missing number is ever shown as 0 (plotly prints null as 0),
    numbers are formatted by plotly's `separators`, and each outline is sent once.
    With `geojson_url` (maplayer.static_url) every trace names the layer's file instead of carrying
    outlines: the browser fetches it once and a rerun sends only values. plotly.js draws only the
    features a trace lists in `locations`, so the traces can share the whole layer. Exports
    (Kaleido has no server to fetch from) leave it None.
    """
    lang = meta.lang
    no_report = no_report_label or t("no_report", lang)  # the DTI: "chưa công bố"
    f = _per_feature(layer, in_lang(frame, "source_title", lang))
    k = classes.k
    n_ranked = int(frame["n_ranked"][0]) if frame.height else 0
    colours = [NO_REPORT_COLOUR] + palette(k, higher_is_better)
    # 3,321 communes (or 696 districts) on one national map: 0.5 px white borders would paint it
    # white; hairlines keep the colours readable
    border = 0.15 if layer.province is None and len(layer.feature_codes) > 200 else 0.5
    common = dict(featureidkey="id", colorscale=_colorscale(colours), zmin=-0.5, zmax=k + 0.5,
                  autocolorscale=False, marker={"line": {"color": BORDER_COLOUR, "width": border}},
                  selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 1.0}})
    # the hover name says which unit it is even on a national map of districts ("Huyện Châu Thành, An
    # Giang"): display_name_full (data/unit_labels.py), the official name for a frame without it
    shown = "display_name_full" if "display_name_full" in f.columns else "unit_name"
    f = f.with_columns(name=f[shown].fill_null(f["layer_name"]),
                       has_figure=pl.col("measure_value").is_not_null(),
                       has_target=pl.col("target_value").is_not_null(),
                       is_reporting=(pl.col("is_reporting") if "is_reporting" in f.columns else pl.lit(True))
                       .fill_null(True))
    d3, tdec = fmt.d3(decimals), (decimals if "%" in value_unit else 0)
    sources = f.filter(pl.col("has_figure"))["source_title"].drop_nulls().unique()
    one_source = sources.len() == 1
    src = _plain(sources[0]) if one_source else "%{customdata[5]}"
    head = ["<b>%{customdata[0]}</b>",
            f"{t('value' if not show_raw else 'measure', lang)}: %{{customdata[1]:{d3}}}{fmt.unit_after(measure_unit, lang)}"]
    if show_raw:
        head.append(f"{t('value', lang)}: %{{customdata[6]:{fmt.d3(tdec)}}}{fmt.unit_after(value_unit, lang)}")
    head.append(f"{t('rank', lang)}: %{{customdata[2]}}/{n_ranked}")
    target_line = {True: f"{t('target', lang)}: %{{customdata[3]:{fmt.d3(tdec)}}}{fmt.unit_after(value_unit, lang)} "
                         f"(%{{customdata[4]:,.1f}}{fmt.unit_after('%', lang)} {t('of_target_word', lang)})",
                   False: f"{t('target', lang)}: –"}
    groups = [(pl.col("has_figure") & pl.col("has_target"), True, True),
              (pl.col("has_figure") & ~pl.col("has_target"), True, False),
              (~pl.col("has_figure") & pl.col("is_reporting"), False, False),
              (~pl.col("has_figure") & ~pl.col("is_reporting"), None, False)]
    fig = go.Figure()
    parts = []
    for cond, has_fig, has_tgt in groups:
        part = f.filter(cond)
        if part.height == 0:
            continue
        # Payload: numbers rounded past what the hover shows, one shared source written into the
        # template instead of 3,321 copies, slots a template does not read left null.
        custom = np.empty((part.height, 10), dtype=object)
        custom[:, 0] = part["name"].to_list()
        custom[:, 7] = part["unit_code"].to_list()
        # a click on a district drills into its province
        custom[:, 9] = part["province_code"].to_list() if "province_code" in part.columns else None
        if has_fig:
            custom[:, 1] = part["measure_value"].round(decimals + 2).to_list()
            custom[:, 2] = part["rank"].to_list()
            if has_tgt:
                custom[:, 3] = part["target_value"].round(tdec + 2).to_list()
                custom[:, 4] = part["pct_target"].round(2).to_list()
            custom[:, 5] = None if one_source else part["source_title"].fill_null("–").to_list()
            custom[:, 6] = part["value"].round(4).to_list() if show_raw else None
            lines = head + [target_line[has_tgt], f"{t('source', lang)}: {src}"]
            extra = dict(hovertemplate="<br>".join(lines) + "<extra></extra>", showscale=not parts,
                         colorbar={"title": {"text": legend_title(measure_unit, shared_note), "side": "top"},
                                   "tickvals": list(range(k + 1)),
                                   "ticktext": [no_report] + class_labels(classes, decimals, lang),
                                   "len": 0.75, "thickness": 16, "y": 0.5, "x": 1.0, "ticks": ""},
                         z=part["class_idx"].fill_null(0).to_numpy(), name=meta.title)
        elif has_fig is None:  # nobody lives there: its own pale colour, never "not reported"
            custom[:, 8] = t("map_no_data", lang)
            extra = dict(hovertemplate="<b>%{customdata[0]}</b><br><i>%{customdata[8]}</i><extra></extra>",
                         showscale=False, z=np.zeros(part.height), name=t("map_no_data", lang),
                         colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
                         marker={"line": {"color": "#9e9e9e", "width": 0.5}})
        else:
            custom[:, 8] = [_status(h, lang, no_report) for h in part["has_report"]]
            extra = dict(hovertemplate="<b>%{customdata[0]}</b><br><i>%{customdata[8]}</i><extra></extra>",
                         showscale=not parts, z=np.zeros(part.height), name=no_report,
                         colorbar={"tickvals": [0], "ticktext": [no_report], "len": 0.3})
        fig.add_trace(go.Choropleth(locations=part["feature_id"].to_list(), customdata=custom, **{**common, **extra}))
        parts.append(part["feature_id"].cast(pl.Int64).to_list())
    feats = layer.geojson["features"]
    for trace, idx in zip(fig.data, parts):
        if geojson_url:
            trace.geojson = geojson_url
            continue
        # Assigned after add_trace: the constructor and add_trace deep-copy a trace, and the GeoJSON
        # is the one big thing in it (see the module doc). The subsets share the feature dicts.
        trace.geojson = layer.geojson if len(idx) == len(feats) else \
            {"type": "FeatureCollection", "features": [feats[i] for i in idx]}
    if labels:
        fig.add_trace(go.Scattergeo(lon=[x for _, x, _ in labels], lat=[y for _, _, y in labels],
                                    text=[two_lines(n) for n, _, _ in labels], mode="text", hoverinfo="skip",
                                    textfont={"size": 11, "color": "#333"}, showlegend=False, name="labels"))
    fig.update_geos(**_frame(layer), visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)")
    rev = uirevision or f"map-{layer.version}-{layer.level}-{layer.province or 'VN'}"
    finish(fig, meta, uirevision=rev, height=height)
    # the bottom margin holds the source line and, under it, the red demo / approximate-outline note
    # (charts.base.finish puts them 48 and 66 px below the plot): 80 px cut the note's lower half
    # (+ the lines a wrapped source line takes beyond its first)
    fig.update_layout(margin={"l": 10, "r": 0, "t": 80, "b": 96 + (fig.layout.margin.b - 92)},
                      dragmode="pan", clickmode="event+select", showlegend=False)
    return fig
