"""Population per unit, so per-capita views work.

Real: the 2019 census per legacy province (GSO), and its exact sums for the nation and for
the 34 provinces of 2025 (each merged whole from legacy provinces). Estimated (labelled so):
districts and communes, whose census figures we do not carry; a province's census total is
shared among its communes by a type weight (wards are denser than rural communes), and a
legacy district gets the sum of its communes.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).resolve().parent
CENSUS_YEAR = 2019
CENSUS_SOURCE = "gso_census_2019"
ESTIMATE_SOURCE = "est_population_allocation"
# Relative density of a commune by type, for the estimate only.
TYPE_WEIGHT = {"Phường": 3.0, "Thị trấn": 1.8, "Xã": 1.0, "Đặc khu": 0.4}


def census_provinces() -> pl.DataFrame:
    df = pl.read_csv(DATA_DIR / "population_provinces.csv", schema_overrides={"gso_code": pl.String})
    return df.select(unit_code=pl.col("gso_code").str.zfill(2), population=pl.col("population_2019").cast(pl.Float64))


def _allocate(communes: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    w = communes.with_columns(w=pl.col("unit_type").replace_strict(TYPE_WEIGHT, default=1.0, return_dtype=pl.Float64))
    w = w.join(totals.rename({"unit_code": "province_code", "population": "total"}), on="province_code")
    return w.with_columns(population=(pl.col("total") * pl.col("w") / pl.col("w").sum().over("province_code")).round(0))


def load_population(units: pl.DataFrame, crosswalk: pl.DataFrame) -> pl.DataFrame:
    census = census_provinces()
    legacy = units.filter(pl.col("boundary_version") == "legacy")
    new = units.filter(pl.col("boundary_version") == "2025")
    prov_map = crosswalk.filter(pl.col("unit_level") == "province").select(unit_code="from_code", new_code="to_code")
    new_prov = census.join(prov_map, on="unit_code").group_by("new_code").agg(pl.col("population").sum()) \
        .rename({"new_code": "unit_code"})
    leg_comm = _allocate(legacy.filter(pl.col("unit_level") == "commune"), census)
    leg_dist = leg_comm.group_by(pl.col("parent_code").alias("unit_code")).agg(pl.col("population").sum())
    # Island districts without communes: a small fixed share is not knowable; give them the
    # minimum commune estimate of their province rather than inventing a figure.
    no_comm = legacy.filter((pl.col("unit_level") == "district") & ~pl.col("unit_code").is_in(leg_dist["unit_code"].to_list()))
    island = no_comm.select("unit_code", population=pl.lit(1000.0))
    new_comm = _allocate(new.filter(pl.col("unit_level") == "commune"), new_prov)
    nation = float(census["population"].sum())

    def tag(df: pl.DataFrame, version: str, estimate: bool, method: str, source: str) -> pl.DataFrame:
        return df.select("unit_code", "population").with_columns(
            boundary_version=pl.lit(version), year=pl.lit(CENSUS_YEAR), is_estimate=pl.lit(estimate),
            method=pl.lit(method), source_id=pl.lit(source))

    nat = pl.DataFrame({"unit_code": ["VN"], "population": [nation]})
    parts = [
        tag(nat, "legacy", False, "census", CENSUS_SOURCE), tag(nat, "2025", False, "census", CENSUS_SOURCE),
        tag(census, "legacy", False, "census", CENSUS_SOURCE),
        tag(new_prov, "2025", False, "sum_of_legacy_census", CENSUS_SOURCE),
        tag(leg_dist, "legacy", True, "sum_of_commune_estimates", ESTIMATE_SOURCE),
        tag(island, "legacy", True, "placeholder_island_district", ESTIMATE_SOURCE),
        tag(leg_comm, "legacy", True, "allocated_by_commune_type", ESTIMATE_SOURCE),
        tag(new_comm, "2025", True, "allocated_by_commune_type", ESTIMATE_SOURCE),
    ]
    return pl.concat(parts).select("unit_code", "boundary_version", "year", "population", "is_estimate", "method", "source_id")
