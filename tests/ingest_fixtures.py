"""A small warehouse for the import tests: schema.sql, the real units of a few provinces (both
boundary versions), the core indicators, a few demo rows and one sourced (non-demo) figure.

Deterministic; built in a temp folder and pointed at through CNSCD_WAREHOUSE, with the kept
import batches in a sibling `imports/` folder, so no test touches data/.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl

from tests import tiny_warehouse

PROVINCES_LEGACY = ["87", "70", "35", "82"]      # Đồng Tháp, Bình Phước, Hà Nam, Tiền Giang
PROVINCES_2025 = ["82", "75"]                    # Đồng Tháp (new), Đồng Nai (new)

# code, name_vi, unit, aggregation, numerator, denominator
INDICATORS = [
    ("teams_village", "Số tổ CNSCĐ cấp thôn", "tổ", "sum", None, None),
    ("teams_commune", "Số tổ CNSCĐ cấp xã", "tổ", "sum", None, None),
    ("teams_total", "Tổng số tổ CNSCĐ", "tổ", "sum", None, None),
    ("members", "Số thành viên tổ CNSCĐ", "người", "sum", None, None),
    ("members_trained", "Thành viên được tập huấn kỹ năng số", "người", "sum", None, None),
    ("villages_total", "Số thôn, tổ dân phố", "thôn", "sum", None, None),
    ("villages_with_team", "Số thôn có tổ CNSCĐ", "thôn", "sum", None, None),
    ("villages_with_team_pct", "Tỷ lệ thôn có tổ CNSCĐ", "%", "ratio", "villages_with_team", "villages_total"),
    ("vneid_activations", "Tài khoản VNeID được hỗ trợ kích hoạt", "lượt", "sum", None, None),
    ("ewallet_installs", "Lượt cài đặt ví điện tử", "lượt", "sum", None, None),
    ("shops_epayment", "Cửa hàng, cơ sở kinh doanh thanh toán điện tử", "cửa hàng", "sum", None, None),
    ("people_guided_dvc", "Người dân được hướng dẫn dịch vụ công trực tuyến", "người", "sum", None, None),
    ("payment_dossiers_online", "Hồ sơ thanh toán trực tuyến", "hồ sơ", "sum", None, None),
    ("dossiers_total", "Tổng số hồ sơ tiếp nhận", "hồ sơ", "sum", None, None),
    ("dossiers_online", "Hồ sơ nộp trực tuyến", "hồ sơ", "sum", None, None),
    ("dossiers_online_pct", "Tỷ lệ hồ sơ trực tuyến", "%", "ratio", "dossiers_online", "dossiers_total"),
]


def indicator_frame() -> pl.DataFrame:
    rows = []
    for i, (code, name, uom, agg, num, den) in enumerate(INDICATORS):
        rows.append(dict(indicator_code=code, name_vi=name, name_en=code.replace("_", " "), description_vi=name,
                         description_en=code, unit_of_measure=uom, unit_of_measure_en=uom, category="team_coverage",
                         higher_is_better=True, lowest_level="commune", aggregation=agg, numerator_code=num,
                         denominator_code=den, temporal="rate" if agg == "ratio" else "cumulative", is_core=True,
                         sort_order=i))
    return pl.DataFrame(rows)


def unit_frame() -> pl.DataFrame:
    from data.units import load_units

    u = load_units()
    return u.filter(((pl.col("boundary_version") == "legacy") & (pl.col("province_code").is_in(PROVINCES_LEGACY)))
                    | ((pl.col("boundary_version") == "2025") & (pl.col("province_code").is_in(PROVINCES_2025)))
                    | (pl.col("unit_level") == "nation"))


def build_small(path: Path) -> Path:
    return tiny_warehouse.build(
        path, core_boundary_version=tiny_warehouse.versions(("pkg_vietnamadminunits", "res_202_2025_qh15")),
        core_source=pl.DataFrame({
            "source_id": ["pkg_vietnamadminunits", "res_202_2025_qh15", "demo", "art_dongthap"],
            "source_kind": ["package", "reference", "demo", "article"],
            "title": ["vietnamadminunits", "NQ 202/2025/QH15", "demo", "Báo Đồng Tháp"]}),
        core_unit=unit_frame(),
        core_crosswalk=pl.DataFrame({
            "from_version": ["legacy"] * 4, "from_code": ["87", "82", "70", "35"], "to_version": ["2025"] * 4,
            "to_code": ["82", "82", "75", "37"], "unit_level": ["province"] * 4, "weight": [1.0] * 4,
            "method": ["whole"] * 4, "source_id": ["pkg_vietnamadminunits"] * 4}),
        core_indicator=indicator_frame(),
        core_observation=pl.DataFrame({
            "unit_code": ["87", "87", "873", "70"], "boundary_version": ["legacy"] * 4,
            "indicator_code": ["teams_total", "teams_total", "teams_total", "members"],
            "period_start": [dt.date(2024, 3, 1)] * 3 + [dt.date(2024, 3, 1)],
            "period_end": [dt.date(2024, 3, 31)] * 4, "granularity": ["month"] * 4,
            "value": [1500.0, 1620.0, 140.0, 9000.0], "source_id": ["demo", "art_dongthap", "demo", "demo"],
            "quote_vi": [None, "Toàn tỉnh có 1.620 tổ", None, None], "is_demo": [True, False, True, True]}))


def export_all(path: Path) -> str:
    """Every row of the tables an import may touch, as text: equal before and after = unchanged."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for table in ("core_observation", "core_target", "core_batch", "core_source"):
            frame = con.table(table).pl()
            parts.append(frame.sort(frame.columns).write_csv())
        return "\n".join(parts)
    finally:
        con.close()


def xlsx(rows: list[list], sheet: str = "Báo cáo", formats: dict | None = None, extra_sheets: dict | None = None) -> bytes:
    """An .xlsx with the given rows (None = empty cell) written by openpyxl."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, more in (extra_sheets or {}).items():
        ws2 = wb.create_sheet(name)
        for r in more:
            ws2.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- pytest fixtures (import them into a test module to use them) ----------------------------
import shutil  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def small_base(tmp_path_factory) -> Path:
    return build_small(tmp_path_factory.mktemp("ingest_base") / "warehouse.duckdb")


@pytest.fixture
def wh(small_base, tmp_path, monkeypatch) -> Path:
    """A private small warehouse for one test; kept batches go to <tmp>/wh/imports."""
    target = tmp_path / "wh" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copyfile(small_base, target)
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(target))
    monkeypatch.delenv("CNSCD_IMPORTS_DIR", raising=False)
    monkeypatch.setenv("CNSCD_EDITORS", str(tmp_path / "config" / "editors.toml"))
    return target


def demo_copy(warehouse_file: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the session's demo warehouse for one test that imports into it (batches kept in
    <tmp>/imports): the app, prepare() and commit() all read it through CNSCD_WAREHOUSE."""
    target = tmp_path / "wh" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copyfile(warehouse_file, target)
    monkeypatch.setenv("CNSCD_WAREHOUSE", str(target))
    monkeypatch.setenv("CNSCD_IMPORTS_DIR", str(tmp_path / "imports"))
    return target


def dry(path: Path, data: bytes, name: str, **kw):
    """prepare() on a read-only connection to the warehouse at `path`."""
    from cnscd.ingest import prepare

    con = duckdb.connect(str(path), read_only=True)
    try:
        return prepare(data, name, con, **kw)
    finally:
        con.close()


def codes(plan, severity: str = "error") -> list[str]:
    return [p.code for p in plan.problems if p.severity == severity]


REPORT_HEAD = [["BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"], ["Kỳ báo cáo: Tháng 3/2024"], []]


def district_report(period_line: str = "Kỳ báo cáo: Tháng 3/2024", rows: list[list] | None = None) -> bytes:
    """A Đồng Tháp district report as provinces write it: title, period line, two-row merged
    header, a column-number row, blank rows and a totals row."""
    body = rows if rows is not None else [
        [1, "Huyện Cao Lãnh", 100, 18, 118, "1.200"],
        [2, "TP Cao Lãnh", 50, 15, 65, "6,800"],
        [None],
        [3, "H. Hồng Ngự", 20, "5", 25, 300],
        ["", "Tổng cộng", 170, 38, 208, 8300],
    ]
    return xlsx([["BÁO CÁO TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"], [period_line], [],
                 ["STT", "Tên đơn vị", "Số tổ CNSCĐ", None, None, "Số thành viên"],
                 [None, None, "Cấp thôn", "Cấp xã", "Tổng", None],
                 ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], *body])


def to_cp1258(text: str) -> bytes:
    """Vietnamese Windows encoding: precomposed base letters, tone marks as combining characters."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out.append(base + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")
