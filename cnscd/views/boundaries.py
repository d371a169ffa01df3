"""What the boundaries page (pages/8_Ranh_gioi.py) needs (its texts: cnscd/text/boundaries.py): the editor login box,
the match report as a table, the editor's province scope applied to a report, the confirm step,
and the status of every layer (approximate / packaged / official). Loading and storing is geo.load."""
from __future__ import annotations

import dataclasses
import os

import polars as pl

from cnscd import text
from cnscd.store import auth
from cnscd.text import t
from geo import layers
from cnscd.ingest.plan import expand_scope
from geo.load import MatchReport, accept, load_bytes

# Upload types GDAL reads here (geo.readfile.read_any): GeoJSON, TopoJSON, zipped Shapefile, GeoPackage.
FILE_TYPES = ["geojson", "json", "topojson", "zip", "gpkg"]
MAX_BYTES = int(float(os.environ.get("CNSCD_GEO_MAX_MB", "50")) * 2**20)
# how a feature was matched (geo.load) -> its words
BY_KEYS = {"code": "geo_by_code", "name": "geo_by_name", "name+location": "geo_by_name+location"}

def levels(version: str) -> list[str]:
    """Levels a version has: districts only exist in the legacy boundaries."""
    return list(layers.LEVELS[version])




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


def match_upload(data: bytes, filename: str, level: str, version: str, con,
                 provinces: tuple[str, ...]) -> tuple[MatchReport, MatchReport, list[dict]]:
    """An uploaded file matched against the units (geo.load), then cut to the editor's provinces:
    (the whole report, the part in scope, the features out of scope)."""
    full = load_bytes(data, filename, level, version)
    scoped, out = split_scope(full, expand_scope(con, list(provinces)))
    return full, scoped, out


def out_of_scope_text(out: list[dict], provinces: tuple[str, ...], lang: str, limit: int = 12) -> str:
    units = ", ".join(f"{m['unit_code']} {m['unit_name']}" for m in out[:limit]) + (" …" if len(out) > limit else "")
    return t("geo_out_of_scope", lang, n=len(out), provinces=", ".join(provinces), units=units)


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
    rows = [(t("geo_st_out" if m["unit_code"] in out_codes else "geo_st_matched", lang), m["unit_code"], m["label"],
             m["unit_name"], t(BY_KEYS[m["by"]], lang), "") for m in report.matched]
    rows += [(t("geo_st_unmatched", lang), "", u["label"], "", "",
              t("geo_close_to", lang, x=u["suggestion"]) if u["suggestion"] else "") for u in report.unmatched]
    rows += [(t("geo_st_ambiguous", lang), "", a["label"], "", "",
              t("geo_candidates", lang, x=", ".join(a["candidates"]))) for a in report.ambiguous]
    cols = [t(k, lang) for k in ("geo_col_status", "col_code", "geo_col_label", "geo_col_unit", "geo_col_by",
                                  "col_note")]
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
            rows.append((version_label(version, lang), text.level(level, lang), base.height,
                         int(official.sum()), int((~official & ~approx).sum()), int(approx.sum())))
    cols = [t(k, lang) for k in ("boundary_mode", "level", "col_units_n", "geo_col_official",
                                  "geo_col_packaged", "geo_col_approx")]
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
                rows.append((version_label(version, lang), text.level(level, lang), sfile, sid, at, len(codes),
                             shown + (" …" if len(codes) > limit else "")))
    cols = [t(k, lang) for k in ("boundary_mode", "level", "geo_col_file", "geo_col_source",
                                  "geo_col_loaded_at", "col_units_n", "geo_col_unit")]
    schema = dict(zip(cols, [pl.String] * 5 + [pl.Int64, pl.String]))
    return pl.DataFrame(rows, schema=schema, orient="row").sort(cols[4], descending=True)
