"""Excel templates a planner fills in: one per level, Vietnamese headers, units in a dropdown.

`template(con, level, version, province)` -> .xlsx bytes. Levels: 'province' (all provinces of
a boundary version), 'district' (legacy districts of one province), 'commune' (communes of one
province) and 'village' (a register of village teams, one row per thôn/tổ dân phố, summed per
commune on import). The template holds values only — no formulas, which the importer refuses —
and reads back through the same importer (a test fills one in and imports it).
Command line: `python -m cnscd.ingest.templates LEVEL OUT.xlsx [--version 2025] [--province 82]`.
"""
from __future__ import annotations

import argparse
import io
import sys

import polars as pl
import xlsxwriter

import queries

LEVELS = ("province", "district", "commune", "village")
LEVEL_VI = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã", "village": "sổ tổ CNSCĐ thôn/tổ dân phố"}
VILLAGE_COLUMNS = [("Tên thôn, tổ dân phố", None), ("Số thành viên tổ", "members"),
                   ("Thành viên được tập huấn", "members_trained")]
INSTRUCTIONS = [
    "HƯỚNG DẪN NHẬP LIỆU / HOW TO FILL IN",
    "1. Ghi kỳ báo cáo ở ô B2 (ví dụ: Tháng 3/2026, Quý 1/2026, Năm 2026). / Write the period in B2.",
    "2. Chọn đơn vị trong danh sách thả xuống ở cột 'Tên đơn vị' (mã đơn vị phải khớp tên). / Pick units from the dropdown.",
    "3. Chỉ ghi số (không công thức). Có thể viết 6.800 hoặc 141,6%. Để trống nếu không có số liệu. / Numbers only, no formulas.",
    "4. Số đếm (tổ, người, hồ sơ...) là số nguyên không âm; tỷ lệ trong khoảng 0–100 %. / Counts: whole, not negative; rates 0–100%.",
    "5. Có thể thêm dòng 'Tổng cộng' ở cuối: hệ thống đối chiếu với tổng các dòng, không nhập như một đơn vị. / A totals row is checked, not imported.",
    "6. Kỳ đến 30/6/2025 dùng địa giới cũ (63 tỉnh, có cấp huyện); từ 1/7/2025 dùng 34 tỉnh, không có cấp huyện. / Boundaries follow the period.",
    "7. Cột bắt đầu bằng 'Kế hoạch' là chỉ tiêu kế hoạch (mục tiêu) của kỳ. / Columns starting 'Kế hoạch' are targets.",
    "8. Tải tệp lên trang Nhập liệu, xem báo cáo kiểm tra, rồi xác nhận. Mỗi lần nhập có thể huỷ (rollback). / Upload, review, confirm; every batch can be rolled back.",
]


def _units(con, level: str, version: str, province: str | None) -> pl.DataFrame:
    u = queries.run(con, "ingest_units").filter(pl.col("boundary_version") == version)
    want = {"province": "province", "district": "district", "commune": "commune", "village": "commune"}[level]
    u = u.filter(pl.col("unit_level") == want)
    if province and level != "province":
        u = u.filter(pl.col("province_code") == province)
    return u.sort("unit_code")


def _indicator_headers(con) -> list[tuple[str, str]]:
    ind = queries.run(con, "ingest_indicators")
    if ind["is_core"].any():      # the core list keeps the sheet usable; the importer accepts every indicator
        ind = ind.filter(pl.col("is_core"))
    return [(f"{r['name_vi']} ({r['indicator_code']})", r["indicator_code"]) for r in ind.iter_rows(named=True)]


def template(con, level: str, version: str = "2025", province: str | None = None, with_targets: bool = True) -> bytes:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if level == "district" and version != "legacy":
        raise ValueError("Cấp huyện chỉ có trong địa giới cũ (đến 30/6/2025) / districts exist only in the legacy boundaries")
    units = _units(con, level, version, province)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8F0FE", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 14})
    ws = wb.add_worksheet("Báo cáo")
    ws.write(0, 0, f"BÁO CÁO TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG — {LEVEL_VI[level].upper()}", title)
    ws.write(1, 0, "Kỳ báo cáo:")
    ws.write(1, 1, "")
    if level == "village":
        headers = ["STT", "Mã xã", "Tên đơn vị"] + [h for h, _ in VILLAGE_COLUMNS]
    else:
        inds = _indicator_headers(con)
        headers = ["STT", "Mã đơn vị", "Tên đơn vị"] + [h for h, _ in inds]
        if with_targets:
            headers += [f"Kế hoạch {h}" for h, c in inds if c in ("teams_total", "members", "vneid_activations")]
        headers += ["Ghi chú"]
    for c, h in enumerate(headers):
        ws.write(3, c, h, bold)
    ws.set_row(3, 60)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 28)
    ws.set_column(3, len(headers) - 1, 16)
    ws.freeze_panes(4, 3)
    n = units.height if level != "village" else 0
    for i, r in enumerate(units.iter_rows(named=True) if level != "village" else []):
        ws.write_number(4 + i, 0, i + 1)
        ws.write_string(4 + i, 1, r["unit_code"])
        ws.write_string(4 + i, 2, r["unit_name"])
    last = 4 + max(n, 200) - 1
    lists = wb.add_worksheet("Danh mục")
    lists.write_row(0, 0, ["Mã đơn vị", "Tên đơn vị", "Cấp", "Tỉnh"], bold)
    for i, r in enumerate(units.iter_rows(named=True), start=1):
        lists.write_row(i, 0, [r["unit_code"], r["unit_name"], r["unit_level"], r["province_code"] or ""])
    if units.height:
        end = units.height + 1
        ws.data_validation(4, 2, last, 2, {"validate": "list", "source": f"='Danh mục'!$B$2:$B${end}",
                                            "error_title": "Tên đơn vị", "error_message": "Chọn đơn vị trong danh sách / pick a unit from the list"})
        ws.data_validation(4, 1, last, 1, {"validate": "list", "source": f"='Danh mục'!$A$2:$A${end}",
                                            "error_title": "Mã đơn vị", "error_message": "Chọn mã trong danh sách / pick a code from the list"})
    ws.data_validation(4, 3, last, len(headers) - 2 if level != "village" else len(headers) - 1,
                       {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
                        "error_message": "Chỉ ghi số không âm / non-negative numbers only"})
    guide = wb.add_worksheet("Hướng dẫn")
    for i, line in enumerate(INSTRUCTIONS):
        guide.write(i, 0, line, title if i == 0 else None)
    guide.write(len(INSTRUCTIONS) + 1, 0, f"Địa giới / boundaries: {version}" + (f"; tỉnh / province {province}" if province else ""))
    guide.set_column(0, 0, 120)
    wb.close()
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    from cnscd.store import warehouse

    ap = argparse.ArgumentParser(prog="python -m cnscd.ingest.templates")
    ap.add_argument("level", choices=LEVELS)
    ap.add_argument("out")
    ap.add_argument("--version", default="2025", choices=["legacy", "2025"])
    ap.add_argument("--province")
    a = ap.parse_args(argv)
    con = warehouse.Reader().connection()
    with open(a.out, "wb") as fh:
        fh.write(template(con, a.level, a.version, a.province))
    print(f"{a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
