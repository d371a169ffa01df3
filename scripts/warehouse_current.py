"""`python scripts/warehouse_current.py`: exit 0 when the warehouse `python -m data build` writes
(CNSCD_WAREHOUSE, else var/warehouse.duckdb) exists and was built from today's inputs (its
`input_fingerprint` in core_build_info equals data/fingerprint.py's over the files now), 1 otherwise,
saying why. The same test tests/conftest.py makes before a session; scripts/test.sh builds only on 1."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def why_not_current() -> str | None:
    import duckdb

    import queries
    from cnscd.store import warehouse
    from data import fingerprint

    path = warehouse.path()
    if not path.is_file():
        return f"{path} is missing"
    try:
        c = duckdb.connect(str(path), read_only=True)
        try:
            built = dict(queries.run(c, "build_info").iter_rows()).get(fingerprint.KEY)
        finally:
            c.close()
    except Exception as exc:  # noqa: BLE001 - unreadable or of an older layout: rebuild
        return f"{path} could not be read ({exc})"
    if built != fingerprint.fingerprint():
        return f"{path} is older than its inputs"
    return None


if __name__ == "__main__":
    why = why_not_current()
    print(f"warehouse: {why}: building" if why else "warehouse: current (built from today's inputs), kept",
          file=sys.stderr)
    sys.exit(1 if why else 0)
