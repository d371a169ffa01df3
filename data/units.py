"""Administrative units in both boundary versions, and the legacy -> 2025 crosswalk.

Read from the SQLite file and the 2025 converter tables shipped in the PyPI package
`vietnamadminunits` (MIT). Nothing is downloaded: the package is a pinned requirement.
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from importlib import metadata
from pathlib import Path

import polars as pl
from unidecode import unidecode

import queries

from data import unit_labels

PACKAGE = "vietnamadminunits"
SOURCE_ID = "pkg_vietnamadminunits"
VERSIONS = ("legacy", "2025")
UNIT_COLUMNS = [
    "boundary_version", "unit_code", "unit_level", "unit_name", "short_name", "unit_type", "slug",
    "parent_code", "province_code", "centre_lat", "centre_lon", "area_km2", "source_id",
]


def package_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent


def package_provenance() -> dict[str, str]:
    return {"package": PACKAGE, "version": metadata.version(PACKAGE), "licence": "MIT",
            "url": "https://pypi.org/project/vietnamadminunits/"}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")


# Official unit types, longest first; the package spells some with a capital second word
# ("Thành Phố Bắc Kạn", "Thị Xã Buôn Hồ"): names are normalised to GSO's "Thành phố", "Thị xã".
UNIT_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def _split_name(full: str, short: str) -> tuple[str, str, str]:
    """(official name, short name, type): 'Thị xã Kỳ Anh', 'Kỳ Anh', 'Thị xã'.

    The package marks duplicate short names with the type in brackets ('Kỳ Anh (Thị xã)');
    the type is a column of its own here. Numbered units keep their type ('Quận 1').
    """
    for t in UNIT_TYPES:
        if full.lower().startswith(t.lower() + " "):
            rest = full[len(t) + 1:]
            name = f"{t} {rest}"
            plain = re.sub(r"\s*\([^)]*\)$", "", short).strip()
            return name, (plain if not rest[:1].isdigit() else name), t
    return full, short, ""


@functools.lru_cache(maxsize=1)
def _raw() -> tuple[pl.DataFrame, pl.DataFrame]:
    con = sqlite3.connect(f"file:{package_dir() / 'data' / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy = queries.run_dbapi(con, "package_units_legacy")
        new = queries.run_dbapi(con, "package_units_2025")
    finally:
        con.close()
    return legacy, new


def _frame(rows: list[dict]) -> pl.DataFrame:
    schema = {c: pl.String for c in UNIT_COLUMNS} | {"centre_lat": pl.Float64, "centre_lon": pl.Float64, "area_km2": pl.Float64}
    return pl.DataFrame(rows, schema=schema).select(UNIT_COLUMNS)


def _nation(version: str) -> dict:
    return dict(boundary_version=version, unit_code="VN", unit_level="nation", unit_name="Việt Nam",
                short_name="Việt Nam", unit_type="Quốc gia", slug="viet-nam", parent_code=None,
                province_code=None, centre_lat=16.0, centre_lon=106.0, area_km2=None, source_id=SOURCE_ID)


def _unit(version, code, level, name, short, parent, province, lat, lon, area=None) -> dict:
    name, short, unit_type = _split_name(name, short)
    return dict(boundary_version=version, unit_code=code, unit_level=level, unit_name=name, short_name=short,
                unit_type=unit_type, slug=slugify(short), parent_code=parent, province_code=province,
                centre_lat=lat, centre_lon=lon, area_km2=area, source_id=SOURCE_ID)


@functools.lru_cache(maxsize=1)
def load_units() -> pl.DataFrame:
    """Every unit of both versions (nation, provinces, legacy districts, communes)."""
    legacy, new = _raw()
    rows = [_nation("legacy"), _nation("2025")]
    for r in legacy.unique("provinceCode", keep="first").sort("provinceCode").iter_rows(named=True):
        rows.append(_unit("legacy", r["provinceCode"], "province", r["province"], r["provinceShort"], "VN",
                          r["provinceCode"], r["provinceLat"], r["provinceLon"]))
    for r in legacy.unique("districtCode", keep="first").sort("districtCode").iter_rows(named=True):
        rows.append(_unit("legacy", r["districtCode"], "district", r["district"], r["districtShort"],
                          r["provinceCode"], r["provinceCode"], r["districtLat"], r["districtLon"]))
    for r in legacy.filter(pl.col("wardCode").is_not_null()).sort("wardCode").iter_rows(named=True):
        rows.append(_unit("legacy", r["wardCode"], "commune", r["ward"], r["wardShort"], r["districtCode"],
                          r["provinceCode"], r["wardLat"], r["wardLon"]))
    areas = new.group_by("provinceCode").agg(pl.col("wardAreaKm2").sum())
    area_of = dict(areas.iter_rows())
    for r in new.unique("provinceCode", keep="first").sort("provinceCode").iter_rows(named=True):
        rows.append(_unit("2025", r["provinceCode"], "province", r["province"], r["provinceShort"], "VN",
                          r["provinceCode"], r["provinceLat"], r["provinceLon"], round(area_of[r["provinceCode"]], 2)))
    for r in new.sort("wardCode").iter_rows(named=True):
        rows.append(_unit("2025", r["wardCode"], "commune", r["ward"], r["wardShort"], r["provinceCode"],
                          r["provinceCode"], r["wardLat"], r["wardLon"], r["wardAreaKm2"]))
    return unit_labels.with_display_names(_frame(rows))


@functools.lru_cache(maxsize=1)
def _converter() -> dict:
    return json.loads((package_dir() / "data" / "converter_2025.json").read_text(encoding="utf-8"))


def _norm_key(key: str) -> str:
    """A packaged key as compared here: lower case, letters and digits only, diacritics KEPT.

    The package spells keys with diacritics exactly where two 2025 communes of one province
    differ only by accents ('xãvănlang' / 'xãvănlăng', 'xãbatơ' / 'xãbatô'); stripping them
    sent 18 legacy communes to the wrong commune and left 8 real communes empty.
    """
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFC", key).lower())


@functools.lru_cache(maxsize=1)
def load_crosswalk() -> pl.DataFrame:
    """legacy -> 2025 weights at province, district and commune level (weights of a code sum to 1).

    Province and district: each legacy province merged whole (weight 1). Commune: the targets
    come from the package's converter tables (see `_commune_links`); a commune merged whole has
    weight 1 ('whole'); one split between several 2025 communes is weighted by their size
    (`_split_weights`: 'area_share', else 'equal_split' where a size is missing).
    """
    legacy, new = _raw()
    conv = _converter()
    prov_new_code = dict(new.select("provinceKey", "provinceCode").unique().iter_rows())
    old_prov_code = dict(legacy.select("provinceKey", "provinceCode").unique().iter_rows())
    rows: list[tuple] = []
    old_to_new_prov: dict[str, str] = {}
    for new_key, old_keys in conv["DICT_PROVINCE"].items():
        for ok in old_keys:
            old_to_new_prov[old_prov_code[ok]] = prov_new_code[new_key]
            rows.append((old_prov_code[ok], prov_new_code[new_key], "province", 1.0, "whole"))
    for code, prov in legacy.select("districtCode", "provinceCode").unique().iter_rows():
        rows.append((code, old_to_new_prov[prov], "district", 1.0, "whole_province"))
    links = _commune_links(legacy, new, conv)
    rows.extend(_split_weights(links, new))
    rows.extend(_nearest_fallback(legacy, new, set(links), old_to_new_prov))
    frame = pl.DataFrame(rows, schema=["from_code", "to_code", "unit_level", "weight", "method"], orient="row")
    return frame.with_columns(from_version=pl.lit("legacy"), to_version=pl.lit("2025"),
                              source_id=pl.lit(SOURCE_ID)).select(
        "from_version", "from_code", "to_version", "to_code", "unit_level", "weight", "method", "source_id")


def _commune_links(legacy: pl.DataFrame, new: pl.DataFrame, conv: dict) -> dict[str, list[str]]:
    """legacy commune code -> sorted 2025 commune codes, from the converter tables.

    DICT_PROVINCE_WARD_DIVIDED serves the package's address parser, so besides real splits it
    lists, under an old ward whose name another old ward of the same new province shares
    ('Phường 4' of Tây Ninh and of Tân An), the targets of all those namesakes; only the one
    marked `isDefaultNewWard` is the ward's own. Within a group of namesakes, a non-default
    target that one of them merged into whole is that one's alone; any other target goes to the
    namesake marking it default (the nearest, if several do: the package sometimes marks the
    same one), else to the nearest namesake listing it. A ward without namesakes keeps all its
    parts (a real split).
    """
    leg = legacy.filter(pl.col("wardCode").is_not_null())
    old_code = {f"{p}_{d}_{w}": c for p, d, w, c in leg.select("provinceKey", "districtKey", "wardKey", "wardCode").iter_rows()}
    name_of = {c: _name_key(w) for c, w in leg.select("wardCode", "wardKey").iter_rows()}
    centre = {c: ((la, lo), (dla, dlo)) for c, la, lo, dla, dlo in
              leg.select("wardCode", "wardLat", "wardLon", "districtLat", "districtLon").iter_rows()}
    new_code = {(p, _norm_key(w)): c for p, w, c in new.select("provinceKey", "wardKey", "wardCode").iter_rows()}
    new_centre = {c: (la, lo) for c, la, lo in new.select("wardCode", "wardLat", "wardLon").iter_rows()}

    def near(old: str, to: str) -> tuple[float, float]:
        # Distance from the namesake's centre, then its district's: the geocoder gave some
        # namesakes one point (both Phú Tân of Châu Thành at 9.673, 105.952).
        return _dist2(centre[old][0], new_centre[to]), _dist2(centre[old][1], new_centre[to])

    whole: dict[str, str] = {}
    for np_, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nw, old_keys in wards.items():
            for ok in old_keys:
                if ok in old_code and (np_, _norm_key(nw)) in new_code:
                    whole.setdefault(old_code[ok], new_code[(np_, _norm_key(nw))])
    divided: dict[str, tuple[str, list[str], list[str]]] = {}   # code -> (new province, defaults, others)
    for np_, d in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, parts in d.items():
            if ok not in old_code or old_code[ok] in divided:
                continue
            codes = [(new_code[(np_, _norm_key(p["newWardKey"]))], p["isDefaultNewWard"]) for p in parts
                     if (np_, _norm_key(p["newWardKey"])) in new_code]
            divided[old_code[ok]] = (np_, [c for c, dflt in codes if dflt], [c for c, dflt in codes if not dflt])
    namesakes: dict[tuple[str, str], list[str]] = {}
    for code, (np_, _, _) in divided.items():
        namesakes.setdefault((np_, name_of[code]), []).append(code)
    for np_, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for old_keys in wards.values():
            for ok in old_keys:
                if ok in old_code and old_code[ok] not in divided:
                    namesakes.setdefault((np_, name_of[old_code[ok]]), []).append(old_code[ok])
    links: dict[str, list[str]] = {}
    for code, (np_, defaults, others) in divided.items():
        group = namesakes[(np_, name_of[code])]
        keep = []
        for t in defaults + others:
            if t not in defaults and any(whole.get(c) == t for c in group if c != code):
                continue
            rivals = [c for c in group if c in divided and t in divided[c][1]] or \
                     [c for c in group if c in divided and t in divided[c][2]]
            if code in rivals and min(rivals, key=lambda c: near(c, t)) == code:
                keep.append(t)
        if keep:
            links[code] = sorted(set(keep))
    for code, to in whole.items():
        links.setdefault(code, [to])
    return links


def _name_key(ward_key: str) -> str:
    # Namesakes as the package's parser sees them: the same name once accents are dropped.
    return re.sub(r"[^a-z0-9]", "", unidecode(ward_key).lower())


def _dist2(a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _split_weights(links: dict[str, list[str]], new: pl.DataFrame) -> list[tuple]:
    """Commune rows: weight 1 for a whole merge; a split commune's share of each target is
    proportional to the target's area per predecessor (its area / the number of legacy
    communes, whole or part, it was formed from), the expected size of one piece of it. Neither
    package gives the size of the pieces themselves. A target without a positive area makes
    the whole split 'equal_split'."""
    area = {c: a for c, a in new.select("wardCode", "wardAreaKm2").iter_rows()}
    n_from: dict[str, int] = {}
    for targets in links.values():
        for t in targets:
            n_from[t] = n_from.get(t, 0) + 1
    rows = []
    for frm in sorted(links):
        targets = links[frm]
        if len(targets) == 1:
            rows.append((frm, targets[0], "commune", 1.0, "whole"))
            continue
        size = [(area.get(t) or 0.0) / n_from[t] for t in targets]
        if min(size) <= 0:
            rows.extend((frm, t, "commune", 1.0 / len(targets), "equal_split") for t in targets)
        else:
            rows.extend((frm, t, "commune", s / sum(size), "area_share") for t, s in zip(targets, size))
    return rows


def _nearest_fallback(legacy, new, seen, old_to_new_prov) -> list[tuple]:
    """Legacy communes the converter tables leave implicit: the new commune of the same name
    in the new province (it kept its name and absorbed others), else the nearest centre."""
    out = []
    missing = legacy.filter(pl.col("wardCode").is_not_null() & ~pl.col("wardCode").is_in(list(seen)))
    for code, prov, key, lat, lon in missing.select("wardCode", "provinceCode", "wardKey", "wardLat", "wardLon").iter_rows():
        cands = new.filter(pl.col("provinceCode") == old_to_new_prov[prov])
        same = cands.filter(pl.col("wardKey") == key)
        if same.height == 1:
            out.append((code, same["wardCode"][0], "commune", 1.0, "whole_same_name"))
            continue
        d = (cands["wardLat"] - lat) ** 2 + (cands["wardLon"] - lon) ** 2
        out.append((code, cands["wardCode"][int(d.arg_min())], "commune", 1.0, "nearest_centre"))
    return out
