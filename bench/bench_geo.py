"""Map payloads and map-figure speed of the app's own map path (charts.maplayer.prepare_layer ->
mapdata measure, rank and classes -> charts.maps.choropleth), against the unsimplified layers built
in the same run.

Figures: the national district map's figure JSON (target ≤ 1.5 MB), the largest province's
commune map (≤ 0.5 MB), and the median time to build a map figure for a new indicator or period
(≤ 150 ms; the prepared layer is cached, only values change). Baseline: the same figure over
the unsimplified layer (prepared the same way).
The app's own map path (cnscd.views.mapdata + cnscd.charts.maps.choropleth on the national commune layer,
formerly a wall-clock assert in tests/test_maps.py) against re-preparing the layer for every figure.
Run alone: `.venv/bin/python -m bench.bench_geo` (or through bench/benchmark.py).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402

from cnscd.charts import maps  # noqa: E402
from geo import build, layers  # noqa: E402
from tests.mapfixtures import random_map  # noqa: E402

REPEATS = 15


def _row(name, value, unit, baseline, label, target):
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "baseline_label": label,
            "ratio": value / baseline if baseline else None, "target": target}


def _median_ms(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def run() -> list[dict]:
    raw = build.build_layers(gpd.read_parquet(layers.GEO_DIR / "layers" / "provinces_ne.parquet"), simplify=False)
    rng = np.random.default_rng(7)
    rows = []
    district = maps.layer_for("district", "legacy")
    raw_district = maps.prepare_layer(raw["district", "legacy"], "district", "legacy")

    def national(layer=district):
        return random_map(layer, rng)
    rows.append(_row("national district map payload", len(national().to_json()) / 1e6, "MB",
                     len(national(raw_district).to_json()) / 1e6, "unsimplified layer", "≤ 1.5"))

    communes = layers.layer("commune", "legacy")
    big = communes["province_code"].value_counts().idxmax()          # the province with most communes
    part = maps.layer_for("commune", "legacy", big)
    raw_part = raw["commune", "legacy"][raw["commune", "legacy"]["province_code"] == big]
    raw_part_layer = maps.prepare_layer(raw_part, "commune", "legacy", big)

    def province(layer=part):
        return random_map(layer, rng)
    rows.append(_row(f"commune map of province {big} ({len(part.feature_codes)} communes) payload",
                     len(province().to_json()) / 1e6, "MB", len(province(raw_part_layer).to_json()) / 1e6,
                     "unsimplified layer", "≤ 0.5"))

    communes25 = maps.layer_for("commune", "2025")     # national: coarsened (maplayer.NATIONAL_TOLERANCE)
    full25 = maps.prepare_layer(layers.layer("commune", "2025"), "commune", "2025")
    rows.append(_row(f"national commune map (2025, {len(communes25.feature_codes):,}) payload",
                     len(random_map(communes25, rng).to_json()) / 1e6, "MB",
                     len(random_map(full25, rng).to_json()) / 1e6, "committed outlines, full detail", "≤ 1.5"))

    national()   # the prepared layer is cached (maps.layer_for): a new indicator or period reuses it
    rows.append(_row("national district map, new values: build figure (median)", _median_ms(national), "ms",
                     _median_ms(lambda: national(raw_district)), "unsimplified layer", "≤ 150"))
    rows.append(_row("national district map, new values: build + JSON (median)",
                     _median_ms(lambda: national().to_json()), "ms",
                     _median_ms(lambda: national(raw_district).to_json()), "unsimplified layer", "≤ 150"))
    return rows + app_map_rows()


def app_map_rows() -> list[dict]:
    """New values on the national commune map through the app's path: measure, rank, classes,
    figure. The prepared layer is reused (layer_for caches it); the baseline prepares it again."""
    import polars as pl

    from cnscd.views import mapdata
    from cnscd.charts import maps
    from cnscd.charts.meta import ChartMeta

    meta = ChartMeta(title_vi="Tổng số tổ", title_en="Teams", unit="tổ", period="T6/2026",
                     boundary_version="2025", source="demo", is_demo=True, is_approximate_boundaries=True)
    layer = maps.layer_for("commune", "2025")
    gdf = layers.layer("commune", "2025")
    rng = np.random.default_rng(0)
    n = len(layer.feature_codes)

    def figure_for(lay):
        f = pl.DataFrame({"unit_code": lay.feature_codes, "unit_name": "Xã", "value": rng.random(n),
                          "source_title": "demo", "target_value": 1.0, "is_demo": True, "population": 1.0})
        f = mapdata.add_rank(mapdata.add_measure(f, "abs"), True)
        c = mapdata.classify(f["measure_value"].to_numpy(), "natural_breaks", 5)
        return maps.choropleth(lay, mapdata.add_class(f, c), c, meta, measure_unit="tổ", value_unit="tổ")

    return [_row(f"app path: national commune map ({n:,}), new values (median)", _median_ms(lambda: figure_for(layer)),
                 "ms", _median_ms(lambda: figure_for(maps.prepare_layer(gdf, "commune", "2025"))),
                 "layer prepared again each time", "≤ 150")]


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:<62} {r['value']:9.3f} {r['unit']:<3} target {r['target']:<7} "
              f"baseline {r['baseline']:9.3f} ({r['baseline_label']}) ratio {r['ratio']:.2f}×")
