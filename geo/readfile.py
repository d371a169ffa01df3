"""Reading a planner's boundary file: any GDAL vector format, any CRS, geometry repaired or refused.
Problems go into `errors` as one Vietnamese / English message each."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

VN_BOUNDS = (101.0, 5.0, 118.5, 24.5)   # lon/lat box around Viet Nam and its archipelagos


def read_any(path: Path) -> gpd.GeoDataFrame:
    """GeoJSON, TopoJSON, zipped Shapefile or GeoPackage (first layer) via GDAL."""
    target = f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)
    return gpd.read_file(target)


def to_wgs84(gdf: gpd.GeoDataFrame, errors: list[str]) -> gpd.GeoDataFrame | None:
    """Any declared CRS to EPSG:4326; no CRS is accepted only for lon/lat-looking coordinates."""
    if gdf.crs is None:
        x0, y0, x1, y1 = gdf.total_bounds
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            errors.append("Tệp không khai báo hệ tọa độ và tọa độ không phải kinh/vĩ độ / "
                          "the file declares no CRS and its coordinates are not longitude/latitude")
            return None
        gdf = gdf.set_crs(4326)
    gdf = gdf.to_crs(4326)
    if not shapely.box(*VN_BOUNDS).intersects(shapely.box(*gdf.total_bounds)):
        errors.append(f"Tệp nằm ngoài Việt Nam sau khi chuyển sang EPSG:4326 (khung {gdf.total_bounds.round(2)}) / "
                      "the file lies outside Viet Nam after reprojection to EPSG:4326: wrong CRS?")
        return None
    return gdf


def repair(gdf: gpd.GeoDataFrame, labels: list[str], errors: list[str],
           repaired: list[str]) -> gpd.GeoDataFrame | None:
    """Polygons only; invalid ones made valid (and listed in `repaired`)."""
    geoms = []
    for label, g in zip(labels, gdf.geometry):
        if g is None or g.is_empty:
            errors.append(f"Đối tượng '{label}' không có hình / feature '{label}' has no geometry")
            continue
        if not g.is_valid:
            g = shapely.make_valid(g)
            repaired.append(label)
        polys = shapely.get_parts(g)
        polys = [p for p in polys if p.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            errors.append(f"Đối tượng '{label}' không phải vùng (đa giác) hoặc không sửa được / "
                          f"feature '{label}' is not a polygon or cannot be repaired")
            continue
        geoms.append(shapely.union_all(polys) if len(polys) > 1 else polys[0])
    return None if errors else gdf.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=gdf.index))
