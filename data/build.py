"""Build the warehouse (var/warehouse.duckdb, see cnscd/statedir.py) from scratch: atomic (temp file,
then rename) and idempotent.

Order: schema → boundary versions and sources → units and crosswalk → indicators →
population → seed figures → provincial DTI (data/dti.py) → demo series → replay of kept import batches → integrity
checks. Only a warehouse whose checks all hold replaces the live file.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

import queries
from cnscd.store import warehouse
from cnscd.ingest import replay_batches
from cnscd.ingest.batches import refresh_rollup
from data import checks, dti, fingerprint, population, seeds, units

DEMO_SEED = 20220630
TABLES = ["core_boundary_version", "core_source", "core_unit", "core_crosswalk", "core_indicator",
          "core_population", "core_observation", "core_target", "core_batch", "core_build_info"]


@dataclass
class BuildResult:
    path: Path
    seconds: float
    row_counts: dict[str, int]
    failures: list[str] = field(default_factory=list)


def boundary_versions() -> pl.DataFrame:
    return pl.DataFrame({
        "boundary_version": ["legacy", "2025"],
        "valid_from_date": [None, dt.date(2025, 7, 1)],
        "valid_to_date": [dt.date(2025, 6, 30), None],
        "label_vi": ["63 tỉnh, có cấp huyện (đến 30/6/2025)", "34 tỉnh, không có cấp huyện (từ 1/7/2025)"],
        "label_en": ["63 provinces with districts (until 30 June 2025)", "34 provinces, no districts (from 1 July 2025)"],
        "levels": ["nation,province,district,commune", "nation,province,commune"],
        "source_id": [units.SOURCE_ID, "res_202_2025_qh15"],
    })


def builtin_sources() -> pl.DataFrame:
    """Sources the build itself produces; sources.csv rows with the same id take precedence."""
    prov = units.package_provenance()
    today = dt.date.today()
    return pl.DataFrame({
        "source_id": [units.SOURCE_ID, population.ESTIMATE_SOURCE, "demo", "res_202_2025_qh15"],
        "source_kind": ["package", "estimate", "demo", "reference"],
        "title": [f"{prov['package']} {prov['version']} (PyPI)",
                  "Ước tính dân số cấp huyện/xã (phân bổ từ Tổng điều tra 2019)",
                  "Dữ liệu minh hoạ tổng hợp",
                  "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh"],
        "title_en": [None, "Estimated district & commune population (shared from the 2019 census)",
                     "Synthetic demo data", "Resolution 202/2025/QH15 on the reorganisation of provinces"],
        "publisher": [prov["url"], "CNSCĐ dashboard", "CNSCĐ dashboard", "Quốc hội"],
        "url": [prov["url"], None, None, None],
        "published_date": [None, today, today, dt.date(2025, 6, 12)],
        "licence": [prov["licence"], None, None, None],
        "note": ["administrative units, centre points, 2025 areas and converter tables",
                 "province census total shared among communes by 2025 area and commune type (wards denser), "
                 "sourced island figures kept (data/island_units.csv); labelled estimate",
                 "deterministic generator data/demo.py, seed 20220630; not real figures",
                 "63 → 34 provinces from 1 July 2025"],
    }, schema_overrides={"published_date": pl.Date})


def merged_sources() -> pl.DataFrame:
    csv = seeds.load_sources()
    extra = pl.concat([builtin_sources(), population.island_sources().cast(builtin_sources().schema)])
    extra = extra.filter(~pl.col("source_id").is_in(csv["source_id"].to_list()))
    return pl.concat([csv, extra.select(csv.columns).cast(csv.schema)], how="vertical")


def _seed_rows(figures: pl.DataFrame, record: str) -> pl.DataFrame:
    f = figures.filter(pl.col("record") == record).with_columns(is_demo=pl.lit(False))
    return f.rename({"value": "target_value"}) if record == "target" else f


def populate(con: duckdb.DuckDBPyConnection, log=print) -> None:
    from data import demo  # heavy: only when building

    queries.execute_script(con, "schema")
    queries.insert(con, "core_boundary_version", boundary_versions())
    queries.insert(con, "core_source", merged_sources())
    u, cw = population.flag_reporting(units.load_units()), units.load_crosswalk()
    queries.insert(con, "core_unit", u)
    queries.insert(con, "core_crosswalk", cw)
    queries.insert(con, "core_indicator", seeds.load_indicators())
    pop = population.load_population(u, cw)
    queries.insert(con, "core_population", pop)
    figures = seeds.load_seed_figures()
    queries.insert(con, "core_observation", _seed_rows(figures, "observation"))
    queries.insert(con, "core_target", _seed_rows(figures, "target"))
    queries.insert(con, "core_observation", dti.observations(seeds.load_sources(), u))
    t0 = time.perf_counter()
    obs, tgt = demo.generate(u, pop, figures, seed=DEMO_SEED)
    log(f"  demo series generated in {time.perf_counter() - t0:.1f} s")
    queries.insert(con, "core_observation", obs)
    queries.insert(con, "core_target", tgt)
    replay_batches(con)
    refresh_rollup(con)
    info = {"built_at": dt.datetime.now().isoformat(timespec="seconds"), "demo_seed": str(DEMO_SEED),
            fingerprint.KEY: fingerprint.fingerprint(),
            **{f"package_{k}": v for k, v in units.package_provenance().items()}}
    queries.insert(con, "core_build_info", pl.DataFrame({"key": list(info), "value": list(info.values())}))


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = dict(queries.run(con, "build_row_counts").iter_rows())
    return {t: counts[t] for t in TABLES}


def build(target: Path | None = None, log=print) -> BuildResult:
    target = Path(target) if target else warehouse.path()
    target.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.build.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            populate(con, log)
            failures = checks.run_all(con)
            counts = row_counts(con)
            con.checkpoint()
        finally:
            con.close()
        if failures:
            return BuildResult(target, time.perf_counter() - t0, counts, failures)
        with warehouse.exclusive_lock(target):
            warehouse.replace_atomically(tmp, target)
        return BuildResult(target, time.perf_counter() - t0, counts)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
