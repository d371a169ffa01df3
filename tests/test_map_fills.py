"""A map fills its panel (issue 11 §2): the frame is the place's own bounds, not the frame of the whole
world's projection that fitbounds fits into — a wide province (Đồng Tháp of the 34 provinces) drew
across ~40 % of a 1,000 px panel's width and ~45 % of its height, in the app, the PDF and the slides.
Measured on the rendered PNG (the export engine, the same plotly.js as the page)."""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import polars as pl
import pytest
from PIL import Image

from cnscd.charts import maps

W, H = 1000, 620


def _map(con, level, version, province):
    """The map the pages and the briefing pack draw (brief._map): the teams at the last month."""
    from functools import partial

    import queries
    from cnscd import brief
    from cnscd.unitref import UnitRef

    query = partial(queries.run, con.cursor())
    ref = UnitRef(version, province)
    period = dt.date(2026, 10, 31) if version == "2025" else dt.date(2024, 6, 30)
    ind = query("indicator_catalogue").filter(pl.col("indicator_code") == "teams_total").row(0, named=True)
    return brief._map(query, ref, period, "vi", ind, "x", "y").fig, maps.layer_for(level, version, province)


def _ink(png: bytes, box: tuple[int, int, int, int]) -> tuple[float, float]:
    """The share of the box's width and height that the map's coloured pixels span."""
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    x0, y0, x1, y1 = box
    part = a[y0:y1, x0:x1]
    ink = (np.abs(part - 255).sum(axis=2) > 60)
    ys, xs = np.nonzero(ink)
    return (xs.max() - xs.min()) / (x1 - x0), (ys.max() - ys.min()) / (y1 - y0)


@pytest.mark.parametrize("level, version, province", [("commune", "2025", "82"), ("district", "legacy", "87"),
                                                      ("commune", "2025", "01")])
def test_a_province_map_fills_its_panel(level, version, province, con, chromium):
    from cnscd.export.engine import engine

    fig, layer = _map(con, level, version, province)
    m = fig.layout.margin
    png = engine().render(fig, {"format": "png", "width": W, "height": H, "scale": 1})
    # the plot area less the colour bar on the right (~120 px)
    wide, tall = _ink(png, (m.l, m.t, W - m.r - 130, H - m.b))
    assert max(wide, tall) > 0.9, (wide, tall)      # the long side of the place spans the panel
    x0, y0, x1, y1 = layer.bounds
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert lon[0] < x0 < x1 < lon[1] and lat[0] < y0 < y1 < lat[1]   # every outline inside the frame
