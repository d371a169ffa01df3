"""The data behind a chart: CSV with BOM and XLSX with formats, metadata and neutralised cells.
No browser needed."""
from __future__ import annotations

import csv
import io

import openpyxl
import polars as pl
import pytest

from cnscd.charts.meta import ChartInputError
from cnscd.export import ExportError, notes, tables
from cnscd.export.sample import sample_meta

FORMULA_CELLS = {"=1+2", "+84 đường dây nóng", "@mention", "-", "\tTab"}


@pytest.fixture(scope="module")
def meta():
    return sample_meta()


def test_csv_has_bom_labels_and_neutralised_cells(meta):
    data = tables.to_csv(meta)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [meta.label(c) for c in meta.data.columns]
    assert rows[2][0] == "Thừa Thiên Huế" and rows[1][1] == "12345" and rows[1][4] == "30/06/2025"
    cells = {c for row in rows[1:] for c in row}
    assert not cells & FORMULA_CELLS, "a formula-looking cell went out raw"
    assert {"'=1+2", "'+84 đường dây nóng", "'@mention", "'-", "'\tTab"} <= cells
    assert "-3" in cells, "negative numbers stay numbers"


def test_xlsx_sheets_formats_and_metadata(meta):
    book = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(meta)))
    assert book.sheetnames == ["Dữ liệu", "Thông tin"]
    sheet = book["Dữ liệu"]
    header = [c.value for c in sheet[1]]
    assert header == [meta.label(c) for c in meta.data.columns]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    col = {name: i + 1 for i, name in enumerate(meta.data.columns)}
    teams = sheet.cell(2, col["teams_total"])
    assert teams.value == 12345 and teams.number_format == "#,##0"
    assert sheet.cell(6, col["teams_total"]).value == -3
    assert sheet.cell(2, col["villages_with_team_pct"]).number_format == '0.0"%"'   # 0–100 values
    share = sheet.cell(2, col["dossiers_online_share"])
    assert share.value == pytest.approx(0.925) and share.number_format == "0.0%"    # 0–1 values
    assert sheet.cell(2, col["period_end"]).number_format == "dd/mm/yyyy"
    texts = {c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert not texts & FORMULA_CELLS
    assert "'=1+2" in texts and "'@mention" in texts
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    about = {r[0].value: r[1].value for r in book["Thông tin"].iter_rows()}
    assert about["Nguồn"] == meta.source and about["Tiêu đề"] == meta.title
    assert about["Bộ lọc: Vùng"] == "Tây Nguyên & Bắc Trung Bộ"
    assert "Tổ công nghệ số" in about["Định nghĩa: Tổ CNSCĐ"]
    assert about["Ghi chú"] == "Dữ liệu minh hoạ / demo data"


def test_xlsx_in_english_and_explicit_formats():
    meta = sample_meta(lang="en", column_formats={"teams_total": "dec"})
    book = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(meta)))
    assert book.sheetnames == ["Data", "About"]
    assert book["Data"].cell(2, 2).number_format == "#,##0.0"
    with pytest.raises(ExportError, match="không hợp lệ.*invalid format"):
        tables.to_xlsx(sample_meta(column_formats={"teams_total": "money"}))


def test_empty_frame_exports(meta):
    empty = sample_meta(data=pl.DataFrame(), column_labels={})
    assert tables.to_csv(empty).startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(empty))).sheetnames[0] == "Dữ liệu"
    assert notes.text_table(empty) == "(không có dữ liệu)"


def test_labels_must_name_real_columns():
    with pytest.raises(ChartInputError, match="column_labels"):
        sample_meta(column_labels={"nope": "x"})


def test_notes_table_uses_vietnamese_numbers(meta):
    text = notes.text_table(meta)
    lines = text.splitlines()
    assert lines[0].startswith("Tỉnh/thành phố")
    assert "12.345" in text and "98,5 %" in text and "92,5 %" in text and "30/06/2025" in text
    assert "+84 đường dây nóng" in text and "\t" not in text
    assert "12,345" in notes.text_table(sample_meta(lang="en"))
    long = sample_meta(data=pl.DataFrame({"x": list(range(100))}), column_labels={})
    assert "60 dòng nữa" in notes.text_table(long)
