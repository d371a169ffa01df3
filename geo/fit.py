"""How close the approximate outlines come to what is known (printed by `python -m geo build`,
checked in tests/test_geo_fit.py, quoted on the sources page through the layer sidecars).

- legacy communes against their plausible geocoded extents: bounding-box IoU and the share of
  the outline inside the extent;
- 2025 communes against their official areas (km², equal-area projection): share within ±10 %
  and ±25 %, share off by more than a factor of two.
"""
from __future__ import annotations

import numpy as np
import shapely

from geo.extents import km2

GOALS = {"iou_median": 0.8, "iou_p10": 0.6, "inside_p10": 0.85, "area_10": 0.90, "area_25": 0.98}


def extent_fit(outlines: dict[str, object], boxes: dict[str, tuple]) -> dict[str, float]:
    codes = sorted(c for c in boxes if c in outlines)
    geoms = np.array([outlines[c] for c in codes], dtype=object)
    ext = shapely.box(*np.array([boxes[c] for c in codes]).T)
    bb = shapely.box(*shapely.bounds(geoms).T)
    iou = shapely.area(shapely.intersection(bb, ext)) / shapely.area(shapely.union(bb, ext))
    inside = shapely.area(shapely.intersection(geoms, ext)) / shapely.area(geoms)
    return {"n": len(codes), "iou_median": float(np.median(iou)), "iou_p10": float(np.percentile(iou, 10)),
            "inside_median": float(np.median(inside)), "inside_p10": float(np.percentile(inside, 10))}


def area_fit(outlines: dict[str, object], official: dict[str, float]) -> dict[str, float]:
    codes = sorted(c for c in official if c in outlines and official[c])
    r = km2([outlines[c] for c in codes]) / np.array([official[c] for c in codes])
    return {"n": len(codes), "area_10": float(np.mean(np.abs(r - 1) <= 0.10)),
            "area_25": float(np.mean(np.abs(r - 1) <= 0.25)), "off_x2": float(np.mean((r > 2) | (r < 0.5)))}


def text(legacy: dict, new: dict, dropped: dict[str, int]) -> str:
    drops = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items()))
    return (f"legacy communes vs geocoded extents ({legacy['n']} plausible; dropped {sum(dropped.values())}: {drops}): "
            f"bbox IoU median {legacy['iou_median']:.2f}, p10 {legacy['iou_p10']:.2f}; share inside extent "
            f"median {legacy['inside_median']:.2f}, p10 {legacy['inside_p10']:.2f}\n"
            f"2025 communes vs official area ({new['n']}): within ±10 % {new['area_10']:.1%}, within ±25 % "
            f"{new['area_25']:.1%}, off by more than x2 {new['off_x2']:.1%}")


def official_areas() -> dict[str, float]:
    import polars as pl

    from data.units import load_units
    u = load_units().filter((pl.col("boundary_version") == "2025") & (pl.col("unit_level") == "commune"))
    return {c: a for c, a in u.select("unit_code", "area_km2").iter_rows() if a}


def summary(built: dict, info: dict) -> str:
    """The fit figures of freshly built (simplified) layers, as printed and put in the sidecars."""
    com = built["commune", "legacy"]
    new = built["commune", "2025"]
    legacy = extent_fit(dict(zip(com["unit_code"], com.geometry)), info["plausible_extents"])
    areas = area_fit(dict(zip(new["unit_code"], new.geometry)), official_areas())
    return text(legacy, areas, info["dropped_extents"])
