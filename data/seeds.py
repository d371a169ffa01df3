"""Reviewed data files: indicator catalogue, sources, seed figures, province population.

The CSVs are typed by hand from the articles and reference tables (never parsed at run time).
Loaders give every column an explicit dtype — GSO codes stay strings, so '01' keeps its zero —
and the `check_*` functions fail loudly, in Vietnamese and English, naming the file and row.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).resolve().parent
CORE_CODES = (
    "teams_village", "teams_commune", "teams_total", "members", "members_trained", "villages_total",
    "villages_with_team", "villages_with_team_pct", "vneid_activations", "ewallet_installs", "shops_epayment",
    "people_guided_dvc", "payment_dossiers_online", "dossiers_total", "dossiers_online", "dossiers_online_pct",
)
CATEGORIES = {"team_coverage", "adoption", "digital_government", "digital_economy", "digital_society"}
SOURCE_KINDS = {"article", "reference", "package", "demo", "import", "estimate"}
LEVELS = {"nation", "province", "district", "commune"}
GRANULARITIES = {"month", "quarter", "year", "date", "span"}

S, B, F, I, D = pl.String, pl.Boolean, pl.Float64, pl.Int64, pl.Date
INDICATOR_SCHEMA = {
    "indicator_code": S, "name_vi": S, "name_en": S, "phrase_vi": S, "phrase_en": S, "description_vi": S, "description_en": S,
    "unit_of_measure": S, "unit_of_measure_en": S, "category": S, "higher_is_better": B, "lowest_level": S,
    "aggregation": S, "numerator_code": S, "denominator_code": S, "temporal": S, "is_core": B, "sort_order": I,
}
# a ratio's parts; the mid-sentence phrase ("số Tổ CNSCĐ" / "teams"), where the name does not read
# inside a sentence ("Teams, total")
OPTIONAL_INDICATOR_COLUMNS = ("numerator_code", "denominator_code", "phrase_vi", "phrase_en")
SOURCE_SCHEMA = {"source_id": S, "source_kind": S, "title": S, "title_en": S, "publisher": S, "url": S,
                 "published_date": D, "licence": S, "note": S}
FIGURE_SCHEMA = {
    "figure_id": S, "record": S, "unit_code": S, "boundary_version": S, "unit_level": S, "indicator_code": S,
    "period_start": D, "period_end": D, "granularity": S, "value": F, "source_id": S, "quote_vi": S,
    "stated_pct_of_target": F, "value_qualifier": S, "note": S,
}
# How the source words a number: gần/khoảng/nearly, hơn/trên/over (and tối thiểu, at least), dưới/less than.
QUALIFIERS = ("approx", "more_than", "less_than")
# A target the source does not state but that was back-calculated from a value and a stated % of
# target says so at the start of its note.
DERIVED_TARGET_NOTE = "Target inferred"
POPULATION_SCHEMA = {
    "gso_code": S, "name": S, "short_name": S, "population_2019": I, "source_population_2019": S,
    "population_latest": I, "population_latest_year": I, "source_population_latest": S, "area_km2": F,
    "source_area": S, "districts_2024": I, "source_districts_2024": S,
}


class SeedDataError(ValueError):
    """A reviewed data file breaks a rule; the message says what and where, in vi and en."""


def _fail(file: str, problems: list[str]) -> None:
    if problems:
        head = f"Dữ liệu không hợp lệ / invalid data in data/{file}:"
        raise SeedDataError("\n".join([head, *(f"  - {p}" for p in problems)]))


def _read(name: str, schema: dict) -> pl.DataFrame:
    path = DATA_DIR / name
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    if header != list(schema):
        _fail(name, [f"cột khác với mong đợi / columns differ: got {header}, expected {list(schema)}"])
    # Empty cells are NULL, never an empty string: the warehouse columns are nullable.
    return pl.read_csv(path, schema=schema)


def load_indicators(validate: bool = True) -> pl.DataFrame:
    df = _read("indicators.csv", INDICATOR_SCHEMA)
    if validate:
        check_indicators(df)
    return df


def load_sources(validate: bool = True) -> pl.DataFrame:
    df = _read("sources.csv", SOURCE_SCHEMA)
    if validate:
        check_sources(df)
    return df


def load_seed_figures(validate: bool = True) -> pl.DataFrame:
    """The CSV's columns plus two derived ones: `target_is_derived` (a target row whose note starts
    'Target inferred') and `is_approximate` (any qualifier: the number is not stated exactly; kept for
    the demo generator, which prefers exact figures)."""
    df = _read("seed_figures.csv", FIGURE_SCHEMA)
    if validate:
        check_seed_figures(df, load_indicators(), load_sources())
    return df.with_columns(
        target_is_derived=(pl.col("record") == "target")
        & pl.col("note").fill_null("").str.starts_with(DERIVED_TARGET_NOTE),
        is_approximate=pl.col("value_qualifier").is_not_null())


def load_population_provinces(validate: bool = True) -> pl.DataFrame:
    df = _read("population_provinces.csv", POPULATION_SCHEMA)
    if validate:
        check_population_provinces(df, load_sources())
    return df


def _dupes(df: pl.DataFrame, cols: list[str]) -> list:
    return df.group_by(cols).len().filter(pl.col("len") > 1).select(cols).rows()


def check_indicators(df: pl.DataFrame) -> None:
    p = [f"mã chỉ số trùng / duplicate indicator_code {k}" for k, in _dupes(df, ["indicator_code"])]
    codes = set(df["indicator_code"])
    p += [f"thiếu chỉ số cốt lõi / core indicator missing: {c}" for c in CORE_CODES if c not in codes]
    for r in df.iter_rows(named=True):
        at = f"indicator {r['indicator_code']}"
        if any(r[c] is None for c in INDICATOR_SCHEMA if c not in OPTIONAL_INDICATOR_COLUMNS):
            p.append(f"{at}: ô bắt buộc bị trống / a required cell is empty")
        if r["category"] not in CATEGORIES:
            p.append(f"{at}: nhóm không hợp lệ / unknown category {r['category']!r}")
        if r["is_core"] != (r["indicator_code"] in CORE_CODES):
            p.append(f"{at}: is_core phải khớp danh sách cốt lõi / is_core must match docs/design.md")
        if r["aggregation"] == "ratio":
            for part in ("numerator_code", "denominator_code"):
                if r[part] not in codes:
                    p.append(f"{at}: {part} {r[part]!r} không có trong danh mục / not in the catalogue")
        elif r["numerator_code"] or r["denominator_code"]:
            p.append(f"{at}: chỉ tỷ số mới có tử/mẫu số / only a ratio has numerator/denominator")
        if r["unit_of_measure"] == "%" and r["aggregation"] == "sum":
            p.append(f"{at}: không cộng tỷ lệ phần trăm / a percentage cannot aggregate by sum")
    _fail("indicators.csv", p)


def check_sources(df: pl.DataFrame) -> None:
    p = [f"mã nguồn trùng / duplicate source_id {k}" for k, in _dupes(df, ["source_id"])]
    for r in df.iter_rows(named=True):
        if r["source_kind"] not in SOURCE_KINDS:
            p.append(f"source {r['source_id']}: loại nguồn không hợp lệ / unknown source_kind {r['source_kind']!r}")
        if not r["title"]:
            p.append(f"source {r['source_id']}: thiếu tiêu đề / title is empty")
        # one language a cell: the page shows the title of its language (title_en, else title)
        for col in ("title", "title_en"):
            if " / " in (r[col] or ""):
                p.append(f"source {r['source_id']}: {col} có hai thứ tiếng, tách sang title_en / "
                         f"{col} is bilingual; put the English in title_en")
    _fail("sources.csv", p)


def check_seed_figures(df: pl.DataFrame, indicators: pl.DataFrame, sources: pl.DataFrame) -> None:
    p = [f"figure_id trùng / duplicate figure_id {k}" for k, in _dupes(df, ["figure_id"])]
    key = ["record", "unit_code", "boundary_version", "indicator_code", "period_start", "period_end", "source_id"]
    p += [f"trùng khoá kho dữ liệu / duplicate warehouse key {k}" for k in _dupes(df, key)]
    uom = dict(indicators.select("indicator_code", "unit_of_measure").iter_rows())
    agg = dict(indicators.select("indicator_code", "aggregation").iter_rows())
    known_sources = set(sources["source_id"])
    for r in df.iter_rows(named=True):
        at = f"figure {r['figure_id']}"
        code = r["indicator_code"]
        if code not in uom:
            p.append(f"{at}: chỉ số không có trong danh mục / unknown indicator_code {code!r}")
        if r["source_id"] not in known_sources:
            p.append(f"{at}: nguồn không có trong sources.csv / unknown source_id {r['source_id']!r}")
        if r["record"] not in ("observation", "target"):
            p.append(f"{at}: record phải là observation|target / record must be observation or target")
        if r["unit_level"] not in LEVELS or r["granularity"] not in GRANULARITIES:
            p.append(f"{at}: cấp hoặc độ chi tiết thời gian sai / bad unit_level or granularity")
        if r["value"] is None or r["period_start"] is None or r["period_end"] is None:
            p.append(f"{at}: thiếu giá trị hoặc kỳ / value or period is empty")
            continue
        if r["period_end"] < r["period_start"]:
            p.append(f"{at}: kỳ kết thúc trước khi bắt đầu / period_end before period_start")
        if uom.get(code) == "%" and not 0 <= r["value"] <= 100:
            p.append(f"{at}: tỷ lệ {r['value']} ngoài 0..100 / rate outside 0..100")
        if agg.get(code) == "sum" and r["value"] < 0:
            p.append(f"{at}: số đếm âm / negative count {r['value']}")
        if r["stated_pct_of_target"] is not None and r["record"] != "observation":
            p.append(f"{at}: chỉ kết quả mới có % kế hoạch / only an observation states a % of target")
        if r["value_qualifier"] is not None and r["value_qualifier"] not in QUALIFIERS:
            p.append(f"{at}: value_qualifier {r['value_qualifier']!r} không hợp lệ, dùng / is not one of "
                     f"{', '.join(QUALIFIERS)} (để trống nếu số chính xác / empty when exact)")
    _fail("seed_figures.csv", p)


def check_population_provinces(df: pl.DataFrame, sources: pl.DataFrame) -> None:
    p = [f"mã tỉnh trùng / duplicate gso_code {k}" for k, in _dupes(df, ["gso_code"])]
    if df.height != 63:
        p.append(f"cần 63 tỉnh cũ, có {df.height} / expected the 63 legacy provinces, got {df.height}")
    known = set(sources["source_id"])
    for r in df.iter_rows(named=True):
        at = f"province {r['gso_code']}"
        if not (r["gso_code"] and len(r["gso_code"]) == 2 and r["gso_code"].isdigit()):
            p.append(f"{at}: mã GSO phải có 2 chữ số / GSO code must be 2 digits")
        if not r["population_2019"] or r["population_2019"] <= 0:
            p.append(f"{at}: dân số 2019 phải dương / population_2019 must be positive")
        for value, src in (("population_2019", "source_population_2019"), ("population_latest", "source_population_latest"),
                           ("area_km2", "source_area"), ("districts_2024", "source_districts_2024")):
            if r[value] is not None and r[src] not in known:
                p.append(f"{at}: {value} thiếu nguồn hợp lệ / {value} has no known source ({r[src]!r})")
    _fail("population_provinces.csv", p)
