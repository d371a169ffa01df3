"""The commune crosswalk (core_crosswalk) against GSO's official legacy -> 2025 conversion table.

data/crosswalk_official.csv is GSO's table as shipped in vietnam-provinces 2026.9.0 (regenerated
by scripts/official_crosswalk.py); data/crosswalk_exceptions.csv explains, one row per legacy
commune, every disagreement that remains. A disagreement is a legacy commune whose set of 2025
targets differs from the table's (or that only one side lists).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
KINDS = {"sources_differ", "gso_row_incomplete", "merged_before_reform"}
# Legacy island districts without communes: their 2025 special zones receive no legacy commune
# (the district maps to the province; geo and population handle them at district level).
ZONES_WITHOUT_LEGACY_COMMUNES = {"11948", "19742", "20333", "21548", "26732"}


def _targets(df: pl.DataFrame, code: str, to: str) -> dict[str, str]:
    return dict(df.group_by(code).agg(pl.col(to).unique().sort().str.join(" ")).iter_rows())


@pytest.fixture(scope="module")
def ours(con) -> dict[str, str]:
    df = con.sql("SELECT from_code, to_code FROM core_crosswalk "
                 "WHERE from_version = 'legacy' AND to_version = '2025' AND unit_level = 'commune'").pl()
    return _targets(df, "from_code", "to_code")


@pytest.fixture(scope="module")
def official() -> dict[str, str]:
    df = pl.read_csv(DATA / "crosswalk_official.csv", infer_schema_length=0)
    assert df.height == 10_565 and df["legacy_code"].n_unique() == 10_033, "crosswalk_official.csv is not the 2026.9.0 table"
    return _targets(df, "legacy_code", "code_2025")


@pytest.fixture(scope="module")
def exceptions() -> pl.DataFrame:
    return pl.read_csv(DATA / "crosswalk_exceptions.csv", infer_schema_length=0).with_columns(
        pl.col("official", "union_with").fill_null(""))


def test_the_official_file_is_in_the_scripts_canonical_form():
    # scripts/official_crosswalk.py writes sorted, unique rows: a rerun is byte-identical.
    lines = (DATA / "crosswalk_official.csv").read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("legacy_code,") and lines[-1] == ""
    rows = lines[1:-1]
    assert rows == sorted(set(rows))


def _disagreements(ours: dict[str, str], official: dict[str, str]) -> dict[str, tuple[str, str]]:
    codes = set(ours) | set(official)
    return {c: (ours.get(c, ""), official.get(c, "")) for c in sorted(codes) if ours.get(c) != official.get(c)}


def test_the_comparison_compares_every_legacy_commune(con, ours, official):
    n = con.execute("SELECT count(*) FROM core_unit WHERE boundary_version = 'legacy' AND unit_level = 'commune'").fetchone()[0]
    assert len(ours) == n == 10_035
    assert len(set(ours) & set(official)) == 10_033


def test_every_disagreement_with_the_official_table_is_explained(ours, official, exceptions):
    found = _disagreements(ours, official)
    explained = {r["legacy_code"]: (r["ours"], r["official"]) for r in exceptions.iter_rows(named=True)}
    unexplained = {c: v for c, v in found.items() if c not in explained}
    assert not unexplained, f"{len(unexplained)} of {len(found)} disagreements (ours, GSO) not in crosswalk_exceptions.csv: {unexplained}"
    stale = {c: v for c, v in explained.items() if c not in found}
    assert not stale, f"exceptions that no longer disagree (remove them): {stale}"
    changed = {c: (explained[c], found[c]) for c in explained if found[c] != explained[c]}
    assert not changed, f"exceptions whose recorded values are out of date (recorded, now): {changed}"
    assert len(found) == 9   # 61 before the fix (59 of the 10,033 both list, plus 2 only the package lists)


def test_exceptions_are_reviewed_rows(exceptions):
    assert exceptions["legacy_code"].is_unique().all()
    assert set(exceptions["kind"]) <= KINDS
    assert exceptions["reason"].str.len_chars().min() > 40


def test_communes_merged_before_the_reform_reach_the_same_targets_together(ours, official, exceptions):
    for r in exceptions.filter(pl.col("kind") == "merged_before_reform").iter_rows(named=True):
        group = [r["legacy_code"], *r["union_with"].split()]
        listed = [c for c in group if c in official]
        assert len(listed) == 1, f"{group}: GSO should list exactly one of them"
        union = {t for c in group for t in ours[c].split()}
        assert union == set(official[listed[0]].split()), f"{group}: {union} vs GSO {official[listed[0]]}"


@pytest.mark.parametrize("legacy_code,target", [
    ("02140", "02143"), ("02143", "02143"), ("02146", "02143"),   # Văn Lang, not Văn Lăng (05665)
    ("10888", "10888"), ("21289", "21289"), ("21484", "21484"),   # Cẩm Giang, Sơn Hà, Ba Tơ
    ("25280", "25280"), ("25543", "25534"), ("25807", "25807"),   # Lộc Thạnh, Tân Thành, Thanh An
    ("29938", "29938"),                                           # Tân Thành (Đồng Tháp)
    ("29902", "29905"), ("29908", "29905"),                       # Phường 3, 4 of Sa Đéc: one target
    ("28252", "28249"), ("25462", "25459"), ("27691", "27694"),   # Phường 4 of Mỹ Tho, Tây Ninh, Tân An
    ("31379", "31378"), ("31582", "31582"),                       # the two Phú Tân of Châu Thành
])
def test_accent_pairs_and_namesakes_go_where_the_table_says(ours, official, legacy_code, target):
    assert ours[legacy_code] == official[legacy_code] == target


def test_every_2025_commune_receives_a_legacy_commune(con):
    empty = {c for (c,) in con.execute(
        "SELECT unit_code FROM core_unit u WHERE boundary_version = '2025' AND unit_level = 'commune' "
        "AND NOT EXISTS (SELECT 1 FROM core_crosswalk c WHERE c.unit_level = 'commune' AND c.to_code = u.unit_code)"
    ).fetchall()}
    assert empty == ZONES_WITHOUT_LEGACY_COMMUNES


def test_split_weights_follow_the_2025_areas(con):
    df = con.sql("""
        WITH c AS (SELECT from_code, to_code, weight, method FROM core_crosswalk WHERE unit_level = 'commune'),
        n AS (SELECT to_code, count(*) AS n_from FROM c GROUP BY ALL)
        SELECT c.*, u.area_km2 / n.n_from AS piece FROM c JOIN n USING (to_code)
        JOIN core_unit u ON u.boundary_version = '2025' AND u.unit_code = c.to_code
    """).pl()
    # Every commune weight comes from the converter tables and a size: no equal shares, no fallbacks.
    assert dict(df.group_by("method").agg(pl.col("from_code").n_unique()).iter_rows()) == {"whole": 9593, "area_share": 442}
    split = df.filter(pl.col("method") == "area_share")
    expected = split.with_columns(w=pl.col("piece") / pl.col("piece").sum().over("from_code"))
    assert (expected["w"] - expected["weight"]).abs().max() < 1e-9
    assert (df.filter(pl.col("method") == "whole")["weight"] == 1).all()
    sums = df.group_by("from_code").agg(pl.col("weight").sum())
    assert (sums["weight"] - 1).abs().max() < 1e-9
