"""The boundary layers the app draws: committed approximate layers, overridden by accepted
official outlines: the state directory's geo/ (cnscd/statedir.py), where the editor stores them, or, for a
viewer following published snapshots, the verified files the snapshot its rerun is pinned to carries
(cnscd/store/snapshot.py `outlines`). Cached per (level, version, province, override file identity), so a
newly accepted or published file shows at the next call without a restart. No Streamlit here."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from cnscd.store import statedir

GEO_DIR = Path(__file__).resolve().parent
# Overridable so tests can point at freshly built layers and a scratch user directory.
LAYER_DIR = Path(os.environ.get("CNSCD_GEO_LAYER_DIR", GEO_DIR / "layers"))
USER_DIR = Path(os.environ.get("CNSCD_GEO_USER_DIR") or statedir.part("geo"))
LEVELS = {"legacy": ("province", "district", "commune"), "2025": ("province", "commune")}
COLUMNS = ["unit_code", "unit_name", "short_name", "unit_level", "boundary_version", "province_code",
           "is_approximate", "source_id", "geometry"]
APPROX_LABEL = {"vi": "ranh giới gần đúng", "en": "approximate boundaries"}
APPROX_NOTE = "ranh giới gần đúng / approximate boundaries"
# The two archipelagos every national map shows and labels (unit codes from the GSO lists).
ARCHIPELAGOS = {
    "legacy": [("498", "Quần đảo Hoàng Sa", "Hoàng Sa (Paracel) Islands", "48", "Đà Nẵng", 112.0, 16.5),
               ("576", "Quần đảo Trường Sa", "Trường Sa (Spratly) Islands", "56", "Khánh Hòa", 114.3, 10.0)],
    "2025": [("20333", "Quần đảo Hoàng Sa", "Hoàng Sa (Paracel) Islands", "48", "Đà Nẵng", 112.0, 16.5),
             ("22736", "Quần đảo Trường Sa", "Trường Sa (Spratly) Islands", "56", "Khánh Hòa", 114.3, 10.0)],
}


def check_level(level: str, version: str) -> None:
    if version not in LEVELS:
        raise ValueError(f"Phiên bản ranh giới không hợp lệ: {version!r} (legacy|2025) / "
                         f"unknown boundary version {version!r} (legacy|2025)")
    if level not in LEVELS[version]:
        raise ValueError(f"Cấp {level!r} không có trong phiên bản {version} ({', '.join(LEVELS[version])}) / "
                         f"level {level!r} does not exist in version {version}")


def layer_path(level: str, version: str, directory: Path | None = None) -> Path:
    return (directory or LAYER_DIR) / f"{level}_{version}.parquet"


def user_path(level: str, version: str) -> Path:
    """Where accepted official outlines are stored (geo.load.accept) and published from (the editor's)."""
    return layer_path(level, version, USER_DIR)


def override_path(level: str, version: str) -> Path | None:
    """The official outlines this thread draws for a layer (None: none): a viewer following snapshots
    reads its pinned snapshot's file, everyone else the state directory's (which may not exist)."""
    from cnscd.store import follow

    carried = follow.outlines()
    if carried is None:
        return user_path(level, version)
    return carried.get(f"{level}_{version}")


def override_key(level: str, version: str) -> tuple | None:
    """Changes whenever the official outlines drawn for this layer change (None: none): a cache key.
    A snapshot's file is named by its content; a state-directory file is replaced (os.replace) when accepted."""
    path = override_path(level, version)
    if path is None:
        return None
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return str(path), st.st_ino, st.st_mtime_ns, st.st_size


def outlines_key() -> tuple:
    """`override_key` of every layer: what a figure drawn from the layers depends on."""
    return tuple((level, version, override_key(level, version)) for version, lvls in LEVELS.items() for level in lvls)


def layer(level: str, version: str, province_code: str | None = None) -> gpd.GeoDataFrame:
    """Polygons of one level and version (optionally one province), EPSG:4326, COLUMNS.
    A copy of the cached frame (~1 ms), so callers may add columns freely."""
    check_level(level, version)
    key = override_key(level, version)
    return _layer(level, version, province_code, layer_path(level, version), key).copy()


@functools.lru_cache(maxsize=128)
def _layer(level: str, version: str, province_code: str | None, path: Path, key: tuple | None) -> gpd.GeoDataFrame:
    if province_code is not None:
        full = _layer(level, version, None, path, key)
        part = full[full["province_code"] == province_code]
        if part.empty:
            raise ValueError(f"Không có tỉnh mã {province_code!r} trong phiên bản {version} / "
                             f"no province with code {province_code!r} in version {version}")
        return part.reset_index(drop=True)
    gdf = gpd.read_parquet(path)[COLUMNS]
    if key is not None:
        gdf = apply_overrides(gdf, gpd.read_parquet(key[0]))
    return gdf


def apply_overrides(gdf: gpd.GeoDataFrame, user: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Replace the geometry of units with accepted official outlines (exact, with their source)."""
    by_code = user.set_index("unit_code")
    hit = gdf["unit_code"].isin(by_code.index)
    out = gdf.copy()
    codes = out.loc[hit, "unit_code"]
    out.loc[hit, "geometry"] = by_code.geometry.reindex(codes).values
    out.loc[hit, "source_id"] = by_code["source_id"].reindex(codes).values
    out.loc[hit, "is_approximate"] = False
    return out


def islands(version: str) -> gpd.GeoDataFrame:
    """Hoàng Sa and Trường Sa: code, names, owning province, label position, geometry."""
    check_level("province", version)
    level = "district" if version == "legacy" else "commune"
    geoms = layer(level, version).set_index("unit_code").geometry
    rows = [dict(unit_code=c, name_vi=vi, name_en=en, province_code=p, province_name=pn,
                 label_lon=x, label_lat=y) for c, vi, en, p, pn, x, y in ARCHIPELAGOS[version]]
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame, geometry=geoms.reindex(frame["unit_code"]).values, crs=4326)


def clear_cache() -> None:
    _layer.cache_clear()
