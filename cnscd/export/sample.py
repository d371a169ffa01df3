"""A fixed sample chart, map and meta for the export tests and the benchmark: Vietnamese names
with every kind of diacritic, a share column, a date column and a formula-looking cell, so
one set of exports exercises fonts, number formats and injection guards."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from cnscd.charts.base import finish
from cnscd.charts.meta import ChartMeta

TITLE = "Tổ công nghệ số cộng đồng theo tỉnh"


def sample_data() -> pl.DataFrame:
    return pl.DataFrame({
        "province_name": ["Hà Nội", "Thừa Thiên Huế", "Đắk Lắk", "Bà Rịa – Vũng Tàu", "=1+2"],
        "teams_total": [12345, 8000, 4500, 2210, -3],
        "villages_with_team_pct": [98.5, 87.25, 60.0, 100.0, 1.0],
        "dossiers_online_share": [0.925, 0.5, 0.333, 0.0, 1.0],
        "period_end": [dt.date(2025, 6, 30)] * 5,
        "note": ["", "+84 đường dây nóng", "@mention", "-", "\tTab"],
    })


def sample_meta(**changes) -> ChartMeta:
    values = dict(
        title_vi=TITLE, title_en="Community digital technology teams by province",
        unit="tổ", period="06/2025", boundary_version="2025",
        source="Bộ Thông tin và Truyền thông; số liệu minh hoạ", is_demo=True,
        is_approximate_boundaries=False, lang="vi",
        filters={"Kỳ": "06/2025", "Vùng": "Tây Nguyên & Bắc Trung Bộ"},
        data=sample_data(),
        column_labels={"province_name": "Tỉnh/thành phố", "teams_total": "Số tổ",
                       "villages_with_team_pct": "Tỷ lệ thôn có tổ (%)",
                       "dossiers_online_share": "Tỷ lệ hồ sơ trực tuyến", "period_end": "Ngày",
                       "note": "Ghi chú"},
        definitions={"Tổ CNSCĐ": "Tổ công nghệ số cộng đồng ở thôn, tổ dân phố và cấp xã"},
        name="to_cnscd_theo_tinh",
    )
    values.update(changes)
    return ChartMeta(**values)


def bar_chart(meta: ChartMeta) -> go.Figure:
    frame = meta.data
    fig = go.Figure(go.Bar(x=frame["province_name"].to_list(), y=frame["teams_total"].to_list(),
                           marker_color="#1f77b4", name=meta.label("teams_total")))
    fig.update_layout(xaxis_title=meta.label("province_name"), yaxis_title=meta.label("teams_total"),
                      yaxis_tickformat=",.0f")
    return finish(fig, meta)


def _square(lon: float, lat: float, size: float = 0.6) -> list:
    # clockwise exterior ring: d3-geo (plotly geo) fills the outside of a counter-clockwise one
    return [[[lon, lat], [lon, lat + size], [lon + size, lat + size], [lon + size, lat], [lon, lat]]]


def map_chart(meta: ChartMeta) -> go.Figure:
    """A geo choropleth of three made-up squares: exercises the topojson path offline."""
    codes = ["01", "46", "66"]
    spots = [(105.5, 20.8), (107.3, 16.2), (108.0, 12.5)]
    features = [{"type": "Feature", "id": c, "properties": {},
                 "geometry": {"type": "Polygon", "coordinates": _square(*xy)}}
                for c, xy in zip(codes, spots)]
    fig = go.Figure(go.Choropleth(geojson={"type": "FeatureCollection", "features": features},
                                  locations=codes, z=[98.5, 87.25, 60.0], featureidkey="id",
                                  colorscale="Blues", colorbar_title="%"))
    fig.update_geos(fitbounds="locations", visible=False)
    return finish(fig, meta)


def tile_map_chart(meta: ChartMeta) -> go.Figure:
    """The same squares on a MapLibre `map` subplot (restyle() must drop any tile style)."""
    fig = map_chart(meta)
    trace = fig.data[0]
    out = go.Figure(go.Choroplethmap(geojson=trace.geojson, locations=trace.locations, z=trace.z,
                                     featureidkey="id", colorscale="Blues"))
    out.update_layout(map=dict(style="open-street-map", center=dict(lat=16, lon=107), zoom=4.2))
    return out
