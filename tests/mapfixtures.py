"""A tiny deterministic warehouse and boundary layers for the map and district tests.

Legacy: provinces 01 (districts 001, 002), 02 (003), 03 (004, 005); 2025: provinces 01
(communes 00001, 00002) and 04 = 02 + 03 (communes 00003, 00004, 00005). Legacy months
2025-05 and 2025-06, 2025 months 2025-07 .. 2026-06. Province 03 and district 005 never report
in June 2025; commune 00005 never reports. Squares stand in for polygons.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from cnscd import months
from tests import tiny_warehouse
from data.unit_labels import with_display_names

LEGACY = {"01": ["001", "002"], "02": ["003"], "03": ["004", "005"]}
NEW = {"01": ["00001", "00002"], "04": ["00003", "00004", "00005"]}
SILENT = {"03", "005", "00005"}


LEGACY_MONTHS = months.ends(dt.date(2025, 5, 1), 2)
NEW_MONTHS = months.ends(dt.date(2025, 7, 1), 12)


def _units() -> pl.DataFrame:
    rows = []

    def add(v, code, level, name, parent, prov):
        rows.append(dict(boundary_version=v, unit_code=code, unit_level=level, unit_name=name,
                         short_name=name.split(" ", 1)[-1], unit_type=name.split(" ")[0], slug=code,
                         parent_code=parent, province_code=prov, source_id="demo"))
    for v, tree, child in (("legacy", LEGACY, "district"), ("2025", NEW, "commune")):
        add(v, "VN", "nation", "Việt Nam", None, None)
        for p, kids in tree.items():
            add(v, p, "province", f"Tỉnh P{p}", "VN", p)
            for c in kids:
                add(v, c, child, f"{'Huyện' if child == 'district' else 'Xã'} C{c}", p, p)
    return with_display_names(pl.DataFrame(rows))


def _leaf_value(code: str, i: int) -> float:
    return float(int(code) % 7 + 3 + 2 * i)


def _observations() -> pl.DataFrame:
    rows = []
    for v, tree, months in (("legacy", LEGACY, LEGACY_MONTHS), ("2025", NEW, NEW_MONTHS)):
        for i, end in enumerate(months):
            nation = {"teams_total": 0.0, "villages_with_team": 0.0, "villages_total": 0.0}
            for p, kids in tree.items():
                prov = {"teams_total": 0.0, "villages_with_team": 0.0, "villages_total": 0.0}
                for c in kids:
                    if c in SILENT:
                        continue
                    vals = {"teams_total": _leaf_value(c, i), "villages_total": 20.0}
                    vals["villages_with_team"] = min(vals["teams_total"], 20.0)
                    vals["villages_with_team_pct"] = vals["villages_with_team"] / 20.0 * 100
                    for ind, x in vals.items():
                        rows.append((c, v, ind, end, x))
                    for key in prov:
                        prov[key] += vals[key]
                if p in SILENT and end == dt.date(2025, 6, 30):
                    continue
                for ind, x in prov.items():
                    rows.append((p, v, ind, end, x))
                rows.append((p, v, "villages_with_team_pct", end, prov["villages_with_team"] / prov["villages_total"] * 100))
                for key in nation:
                    nation[key] += prov[key]
            for ind, x in nation.items():
                rows.append(("VN", v, ind, end, x))
    f = pl.DataFrame(rows, schema=["unit_code", "boundary_version", "indicator_code", "period_end", "value"], orient="row")
    return f.with_columns(period_start=pl.col("period_end").dt.month_start(), granularity=pl.lit("month"),
                          source_id=pl.lit("demo"), is_demo=pl.lit(True))


def _indicators() -> pl.DataFrame:
    base = dict(description_vi="mô tả", description_en="description", category="team_coverage",
                higher_is_better=True, lowest_level="commune", temporal="cumulative", is_core=True)
    rows = [
        dict(indicator_code="teams_total", name_vi="Tổng số tổ", name_en="Teams", unit_of_measure="tổ",
             unit_of_measure_en="teams", aggregation="sum", sort_order=1),
        dict(indicator_code="villages_with_team_pct", name_vi="Tỷ lệ thôn có tổ", name_en="Villages covered",
             unit_of_measure="%", unit_of_measure_en="%", aggregation="ratio", numerator_code="villages_with_team",
             denominator_code="villages_total", temporal="rate", sort_order=2),
        dict(indicator_code="villages_with_team", name_vi="Số thôn có tổ", name_en="Villages with a team",
             unit_of_measure="thôn", unit_of_measure_en="villages", aggregation="sum", sort_order=3),
        dict(indicator_code="villages_total", name_vi="Số thôn", name_en="Villages",
             unit_of_measure="thôn", unit_of_measure_en="villages", aggregation="sum", sort_order=4),
    ]
    return pl.DataFrame([base | r for r in rows])


def build(path: Path) -> Path:
    """Write the tiny warehouse to `path`."""
    units = _units().filter(pl.col("unit_level") != "nation")
    tg = units.select(
        "unit_code", "boundary_version", indicator_code=pl.lit("teams_total"),
        period_start=pl.when(pl.col("boundary_version") == "legacy").then(pl.lit(dt.date(2025, 1, 1)))
        .otherwise(pl.lit(dt.date(2026, 1, 1))),
        period_end=pl.when(pl.col("boundary_version") == "legacy").then(pl.lit(dt.date(2025, 6, 30)))
        .otherwise(pl.lit(dt.date(2026, 12, 31))),
        target_value=pl.lit(20.0), source_id=pl.lit("demo"), is_demo=pl.lit(True))
    return tiny_warehouse.build(
        path, core_boundary_version=tiny_warehouse.versions(),
        core_source=pl.DataFrame({"source_id": ["demo"], "source_kind": ["demo"], "title": ["Dữ liệu minh hoạ"]}),
        core_unit=_units(),
        core_crosswalk=pl.DataFrame({
            "from_version": ["legacy"] * 3, "from_code": ["01", "02", "03"], "to_version": ["2025"] * 3,
            "to_code": ["01", "04", "04"], "unit_level": ["province"] * 3, "weight": [1.0] * 3,
            "method": ["whole"] * 3, "source_id": ["demo"] * 3}),
        core_indicator=_indicators(),
        core_population=units.select("unit_code", "boundary_version", year=pl.lit(2025), population=pl.lit(10_000.0),
                                     is_estimate=pl.lit(True), method=pl.lit("test"), source_id=pl.lit("demo")),
        core_observation=_observations(), core_target=tg)


def layer(level: str, version: str, province_code: str | None = None):
    """Squares in a row, one per unit, in the geo package's columns (EPSG:4326)."""
    import geopandas as gpd
    from shapely.geometry import box

    u = _units().filter((pl.col("boundary_version") == version) & (pl.col("unit_level") == level))
    if province_code:
        u = u.filter(pl.col("province_code") == province_code)
    geoms = [box(105 + i, 15, 105.9 + i, 15.9) for i in range(u.height)]
    return gpd.GeoDataFrame({
        "unit_code": u["unit_code"].to_list(), "unit_name": u["unit_name"].to_list(),
        "short_name": u["short_name"].to_list(), "unit_level": level, "boundary_version": version,
        "province_code": u["province_code"].to_list(), "is_approximate": level != "province",
        "source_id": "test"}, geometry=geoms, crs="EPSG:4326")


def app_opener(page: str, timeout: float = 30):
    """`open(**query_params)` → an AppTest of app.py switched to `page` and run (a shared link's view)."""
    from streamlit.testing.v1 import AppTest

    entry = Path(__file__).resolve().parent.parent / "app.py"

    def open_(**params):
        at = AppTest.from_file(str(entry), default_timeout=timeout)
        for k, v in params.items():
            at.query_params[k] = v
        at.switch_page(page)
        return at.run()
    return open_


def random_map(layer, rng, lang: str = "vi"):
    """The app's own map path (mapdata measure, rank and classes -> charts.maps.choropleth) over `layer`
    with a random value per unit: what the geo tests and bench/bench_geo.py measure."""
    from cnscd.views import mapdata
    from cnscd.charts import maps
    from cnscd.charts.meta import ChartMeta

    n = len(layer.feature_codes)
    f = pl.DataFrame({"unit_code": list(layer.feature_codes), "unit_name": list(layer.feature_names),
                      "value": rng.random(n) * 1000, "source_title": "demo", "target_value": 1.0, "is_demo": True,
                      "population": 1.0})
    f = mapdata.add_rank(mapdata.add_measure(f, "abs"), True)
    classes = mapdata.classify(f["measure_value"].to_numpy(), "natural_breaks", 5)
    meta = ChartMeta(title_vi="Tổng số tổ", title_en="Teams", unit="tổ", period="T6/2025",
                     boundary_version=layer.version, source="demo", is_demo=True,
                     is_approximate_boundaries=layer.is_approximate, lang=lang)
    return maps.choropleth(layer, mapdata.add_class(f, classes), classes, meta, measure_unit="tổ", value_unit="tổ",
                           labels=maps.island_labels(layer.version, layer.province, lang))
