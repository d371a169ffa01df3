"""The boundaries page (cnscd.views.boundaries)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # boundaries page
    "geo_intro": (
        "Tải lên tệp ranh giới chính thức (GeoJSON, TopoJSON, Shapefile nén .zip, GeoPackage) cho một cấp và một "
        "phiên bản địa giới. Đối tượng được khớp với đơn vị theo mã, nếu không thì theo tên; xem kết quả rồi xác "
        "nhận. Ranh giới đã nhận thay cho ranh giới gần đúng và ghi rõ nguồn.",
        "Upload an official boundary file (GeoJSON, TopoJSON, zipped Shapefile, GeoPackage) for one level and one"
        " boundary version. Features are matched to units by code, else by name; review the result, then confirm."
        " Accepted outlines replace the approximate ones and carry their source.",
    ),
    "geo_login_needed": (
        "Đăng nhập biên tập viên để tải ranh giới. Xem trạng thái ranh giới không cần đăng nhập.",
        "Log in as an editor to load boundaries. Viewing their status needs no login.",
    ),
    "geo_upload": (
        "Tệp ranh giới (.geojson, .json, .topojson, .zip, .gpkg)",
        "Boundary file (.geojson, .json, .topojson, .zip, .gpkg)",
    ),
    "geo_report": ("Kết quả khớp", "Match result"),
    "geo_n_matched": ("Khớp", "Matched"),
    "geo_n_unmatched": ("Không khớp", "Unmatched"),
    "geo_n_ambiguous": ("Mơ hồ", "Ambiguous"),
    "geo_n_out": ("Ngoài phạm vi", "Out of scope"),
    "geo_n_repaired": ("Đã sửa hình", "Repaired"),
    "geo_refused": (
        "Tệp bị từ chối: {file}. Ranh giới đã lưu không thay đổi. Lỗi:",
        "The file is refused: {file}. Stored boundaries are unchanged. Errors:",
    ),
    "geo_out_of_scope": (
        "Bỏ qua {n} đơn vị ngoài các tỉnh bạn được phép ghi ({provinces}): {units}",
        "Left out {n} units outside the provinces you may write ({provinces}): {units}",
    ),
    "geo_nothing_in_scope": (
        "Không có đơn vị nào khớp trong phạm vi của bạn; không có gì để lưu.",
        "None of the matched units is in your provinces; nothing to store.",
    ),
    "geo_not_all": (
        "Chỉ các đơn vị “khớp” được lưu; các dòng khác bị bỏ qua.",
        "Only “matched” units are stored; the other rows are ignored.",
    ),
    "geo_confirm": ("Xác nhận: lưu ranh giới cho {n} đơn vị", "Confirm: store outlines for {n} unit(s)"),
    "geo_stored": (
        "Đã lưu ranh giới chính thức cho {n} đơn vị ({level}, {version}) từ {file}.",
        "Stored official outlines for {n} unit(s) ({level}, {version}) from {file}.",
    ),
    "geo_status": ("Trạng thái ranh giới", "Boundary status"),
    "geo_loaded": ("Ranh giới chính thức đã tải", "Loaded official boundaries"),
    "geo_none_loaded": (
        "Chưa tải ranh giới chính thức nào; bản đồ dùng ranh giới đóng gói và gần đúng.",
        "No official boundaries loaded yet; maps use packaged and approximate outlines.",
    ),
    "geo_col_status": ("Kết quả", "Result"),
    "geo_col_label": ("Tên trong tệp", "Name in file"),
    "geo_col_unit": ("Đơn vị khớp", "Matched unit"),
    "geo_col_by": ("Cách khớp", "How matched"),
    "geo_col_official": ("Chính thức (đã tải)", "Official (loaded)"),
    "geo_col_packaged": ("Natural Earth (đóng gói)", "Natural Earth (packaged)"),
    "geo_col_approx": ("Gần đúng", "Approximate"),
    "geo_col_file": ("Tệp nguồn", "Source file"),
    "geo_col_source": ("Mã nguồn", "Source id"),
    "geo_col_loaded_at": ("Thời điểm tải (UTC)", "Loaded at (UTC)"),
    "geo_st_matched": ("khớp", "matched"),
    "geo_st_unmatched": ("không khớp", "unmatched"),
    "geo_st_ambiguous": ("mơ hồ", "ambiguous"),
    "geo_st_out": ("ngoài phạm vi", "out of scope"),
    "geo_by_code": ("theo mã", "by code"),
    "geo_by_name": ("theo tên", "by name"),
    "geo_by_name+location": ("theo tên và vị trí", "by name and location"),
    "geo_close_to": ("gần giống: {x}", "close to: {x}"),
    "geo_candidates": ("có thể là: {x}", "could be: {x}"),
}
