"""The build's inputs, as one digest: every file `python -m data build` reads or runs (the seed CSVs
and their provenance sidecars, the build and demo-generator code in data/, the SQL in queries/, the
import code that replays kept batches) plus the pinned units package. `populate` stores it in
core_build_info (key `input_fingerprint`); tests/conftest.py compares it at session start, so the suite
never runs on a warehouse older than its inputs.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "input_fingerprint"
INPUTS = ("data/*.csv", "data/*.json", "data/*.py", "queries/*.sql", "cnscd/ingest/*.py", "cnscd/warehouse.py")


def input_files(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in INPUTS for p in root.glob(pattern) if p.is_file()})


def fingerprint(root: Path = ROOT) -> str:
    """sha256 over (path, content) of every input file and the units package version."""
    from data import units

    h = hashlib.sha256()
    for p in input_files(root):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(repr(sorted(units.package_provenance().items())).encode())
    return h.hexdigest()
