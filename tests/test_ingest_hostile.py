"""Bad input (issue 6 §3, §6, §7): every malformed or hostile file, generated here, is refused with
the right message — naming where, in Vietnamese and English — and the warehouse is unchanged
(a full export of the tables an import touches is compared before and after)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cnscd import ingest
from cnscd.ingest import BatchError, Limits, commit, pagekit
from cnscd.ingest.batches import imports_dir
from data.import_cli import main_import
from tests.ingest_fixtures import codes, district_report, dry, export_all, small_base, wh, xlsx  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent

HEAD = ["Tên đơn vị", "Kỳ báo cáo", "Số thành viên", "Tổng số tổ CNSCĐ"]


def sheet(*rows) -> bytes:
    return xlsx([HEAD, *rows])


def patch_xlsx(data: bytes, add: dict[str, bytes] | None = None, edit=None) -> bytes:
    """Rewrite an xlsx container: add parts, or edit(name, bytes) -> bytes on each part."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info.filename, edit(info.filename, body) if edit else body)
        for name, body in (add or {}).items():
            z.writestr(name, body)
    return out.getvalue()


def _sheet_xml_edit(fn):
    return lambda name, body: fn(body) if name == "xl/worksheets/sheet1.xml" else body


GOOD = sheet(["Huyện Lấp Vò", "03/2024", 100, 10])


def _formula() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["Huyện Lấp Vò", "03/2024", "=SUM(1,2)", 10])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bomb(total_mb: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(io.BytesIO(GOOD)).infolist():
            z.writestr(info.filename, zipfile.ZipFile(io.BytesIO(GOOD)).read(info.filename))
        z.writestr("xl/media/zeros.xml", b"\0" * (total_mb * 2**20))
    return buf.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                  b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')

CASES = [
    # id, file name, bytes (or a function), expected problem code, limits, scope
    ("empty", "a.xlsx", b"", "file_empty", None, None),
    ("too_big", "a.csv", ("Tên đơn vị,Kỳ,Số thành viên\n" + "Huyện Lấp Vò,03/2024,1\n" * 200).encode(), "file_too_big", Limits(max_bytes=1000), None),
    ("old_xls_or_encrypted", "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted", None, None),
    ("xlsm_extension", "a.xlsm", GOOD, "macro", None, None),
    ("exe", "a.exe", b"MZ\x90\0", "file_type", None, None),
    ("pdf", "report.pdf", b"%PDF-1.4 ...", "file_type", None, None),
    ("vba_part", "a.xlsx", lambda: patch_xlsx(GOOD, {"xl/vbaProject.bin": b"\0" * 64}), "macro", None, None),
    ("macro_content_type", "a.xlsx", lambda: patch_xlsx(GOOD, edit=lambda n, b: b.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml") if n == "[Content_Types].xml" else b), "macro", None, None),
    ("external_link_part", "a.xlsx", lambda: patch_xlsx(GOOD, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}), "external_link", None, None),
    ("external_rel", "a.xlsx", lambda: patch_xlsx(GOOD, edit=lambda n, b: b.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="x" Target="file:///c:/other.xlsx" TargetMode="External"/></Relationships>') if n == "xl/_rels/workbook.xml.rels" else b), "external_link", None, None),
    ("data_connection", "a.xlsx", lambda: patch_xlsx(GOOD, {"xl/connections.xml": b"<connections/>"}), "external_link", None, None),
    ("zip_bomb_size", "a.xlsx", lambda: _bomb(12), "zip_bomb", Limits(max_unzipped_bytes=8 * 2**20), None),
    ("zip_bomb_ratio", "a.xlsx", lambda: _bomb(5), "zip_bomb", None, None),
    ("billion_laughs", "a.xlsx", lambda: patch_xlsx(GOOD, edit=_sheet_xml_edit(lambda b: BILLION_LAUGHS)), "xml_entity", None, None),
    ("text_named_xlsx", "a.xlsx", b"Ten don vi,So thanh vien\nA,1\n", "corrupt", None, None),
    ("truncated_xlsx", "a.xlsx", GOOD[: len(GOOD) // 2], "corrupt", None, None),
    ("zip_without_workbook", "a.xlsx", lambda: patch_xlsx(b"PK\x05\x06" + b"\0" * 18), "corrupt", None, None),
    ("formula_cell", "a.xlsx", _formula, "formula", None, None),
    ("csv_formula_injection", "a.csv", "Tên đơn vị,Kỳ,Số thành viên\n\"=cmd|' /C calc'!A0\",03/2024,1\n".encode(), "formula", None, None),
    ("csv_at_formula", "a.csv", "Tên đơn vị,Kỳ,Số thành viên\nHuyện Lấp Vò,03/2024,@SUM(1+1)\n".encode(), "formula", None, None),
    ("ten_thousand_char_name", "a.xlsx", lambda: sheet(["X" * 10_000, "03/2024", 1, 1]), "cell_too_long", None, None),
    ("script_in_name", "a.xlsx", lambda: sheet(["<script>alert(1)</script>", "03/2024", 1, 1]), "html", None, None),
    ("html_in_number", "a.csv", "Tên đơn vị,Kỳ,Số thành viên\nHuyện Lấp Vò,03/2024,<img src=x onerror=alert(1)>\n".encode(), "html", None, None),
    ("too_many_rows", "a.csv", ("Tên đơn vị,Kỳ,Số thành viên\n" + "Huyện Lấp Vò,03/2024,1\n" * 120).encode(), "too_many_rows", Limits(max_rows=50), None),
    ("too_many_sheets", "a.xlsx", lambda: xlsx([HEAD], extra_sheets={f"S{i}": [["x"]] for i in range(5)}), "too_many_sheets", Limits(max_sheets=3), None),
    ("binary_csv", "a.csv", b"\x00\x01\x02binary\x00junk", "file_type", None, None),
    ("zip_named_csv", "a.csv", GOOD, "file_type", None, None),
    ("no_header", "a.xlsx", lambda: xlsx([["abc", "def"], [1, 2]]), "no_header", None, None),
    ("unknown_unit", "a.xlsx", lambda: sheet(["Huyện Không Tồn Tại", "03/2024", 1, 1]), "unknown_unit", None, None),
    ("unknown_indicator", "a.xlsx", lambda: xlsx([HEAD + ["Số con gà"], ["Huyện Lấp Vò", "03/2024", 1, 1, 5]]), "unknown_indicator", None, None),
    ("negative_count", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "03/2024", -5, 1]), "negative", None, None),
    ("rate_over_100", "a.xlsx", lambda: xlsx([["Tên đơn vị", "Kỳ", "Tỷ lệ thôn có tổ CNSCĐ"], ["Huyện Lấp Vò", "03/2024", "141,6%"]]), "rate_range", None, None),
    ("fractional_count", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "03/2024", "12,5", 1]), "not_integer", None, None),
    ("text_in_number", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "03/2024", "mười", 1]), "not_a_number", None, None),
    ("duplicate_rows", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "03/2024", 1, 1], ["Lấp Vò", "03/2024", 2, 1]), "duplicate", None, None),
    ("totals_disagree", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "03/2024", 10, 1], ["Huyện Lai Vung", "03/2024", 10, 1], ["Tổng cộng", "03/2024", 25, 2]), "totals_mismatch", None, None),
    ("period_straddles_reform", "a.xlsx", lambda: xlsx([["Tên đơn vị", "Từ ngày", "Đến ngày", "Số thành viên"], ["Tỉnh Đồng Tháp", "01/06/2025", "31/07/2025", 5]]), "period_straddles", None, None),
    ("district_in_2025", "a.xlsx", lambda: sheet(["Huyện Cao Lãnh", "08/2025", 1, 1]), "district_in_2025", None, None),
    ("legacy_code_in_2025", "a.xlsx", lambda: xlsx([["Mã đơn vị", "Kỳ", "Số thành viên"], ["87", "08/2025", 1]]), "wrong_version", None, None),
    ("no_period", "a.xlsx", lambda: xlsx([["Tên đơn vị", "Số thành viên"], ["Huyện Lấp Vò", 1]]), "no_period", None, None),
    ("bad_period", "a.xlsx", lambda: sheet(["Huyện Lấp Vò", "tháng 13/2024", 1, 1]), "bad_period", None, None),
    ("out_of_scope", "a.xlsx", lambda: sheet(["Tỉnh Bình Phước", "03/2024", 1, 1]), "out_of_scope", None, ["87"]),
    ("code_name_mismatch", "a.xlsx", lambda: xlsx([["Mã đơn vị", "Tên đơn vị", "Kỳ", "Số thành viên"], ["875", "Huyện Lai Vung", "03/2024", 1]]), "code_name_mismatch", None, None),
    ("ambiguous_name", "a.xlsx", lambda: sheet(["Hồng Ngự", "03/2024", 1, 1]), "ambiguous_unit", None, None),
    ("rate_disagrees_with_parts", "a.xlsx", lambda: xlsx([["Tên đơn vị", "Kỳ", "Số thôn", "Số thôn có tổ", "Tỷ lệ thôn có tổ"], ["Huyện Lấp Vò", "2024", 80, 40, "90%"]]), "ratio_mismatch", None, None),
    ("zero_target", "a.xlsx", lambda: xlsx([["Tên đơn vị", "Kỳ", "Kế hoạch số thành viên"], ["Huyện Lấp Vò", "2024", 0]]), "target_not_positive", None, None),
    ("header_only", "a.xlsx", lambda: xlsx([HEAD]), "no_rows", None, None),
]


@pytest.mark.parametrize("case_id, name, data, expected, limits, scope", CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_and_nothing_changes(wh, case_id, name, data, expected, limits, scope):
    data = data() if callable(data) else data
    before = export_all(wh)
    plan = dry(wh, data, name, limits=limits, scope=scope)
    errs = codes(plan)
    assert expected in errs, f"{case_id}: expected {expected}, got {errs}"
    assert not plan.ok
    p = next(x for x in plan.problems if x.code == expected)
    assert p.file == name
    assert p.message("vi") != p.message("en") and p.message("vi") and p.message("en")
    assert "{" not in p.message("vi") + p.message("en"), "unfilled placeholder"
    if p.row is not None:     # a cell problem names its sheet and column too
        assert p.sheet and (p.column or expected in ("no_period", "period_straddles", "duplicate"))
    assert len(p.value) <= 80
    with pytest.raises(BatchError):
        commit(plan, "tester")
    assert export_all(wh) == before
    assert imports_dir() == wh.parent / "imports"
    assert not list(imports_dir().glob("*")), "a refused file left a kept batch behind"


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case_id", ["formula_cell", "zip_bomb_ratio", "vba_part", "unknown_unit", "too_big_env"])
def test_cli_refuses_with_exit_code_1(wh, tmp_path, monkeypatch, capsys, case_id):
    if case_id == "too_big_env":
        monkeypatch.setenv("CNSCD_IMPORT_MAX_MB", "0.001")
        name, data = "big.xlsx", GOOD
        expected = "file_too_big"
    else:
        _, name, data, expected, _, _ = next(c for c in CASES if c[0] == case_id)
        data = data() if callable(data) else data
    f = tmp_path / name
    f.write_bytes(data)
    before = export_all(wh)
    report = tmp_path / "report.csv"
    assert main_import([str(f), "--report", str(report)]) == 1
    out = capsys.readouterr()
    assert "REFUSED" in out.err
    assert expected in report.read_text(encoding="utf-8-sig")
    assert export_all(wh) == before


def test_page_text_is_never_html(wh):
    """Messages carry cell text shortened and as plain text (the tags stay characters: neither rendered
    nor stripped); the page shows them in a table, never through markdown or HTML."""
    raw = "<b>Huyện</b> Lấp Vò" + "x" * 300
    plan = dry(wh, sheet([raw, "03/2024", 1, 1]), "h.xlsx")
    frame = ingest.problems_frame(plan.problems)
    assert frame["value"].str.len_chars().max() <= 80
    carried = [v for v in frame["value"] if v and "Lấp Vò" in v]
    assert carried and all(v.startswith("<b>Huyện</b> Lấp Vò") for v in carried), frame["value"].to_list()
    shown = pagekit.problem_table(plan, "vi")["Giá trị"].to_list()
    assert [v for v in shown if v and "Lấp Vò" in v] == carried
    page = (ROOT / "pages" / "6_Nhap_lieu.py").read_text(encoding="utf-8")
    assert "st.dataframe(pk.problem_table(plan, lang)" in page and "unsafe_allow_html" not in page


def test_damaged_files_never_crash_the_reader(wh):
    """Seeded byte-flips of a good .xlsx and .csv: each is refused or read, never an exception."""
    import random

    rnd = random.Random(20240301)
    good_x, good_c = district_report(), "Tên đơn vị,Kỳ,Số thành viên\nHuyện Lấp Vò,03/2024,1\n".encode() * 3
    for i in range(120):
        src, name = (good_x, "f.xlsx") if i % 2 else (good_c, "f.csv")
        b = bytearray(src)
        for _ in range(rnd.randint(1, 15)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        plan = dry(wh, bytes(b), name)
        assert plan.ok or plan.errors
