"""The import page and the editor login (cnscd.ingest.pagekit, cnscd.ui.login)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # import page
    "import_intro": (
        "Tải lên báo cáo Excel/CSV của kỳ. Hệ thống kiểm tra toàn bộ trước khi ghi; mỗi lần nhập là một lô có thể"
        " huỷ.",
        "Upload a period's Excel/CSV report. Everything is checked before anything is written; each import is a "
        "batch that can be rolled back.",
    ),
    "import_login_title": ("Đăng nhập biên tập viên", "Editor login"),
    "import_user": ("Tên đăng nhập", "User name"),
    "import_password": ("Mật khẩu", "Password"),
    "import_login": ("Đăng nhập", "Log in"),
    "import_session_expired": (
        "Phiên đăng nhập đã hết hạn; đăng nhập lại.",
        "Your session has expired; log in again.",
    ),
    "import_logout": ("Đăng xuất", "Log out"),
    "import_logged_in": (
        "Đang đăng nhập: **{user}** — tỉnh {provinces} — hết hạn lúc {until}",
        "Logged in: **{user}** — provinces {provinces} — expires at {until}",
    ),
    # shown to anyone who opens the login box: no command line here (README, "Editors", has it)
    "import_no_editors": (
        "Chưa có tài khoản biên tập viên. Cần tài khoản? Hãy liên hệ quản trị hệ thống.",
        "No editor accounts yet. Need one? Please ask your administrator.",
    ),
    "import_ask_admin": (
        "Quên mật khẩu hoặc chưa có tài khoản? Hãy liên hệ quản trị hệ thống.",
        "Forgotten your password or have no account? Please ask your administrator.",
    ),
    "import_templates": ("Mẫu nhập liệu", "Templates"),
    "import_download_template": ("Tải mẫu .xlsx", "Download template .xlsx"),
    "import_upload": ("Tệp báo cáo (.xlsx, .csv)", "Report file (.xlsx, .csv)"),
    "import_check_result": ("Kết quả kiểm tra", "Check result"),
    "import_n_obs": ("Số liệu", "Figures"),
    "import_n_targets": ("Mục tiêu", "Targets"),
    "import_n_conflicts": ("Xung đột", "Conflicts"),
    "import_n_errors": ("Lỗi", "Errors"),
    "import_n_unchanged": ("Không đổi", "Unchanged"),
    "import_download_report": ("Tải danh sách vấn đề (.csv)", "Download the problem list (.csv)"),
    "import_refused": (
        "Tệp bị từ chối: sửa các lỗi dưới đây rồi tải lên lại. Không có gì được ghi.",
        "The file is refused: fix the errors below and upload it again. Nothing was written.",
    ),
    "import_accepted": (
        "Tệp hợp lệ. Kiểm tra lại rồi bấm Xác nhận để ghi.",
        "The file is valid. Review it, then press Confirm to write it.",
    ),
    "import_conflicts": ("Số liệu khác với số đã lưu", "Figures that differ from stored ones"),
    "import_conflict_policy": ("Với các xung đột", "For conflicts"),
    "import_skip": ("Giữ số đã lưu (bỏ qua)", "Keep the stored figure (skip)"),
    "import_replace": ("Thay bằng số trong tệp", "Replace with the file's figure"),
    "import_replace_col": ("Thay thế", "Replace"),
    "import_confirm": ("Xác nhận nhập", "Confirm import"),
    "import_imported": (
        "Đã nhập lô {batch_id}: {obs} số liệu, {tgt} mục tiêu.",
        "Imported batch {batch_id}: {obs} figures, {tgt} targets.",
    ),
    "import_batches": ("Các lô đã nhập", "Import batches"),
    "import_no_batches": ("Chưa có lô nào.", "No batches yet."),
    "import_rollback_pick": ("Lô cần huỷ", "Batch to roll back"),
    "import_rollback_sure": ("Tôi chắc chắn muốn huỷ lô này", "I am sure I want to roll this batch back"),
    "import_rollback": ("Huỷ lô (rollback)", "Roll back"),
    "import_rolled_back": ("Đã huỷ lô {batch_id}.", "Rolled back batch {batch_id}."),
    "import_login_needed": (
        "Đăng nhập để nhập liệu hoặc huỷ lô. Xem số liệu không cần đăng nhập.",
        "Log in to import or roll back. Viewing needs no login.",
    ),
    # the problem list (pagekit.problem_table; the CSV download carries both languages)
    "import_col_severity": ("Mức", "Severity"),
    "import_col_sheet": ("Trang", "Sheet"),
    "import_col_row": ("Dòng", "Row"),
    "import_col_column": ("Cột", "Column"),
    "import_col_problem": ("Vấn đề và cách sửa", "Problem and fix"),
}
