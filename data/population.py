"""Population per unit, so per-capita views work.

Real: the 2019 census per legacy province (GSO), and its exact sums for the nation and for
the 34 provinces of 2025 (each merged whole from legacy provinces); island figures with their
source and quote (data/island_units.csv: Phú Quốc, Lý Sơn, Côn Đảo, Cồn Cỏ, Trường Sa, Sinh Tồn).
Estimated (labelled so): the other districts and communes, whose census figures we do not carry.

Method of the estimate:
- a legacy commune (or a legacy district without communes, through the 2025 special zone it
  became) gets an area: its part of the 2025 communes' areas (vietnamadminunits) the crosswalk
  sends it to, each 2025 area split among its legacy pieces by crosswalk share;
- its weight is LEGACY_TYPE_WEIGHT[type] (wards and towns are denser) × DENSITY of the 2025 type
  (island zones sparser) × area ** AREA_EXPONENT (a large rural commune is mostly forest or
  mountain: its people grow much slower than its area);
- a legacy province's census total is shared by these weights, largest remainder, so its
  communes sum to it exactly; a sourced island figure is kept as is and the rest share the
  remainder (inside Phú Quốc or Trường Sa, their communes share the island's figure);
- a legacy district is the sum of its communes; a 2025 commune the sum of the legacy communes'
  estimates sent to it by the crosswalk, rounded so each 2025 province sums to its census total.
Hoàng Sa has no resident population under Vietnamese administration: no row at any level.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

DATA_DIR = Path(__file__).resolve().parent
CENSUS_YEAR = 2019
CENSUS_SOURCE = "gso_census_2019"
ESTIMATE_SOURCE = "est_population_allocation"
ISLAND_FILE = DATA_DIR / "island_units.csv"
DENSITY = {"Đặc khu": 0.5}        # by 2025 type: island zones are sparser than mainland communes
AREA_EXPONENT = 0.4
LEGACY_TYPE_WEIGHT = {"Phường": 3.0, "Thị trấn": 1.8, "Xã": 1.0}
METHODS = {
    "census": "census", "sum_of_legacy_census": "sum_of_legacy_census",
    "published": "published_figure",                      # a sourced island figure (data/island_units.csv)
    "commune": "census_share_by_area_and_type",           # legacy communes and commune-less districts
    "district": "sum_of_commune_estimates",
    "commune_2025": "crosswalk_of_legacy_estimates",
}


def census_provinces() -> pl.DataFrame:
    df = pl.read_csv(DATA_DIR / "population_provinces.csv", schema_overrides={"gso_code": pl.String})
    return df.select(unit_code=pl.col("gso_code").str.zfill(2), population=pl.col("population_2019").cast(pl.Float64))


def island_units() -> pl.DataFrame:
    return pl.read_csv(ISLAND_FILE, infer_schema_length=0).with_columns(
        has_residents=pl.col("has_residents") == "true", population=pl.col("population").cast(pl.Float64),
        source_id=pl.when(pl.col("source_url").is_not_null())
        .then(pl.lit("pop_island_") + pl.col("boundary_version") + "_" + pl.col("unit_code")))


def no_residents() -> set[tuple[str, str]]:
    """(boundary version, code) of units with no resident population: no population, no figures."""
    f = island_units().filter(~pl.col("has_residents"))
    return set(f.select("boundary_version", "unit_code").iter_rows())


def flag_reporting(units: pl.DataFrame) -> pl.DataFrame:
    """core_unit.is_reporting: false where nobody lives (the map says 'no data', not 'not reported')."""
    off = pl.DataFrame(sorted(no_residents()), schema=["boundary_version", "unit_code"], orient="row")
    return units.join(off.with_columns(is_reporting=pl.lit(False)), on=["boundary_version", "unit_code"],
                      how="left").with_columns(pl.col("is_reporting").fill_null(True))


def island_sources() -> pl.DataFrame:
    """core_source rows for the island figures (one per sourced unit)."""
    f = island_units().filter(pl.col("source_id").is_not_null())
    return f.select("source_id", source_kind=pl.lit("reference"),
                    title=pl.lit("Dân số: ") + pl.col("unit_name") + " (" + pl.col("population_year") + ")",
                    title_en=pl.lit("Population: ") + pl.col("unit_name") + " (" + pl.col("population_year") + ")",
                    publisher=pl.col("source_url").str.extract(r"https?://([^/]+)/"), url="source_url",
                    published_date=pl.lit(None, pl.Date), licence=pl.lit(None, pl.String),
                    note=pl.lit("«") + pl.col("quote") + "» " + pl.col("note"))


def largest_remainder(total: np.ndarray, weight: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Integers proportional to weight inside each group, summing exactly to total[group]."""
    n_g = total.size
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError("population weights must be finite and >= 0 / trọng số dân số không hợp lệ")
    wsum = np.bincount(group, weight, n_g)
    x = np.where(wsum[group] > 0, total[group] * weight / np.where(wsum[group] > 0, wsum[group], 1.0), 0.0)
    f = np.floor(x + 1e-9)
    deficit = np.rint(total - np.bincount(group, f, n_g)).astype(np.int64)
    order = np.lexsort((-(x - f), group))
    rank = np.arange(order.size) - np.searchsorted(group[order], group[order], side="left")
    f[order[rank < deficit[group[order]]]] += 1
    return f


def _areas_2025(new: pl.DataFrame) -> pl.DataFrame:
    c = new.filter(pl.col("unit_level") == "commune").select("unit_code", "province_code", "unit_type", "area_km2")
    # a missing or zero area (two 2025 communes in the package) takes its province's median for the type
    c = c.with_columns(area_km2=pl.when(pl.col("area_km2") > 0).then(pl.col("area_km2")))
    area = pl.col("area_km2").fill_null(pl.col("area_km2").median().over("province_code", "unit_type"))
    return c.select("unit_code", "province_code", area=area.fill_null(pl.col("area_km2").median()),
                    density=pl.col("unit_type").replace_strict(DENSITY, default=1.0, return_dtype=pl.Float64))


def _links(cw: pl.DataFrame, islands: pl.DataFrame) -> pl.DataFrame:
    """(legacy lowest unit, 2025 commune, share of the legacy unit): the commune crosswalk, and
    each legacy district without communes to the special zone it became (unless the crosswalk has it)."""
    com = cw.filter(pl.col("unit_level") == "commune").select(unit_code="from_code", code_2025="to_code",
                                                                share="weight")
    isl = islands.filter(pl.col("code_2025").is_not_null() & (pl.col("boundary_version") == "legacy")
                         & ~pl.col("unit_code").is_in(com["unit_code"].unique().to_list()))
    return pl.concat([com, isl.select("unit_code", "code_2025", share=pl.lit(1.0))])


def _lowest_legacy(legacy: pl.DataFrame, cw: pl.DataFrame, islands: pl.DataFrame, areas: pl.DataFrame,
                   skip: set[str]) -> pl.DataFrame:
    """Legacy communes and commune-less districts with their weight r: the legacy type weight ×
    the 2025 density × (the part of the 2025 communes' area that is theirs) ** AREA_EXPONENT."""
    com = legacy.filter(pl.col("unit_level") == "commune")
    parents = set(com["parent_code"].to_list())
    bare = legacy.filter((pl.col("unit_level") == "district") & ~pl.col("unit_code").is_in(sorted(parents)))
    low = pl.concat([com.select("unit_code", "province_code", "unit_type", district=pl.col("parent_code")),
                     bare.select("unit_code", "province_code", unit_type=pl.lit("Xã"), district=pl.col("unit_code"))]
                    ).filter(~pl.col("unit_code").is_in(sorted(skip)))
    j = low.select("unit_code").join(_links(cw, islands), on="unit_code").join(
        areas.select(code_2025="unit_code", area="area", density="density"), on="code_2025")
    j = j.with_columns(a=pl.col("area") * pl.col("share") / pl.col("share").sum().over("code_2025"))
    r = j.group_by("unit_code").agg(area=pl.col("a").sum(), density=(pl.col("density") * pl.col("a")).sum()
                                    / pl.col("a").sum())
    tw = pl.col("unit_type").replace_strict(LEGACY_TYPE_WEIGHT, default=1.0, return_dtype=pl.Float64)
    low = low.join(r, on="unit_code", how="left").with_columns(r=tw * pl.col("density") * pl.col("area") ** AREA_EXPONENT)
    return low.with_columns(pl.col("r").fill_null(pl.col("r").median().over("province_code")).fill_null(1.0))


def _allocate_legacy(low: pl.DataFrame, census: pl.DataFrame, pins: dict[str, float]) -> pl.DataFrame:
    """Census totals shared among the lowest units; pinned districts and units keep their figure."""
    block = pl.when(pl.col("district").is_in(list(pins)) & (pl.col("district") != pl.col("unit_code"))) \
        .then(pl.col("district")).otherwise(pl.col("province_code"))
    low = low.with_columns(group=block, fixed=pl.col("unit_code").replace_strict(pins, default=None,
                                                                                 return_dtype=pl.Float64))
    totals = dict(census.select("unit_code", "population").iter_rows())
    for d, v in pins.items():
        if low.filter(pl.col("group") == d).height:
            totals[d] = v
    blocks = low.filter(pl.col("group") != pl.col("province_code")).group_by("province_code", "group").len()
    for p, d, _ in blocks.iter_rows():
        totals[p] -= pins[d]
    fixed = low.filter(pl.col("fixed").is_not_null()).group_by("group").agg(pl.col("fixed").sum())
    for g, v in fixed.iter_rows():
        totals[g] -= v
    groups = sorted(set(low["group"].to_list()))
    gi = {g: i for i, g in enumerate(groups)}
    free = low.filter(pl.col("fixed").is_null())
    group = np.array([gi[g] for g in free["group"].to_list()], np.int64)
    total = np.array([totals[g] for g in groups], float)
    if (total < 0).any():
        raise ValueError("island figures exceed their province's census / số dân đảo vượt tổng điều tra của tỉnh")
    values = largest_remainder(total, free["r"].to_numpy(), group)
    return pl.concat([free.with_columns(population=pl.Series(values)),
                      low.filter(pl.col("fixed").is_not_null()).with_columns(population=pl.col("fixed"))])


def load_population(units: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    census = census_provinces()
    islands = island_units()
    off = no_residents()
    skip = {c for v, c in off if v == "legacy"}
    legacy = units.filter((pl.col("boundary_version") == "legacy") & ~pl.col("unit_code").is_in(sorted(skip)))
    new = units.filter((pl.col("boundary_version") == "2025")
                       & ~pl.col("unit_code").is_in(sorted(c for v, c in off if v == "2025")))
    prov_map = crosswalk.filter(pl.col("unit_level") == "province").select(unit_code="from_code", new_code="to_code")
    new_prov = census.join(prov_map, on="unit_code").group_by("new_code").agg(pl.col("population").sum()) \
        .rename({"new_code": "unit_code"})
    sourced = islands.filter(pl.col("population").is_not_null() & (pl.col("boundary_version") == "legacy"))
    pins = dict(sourced.select("unit_code", "population").iter_rows())
    areas = _areas_2025(new)
    low = _allocate_legacy(_lowest_legacy(legacy, crosswalk, islands, areas, skip), census, pins)
    leg_comm = low.filter(pl.col("unit_code") != pl.col("district"))
    bare = low.filter(pl.col("unit_code") == pl.col("district"))
    leg_dist = pl.concat([leg_comm.group_by(pl.col("district").alias("unit_code")).agg(pl.col("population").sum()),
                          bare.select("unit_code", "population")])
    new_comm = _communes_2025(low, crosswalk, islands, areas, new_prov)

    def tag(df: pl.DataFrame, version: str, estimate: bool, method: str, source: str) -> pl.DataFrame:
        df = df.select("unit_code", "population").with_columns(
            boundary_version=pl.lit(version), year=pl.lit(CENSUS_YEAR), is_estimate=pl.lit(estimate),
            method=pl.lit(method), source_id=pl.lit(source))
        pinned = sourced.select("unit_code", pin_source="source_id", approx=pl.col("value_qualifier").is_not_null())
        if version == "legacy":  # a sourced figure is labelled as such, with its own source
            df = df.join(pinned, on="unit_code", how="left").with_columns(
                is_estimate=pl.when(pl.col("pin_source").is_not_null()).then(pl.col("approx"))
                .otherwise(pl.col("is_estimate")),
                method=pl.when(pl.col("pin_source").is_not_null()).then(pl.lit(METHODS["published"]))
                .otherwise(pl.col("method")),
                source_id=pl.coalesce("pin_source", "source_id")).drop("pin_source", "approx")
        return df

    nat = pl.DataFrame({"unit_code": ["VN"], "population": [float(census["population"].sum())]})
    parts = [
        tag(nat, "legacy", False, "census", CENSUS_SOURCE), tag(nat, "2025", False, "census", CENSUS_SOURCE),
        tag(census, "legacy", False, "census", CENSUS_SOURCE),
        tag(new_prov, "2025", False, "sum_of_legacy_census", CENSUS_SOURCE),
        tag(leg_dist, "legacy", True, METHODS["district"], ESTIMATE_SOURCE),
        tag(leg_comm, "legacy", True, METHODS["commune"], ESTIMATE_SOURCE),
        tag(new_comm, "2025", True, METHODS["commune_2025"], ESTIMATE_SOURCE),
    ]
    return pl.concat(parts).select("unit_code", "boundary_version", "year", "population", "is_estimate", "method",
                                   "source_id").with_columns(pl.col("population").cast(pl.Float64))


def _communes_2025(low: pl.DataFrame, cw: pl.DataFrame, islands: pl.DataFrame, areas: pl.DataFrame,
                   new_prov: pl.DataFrame) -> pl.DataFrame:
    """2025 communes: the legacy estimates the crosswalk sends to each, rounded to the province
    totals; a commune the crosswalk leaves empty gets the province's mean per area-weight instead."""
    sourced = pl.col("fixed").is_not_null() | (pl.col("group") != pl.col("province_code"))
    sent = low.select("unit_code", "population", sourced=sourced).join(_links(cw, islands), on="unit_code").group_by(
        "code_2025").agg(x=(pl.col("population") * pl.col("share")).sum(), sourced=pl.col("sourced").all())
    c = areas.join(sent.rename({"code_2025": "unit_code"}), on="unit_code", how="left").with_columns(
        pl.col("x").fill_null(0.0), w=pl.col("density") * pl.col("area") ** AREA_EXPONENT)
    per_w = (pl.col("x").sum() / pl.col("w").filter(pl.col("x") > 0).sum()).over("province_code")
    c = c.with_columns(weight=pl.when(pl.col("x") > 0).then(pl.col("x")).otherwise(pl.col("w") * per_w),
                       sourced=pl.col("sourced").fill_null(False))
    # a zone made only of sourced island units keeps their figure; the others take the rest
    kept = c.filter(pl.col("sourced")).with_columns(population=pl.col("x").round(0))
    free = c.filter(~pl.col("sourced"))
    provs = sorted(set(free["province_code"].to_list()))
    pi = {p: i for i, p in enumerate(provs)}
    totals = dict(new_prov.iter_rows())
    for p, v in kept.group_by("province_code").agg(pl.col("population").sum()).iter_rows():
        totals[p] -= v
    values = largest_remainder(np.array([totals[p] for p in provs], float), free["weight"].to_numpy(),
                               np.array([pi[p] for p in free["province_code"].to_list()], np.int64))
    return pl.concat([free.with_columns(population=pl.Series(values)), kept])
