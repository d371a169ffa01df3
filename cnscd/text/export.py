"""Download menus, exported pictures, decks, reports and tables (cnscd.export)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # menu items
    "export_png_1080": ("PNG 1920×1080 (slide)", "PNG 1920×1080 (slide)"),
    "export_png_720": ("PNG 1280×720", "PNG 1280×720"),
    "export_png_print": ("PNG để in, A4 (300 dpi)", "PNG for print, A4 (300 dpi)"),
    "export_svg": ("SVG (vector)", "SVG (vector)"),
    "export_pdf": ("PDF", "PDF"),
    "export_csv": ("CSV (số liệu)", "CSV (data)"),
    "export_xlsx": ("Excel XLSX (số liệu)", "Excel XLSX (data)"),
    # words
    "export_menu": ("Tải xuống", "Download"),
    "export_deck": ("Tải bộ slide", "Download slides"),
    "export_report": ("Tải báo cáo PDF", "Download PDF report"),
    "export_no_browser": (
        "Không có Chromium trên máy chủ: chưa xuất được ảnh.",
        "No Chromium on the server: image export is unavailable.",
    ),
    "export_date": ("Ngày xuất", "Exported"),
    "export_filters": ("Bộ lọc", "Filters"),
    "export_sources": ("Nguồn dữ liệu", "Data sources"),
    "export_none": ("(không có)", "(none)"),
    "export_data": ("Số liệu của biểu đồ", "Figures behind the chart"),
    "export_charts": ("Biểu đồ", "Charts"),
    "demo_note": ("Dữ liệu minh hoạ", "Demo data"),
    "approx_note": ("Ranh giới gần đúng", "Approximate boundaries"),
    "export_no_data": ("(không có dữ liệu)", "(no data)"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "export_filter": ("Bộ lọc: {name}", "Filter: {name}"),
    "export_definition": ("Định nghĩa: {name}", "Definition: {name}"),
    "export_meta_title": ("Tiêu đề", "Title"),
    "export_meta_notes": ("Ghi chú", "Notes"),
    "export_more_rows": ("… và {n} dòng nữa (xem CSV/XLSX)", "… and {n} more rows (see CSV/XLSX)"),
    "export_sheet_data": ("Dữ liệu", "Data"),
    "export_sheet_about": ("Thông tin", "About"),
}
