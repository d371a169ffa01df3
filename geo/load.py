"""Official boundary files from a planner: read, match to units, report, and on acceptance
store in the state directory's geo/ (var/geo/) where they override the approximate outlines in geo.layers.layer()
(and, on the editor with a snapshot directory, publish them with the warehouse to the viewers).

Matching: by GSO code in any column that holds codes of the level; else by name (geo.names keys:
diacritics, case and type prefixes ignored); a name shared by several units is settled by where
the feature lies (the unit whose approximate outline holds the feature's interior point).
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import layers, store
from geo.readfile import read_any, repair, to_wgs84
from geo.names import code_key, name_keys, plain

CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


@dataclass
class MatchReport:
    path: Path
    level: str
    version: str
    source_id: str = ""
    matched: list[dict] = field(default_factory=list)     # feature, unit_code, unit_name, by
    unmatched: list[dict] = field(default_factory=list)   # feature, label, suggestion
    ambiguous: list[dict] = field(default_factory=list)   # feature, label, candidates
    repaired: list[str] = field(default_factory=list)     # labels of features whose geometry was repaired
    errors: list[str] = field(default_factory=list)       # non-empty: the file is refused
    geometries: gpd.GeoDataFrame | None = None            # unit_code, source_id, geometry (EPSG:4326)

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def text(self) -> str:
        lines = [f"{self.path.name}: {self.level}/{self.version} — khớp/matched {len(self.matched)}, "
                 f"không khớp/unmatched {len(self.unmatched)}, mơ hồ/ambiguous {len(self.ambiguous)}, "
                 f"đã sửa hình/repaired {len(self.repaired)}"]
        lines += [f"  LỖI/ERROR: {e}" for e in self.errors]
        lines += [f"  = {m['label']} -> {m['unit_code']} {m['unit_name']} ({m['by']})" for m in self.matched]
        lines += [f"  ? {u['label']}" + (f" (gần giống/close to: {u['suggestion']})" if u["suggestion"] else "")
                  for u in self.unmatched]
        lines += [f"  ~ {a['label']}: {', '.join(a['candidates'])}" for a in self.ambiguous]
        return "\n".join(lines)


def _units(level: str, version: str) -> pd.DataFrame:
    from data.units import load_units
    import polars as pl
    u = load_units().filter((pl.col("unit_level") == level) & (pl.col("boundary_version") == version))
    return u.select("unit_code", "unit_name", "short_name").to_pandas()


def _code_column(gdf, codes: set[str], width: int) -> str | None:
    best, best_hits = None, 0
    for col in gdf.columns.drop(gdf.geometry.name):
        hits = sum(code_key(v, width) in codes for v in gdf[col])
        if hits > best_hits:
            best, best_hits = col, hits
    return best if best_hits >= max(1, len(gdf) // 2) else None


def _name_column(gdf, index: dict[str, set[str]]) -> str | None:
    best, best_hits = None, 0
    for col in gdf.columns.drop(gdf.geometry.name):
        if gdf[col].dtype != object and str(gdf[col].dtype) != "str":
            continue
        hits = sum(bool(name_keys(v) & index.keys()) for v in gdf[col] if isinstance(v, str))
        if hits > best_hits:
            best, best_hits = col, hits
    return best


def _candidates(label: str, index: dict[str, set[str]]) -> set[str]:
    full = plain(label)
    if full in index:                 # the name as written beats the name with a prefix removed
        return index[full]
    out: set[str] = set()
    for k in name_keys(label):
        out |= index.get(k, set())
    return out


def _index(units: pd.DataFrame) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for code, name, short in units.itertuples(index=False):
        for k in name_keys(name) | name_keys(short):
            index.setdefault(k, set()).add(code)
    return index


def load_file(path: str | Path, level: str, version: str) -> MatchReport:
    """Read and match a boundary file; nothing is stored until accept(report)."""
    path = Path(path)
    layers.check_level(level, version)
    report = MatchReport(path, level, version)
    try:
        report.source_id = f"user:{path.name}#{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
        gdf = read_any(path)
    except Exception as exc:  # GDAL's own message says what is wrong with the file
        report.errors.append(f"Không đọc được tệp {path.name}: {exc} / cannot read {path.name}: {exc}")
        return report
    if gdf.empty:
        report.errors.append(f"Tệp {path.name} không có đối tượng nào / {path.name} has no features")
        return report
    gdf = to_wgs84(gdf, report.errors)
    if gdf is None:
        return report
    units = _units(level, version)
    codes, width, index = set(units["unit_code"]), CODE_WIDTH[level], _index(units)
    code_col, name_col = _code_column(gdf, codes, width), _name_column(gdf, index)
    labels = [str(gdf[name_col].iloc[i]) if name_col else str(gdf[code_col].iloc[i]) if code_col else f"#{i + 1}"
              for i in range(len(gdf))]
    gdf = repair(gdf, labels, report.errors, report.repaired)
    if gdf is None:
        return report
    _match(report, gdf, labels, code_col, name_col, units, index)
    return report


def _match(report, gdf, labels, code_col, name_col, units, index) -> None:
    width, codes = CODE_WIDTH[report.level], set(units["unit_code"])
    name_of = dict(zip(units["unit_code"], units["unit_name"]))
    approx = layers.layer(report.level, report.version).set_index("unit_code").geometry
    chosen: dict[str, list] = {}
    for i, (label, geom) in enumerate(zip(labels, gdf.geometry)):
        code, by = (code_key(gdf[code_col].iloc[i], width) if code_col else None), "code"
        if code not in codes:
            code, by = None, "name"
            cands = _candidates(label, index) if name_col else set()
            if len(cands) > 1:   # the same name in several places: the one the feature lies in
                inside = {c for c in cands if approx[c].contains(geom.representative_point())}
                cands, by = (inside, "name+location") if len(inside) == 1 else (cands, by)
            if len(cands) == 1:
                code = next(iter(cands))
            elif cands:
                report.ambiguous.append(dict(feature=i, label=label,
                                             candidates=[f"{c} {name_of[c]}" for c in sorted(cands)]))
                continue
            else:
                close = difflib.get_close_matches(plain(label), list(index), n=1, cutoff=0.8)
                hint = ", ".join(f"{c} {name_of[c]}" for c in sorted(index[close[0]])) if close else ""
                report.unmatched.append(dict(feature=i, label=label, suggestion=hint))
                continue
        chosen.setdefault(code, []).append(geom)
        report.matched.append(dict(feature=i, label=label, unit_code=code, unit_name=name_of[code], by=by))
    if not chosen:
        report.errors.append("Không đối tượng nào khớp với đơn vị hành chính / no feature matched any unit")
        return
    merged = [shapely.union_all(g) if len(g) > 1 else g[0] for g in chosen.values()]
    report.geometries = gpd.GeoDataFrame({"unit_code": list(chosen), "source_id": report.source_id},
                                         geometry=merged, crs=4326)


def load_bytes(data: bytes, filename: str, level: str, version: str) -> MatchReport:
    """For uploads: the same as load_file on a temporary copy named like the upload."""
    tmp = Path(tempfile.mkdtemp(prefix="geo_upload_")) / Path(filename).name
    tmp.write_bytes(data)
    return load_file(tmp, level, version)


def accept(report: MatchReport) -> None:
    """Store the matched outlines (replacing earlier ones for the same units). A refused report
    raises and changes nothing; so does a viewer replica (it writes nothing). On the editor with a
    snapshot directory the stored outlines are then published (cnscd.store.snapshot.after_outlines),
    so viewers that follow snapshots draw them too."""
    from cnscd.store import role, snapshot

    if not role.can_write():
        raise ValueError(role.read_only_message())
    if report.refused or report.geometries is None or report.geometries.empty:
        reasons = "; ".join(report.errors) or "không có gì để lưu / nothing to store"
        raise ValueError(f"Tệp bị từ chối, ranh giới không thay đổi / file refused, boundaries unchanged: {reasons}")
    target = layers.user_path(report.level, report.version)
    new = report.geometries.assign(source_file=report.path.name,
                                   loaded_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    if target.exists():
        old = gpd.read_parquet(target)
        new = pd.concat([old[~old["unit_code"].isin(new["unit_code"])], new], ignore_index=True)
    store.atomic_parquet(gpd.GeoDataFrame(new, geometry="geometry", crs=4326), target)
    layers.clear_cache()
    snapshot.after_outlines()
