"""What the registry knows beyond centre points: geocoded extents and official areas.

vietnamadminunits' `admin_units_legacy` carries a geocoded bounding box ("lat,lon – lat,lon") for
each legacy commune (`wardBounds`) and district (`districtBounds`); `admin_units` carries the
official area of most 2025 communes (`area_km2` in data.units). A geocoder sometimes answers with
the wrong place, a point, or the whole district, so each commune extent is checked before use;
implausible ones are dropped (counted by reason) and the commune falls back to its centre point.
"""
from __future__ import annotations

import functools
from collections import Counter

import numpy as np
import polars as pl
import pyproj
import shapely

# An equal-area projection centred on Viet Nam: areas in km² for calibration and the fit figures.
AEA = "+proj=aea +lat_1=9 +lat_2=22 +lat_0=16 +lon_0=106 +ellps=WGS84 +units=m"
MIN_SIDE_KM = 0.1         # a box narrower than 100 m is a point geocode, not an outline
MAX_AREA_KM2 = 4000.0     # the largest commune is ~940 km²; its bounding box stays well under this
DISTRICT_SHARE = 0.6      # a commune box covering most of its district's box is the district's
MIN_INSIDE = 0.2          # at least a fifth of the box on its own province's land
FAR = 0.5                 # centre point farther outside than half the box's diagonal


@functools.lru_cache(maxsize=1)
def _to_aea():
    return pyproj.Transformer.from_crs(4326, AEA, always_xy=True)


def km2(geoms) -> np.ndarray:
    """Areas in km² (equal-area projection) of lon/lat geometries."""
    t = _to_aea()
    proj = shapely.transform(np.asarray(geoms, dtype=object),
                             lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return shapely.area(proj) / 1e6


def parse_bounds(text: str | None) -> tuple[float, float, float, float] | None:
    """'lat,lon – lat,lon' -> (min lon, min lat, max lon, max lat), None when absent or unreadable."""
    if not text:
        return None
    try:
        a, b = text.replace("—", "–").split("–")
        (la1, lo1), (la2, lo2) = (map(float, s.strip().split(",")) for s in (a, b))
    except ValueError:
        return None
    return (min(lo1, lo2), min(la1, la2), max(lo1, lo2), max(la1, la2))


@functools.lru_cache(maxsize=1)
def raw_extents() -> tuple[dict[str, tuple], dict[str, tuple]]:
    """({commune code: box}, {district code: box}) as geocoded, unchecked."""
    from data.units import _raw
    legacy, _ = _raw()
    com = {c: b for c, t in legacy.filter(pl.col("wardCode").is_not_null()).select("wardCode", "wardBounds").iter_rows()
           if (b := parse_bounds(t))}
    dist = {c: b for c, t in legacy.select("districtCode", "districtBounds").unique("districtCode").iter_rows()
            if (b := parse_bounds(t))}
    return com, dist


def _side_km(box) -> tuple[float, float]:
    lat = 0.5 * (box[1] + box[3])
    return (box[2] - box[0]) * 111.32 * np.cos(np.radians(lat)), (box[3] - box[1]) * 110.57


def check(communes: pl.DataFrame, provinces: dict[str, object]) -> tuple[dict[str, tuple], Counter]:
    """Plausible extents of legacy communes and the count of dropped ones by reason.

    `communes`: unit_code, parent_code (district), province_code, lon, lat (the packaged points).
    """
    com, dist = raw_extents()
    shared = Counter(com.values())
    per_district = Counter(communes["parent_code"])
    coarse = {p: shapely.simplify(g, 0.002) for p, g in provinces.items()}   # the share test needs no detail
    ok, dropped = {}, Counter()
    for code, district, prov, x, y in communes.select("unit_code", "parent_code", "province_code", "lon", "lat").iter_rows():
        box = com.get(code)
        if box is None:
            dropped["missing"] += 1
            continue
        w, h = _side_km(box)
        g = shapely.box(*box)
        dbox = dist.get(district)
        if min(w, h) < MIN_SIDE_KM:
            reason = "point"
        elif w * h > MAX_AREA_KM2:
            reason = "huge"
        elif shared[box] > 1 or (dbox == box and per_district[district] > 1):
            reason = "shared"
        elif dbox and per_district[district] > 2 and g.intersection(shapely.box(*dbox)).area > DISTRICT_SHARE * shapely.box(*dbox).area:
            reason = "district"
        elif g.distance(shapely.Point(x, y)) > FAR * np.hypot(box[2] - box[0], box[3] - box[1]):
            reason = "far"
        elif shapely.clip_by_rect(coarse[prov], *box).area < MIN_INSIDE * g.area:
            reason = "outside"
        else:
            ok[code] = box
            continue
        dropped[reason] += 1
    return ok, dropped
