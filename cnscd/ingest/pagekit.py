"""What the import page needs, without Streamlit: its texts (vi/en), tables shaped for display,
and the calls it makes, so pages/6_Nhap_lieu.py stays widgets only and this part is testable."""
from __future__ import annotations

import polars as pl

from cnscd import i18n
from cnscd.ingest.plan import Plan, conflict_key
from cnscd.ingest.problems import frame as problems_frame

TEXT: dict[str, tuple[str, str]] = {
    "intro": ("Tải lên báo cáo Excel/CSV của kỳ. Hệ thống kiểm tra toàn bộ trước khi ghi; mỗi lần nhập là một lô có thể huỷ.",
              "Upload a period's Excel/CSV report. Everything is checked before anything is written; each import is a batch that can be rolled back."),
    "login_title": ("Đăng nhập biên tập viên", "Editor login"),
    "user": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "login": ("Đăng nhập", "Log in"),
    "session_expired": ("Phiên đăng nhập đã hết hạn; đăng nhập lại.", "Your session has expired; log in again."),
    "logout": ("Đăng xuất", "Log out"),
    "logged_in": ("Đang đăng nhập: **{user}** — tỉnh {provinces} — hết hạn lúc {until}",
                  "Logged in: **{user}** — provinces {provinces} — expires at {until}"),
    "no_editors": ("Chưa có biên tập viên. Quản trị tạo bằng lệnh: `python -m cnscd.auth add-editor TEN --provinces 87,70`",
                   "No editors yet. An administrator creates one with `python -m cnscd.auth add-editor NAME --provinces 87,70`"),
    "templates": ("Mẫu nhập liệu", "Templates"),
    "level": ("Cấp", "Level"),
    "level_province": ("Tỉnh (tất cả tỉnh)", "Province (all provinces)"),
    "level_district": ("Huyện (địa giới cũ)", "District (legacy boundaries)"),
    "level_commune": ("Xã/phường", "Commune/ward"),
    "level_village": ("Sổ tổ CNSCĐ thôn/tổ dân phố", "Village team register"),
    "version": ("Địa giới", "Boundaries"),
    "province": ("Tỉnh", "Province"),
    "download_template": ("Tải mẫu .xlsx", "Download template .xlsx"),
    "upload": ("Tệp báo cáo (.xlsx, .csv)", "Report file (.xlsx, .csv)"),
    "too_big": ("Tệp {size} MB vượt giới hạn {limit} MB; không đọc.", "The file is {size} MB, over the {limit} MB limit; not read."),
    "check_result": ("Kết quả kiểm tra", "Check result"),
    "n_obs": ("Số liệu", "Figures"),
    "n_targets": ("Mục tiêu", "Targets"),
    "n_conflicts": ("Xung đột", "Conflicts"),
    "n_errors": ("Lỗi", "Errors"),
    "n_unchanged": ("Không đổi", "Unchanged"),
    "download_report": ("Tải danh sách vấn đề (.csv)", "Download the problem list (.csv)"),
    "refused": ("Tệp bị từ chối: sửa các lỗi dưới đây rồi tải lên lại. Không có gì được ghi.",
                "The file is refused: fix the errors below and upload it again. Nothing was written."),
    "accepted": ("Tệp hợp lệ. Kiểm tra lại rồi bấm Xác nhận để ghi.", "The file is valid. Review it, then press Confirm to write it."),
    "conflicts": ("Số liệu khác với số đã lưu", "Figures that differ from stored ones"),
    "conflict_policy": ("Với các xung đột", "For conflicts"),
    "skip": ("Giữ số đã lưu (bỏ qua)", "Keep the stored figure (skip)"),
    "replace": ("Thay bằng số trong tệp", "Replace with the file's figure"),
    "replace_col": ("Thay thế", "Replace"),
    "confirm": ("Xác nhận nhập", "Confirm import"),
    "imported": ("Đã nhập lô {batch_id}: {obs} số liệu, {tgt} mục tiêu.", "Imported batch {batch_id}: {obs} figures, {tgt} targets."),
    "batches": ("Các lô đã nhập", "Import batches"),
    "no_batches": ("Chưa có lô nào.", "No batches yet."),
    "rollback_pick": ("Lô cần huỷ", "Batch to roll back"),
    "rollback_sure": ("Tôi chắc chắn muốn huỷ lô này", "I am sure I want to roll this batch back"),
    "rollback": ("Huỷ lô (rollback)", "Roll back"),
    "rolled_back": ("Đã huỷ lô {batch_id}.", "Rolled back batch {batch_id}."),
    "login_needed": ("Đăng nhập để nhập liệu hoặc huỷ lô. Xem số liệu không cần đăng nhập.",
                     "Log in to import or roll back. Viewing needs no login."),
}


def tr(key: str, lang: str, **fmt) -> str:
    text = i18n.lookup(TEXT, key, lang, **fmt)
    return key if text is None else text


def problem_table(plan: Plan, lang: str) -> pl.DataFrame:
    """The report shown on the page: one message column in the chosen language (the CSV has both)."""
    f = problems_frame(plan.problems)
    msg = "message_en" if lang == "en" else "message_vi"
    labels = {"severity": "Mức" if lang == "vi" else "Severity", "sheet": "Trang" if lang == "vi" else "Sheet",
              "row": "Dòng" if lang == "vi" else "Row", "column": "Cột" if lang == "vi" else "Column",
              "value": "Giá trị" if lang == "vi" else "Value", msg: "Vấn đề và cách sửa" if lang == "vi" else "Problem and fix"}
    return f.select(list(labels)).rename(labels)


def conflict_table(plan: Plan, lang: str, replace_all: bool) -> pl.DataFrame:
    c = plan.conflicts
    return pl.DataFrame({
        "key": [conflict_key(r) for r in c.iter_rows(named=True)],
        "row": c["row"], "unit_code": c["unit_code"], "indicator_code": c["indicator_code"],
        "period_end": c["period_end"], "old_value": c["old_value"], "old_source_id": c["old_source_id"],
        "new_value": c["new_value"], tr("replace_col", lang): [replace_all] * c.height,
    }, schema_overrides={"row": pl.Int64})


def decisions(edited: pl.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    col = tr("replace_col", lang)
    rep = edited.filter(pl.col(col))["key"].to_list()
    return rep, edited.filter(~pl.col(col))["key"].to_list()


def batch_labels(batches: pl.DataFrame) -> dict[str, str]:
    active = batches.filter(pl.col("status") == "active")
    return {r["batch_id"]: f"{r['batch_id']} · {r['file_name']} · {r['loaded_by']} · {r['rows_observation']}"
            for r in active.iter_rows(named=True)}
