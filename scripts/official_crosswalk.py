"""Extract the statistics office's legacy -> 2025 commune conversion table into a comparison file.

Run with a Python >= 3.12 venv that has `vietnam-provinces==2026.9.0` (GPL-3.0) installed, kept
OUTSIDE the project (the app never needs it):

    /root/.pyenv/versions/3.12.1/bin/python3.12 -m venv /work/venv312
    /work/venv312/bin/pip install vietnam-provinces==2026.9.0
    /work/venv312/bin/python scripts/official_crosswalk.py      # writes data/crosswalk_official.csv

The package ships GSO's table "BangChuyendoiĐVHCmoi_cu_khong_merge.csv" as `OLD_TO_NEW`: one entry
per legacy commune (ward code), the 2025 commune(s) it went to, and whether it was split
(`is_partly_merged`). Output: one row per (legacy commune, 2025 commune) pair, codes zero-padded
like GSO's (commune 5 digits, district 3, province 2), sorted, so a second run is byte-identical.
Then run `python -m data.provenance refresh` with the project's venv.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "crosswalk_official.csv"
VERSION = "2026.9.0"
COLUMNS = ["legacy_code", "legacy_name", "legacy_district_code", "legacy_province_code", "is_partly_merged",
           "code_2025", "name_2025", "province_code_2025"]


def rows() -> list[list[str]]:
    import vietnam_provinces
    from vietnam_provinces import _lookup as new_lookup
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW
    from vietnam_provinces.legacy import _lookup as old_lookup

    if vietnam_provinces.__version__ != VERSION:
        sys.exit(f"vietnam-provinces {vietnam_provinces.__version__} installed, {VERSION} expected")
    old_name = {int(k): w.name for k, w in old_lookup.WARD_MAPPING.items()}
    new_name = {int(k): w.name for k, w in new_lookup.WARD_MAPPING.items()}
    out = []
    for code, entry in OLD_TO_NEW.items():
        o = entry.old_ward
        for n in entry.new_wards:
            out.append([f"{code:05d}", old_name.get(code, ""), f"{o.district_code:03d}", f"{o.province_code:02d}",
                        "true" if o.is_partly_merged else "false",
                        f"{n.code:05d}", new_name.get(n.code, ""), f"{n.province_code:02d}"])
    return sorted(out)


def main() -> None:
    data = rows()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(data)
    print(f"wrote {len(data)} rows ({len({r[0] for r in data})} legacy communes) to {OUT}")


if __name__ == "__main__":
    main()
