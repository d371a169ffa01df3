"""Problems found in an import file: where (file, sheet, row, column, value), what, how to fix, vi + en.

Every message lives in MESSAGES so the two languages stay side by side and a test can check
each code has both. Values are shortened before they enter a message: a 10,000-character
cell must not become a 10,000-character report, and text is never rendered as HTML anywhere.
"""
from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

import polars as pl

ERROR, CONFLICT, WARNING, INFO = "error", "conflict", "warning", "info"

# code -> (vi, en); {placeholders} filled from Problem.detail. Each says what is wrong and how to fix it.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_empty": ("Tệp rỗng. Chọn đúng tệp báo cáo.", "The file is empty. Choose the report file."),
    "file_too_big": ("Tệp {size_mb} MB vượt giới hạn {limit_mb} MB. Tách tệp theo kỳ hoặc theo tỉnh.",
                     "The file is {size_mb} MB, over the {limit_mb} MB limit. Split it by period or province."),
    "file_type": ("Không nhận loại tệp '{ext}'. Lưu lại thành .xlsx (Excel Workbook) hoặc .csv.",
                  "File type '{ext}' is not accepted. Save it as .xlsx (Excel Workbook) or .csv."),
    "macro": ("Tệp có macro ({part}). Lưu lại thành .xlsx không macro rồi nhập lại.",
              "The file contains macros ({part}). Save it as a macro-free .xlsx and import again."),
    "external_link": ("Tệp có liên kết ra ngoài ({part}). Sao chép, dán giá trị (Paste Values) rồi lưu lại.",
                      "The file links to other files or data ({part}). Copy and Paste Values, then save again."),
    "zip_bomb": ("Tệp nén bất thường: giải nén ra {size_mb} MB (giới hạn {limit_mb} MB) hoặc tỉ lệ nén {ratio}×. Tệp bị từ chối.",
                 "Abnormal compression: {size_mb} MB uncompressed (limit {limit_mb} MB) or ratio {ratio}×. The file is refused."),
    "xml_entity": ("Tệp có khai báo DTD/ENTITY trong {part}: không an toàn. Lưu lại bằng Excel.",
                   "The file declares a DTD/ENTITY in {part}: unsafe. Save it again with Excel."),
    "corrupt": ("Không đọc được tệp ({reason}). Mở bằng Excel và lưu lại thành .xlsx.",
                "The file cannot be read ({reason}). Open it in Excel and save it as .xlsx."),
    "encrypted": ("Tệp có mật khẩu hoặc là định dạng .xls cũ. Bỏ mật khẩu, lưu thành .xlsx.",
                  "The file is password-protected or old .xls. Remove the password and save as .xlsx."),
    "too_many_rows": ("Tệp có hơn {limit} dòng dữ liệu. Tách tệp theo kỳ hoặc theo tỉnh.",
                      "The file has more than {limit} data rows. Split it by period or province."),
    "too_many_sheets": ("Tệp có {n} trang tính (giới hạn {limit}). Xoá các trang không dùng.",
                        "The file has {n} sheets (limit {limit}). Delete unused sheets."),
    "formula": ("Ô có công thức. Sao chép, dán giá trị (Paste Values) để chỉ còn số.",
                "The cell holds a formula. Copy and Paste Values so it holds only the number."),
    "cell_too_long": ("Ô dài {length} ký tự (giới hạn {limit}). Rút gọn nội dung ô.",
                      "The cell has {length} characters (limit {limit}). Shorten it."),
    "html": ("Ô chứa mã HTML/script. Xoá phần trong dấu < >.", "The cell contains HTML/script. Remove the part in < >."),
    "no_header": ("Không tìm thấy dòng tiêu đề có cột đơn vị và chỉ tiêu. Dùng mẫu nhập liệu hoặc đặt tiêu đề như 'Tên đơn vị', 'Số tổ CNSCĐ'.",
                  "No header row with a unit column and indicator columns. Use the template or headers such as 'Tên đơn vị', 'Số tổ CNSCĐ'."),
    "unknown_indicator": ("Không nhận ra chỉ tiêu của cột này. Đổi tiêu đề theo mẫu (ví dụ 'Số thành viên (members)') hoặc xoá cột.",
                          "The column's indicator is not recognised. Rename it as in the template (e.g. 'Số thành viên (members)') or delete the column."),
    "ignored_column": ("Cột không phải chỉ tiêu, được bỏ qua.", "Not an indicator column; ignored."),
    "no_period": ("Không xác định được kỳ báo cáo. Thêm cột 'Kỳ báo cáo' (ví dụ 03/2024, Quý 1/2024, 2024) hoặc ô 'Kỳ báo cáo: ...' phía trên bảng, hoặc dùng --period.",
                  "No reporting period. Add a 'Kỳ báo cáo' column (e.g. 03/2024, Q1/2024, 2024), a 'Kỳ báo cáo: ...' cell above the table, or use --period."),
    "bad_period": ("Không hiểu kỳ báo cáo. Viết dạng 03/2024, Quý 1/2024, 2024 hoặc 31/03/2024.",
                   "Period not understood. Write it as 03/2024, Q1/2024, 2024 or 31/03/2024."),
    "period_straddles": ("Kỳ {start}–{end} vắt qua ngày 1/7/2025 (đổi địa giới). Tách thành hai kỳ: đến 30/6/2025 và từ 1/7/2025.",
                         "Period {start}–{end} straddles 1 July 2025 (boundary change). Split it at 30/6/2025 and 1/7/2025."),
    "unknown_unit": ("Không tìm thấy đơn vị trong danh mục {version_vi}. Sửa tên theo danh mục hoặc ghi mã đơn vị.",
                     "Unit not found in the list of {version_en}. Correct the name or give the unit code."),
    "ambiguous_unit": ("Tên đơn vị trùng ở nhiều nơi ({candidates}). Ghi mã đơn vị hoặc thêm cột Tỉnh/Huyện.",
                       "The unit name matches several units ({candidates}). Give the unit code or add a Province/District column."),
    "code_name_mismatch": ("Mã {code} là '{code_name}', không khớp tên '{name}'. Sửa mã hoặc tên.",
                           "Code {code} is '{code_name}', which does not match the name '{name}'. Fix the code or the name."),
    "district_in_2025": ("Từ 1/7/2025 không còn cấp huyện. Báo cáo theo xã/phường hoặc theo tỉnh mới.",
                         "Districts do not exist from 1 July 2025. Report by commune/ward or by the new province."),
    "wrong_version": ("Đơn vị thuộc địa giới {unit_version}, không khớp kỳ {start}–{end} ({period_version}). Dùng tên/mã theo địa giới của kỳ báo cáo.",
                      "The unit belongs to the {unit_version} boundaries, which do not fit the period {start}–{end} ({period_version}). Use the unit of the period's boundaries."),
    "out_of_scope": ("Bạn không có quyền ghi số liệu của {province}. Liên hệ quản trị để được cấp quyền.",
                     "You may not write data for {province}. Ask an administrator for access."),
    "not_a_number": ("Giá trị không phải là số. Ghi số, ví dụ 6.800 hoặc 141,6%.", "The value is not a number. Write a number such as 6.800 or 141,6%."),
    "negative": ("Giá trị không được âm. Sửa lại số.", "The value cannot be negative. Correct the number."),
    "not_integer": ("Số đếm phải là số nguyên (đọc được {parsed}). Sửa lại số.", "A count must be a whole number (read as {parsed}). Correct it."),
    "rate_range": ("Tỷ lệ phải trong 0–100% (đọc được {parsed}). Sửa lại số.", "A rate must be within 0–100 % (read as {parsed}). Correct it."),
    "target_not_positive": ("Mục tiêu phải lớn hơn 0 (đọc được {parsed}). Sửa lại hoặc để trống.",
                            "A target must be above 0 (read as {parsed}). Correct it or leave it empty."),
    "ratio_mismatch": ("Tỷ lệ {value} khác {computed} = tử số/mẫu số trên cùng dòng. Kiểm tra lại.",
                       "The rate {value} differs from {computed} = numerator/denominator on the same row. Check it."),
    "duplicate": ("Trùng với dòng {other_row} (cùng đơn vị, chỉ tiêu, kỳ). Xoá một dòng.",
                  "Duplicates row {other_row} (same unit, indicator and period). Delete one of them."),
    "conflict": ("Đã có số liệu {old} (nguồn {old_source}) cho đơn vị, chỉ tiêu, kỳ này; tệp ghi {new}. Chọn thay thế hoặc bỏ qua.",
                 "{old} is already stored (source {old_source}) for this unit, indicator and period; the file says {new}. Choose replace or skip."),
    "totals_mismatch": ("Dòng tổng ghi {total}, nhưng tổng các đơn vị là {computed}. Sửa dòng tổng hoặc số của các đơn vị.",
                        "The totals row says {total} but the units add up to {computed}. Fix the totals row or the units' figures."),
    "totals_row": ("Dòng tổng cộng: dùng để đối chiếu, không nhập như một đơn vị.", "Totals row: used for checking, not imported as a unit."),
    "already_imported": ("Tệp này đã được nhập (lô {batch_id}). Huỷ lô cũ trước nếu muốn nhập lại.",
                         "This file was already imported (batch {batch_id}). Roll that batch back first to import it again."),
    "no_rows": ("Không có số liệu nào để nhập. Kiểm tra tệp có dòng đơn vị và ô số liệu.",
                "No figures to import. Check the file has unit rows with numbers."),
    "sheet_skipped": ("Trang tính không có bảng số liệu, bỏ qua.", "The sheet has no data table; skipped."),
    "unchanged": ("Số liệu giống hệt số đã lưu; không ghi lại.", "Same as the stored figure; not written again."),
}


@dataclass
class Problem:
    severity: str
    code: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    detail: dict = field(default_factory=dict)

    def message(self, lang: str) -> str:
        vi, en = MESSAGES[self.code]
        text = vi if lang == "vi" else en
        try:
            return text.format(**self.detail)
        except (KeyError, IndexError):
            return text


def short(value, limit: int = 80) -> str:
    """A value as it may appear in a report: one line, at most `limit` characters."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def frame(problems: list[Problem]) -> pl.DataFrame:
    """The report table shown on the page and written by the CLI (row = Excel/CSV row number)."""
    rows = [{"severity": p.severity, "code": p.code, "file": p.file, "sheet": p.sheet, "row": p.row,
             "column": p.column, "value": short(p.value), "message_vi": p.message("vi"), "message_en": p.message("en")}
            for p in problems]
    schema = {"severity": pl.String, "code": pl.String, "file": pl.String, "sheet": pl.String, "row": pl.Int64,
              "column": pl.String, "value": pl.String, "message_vi": pl.String, "message_en": pl.String}
    return pl.DataFrame(rows, schema=schema)


def to_csv_bytes(problems: list[Problem]) -> bytes:
    """UTF-8 with BOM so Excel opens the Vietnamese text correctly."""
    buf = io.BytesIO()
    frame(problems).write_csv(buf)
    return b"\xef\xbb\xbf" + buf.getvalue()


def as_dict(p: Problem) -> dict:
    return asdict(p)
