"""What the boundaries page (pages/8_Ranh_gioi.py) needs: its texts (vi/en), the editor login box,
the match report as a table, the editor's province scope applied to a report, the confirm step,
and the status of every layer (approximate / packaged / official). Loading and storing is geo.load."""
from __future__ import annotations

import dataclasses
import os

import polars as pl
import streamlit as st

from cnscd import auth, i18n, login_ui
from cnscd.ingest import pagekit as pk
from geo import layers
from geo.load import MatchReport, accept

# Upload types GDAL reads here (geo.readfile.read_any): GeoJSON, TopoJSON, zipped Shapefile, GeoPackage.
FILE_TYPES = ["geojson", "json", "topojson", "zip", "gpkg"]
MAX_BYTES = int(float(os.environ.get("CNSCD_GEO_MAX_MB", "50")) * 2**20)
SESSION_KEY = login_ui.SESSION_KEY  # shared with the import page: one login for both

TEXT: dict[str, tuple[str, str]] = {
    "intro": ("Tải lên tệp ranh giới chính thức (GeoJSON, TopoJSON, Shapefile nén .zip, GeoPackage) cho một cấp và "
              "một phiên bản địa giới. Đối tượng được khớp với đơn vị theo mã, nếu không thì theo tên; xem kết quả "
              "rồi xác nhận. Ranh giới đã nhận thay cho ranh giới gần đúng và ghi rõ nguồn.",
              "Upload an official boundary file (GeoJSON, TopoJSON, zipped Shapefile, GeoPackage) for one level and "
              "one boundary version. Features are matched to units by code, else by name; review the result, then "
              "confirm. Accepted outlines replace the approximate ones and carry their source."),
    "login_needed": ("Đăng nhập biên tập viên để tải ranh giới. Xem trạng thái ranh giới không cần đăng nhập.",
                     "Log in as an editor to load boundaries. Viewing their status needs no login."),
    "version": ("Địa giới", "Boundaries"),
    "level": ("Cấp", "Level"),
    "level_province": ("Tỉnh", "Province"),
    "level_district": ("Huyện (địa giới cũ)", "District (legacy boundaries)"),
    "level_commune": ("Xã/phường", "Commune/ward"),
    "upload": ("Tệp ranh giới (.geojson, .json, .topojson, .zip, .gpkg)",
               "Boundary file (.geojson, .json, .topojson, .zip, .gpkg)"),
    "too_big": ("Tệp {size} MB vượt giới hạn {limit} MB; không đọc.", "The file is {size} MB, over the {limit} MB limit; not read."),
    "report": ("Kết quả khớp", "Match result"),
    "n_matched": ("Khớp", "Matched"),
    "n_unmatched": ("Không khớp", "Unmatched"),
    "n_ambiguous": ("Mơ hồ", "Ambiguous"),
    "n_out": ("Ngoài phạm vi", "Out of scope"),
    "n_repaired": ("Đã sửa hình", "Repaired"),
    "refused": ("Tệp bị từ chối: {file}. Ranh giới đã lưu không thay đổi. Lỗi:",
                "The file is refused: {file}. Stored boundaries are unchanged. Errors:"),
    "out_of_scope": ("Bỏ qua {n} đơn vị ngoài các tỉnh bạn được phép ghi ({provinces}): {units}",
                     "Left out {n} units outside the provinces you may write ({provinces}): {units}"),
    "nothing_in_scope": ("Không có đơn vị nào khớp trong phạm vi của bạn; không có gì để lưu.",
                         "No matched unit lies within your scope; nothing to store."),
    "not_all": ("Chỉ các đơn vị “khớp” được lưu; các dòng khác bị bỏ qua.",
                "Only “matched” units are stored; the other rows are ignored."),
    "confirm": ("Xác nhận: lưu ranh giới cho {n} đơn vị", "Confirm: store outlines for {n} unit(s)"),
    "stored": ("Đã lưu ranh giới chính thức cho {n} đơn vị ({level}, {version}) từ {file}.",
               "Stored official outlines for {n} unit(s) ({level}, {version}) from {file}."),
    "status": ("Trạng thái ranh giới", "Boundary status"),
    "loaded": ("Ranh giới chính thức đã tải", "Loaded official boundaries"),
    "none_loaded": ("Chưa tải ranh giới chính thức nào; bản đồ dùng ranh giới đóng gói và gần đúng.",
                    "No official boundaries loaded yet; maps use packaged and approximate outlines."),
    # table columns and values
    "col_status": ("Kết quả", "Result"), "col_code": ("Mã", "Code"), "col_label": ("Tên trong tệp", "Name in file"),
    "col_unit": ("Đơn vị khớp", "Matched unit"), "col_by": ("Cách khớp", "How matched"), "col_note": ("Ghi chú", "Note"),
    "col_version": ("Địa giới", "Boundaries"), "col_level": ("Cấp", "Level"), "col_units": ("Số đơn vị", "Units"),
    "col_official": ("Chính thức (đã tải)", "Official (loaded)"),
    "col_packaged": ("Natural Earth (đóng gói)", "Natural Earth (packaged)"),
    "col_approx": ("Gần đúng", "Approximate"), "col_file": ("Tệp nguồn", "Source file"),
    "col_source": ("Mã nguồn", "Source id"), "col_loaded_at": ("Thời điểm tải (UTC)", "Loaded at (UTC)"),
    "st_matched": ("khớp", "matched"), "st_unmatched": ("không khớp", "unmatched"),
    "st_ambiguous": ("mơ hồ", "ambiguous"), "st_out": ("ngoài phạm vi", "out of scope"),
    "by_code": ("theo mã", "by code"), "by_name": ("theo tên", "by name"),
    "by_name+location": ("theo tên và vị trí", "by name and location"),
    "close_to": ("gần giống: {x}", "close to: {x}"), "candidates": ("có thể là: {x}", "could be: {x}"),
}


def tr(key: str, lang: str, **fmt) -> str:
    text = i18n.lookup(TEXT, key, lang, **fmt)
    return key if text is None else text


def levels(version: str) -> list[str]:
    """Levels a version has: districts only exist in the legacy boundaries."""
    return list(layers.LEVELS[version])


# The sidebar login box is shared with the import page and app.py: cnscd.login_ui.editor_login.
editor_login = login_ui.editor_login


# ---- scope ------------------------------------------------------------------------------------------
def _base(level: str, version: str, columns: list[str]) -> pl.DataFrame:
    """Attribute columns of the committed layer (no geometry read)."""
    return pl.read_parquet(layers.layer_path(level, version), columns=columns)


def split_scope(report: MatchReport, allowed: set[tuple[str, str]] | None) -> tuple[MatchReport, list[dict]]:
    """(the report restricted to units in the editor's provinces, the matched rows left out).
    `allowed` is cnscd.ingest.plan.expand_scope's answer: None = every province."""
    if allowed is None or report.refused:
        return report, []
    prov = dict(_base(report.level, report.version, ["unit_code", "province_code"]).iter_rows())
    ok = {c for c, p in prov.items() if (report.version, p) in allowed}
    keep = [m for m in report.matched if m["unit_code"] in ok]
    out = [m for m in report.matched if m["unit_code"] not in ok]
    geoms = report.geometries
    if geoms is not None:
        geoms = geoms[geoms["unit_code"].isin(ok)].reset_index(drop=True)
    return dataclasses.replace(report, matched=keep, geometries=geoms), out


def out_of_scope_text(out: list[dict], provinces: tuple[str, ...], lang: str, limit: int = 12) -> str:
    units = ", ".join(f"{m['unit_code']} {m['unit_name']}" for m in out[:limit]) + (" …" if len(out) > limit else "")
    return tr("out_of_scope", lang, n=len(out), provinces=", ".join(provinces), units=units)


def confirm(report: MatchReport, session: auth.Session | None) -> int:
    """Store the in-scope outlines after re-checking the login (it may have expired while the editor
    read the report). AuthError / ValueError (refused or empty report) change nothing."""
    auth.check(session)
    accept(report)
    return 0 if report.geometries is None else len(report.geometries)


# ---- tables -----------------------------------------------------------------------------------------
def report_table(report: MatchReport, out: list[dict], lang: str) -> pl.DataFrame:
    """One row per feature: result, code, name in file, matched unit, how matched, note."""
    out_codes = {m["unit_code"] for m in out}
    rows = [(tr("st_out" if m["unit_code"] in out_codes else "st_matched", lang), m["unit_code"], m["label"],
             m["unit_name"], tr(f"by_{m['by']}", lang), "") for m in report.matched]
    rows += [(tr("st_unmatched", lang), "", u["label"], "", "",
              tr("close_to", lang, x=u["suggestion"]) if u["suggestion"] else "") for u in report.unmatched]
    rows += [(tr("st_ambiguous", lang), "", a["label"], "", "",
              tr("candidates", lang, x=", ".join(a["candidates"]))) for a in report.ambiguous]
    cols = [tr(k, lang) for k in ("col_status", "col_code", "col_label", "col_unit", "col_by", "col_note")]
    return pl.DataFrame(rows, schema={c: pl.String for c in cols}, orient="row")


def _official(level: str, version: str) -> pl.DataFrame:
    path = layers.user_path(level, version)
    if not path.is_file():
        return pl.DataFrame(schema={"unit_code": pl.String, "source_id": pl.String, "source_file": pl.String,
                                    "loaded_at": pl.String})
    return pl.read_parquet(path, columns=["unit_code", "source_id", "source_file", "loaded_at"])


def status_table(lang: str, version_label=lambda v, lang: v) -> pl.DataFrame:
    """Per version and level: units, loaded official outlines, packaged (Natural Earth) and approximate ones."""
    rows = []
    for version, lvls in layers.LEVELS.items():
        for level in lvls:
            base = _base(level, version, ["unit_code", "is_approximate"])
            official = base["unit_code"].is_in(_official(level, version)["unit_code"].implode())
            approx = base["is_approximate"].fill_null(True) & ~official
            rows.append((version_label(version, lang), tr(f"level_{level}", lang), base.height,
                         int(official.sum()), int((~official & ~approx).sum()), int(approx.sum())))
    cols = [tr(k, lang) for k in ("col_version", "col_level", "col_units", "col_official", "col_packaged", "col_approx")]
    return pl.DataFrame(rows, schema=dict(zip(cols, [pl.String, pl.String] + [pl.Int64] * 4)), orient="row")


def loaded_table(lang: str, version_label=lambda v, lang: v, limit: int = 8) -> pl.DataFrame:
    """One row per loaded file and layer: boundaries, level, source file and id, when, how many units, which."""
    rows = []
    for version, lvls in layers.LEVELS.items():
        for level in lvls:
            off = _official(level, version)
            if off.height == 0:
                continue
            names = dict(_base(level, version, ["unit_code", "unit_name"]).iter_rows())
            for (sid, sfile, at), g in off.group_by(["source_id", "source_file", "loaded_at"], maintain_order=True):
                codes = sorted(g["unit_code"].to_list())
                shown = ", ".join(f"{c} {names.get(c, '')}".strip() for c in codes[:limit])
                rows.append((version_label(version, lang), tr(f"level_{level}", lang), sfile, sid, at, len(codes),
                             shown + (" …" if len(codes) > limit else "")))
    cols = [tr(k, lang) for k in ("col_version", "col_level", "col_file", "col_source", "col_loaded_at",
                                  "col_units", "col_unit")]
    schema = dict(zip(cols, [pl.String] * 5 + [pl.Int64, pl.String]))
    return pl.DataFrame(rows, schema=schema, orient="row").sort(cols[4], descending=True)
