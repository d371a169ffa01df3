"""Import tolerance: spreadsheets as provinces write them are read correctly (issue 6 §1–3)."""
from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from cnscd.ingest import problems as P
from cnscd.ingest.columns import classify
from cnscd.ingest.normalize import key, parse_number, parse_period
from tests.ingest_fixtures import (codes, district_report, dry, small_base, to_cp1258, wh,  # noqa: F401
                                   xlsx)

M3 = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def values(plan, unit=None) -> dict:
    f = plan.observations
    return {(r["unit_code"], r["indicator_code"]): r["value"] for r in f.iter_rows(named=True)
            if unit is None or r["unit_code"] == unit}


@pytest.mark.parametrize("text, expected", [
    ("6.800", 6800), ("6,800", 6800), ("141,6%", 141.6), ("141.6%", 141.6), ("1.234.567", 1234567),
    ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("0,5", 0.5), ("12,5", 12.5), (" 6 800 ", 6800), ("(12)", -12),
    ("-", None), ("", None), (None, None), (42, 42), (0.855, 0.855), ("85,5 %", 85.5),
])
def test_numbers_as_written(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["mười", "12a", "1.23.4", "=1+1", "6.80.0"])
def test_text_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text, start, end", [
    ("03/2024", "2024-03-01", "2024-03-31"), ("Tháng 3/2024", "2024-03-01", "2024-03-31"),
    ("T3-2024", "2024-03-01", "2024-03-31"), ("2024-03", "2024-03-01", "2024-03-31"),
    ("Quý 1/2024", "2024-01-01", "2024-03-31"), ("Q4 2025", "2025-10-01", "2025-12-31"),
    ("quý IV năm 2024", "2024-10-01", "2024-12-31"), ("Năm 2024", "2024-01-01", "2024-12-31"),
    ("31/03/2024", "2024-03-31", "2024-03-31"), (dt.datetime(2024, 2, 29), "2024-02-29", "2024-02-29"),
    (2023, "2023-01-01", "2023-12-31"),
])
def test_periods(text, start, end):
    assert parse_period(text) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def test_headers_any_case_order_and_diacritics():
    cat = {key("Số thành viên tổ CNSCĐ"): "members", key("Tổng số tổ CNSCĐ"): "teams_total",
           key("Tỷ lệ thôn có tổ CNSCĐ"): "villages_with_team_pct", key("Số thôn có tổ CNSCĐ"): "villages_with_team",
           key("Số thôn, tổ dân phố"): "villages_total", key("Hồ sơ nộp trực tuyến"): "dossiers_online"}
    assert classify("SO THANH VIEN", cat).indicator == "members"
    assert classify("số thành viên", cat).indicator == "members"
    assert classify("Tổng số Tổ CNSCĐ", cat).indicator == "teams_total"
    assert classify("ty le thon co to (%)", cat).indicator == "villages_with_team_pct"
    assert classify("Kế hoạch số thành viên", cat).kind == "target"
    assert classify("Số tổ (teams_total)", cat).indicator == "teams_total"
    assert classify("TÊN ĐƠN VỊ", cat).kind == "unit_name"
    assert classify("Ma don vi", cat).kind == "unit_code"
    assert classify("% kế hoạch", cat).kind == "ignored"
    assert classify("Số hồ sơ nộp trực tuyến", cat).indicator == "dossiers_online"


def test_report_with_merged_header_names_and_totals(wh):
    plan = dry(wh, district_report(), "dong_thap_T3.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    v = values(plan)
    assert v[("873", "teams_village")] == 100 and v[("873", "members")] == 1200   # 'Huyện Cao Lãnh', '1.200'
    assert v[("866", "members")] == 6800                                           # 'TP Cao Lãnh', '6,800'
    assert v[("870", "teams_commune")] == 5                                        # 'H. Hồng Ngự', text '5'
    assert plan.totals_rows == 1 and "totals_row" in codes(plan, "info")
    assert ("VN", "teams_total") not in v and len({u for u, _ in v}) == 3
    assert set(plan.observations["period_start"]) == {M3[0]} and set(plan.observations["period_end"]) == {M3[1]}
    assert plan.ok


def test_totals_row_that_disagrees_is_reported(wh):
    rows = [[1, "Huyện Cao Lãnh", 100, 18, 118, 1200], [2, "Huyện Lấp Vò", 10, 1, 11, 100],
            [None, "TỔNG CỘNG", 110, 19, 130, 1300]]
    plan = dry(wh, district_report(rows=rows), "r.xlsx")
    bad = [p for p in plan.problems if p.code == "totals_mismatch"]
    assert [(p.row, p.column[:1]) for p in bad] == [(9, "E")]
    assert "129" in bad[0].message("en") and "130" in bad[0].message("vi")


def test_csv_utf8_and_windows_1258(wh):
    text = ("Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Số thành viên;Tổng số tổ CNSCĐ\n"
            "873;Huyện Cao Lãnh;03/2024;1.200;118\n"
            ";Thành phố Sa Đéc;03/2024;900;40\n")
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), to_cp1258(text)):
        plan = dry(wh, data, "bc.csv")
        assert codes(plan) == [], P.frame(plan.problems)
        assert values(plan)[("867", "members")] == 900


def test_month_and_year_columns_and_code_padding(wh):
    data = xlsx([["Mã", "Tên tỉnh", "Tháng", "Năm", "Số thành viên", "Số tổ CNSCĐ"],
                 [87, "Đồng Tháp", 3, 2024, 9000, 1650], [70, "tinh binh phuoc", "4", "2024", 5000, 800]])
    plan = dry(wh, data, "p.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    f = plan.observations.filter(plan.observations["unit_code"] == "70")
    assert set(f["period_end"]) == {dt.date(2024, 4, 30)}


def test_quarter_period_2025_communes(wh):
    data = xlsx([["Kỳ báo cáo: Quý 4/2025"], ["Tên xã, phường", "Số thành viên", "Số thôn, tổ dân phố", "Số thôn có tổ CNSCĐ"],
                 ["Phường Cao Lãnh", 120, 20, 15]])
    plan = dry(wh, data, "q.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    v = values(plan)
    assert v[("29869", "members")] == 120
    assert v[("29869", "villages_with_team_pct")] == pytest.approx(75.0)      # derived from its parts
    assert set(plan.observations["boundary_version"]) == {"2025"}


def test_percent_formatted_cell_and_rate_with_parts(wh):
    data = xlsx([["Kỳ báo cáo: Năm 2024"], ["Tên đơn vị", "Số thôn", "Số thôn có tổ", "Tỷ lệ thôn có tổ"],
                 ["Huyện Lấp Vò", 80, 68, 0.85]], formats={"D3": "0.0%"})
    plan = dry(wh, data, "pct.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    assert values(plan)[("875", "villages_with_team_pct")] == pytest.approx(85.0)


def test_targets_are_read(wh):
    data = xlsx([["Tên đơn vị", "Kỳ báo cáo", "Số thành viên", "Kế hoạch số thành viên"],
                 ["Tỉnh Đồng Tháp", "Năm 2024", 9000, 10000]])
    plan = dry(wh, data, "t.xlsx")
    assert codes(plan) == []
    assert plan.targets.select("unit_code", "indicator_code", "value").rows() == [("87", "members", 10000.0)]


def test_village_register_is_summed_per_commune(wh):
    data = xlsx([["Kỳ báo cáo: Tháng 10/2025"], ["STT", "Tên đơn vị", "Tên thôn, tổ dân phố", "Số thành viên tổ", "Thành viên được tập huấn"],
                 [1, "Phường Cao Lãnh", "Khóm 1", 5, 3], [2, "Phường Cao Lãnh", "Khóm 2", 6, 6],
                 [3, "Phường Cao Lãnh", "Khóm 3", 4, 2]])
    plan = dry(wh, data, "so_to.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    v = values(plan)
    assert v[("29869", "teams_village")] == 3 and v[("29869", "members")] == 15 and v[("29869", "members_trained")] == 11


def test_instruction_sheets_are_skipped(wh):
    data = xlsx([["Tên đơn vị", "Số thành viên", "Kỳ"], ["Huyện Lấp Vò", 10, "03/2024"]],
                extra_sheets={"Hướng dẫn": [["Ghi số, không ghi công thức"]]})
    plan = dry(wh, data, "x.xlsx")
    assert plan.ok and "sheet_skipped" in codes(plan, "info")


def test_template_filled_in_imports(wh):
    from cnscd.ingest.templates import template

    con = duckdb.connect(str(wh), read_only=True)
    raw = template(con, "district", version="legacy", province="87")
    con.close()
    wb = openpyxl.load_workbook(__import__("io").BytesIO(raw))
    assert wb.sheetnames == ["Báo cáo", "Danh mục", "Hướng dẫn"]
    ws = wb["Báo cáo"]
    assert ws.data_validations.dataValidation, "unit dropdown missing"
    ws["B2"] = "Tháng 5/2024"
    headers = [c.value for c in ws[4]]
    col = headers.index("Số thành viên tổ CNSCĐ (members)") + 1
    ws.cell(row=5, column=col, value=321)
    out = __import__("io").BytesIO()
    wb.save(out)
    plan = dry(wh, out.getvalue(), "mau.xlsx")
    assert codes(plan) == [], P.frame(plan.problems)
    assert plan.observations.select("unit_code", "indicator_code", "value").rows() == [(ws["B5"].value, "members", 321.0)]


def test_every_message_has_both_languages():
    from cnscd.text import problems as messages

    for code, (vi, en) in messages.TEXT.items():
        assert vi.strip() and en.strip() and vi != en, code


def test_problem_report_downloads_as_csv(wh):
    plan = dry(wh, district_report(rows=[[1, "Huyện Không Có", 1, 1, 2, 3]]), "bad.xlsx")
    raw = P.to_csv_bytes(plan.problems)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "file,sheet,row,column,value" in text.splitlines()[0].replace("severity,code,", "")
    assert "Huyện Không Có" in text and "Unit not found" in text and "Không tìm thấy đơn vị" in text
