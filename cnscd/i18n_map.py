"""Interface text of the map and district pages (vi, en); anything else falls back to cnscd.i18n."""
from __future__ import annotations

from cnscd import i18n

TEXT: dict[str, tuple[str, str]] = {
    "map_title": ("Bản đồ", "Map"),
    "districts_title": ("So sánh huyện/xã trong tỉnh", "Compare districts / communes within a province"),
    "scheme": ("Phân lớp", "Classes"),
    "scheme_quantiles": ("Phân vị", "Quantiles"),
    "scheme_natural_breaks": ("Ngắt tự nhiên", "Natural breaks"),
    "scheme_equal_interval": ("Khoảng đều", "Equal interval"),
    "n_classes": ("Số lớp", "Number of classes"),
    "measure_change": ("Thay đổi so với kỳ gốc", "Change since base period"),
    "map_level": ("Vẽ theo", "Draw by"),
    "map_level_province": ("Tỉnh/thành", "Province"),
    "map_level_child_legacy": ("Huyện", "District"),
    "map_level_child_2025": ("Xã/phường", "Commune"),
    "area": ("Phạm vi", "Area"),
    "whole_country": ("Toàn quốc", "Whole country"),
    "back": ("← Về toàn quốc", "← Back to the whole country"),
    "click_hint": ("Bấm vào một tỉnh để xem các huyện/xã của tỉnh đó.",
                   "Click a province to see its districts / communes."),
    "play": ("▶ Chạy", "▶ Play"),
    "pause": ("⏸ Dừng", "⏸ Pause"),
    "compare_two": ("So sánh hai kỳ cạnh nhau", "Two periods side by side"),
    "period_right": ("Kỳ bên phải", "Right-hand period"),
    "no_report": ("chưa báo cáo", "no report"),
    "approx_note": ("Ranh giới gần đúng / approximate boundaries", "Approximate boundaries / ranh giới gần đúng"),
    "demo_note": ("Dữ liệu minh hoạ / demo data", "Demo data / dữ liệu minh hoạ"),
    "map_caption": ("Đơn vị: {unit} · Kỳ: {period} · Địa giới: {boundary} · Nguồn: {source}",
                    "Unit: {unit} · Period: {period} · Boundaries: {boundary} · Source: {source}"),
    "map_chart_title": ("{ind} — {area}, {period}", "{ind} — {area}, {period}"),
    "no_report_count": ("{n} đơn vị chưa báo cáo (màu xám).", "{n} units have no report (grey)."),
    "no_layer": ("Chưa có lớp ranh giới cho cấp này: {msg}", "No boundary layer for this level: {msg}"),
    "not_in_version": ("Tỉnh {code} không có trong địa giới {version}; đã chuyển sang {new}.",
                       "Province {code} does not exist in the {version} boundaries; showing {new}."),
    # districts page
    "province": ("Tỉnh/thành", "Province"),
    "indicator_y": ("Chỉ tiêu trục dọc (biểu đồ phân tán)", "Second indicator (scatter, vertical axis)"),
    "ranking_title": ("Xếp hạng {children}: {ind}", "Ranking of {children}: {ind}"),
    "province_avg": ("Trung bình tỉnh", "Province average"),
    "province_value": ("Cả tỉnh (tỷ lệ chung)", "Whole province (pooled rate)"),
    "scatter_title": ("{x} và {y}", "{x} and {y}"),
    "multiples_title": ("Diễn biến theo tháng: {ind}", "Monthly trend: {ind}"),
    "multiples_n": ("Số ô nhỏ", "Small multiples shown"),
    "bars_shown": ("Số thanh", "Bars shown"),
    "bars_ends": ("{n} đầu + {n} cuối", "top {n} + bottom {n}"),
    "bars_all": ("Tất cả", "All"),
    "children_legacy": ("các huyện", "districts"),
    "children_2025": ("các xã/phường", "communes"),
    "sparkline": ("Xu hướng", "Trend"),
    "pct_target_col": ("% mục tiêu", "% of target"),
    "name_col": ("Đơn vị", "Unit"),
    "code_col": ("Mã", "Code"),
    "official_name_col": ("Tên chính thức", "Official name"),
}


def t(key: str, lang: str = i18n.DEFAULT_LANG, **fmt: object) -> str:
    text = i18n.lookup(TEXT, key, lang, **fmt)
    return i18n.t(key, lang, **fmt) if text is None else text
