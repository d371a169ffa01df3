"""Interface text in Vietnamese (default) and English.

`t(key, lang, **fmt)` looks a key up and fills `{placeholders}`. Indicator and unit names are
data (core_indicator.name_vi / name_en), not here. A missing key falls back to the key itself
so a typo shows on screen instead of crashing a page; tests check every key has both languages.
"""
from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

TEXT: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("Tổ công nghệ số cộng đồng", "Community Digital Technology Teams"),
    "language": ("Ngôn ngữ", "Language"),
    "page_overview": ("Tổng quan", "Overview"),
    "page_map": ("Bản đồ", "Map"),
    "page_compare_provinces": ("So sánh tỉnh", "Compare provinces"),
    "page_compare_districts": ("So sánh huyện/xã", "Compare districts"),
    "page_targets": ("Mục tiêu", "Targets"),
    "page_import": ("Nhập liệu", "Import"),
    "page_sources": ("Nguồn & phương pháp", "Sources & method"),
    "page_boundaries": ("Ranh giới", "Boundaries"),
    "login_to_view": ("Cần đăng nhập để xem bảng điều khiển này.", "Please log in to view this dashboard."),
    "demo_banner": (
        "Dữ liệu minh hoạ: phần lớn số liệu là chuỗi mô phỏng (demo), chỉ một số điểm lấy từ bài báo có nguồn. "
        "Không dùng để báo cáo chính thức.",
        "Demo data: most figures are a simulated (demo) series; only some points come from sourced articles. "
        "Not for official reporting.",
    ),
    "demo_tag": ("minh hoạ", "demo"),
    "badge_boundary": ("Địa giới: {label}", "Boundaries: {label}"),
    "badge_latest": ("Số liệu mới nhất: {date}", "Latest data: {date}"),
    "no_warehouse": ("Chưa có kho dữ liệu. {msg}", "No warehouse yet. {msg}"),
    "no_data": ("Không có số liệu cho lựa chọn này.", "No data for this selection."),
    "bad_param": (
        "Tham số '{name}' trong đường dẫn không hợp lệ ('{value}'); dùng mặc định.",
        "URL parameter '{name}' is not valid ('{value}'); using the default.",
    ),
    # controls
    "indicator": ("Chỉ tiêu", "Indicator"),
    "period": ("Kỳ", "Period"),
    "provinces": ("Tỉnh/thành", "Provinces"),
    "measure": ("Thước đo", "Measure"),
    "measure_abs": ("Giá trị tuyệt đối", "Absolute"),
    "measure_per1000": ("Trên 1.000 dân", "Per 1,000 residents"),
    "measure_index": ("Chỉ số (kỳ gốc = 100)", "Index (base = 100)"),
    "measure_pct_target": ("% mục tiêu", "% of target"),
    "base_period": ("Kỳ gốc", "Base period"),
    "boundary_mode": ("Địa giới", "Boundaries"),
    "mode_reported": ("Như báo cáo", "As reported"),
    "mode_today": ("Theo 34 tỉnh hiện nay", "In today's 34 provinces"),
    "threshold": ("Ngưỡng (% mục tiêu)", "Threshold (% of target)"),
    "level": ("Cấp", "Level"),
    "level_province": ("Tỉnh", "Province"),
    "level_nation": ("Toàn quốc", "Nation"),
    # chart text
    "nation": ("Toàn quốc", "Nation"),
    "target": ("Mục tiêu", "Target"),
    "rank": ("Thứ hạng", "Rank"),
    "value": ("Giá trị", "Value"),
    "unit_col": ("Đơn vị", "Unit"),
    "source": ("Nguồn", "Source"),
    "sources_word": ("Nguồn: {src}", "Source: {src}"),
    "boundary_word": ("Địa giới: {label}", "Boundaries: {label}"),
    "period_range": ("{start} – {end}", "{start} – {end}"),
    "bv_reported": ("{old} → {new} (như báo cáo)", "{old} → {new} (as reported)"),
    "bv_today": ("{new}; số liệu trước {date} gộp lại theo 34 tỉnh", "{new}; figures before {date} re-aggregated to the 34 provinces"),
    "build_info": ("Kho dữ liệu dựng lúc {built}; dữ liệu minh hoạ sinh với hạt giống {seed}.",
                   "Warehouse built at {built}; demo data generated with seed {seed}."),
    "break_2025": ("Sáp nhập tỉnh 01/07/2025", "Province merger 01/07/2025"),
    "seed_point": ("Số liệu từ bài báo", "Figure from an article"),
    "rank_title": ("Thứ hạng giữa các tỉnh: {ind}", "Rank among provinces: {ind}"),
    "series_title": ("{ind} ({unit})", "{ind} ({unit})"),
    "progress_title": ("Tiến độ so với mục tiêu {year}: {ind}", "Progress against the {year} target: {ind}"),
    "headline_title": ("Các chỉ tiêu chính toàn quốc", "Main national indicators"),
    "demo_footer": ("Có số liệu minh hoạ (demo).", "Includes demo data."),
    "status_ahead": ("Vượt mục tiêu", "Above target"),
    "status_on_track": ("Đạt tiến độ", "On track"),
    "status_behind": ("Chậm", "Behind"),
    "status_far_behind": ("Rất chậm", "Far behind"),
    # overview
    "overview_unit": ("{unit}, {period}", "{unit}, {period}"),
    # a unit across the 1 July 2025 reform (cnscd.unitref, cnscd.unit_ui)
    "unit_new_name": ("{name} (từ {date})", "{name} (from {date})"),
    "unit_old_name": ("{name} (đến {date})", "{name} (until {date})"),
    "unit_made_of": ("{new} gồm {parts}.", "{new} is made of {parts}."),
    "unit_part_of": ("{old} nay thuộc {new}, cùng với {others}.",
                     "{old} is now part of {new}, together with {others}."),
    "unit_moved": ("Đang xem {new} thay cho {old}, mã {code}: kỳ đã chọn dùng địa giới {bv}.",
                   "Showing {new} instead of {old}, code {code}: the chosen period uses the {bv} boundaries."),
    "unit_see_parts": ("Xem từng tỉnh cũ (đến {date}):", "See each former province (until {date}):"),
    "unit_see_new": ("Xem {new}", "See {new}"),
    "unit_see_today": ("Cả vùng {new} theo 34 tỉnh hiện nay, cả trước {date} (So sánh tỉnh)",
                       "All of {new} in today's 34 provinces, also before {date} (Compare provinces)"),
    "overview_provinces": ("Theo tỉnh/thành, {period}", "By province, {period}"),
    "what_changed": ("Điểm đáng chú ý", "What changed"),
    "change_vs_prev": ("so với {period}", "vs {period}"),
    "of_target": ("{pct} mục tiêu", "{pct} of target"),
    "trend": ("Xu hướng 12 tháng", "12-month trend"),
    "sent_gain": (
        "{unit} tăng {ind_lc} nhiều nhất: +{delta} ({pct}) so với {prev}.",
        "{unit} had the largest gain in {ind_lc}: +{delta} ({pct}) vs {prev}.",
    ),
    "sent_behind": (
        "{unit} xa mục tiêu {ind_lc} nhất: mới đạt {pct} mục tiêu {year}.",
        "{unit} is furthest behind its {ind_lc} target: {pct} of the {year} target.",
    ),
    "sent_nation": (
        "Toàn quốc: {ind_lc} đạt {value} {unit_m}, {sign}{delta} so với {prev}.",
        "Nation: {ind_lc} at {value} {unit_m}, {sign}{delta} vs {prev}.",
    ),
    # targets page
    "targets_below": ("Đơn vị dưới ngưỡng {thr}", "Units below {thr}"),
    "targets_none_below": ("Không có đơn vị nào dưới ngưỡng.", "No unit is below the threshold."),
    "achievements": ("Kết quả các bài báo nêu", "Achievements reported in articles"),
    "achievements_note": (
        "Tỷ lệ tính lại từ số liệu và mục tiêu đã lưu (không gõ tay), bên cạnh tỷ lệ bài báo nêu; "
        "mục tiêu \"suy ra\" là mục tiêu bài báo không nêu, được tính ngược từ tỷ lệ đó.",
        "Percentages are recomputed from the stored figure and target (not typed in), beside the one the "
        "article states; a \"derived\" target is one the article does not give, back-calculated from that %.",
    ),
    "achieved": ("Đạt", "Achieved"),
    "achieved_computed": ("Đạt, tính lại (%)", "Achieved, computed (%)"),
    "achieved_stated": ("Đạt, theo bài báo (%)", "Achieved, as stated (%)"),
    "dti_goals": ("Mục tiêu xếp hạng chuyển đổi số (DTI) của tỉnh", "Provincial digital-transformation (DTI) rank goals"),
    "dti_goals_note": (
        "Mục tiêu do tỉnh tự đặt (trích bài báo) so với thứ hạng DTI đã công bố; hạng càng nhỏ càng tốt: "
        "đạt khi hạng ≤ mục tiêu. Năm không có số liệu: chưa công bố (không nội suy).",
        "The province's own goal (quoted from the article) against its published DTI rank; lower is better: "
        "met when rank ≤ goal. A year without a figure: not published (never interpolated).",
    ),
    "col_year": ("Năm", "Year"),
    "col_rank": ("Hạng DTI", "DTI rank"),
    "col_goal": ("Mục tiêu (hạng ≤)", "Goal (rank ≤)"),
    "col_goal_year": ("Hạn mục tiêu", "Goal year"),
    "col_status": ("Tình trạng", "Status"),
    "quote": ("Trích dẫn", "Quote"),
    # sources page
    "sources_title": ("Nguồn số liệu", "Data sources"),
    "indicators_title": ("Định nghĩa chỉ tiêu", "Indicator definitions"),
    "article_figures_title": ("Số liệu đọc từ bài báo", "Figures read from articles"),
    "article_figures_note": (
        "Mỗi số giữ đúng cách bài báo viết (\"hơn\", \"khoảng\", \"dưới\"); mục tiêu \"suy ra\" không có "
        "trong bài, được tính ngược từ tỷ lệ % bài báo nêu.",
        "Each number keeps the article's wording (\"more than\", \"about\", \"less than\"); a \"derived\" "
        "target is not in the article but back-calculated from the % it states.",
    ),
    "col_record": ("Loại", "Kind"),
    "boundaries_title": ("Địa giới hành chính", "Administrative boundaries"),
    "method_title": ("Phương pháp", "Method"),
    "method_text": (
        "Số đếm là luỹ kế tại cuối kỳ. Khi gộp về 34 tỉnh, số đếm được cộng qua bảng chuyển đổi; tỷ lệ được tính "
        "lại từ tổng tử số và tổng mẫu số (không lấy trung bình các tỷ lệ). Nếu cùng đơn vị, chỉ tiêu, kỳ có cả "
        "số liệu thật và minh hoạ, số liệu thật được dùng.",
        "Counts are cumulative at the end of the period. When re-aggregating to the 34 provinces, counts are "
        "summed through the crosswalk; ratios are recomputed from summed numerators and denominators (never an "
        "average of percentages). Where real and demo figures exist for the same unit, indicator and period, the "
        "real figure is used.",
    ),
    "approx_outlines": ("Đường ranh giới gần đúng", "Approximate outlines"),
    "no_geo": ("Chưa có lớp ranh giới.", "No boundary layers yet."),
    "download": ("Tải xuống", "Download"),
    "col_boundary_version": ("Địa giới", "Boundary version"),
    "col_period_end": ("Cuối kỳ", "Period end"),
    "col_value": ("Giá trị (gốc)", "Value (as stored)"),
    "col_is_demo": ("Minh hoạ", "Demo"),
    "col_target_value": ("Mục tiêu", "Target"),
    "col_pct": ("% mục tiêu", "% of target"),
    "col_n_units": ("Số tỉnh", "Number of provinces"),
    "col_unit_code": ("Mã đơn vị", "Unit code"),
    "col_kind": ("Loại", "Kind"),
    "col_publisher": ("Nơi công bố", "Publisher"),
    "col_date": ("Ngày", "Date"),
    "col_link": ("Liên kết", "Link"),
    "col_figures": ("Số liệu", "Figures"),
    "col_licence": ("Giấy phép", "Licence"),
    "col_note": ("Ghi chú", "Note"),
    "col_code": ("Mã", "Code"),
    "col_definition": ("Định nghĩa", "Definition"),
    "col_valid_from": ("Hiệu lực từ", "Valid from"),
    "col_valid_to": ("Đến", "Until"),
    "col_layer": ("Lớp", "Layer"),
    "col_units_n": ("Số đơn vị", "Units"),
    "col_file": ("Tệp", "File"),
    "col_aggregation": ("Cách cộng gộp", "Aggregation"),
    "table_title": ("Bảng số liệu", "Data table"),
}


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def lookup(table: dict[str, tuple[str, str]], key: str, lang: str, **fmt: object) -> str | None:
    """The (vi, en) entry of `key` in `table` in `lang`, formatted; None when the table lacks it.

    Each area keeps its own text table (map, import, boundaries); they all read it through here."""
    pair = table.get(key)
    if pair is None:
        return None
    text = pair[1] if norm_lang(lang) == "en" else pair[0]
    return text.format(**fmt) if fmt else text


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    text = lookup(TEXT, key, lang, **fmt)
    return key if text is None else text


def pick(vi: str | None, en: str | None, lang: str) -> str:
    """Choose between a data row's Vietnamese and English text (English falls back to Vietnamese)."""
    return (en or vi or "") if norm_lang(lang) == "en" else (vi or en or "")
