"""Provenance sidecars: every data file under data/ and geo/ has `<name>.meta.json`.

`python -m data.provenance refresh` recomputes each sidecar's sha256; `check()` lists problems.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_SUFFIXES = {".csv", ".json", ".geojson", ".parquet", ".xlsx", ".topojson", ".gpkg", ".txt"}
REQUIRED = ("title", "source", "publisher", "url_or_package", "licence", "date", "sha256", "description")
SEARCH_DIRS = ("data", "geo")
IGNORED_PARTS = {"__pycache__", "imports", "user", "tests"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def data_files(root: Path = ROOT) -> list[Path]:
    out = []
    for d in SEARCH_DIRS:
        for p in sorted((root / d).rglob("*")):
            if not p.is_file() or p.name.endswith(".meta.json") or set(p.relative_to(root).parts) & IGNORED_PARTS:
                continue
            if p.suffix in DATA_SUFFIXES:
                out.append(p)
    return out


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def check(root: Path = ROOT) -> list[str]:
    problems = []
    for p in data_files(root):
        rel = p.relative_to(root)
        meta_path = sidecar(p)
        if not meta_path.is_file():
            problems.append(f"{rel}: no provenance sidecar {meta_path.name}")
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{rel}: sidecar is not JSON ({exc})")
            continue
        missing = [k for k in REQUIRED if not str(meta.get(k, "")).strip()]
        if missing:
            problems.append(f"{rel}: sidecar lacks {', '.join(missing)}")
        elif meta["sha256"] != sha256(p):
            problems.append(f"{rel}: sha256 in sidecar does not match the file (run python -m data.provenance refresh)")
    return problems


def refresh(root: Path = ROOT) -> int:
    n = 0
    for p in data_files(root):
        meta_path = sidecar(p)
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["sha256"] = sha256(p)
            meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            n += 1
    return n


if __name__ == "__main__":
    if sys.argv[1:] == ["refresh"]:
        print(f"refreshed {refresh()} sidecars")
    else:
        problems = check()
        print("\n".join(problems) or "all provenance sidecars valid")
        sys.exit(1 if problems else 0)
