"""Where the running app writes: one directory for runtime state, so the source tree can be read-only.

`CNSCD_STATE_DIR`, default `var/` in the repository (gitignored). Under it:
  warehouse.duckdb (+ .warehouse.duckdb.lock)  built by `python -m data build`, updated by imports
  imports/       original files and batch manifests, replayed by every build
  geo/           accepted official outlines (`python -m geo load`, the boundaries page)
  auth/          failed-login counts per editors file
The older single-purpose variables (`CNSCD_WAREHOUSE`, `CNSCD_IMPORTS_DIR`, `CNSCD_GEO_USER_DIR`) still
override one part each. The one generated place left in the source tree is `static/geo/` (see
cnscd/charts/maplayer.py): Streamlit 1.67 serves only `static/` beside app.py and has no option to move it.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where these lived before issue 10: found there, they are not silently ignored (see part). An old
# data/warehouse.duckdb needs no such guard: it is rebuilt from the source and the imports.
OLD_PLACES = {"imports": ROOT / "data" / "imports", "geo": ROOT / "geo" / "user"}


class StateDirError(RuntimeError):
    """Runtime state found in its old place; message in Vietnamese and English."""


def path() -> Path:
    value = os.environ.get("CNSCD_STATE_DIR", "").strip()
    return Path(value) if value else ROOT / "var"


def part(name: str) -> Path:
    """`<state dir>/<name>`; refuses to start afresh when the old place still holds files and the new
    one does not exist (imports would vanish from the next build, accepted outlines from the map)."""
    new = path() / name
    old = OLD_PLACES.get(name)
    if old is not None and not new.exists() and old.exists() and (old.is_file() or any(old.iterdir())):
        raise StateDirError(f"Dữ liệu chạy nằm ở chỗ cũ {old}: chuyển sang {new} (mv {old} {new}) / "
                            f"runtime state is in its old place {old}: move it to {new} (mv {old} {new})")
    return new
