"""Approximate outlines respect what is known (issue 13): geocoded extents of legacy communes,
official areas of 2025 communes, the crosswalk; exact tiling; the pieces of the method.

Figures are measured on the committed layers (what the app draws) against the registry data,
recomputed here, not read from the build's printout.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import polars as pl
import pytest
import shapely

from data.units import load_crosswalk
from geo import extents, fit, layers, outlines, raster

# Before this work (Voronoi cells around centre points): IoU median 0.54, p10 0.20; inside p10
# 0.45; 2025 areas within ±10 % 28.9 %, within ±25 % 61.8 %. Floors below are what the grown
# outlines reach, a little under the measured figure so a rebuild's noise does not fail them.
# Grown outlines (first version): IoU median 0.63, p10 0.37; inside p10 0.74; areas 86.5 % / 92.9 %.
# With the area repair (geo/rebalance.py, geo/README.md): IoU median 0.68, p10 0.38; inside p10 0.77;
# areas 92.2 % / 93.6 %.
FLOORS = {"iou_median": 0.65, "iou_p10": 0.36, "inside_p10": 0.75, "area_10": 0.90, "area_25": 0.92}


@pytest.fixture(scope="module")
def legacy_fit():
    com = gpd.read_parquet(layers.layer_path("commune", "legacy"))
    used = com[com["outline_basis"] == "extent"]
    boxes, _ = extents.raw_extents()
    return fit.extent_fit(dict(zip(used["unit_code"], used.geometry)), {c: boxes[c] for c in used["unit_code"]}), com


@pytest.fixture(scope="module")
def area_fit():
    new = layers.layer("commune", "2025")
    return fit.area_fit(dict(zip(new["unit_code"], new.geometry)), fit.official_areas())


def test_extents_are_used_for_most_communes(legacy_fit):
    figures, com = legacy_fit
    assert set(com["outline_basis"]) == {"extent", "centre"}
    assert figures["n"] >= 9500            # of 10,035: the rest were dropped as implausible


def test_legacy_communes_follow_their_extents(legacy_fit):
    figures, _ = legacy_fit
    assert figures["iou_median"] >= FLOORS["iou_median"] > 0.54
    assert figures["iou_p10"] >= FLOORS["iou_p10"] > 0.20
    assert figures["inside_p10"] >= FLOORS["inside_p10"] > 0.45


def test_2025_communes_approach_their_official_area(area_fit):
    assert area_fit["n"] >= 3300
    assert area_fit["area_10"] >= FLOORS["area_10"]
    assert area_fit["area_25"] >= FLOORS["area_25"]


@pytest.mark.xfail(strict=True, reason="issue 13 goal not reached yet: bbox IoU median >= 0.8, p10 >= 0.6, "
                                       "inside p10 >= 0.85 (see geo/README.md for the measured figures)")
def test_issue_goal_for_extents(legacy_fit):
    figures, _ = legacy_fit
    assert figures["iou_median"] >= fit.GOALS["iou_median"] and figures["iou_p10"] >= fit.GOALS["iou_p10"]
    assert figures["inside_p10"] >= fit.GOALS["inside_p10"]


def test_issue_goal_for_areas_within_10_percent(area_fit):
    assert area_fit["area_10"] >= fit.GOALS["area_10"]


@pytest.mark.xfail(strict=True, reason="issue 13 goal not reached yet: within ±25 % for >= 98 % (official areas "
                                       "that do not add up to their legacy province's land: moving communes only "
                                       "towards their extents' layout allows at most 98.4 % of targets, 98.1 % "
                                       "with drawing margins; python -m geo.bound, geo/README.md)")
def test_issue_goal_for_areas_within_25_percent(area_fit):
    assert area_fit["area_25"] >= fit.GOALS["area_25"]


def test_2025_communes_are_their_legacy_parts():
    """A legacy commune the crosswalk sends whole to one 2025 commune lies inside it."""
    old = layers.layer("commune", "legacy").set_index("unit_code").geometry
    new = layers.layer("commune", "2025").set_index("unit_code").geometry
    cw = load_crosswalk().filter((pl.col("unit_level") == "commune") & (pl.col("weight") == 1.0))
    rows = cw.select("from_code", "to_code").rows()
    outside = shapely.area(shapely.difference(old.reindex([f for f, _ in rows]).values,
                                              new.reindex([t for _, t in rows]).values))
    share = outside / shapely.area(old.reindex([f for f, _ in rows]).values)
    # simplification moves shared edges a little; nothing more
    assert np.median(share) < 0.01 and np.mean(share < 0.1) > 0.97


def test_province_discrepancy_goes_to_few_communes():
    official = np.array([10.0, 10.0, 10.0, 10.0, np.nan])
    first = np.array([5.0, 10.0, 12.0, 13.0, 7.0])
    more = outlines.targets(official, first, 52.0)        # 5 km² more land than the figures say
    assert more.sum() == pytest.approx(52.0)
    assert list(np.round(more, 6)) == [10, 10, 12, 13, 7]  # the two whose layout is largest take it
    less = outlines.targets(official, first, 43.0)
    assert list(np.round(less, 6)) == [6, 10, 10, 10, 7]   # the one whose layout is smallest gives it
    assert list(outlines.targets(official, first, 47.0)) == [10, 10, 10, 10, 7]


def test_extent_checks_drop_implausible_boxes(monkeypatch):
    province = {"01": shapely.box(105.0, 21.0, 106.0, 22.0)}
    boxes = {"a": (105.1, 21.1, 105.2, 21.2), "b": (105.3, 21.3, 105.3001, 21.3001),
             "c": (104.5, 20.5, 104.6, 20.6), "d": (105.5, 21.5, 105.6, 21.6), "e": (105.5, 21.5, 105.6, 21.6),
             "f": (105.7, 21.7, 105.72, 21.72)}
    monkeypatch.setattr(extents, "raw_extents", lambda: (boxes, {}))
    pts = {"a": (105.15, 21.15), "b": (105.3, 21.3), "c": (104.55, 20.55), "d": (105.55, 21.55),
           "e": (105.55, 21.55), "f": (105.1, 21.1), "g": (105.9, 21.9)}
    frame = pl.DataFrame({"unit_code": list(pts), "parent_code": ["001"] * len(pts), "province_code": ["01"] * len(pts),
                          "lon": [p[0] for p in pts.values()], "lat": [p[1] for p in pts.values()]})
    ok, dropped = extents.check(frame, province)
    assert set(ok) == {"a"}
    assert dropped == {"point": 1, "outside": 1, "shared": 2, "far": 1, "missing": 1}


def test_land_mask_and_polygons_tile_the_grid_exactly():
    poly = shapely.Polygon([(105.0, 21.0), (105.3, 21.05), (105.2, 21.3), (105.05, 21.25)]).difference(
        shapely.box(105.1, 21.1, 105.15, 21.15))
    g = raster.Grid.around(poly.bounds, 0.2)
    mask = raster.land_mask(poly, g)
    land = (mask * g.row_km2()[:, None]).sum()
    assert land == pytest.approx(extents.km2([poly])[0], rel=0.01)
    labels = (np.add.outer(np.arange(g.height) // 7, np.arange(g.width) // 11) % 5).astype(np.int32)
    polys = raster.polygons(labels, 5, g)
    assert shapely.coverage_is_valid(np.array(polys, dtype=object))
    assert shapely.union_all(polys).area == pytest.approx(g.width * g.dx * g.height * g.dy, rel=1e-9)


def test_a_province_is_tiled_and_rebuilt_identically():
    """Grown outlines tile their province, every unit present, the same bytes on a second run."""
    geom = shapely.Polygon([(0, 0), (0.3, 0), (0.3, 0.2), (0.15, 0.25), (0, 0.2)])
    boxes = np.array([[0, 0, 0.12, 0.1], [0.1, 0, 0.3, 0.12], [0, 0.08, 0.16, 0.25], [0.14, 0.1, 0.3, 0.22]])
    pts = np.column_stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2])
    parts = [["v1"], ["v1"], ["v2", "v3"], ["v3"]]
    sites = {"v1": (0.1, 0.05), "v2": (0.03, 0.2), "v3": (0.2, 0.18)}

    def run():
        p = outlines.Province("zz", geom, list("abcd"), boxes, pts, parts, sites)
        p.prepare()
        land = float(p.land_km2.sum())
        (state,), goal = outlines.calibrate([p], {"v1": land * 0.5, "v2": land * 0.2, "v3": land * 0.3}, {})
        return p.final(*state), goal
    first, goal = run()
    again, _ = run()
    assert [g.wkb for g in first] == [g.wkb for g in again]
    assert all(not g.is_empty and g.is_valid for g in first)
    union = shapely.union_all(first)
    assert union.symmetric_difference(geom).area < 1e-9
    assert sum(g.area for g in first) == pytest.approx(geom.area, rel=1e-6)   # no overlap beyond snapping
    v = {"v1": first[0].union(first[1]), "v2": first[2], "v3": first[3].union(first[4])}
    got = {k: extents.km2([g])[0] for k, g in v.items()}
    assert all(abs(got[k] / goal[k] - 1) < 0.1 for k in v), (got, goal)


def test_a_band_spares_most_communes_a_provinces_discrepancy():
    official = np.array([10.0, 10.0, 10.0, 10.0, np.nan])
    first = np.array([5.0, 10.0, 12.0, 13.0, 7.0])
    # 5 km² more land than the figures say; a band of 10 % absorbs 4.7: one commune takes the rest
    got = outlines.targets(official, first, 52.0, band=0.1)
    assert got.sum() == pytest.approx(52.0)
    assert list(np.round(got, 6)) == [10.4, 10.4, 10.4, 13.52, 7.28]
    less = outlines.targets(official, first, 43.0, band=0.1)   # the band alone absorbs it
    assert np.allclose(less[:4], 43.0 * 10 / 47) and less.sum() == pytest.approx(43.0)


def _pieces(lab: np.ndarray, code: int) -> int:
    from scipy import ndimage
    return ndimage.label(lab == code)[1]


def test_area_repair_reaches_targets_and_keeps_every_piece_whole():
    from geo import rebalance
    h, w = 40, 60
    lab = np.zeros((h, w), np.int32)
    lab[:, 10:30] = 1
    lab[:, 30:] = 2
    lab[25:, 40:] = 3                     # a legacy unit of commune 2 (two units, one 2025 commune)
    is_land = np.ones((h, w), bool)
    is_land[:5, 50:] = False              # a bay
    km2 = np.full(h, 0.01)
    boxes = np.array([[5, 20, 5, 20], [20, 20, 10, 20], [45, 12, 15, 12], [50, 32, 10, 8]], float)
    unit_of, commune_of = np.arange(4), np.array([0, 1, 2, 2])
    goal = np.full(3, is_land.sum() * 0.01 / 3)
    out = rebalance.rebalance(lab, is_land, km2, unit_of, commune_of, goal, boxes, np.full(3, 0.0))
    again = rebalance.rebalance(lab, is_land, km2, unit_of, commune_of, goal, boxes, np.full(3, 0.0))
    assert np.array_equal(out, again)
    area = np.bincount(commune_of[out[is_land]], minlength=3) * 0.01
    assert np.allclose(area / goal, 1, atol=0.03), area / goal
    assert all(_pieces(np.where(is_land, out, -1), a) == 1 for a in range(4))              # legacy units
    assert all(_pieces(np.where(is_land, commune_of[out], -1), v) == 1 for v in range(3))  # 2025 communes
    assert (out[~is_land] == lab[~is_land]).all()


def test_area_repair_moves_pixels_into_the_box_that_holds_them():
    """Within one 2025 commune, a pixel outside its unit's box passes to a neighbour whose box holds it."""
    from geo import rebalance
    lab = np.zeros((20, 20), np.int32)
    lab[:, 12:] = 1
    boxes = np.array([[4, 10, 4, 10], [14, 10, 6, 10]], float)   # unit 0's box ends at column 8
    out = rebalance.rebalance(lab, np.ones((20, 20), bool), np.full(20, 1.0), np.arange(2), np.array([0, 0]),
                              np.array([400.0]), boxes)
    assert (out[:, :8] == 0).all() and (out[:, 8:] == 1).all()
    assert _pieces(out, 0) == 1 and _pieces(out, 1) == 1


def test_the_area_bound_counts_what_a_provinces_land_allows():
    """geo/bound.py: 24 km² of land for three communes of 10 km² each (-20 %)."""
    from geo import bound
    grid = {"codes": ["a", "b", "c"], "official": np.array([10.0, 10.0, 10.0]), "first": np.array([7.0, 8.0, 9.0]),
            "land": 24.0}
    free = bound.best_pair([grid], {}, floor_10=0.0)
    assert free["optimal"] and free["within_25"] == 1.0           # all three at -20 %
    kept = bound.best_pair([grid], {}, floor_10=0.6)               # two within ±10 % leave 6 km² (-40 %) to one
    assert kept["within_10"] == pytest.approx(2 / 3) and kept["within_25"] == pytest.approx(2 / 3)
    # towards the first layout only: with layouts 7, 8, 9 (24 km² in all) each must go all the way (a: -30 %)
    assert bound.best_pair([grid], {}, floor_10=0.0, natural=True)["within_25"] == pytest.approx(2 / 3)
    near = dict(grid, first=np.array([7.5, 7.5, 9.0]))
    assert bound.best_pair([near], {}, floor_10=0.0, natural=True)["within_25"] == 1.0
    stuck = dict(grid, first=np.array([10.0, 10.0, 4.0]))           # only c may move, and it goes to 4 (-60 %)
    assert bound.best_pair([stuck], {}, floor_10=0.0, natural=True)["within_25"] == pytest.approx(2 / 3)
