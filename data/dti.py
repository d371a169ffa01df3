"""The provincial Digital Transformation Index (DTI) as real observations.

data/dti_provinces.csv is the reviewed reference table (one row per province and year, wide: rank,
score, pillar ranks/scores, component indices). `observations()` turns it long: one observation per
province, year and published figure, granularity 'year' (1 Jan – 31 Dec), boundary version as in the
file (the 2024 index was published for the 34 merged provinces), `is_demo` false. An empty cell is
"not published": no row is written, nothing is interpolated, and nothing is summed or averaged (the
indicators are aggregation 'none').

Sources: each row's `source_url` is looked up in data/sources.csv (exact URL). Where a row names two
URLs ("a ; b"), the rank comes from the first (the Ministry's complete list) and the other figures from
the second (the page that shows them). The national row (`boundary_version` 'national', code VN) is
the national DTI, a different index from the provincial score: it is stored as `dti_national_score`.
"""
from __future__ import annotations

import datetime as dt

import polars as pl

from data.seeds import DATA_DIR, SeedDataError

FILE = "dti_provinces.csv"
# column of the file -> indicator code (all aggregation 'none' in data/indicators.csv)
COLUMNS = {
    "dti_rank": "dti_rank", "dti_score": "dti_score",
    "pillar_gov_rank": "dti_gov_rank", "pillar_gov_score": "dti_gov_score",
    "pillar_econ_rank": "dti_econ_rank", "pillar_econ_score": "dti_econ_score",
    "pillar_society_rank": "dti_society_rank", "pillar_society_score": "dti_society_score",
    **{f"idx_{c}": f"dti_idx_{c}" for c in ("awareness", "institutions", "infrastructure", "human_resources",
                                            "cybersecurity", "gov_activity", "econ_activity", "society_activity")},
}
RANK_COLUMNS = ("dti_rank",)
NATIONAL = {"dti_score": "dti_national_score"}
# The national index was published with the 2024 provincial ranking, after the reform.
NATIONAL_VERSION = "2025"
VERSIONS = {"legacy", "2025", "national"}


def read() -> pl.DataFrame:
    """The reference table as typed columns (codes stay strings: '01' keeps its zero)."""
    schema = {"year": pl.Int64, "boundary_version": pl.String, "gso_code": pl.String, "name_as_published": pl.String,
              **{c: pl.Float64 for c in COLUMNS}, "source_url": pl.String, "note": pl.String}
    path = DATA_DIR / FILE
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    if header != list(schema):
        raise SeedDataError(f"Dữ liệu không hợp lệ / invalid data in data/{FILE}: cột khác với mong đợi / "
                            f"columns differ: got {header}, expected {list(schema)}")
    return pl.read_csv(path, schema=schema)


def _fail(problems: list[str]) -> None:
    if problems:
        raise SeedDataError("\n".join([f"Dữ liệu không hợp lệ / invalid data in data/{FILE}:",
                                       *(f"  - {p}" for p in problems)]))


def observations(sources: pl.DataFrame, units: pl.DataFrame | None = None) -> pl.DataFrame:
    """Long observations with the columns of core_observation (missing ones are NULL on insert)."""
    wide = read()
    by_url = {u: s for s, u in sources.select("source_id", "url").iter_rows() if u}
    known = None if units is None else set(units.select("boundary_version", "unit_code").iter_rows())
    rows, problems = [], []
    for i, r in enumerate(wide.iter_rows(named=True), start=2):
        at = f"dòng / line {i} ({r['year']} {r['gso_code']} {r['name_as_published']})"
        if r["boundary_version"] not in VERSIONS:
            problems.append(f"{at}: boundary_version {r['boundary_version']!r} không hợp lệ / unknown")
            continue
        national = r["boundary_version"] == "national"
        version = NATIONAL_VERSION if national else r["boundary_version"]
        if known is not None and (version, r["gso_code"]) not in known:
            problems.append(f"{at}: đơn vị không có trong địa giới {version} / no such unit in version {version}")
        urls = [u.strip() for u in (r["source_url"] or "").split(";") if u.strip()]
        missing = [u for u in urls if u not in by_url]
        if not urls or missing:
            problems.append(f"{at}: nguồn chưa có trong sources.csv / source URL not in sources.csv: {missing or 'none'}")
            continue
        for col, code in COLUMNS.items():
            value = r[col]
            if value is None:
                continue  # not published: no row, never a guess
            if national:
                if col not in NATIONAL:
                    problems.append(f"{at}: hàng quốc gia chỉ có điểm DTI / the national row carries only a score")
                    continue
                code = NATIONAL[col]
            if col.endswith("_rank") and (value < 1 or value != int(value)):
                problems.append(f"{at}: {col} = {value} không phải thứ hạng / is not a rank")
            if col.endswith("_score") or col.startswith("idx_"):
                if not 0 <= value <= 1:
                    problems.append(f"{at}: {col} = {value} ngoài 0..1 / outside 0..1")
            url = urls[0] if col in RANK_COLUMNS or len(urls) == 1 else urls[1]
            rows.append({"unit_code": r["gso_code"], "boundary_version": version, "indicator_code": code,
                         "period_start": dt.date(r["year"], 1, 1), "period_end": dt.date(r["year"], 12, 31),
                         "granularity": "year", "value": float(value), "source_id": by_url[url],
                         "is_demo": False})
    _fail(problems)
    schema = {"unit_code": pl.String, "boundary_version": pl.String, "indicator_code": pl.String,
              "period_start": pl.Date, "period_end": pl.Date, "granularity": pl.String, "value": pl.Float64,
              "source_id": pl.String, "is_demo": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)
