"""Speed and memory figures, each with a naive baseline measured in the same run and the ratio.

Run: `.venv/bin/python bench/benchmark.py [--only NAME]` (NAME: build, geo, pages, export, import, load, figures). Targets (from the issues) are printed
beside the figures; nothing here is a pass/fail test. Sections live in bench/bench_*.py, each
exposing `run() -> list[dict]` with keys: name, value, unit, baseline, baseline_label, target.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECTIONS = ["bench_build", "bench_geo", "bench_pages", "bench_export", "bench_import", "bench_load", "bench_figures"]


def fmt_row(r: dict) -> str:
    base = r.get("baseline")
    ratio = f"{r['value'] / base:8.3g}×" if base else "       —"
    base_s = f"{base:,.1f} {r['unit']} ({r.get('baseline_label', '')})" if base else ""
    value = f"{r['value']:,.0f}" if r["unit"] == "rows" else f"{r['value']:,.1f}"
    note = f"  ({r['note']})" if r.get("note") else ""      # e.g. what the load's errors said
    return f"{r['name']:<58} {value:>12} {r['unit']:<4} target {str(r.get('target', '—')):<10} ratio {ratio}  baseline {base_s}{note}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="run only these sections")
    args = ap.parse_args()
    for name in args.only or SECTIONS:
        name = name if name.startswith("bench_") else f"bench_{name}"   # --only load == --only bench_load
        path = ROOT / "bench" / f"{name}.py"
        if not path.is_file():
            print(f"[{name}] not present")
            continue
        mod = importlib.import_module(f"bench.{name}")
        print(f"[{name}]")
        t0 = time.perf_counter()
        rows = mod.run()
        for r in rows:
            print("  " + fmt_row(r))
        # ru_maxrss (KiB on Linux) is the process's peak so far: no tracing overhead on the timings
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  (section took {time.perf_counter() - t0:.1f} s; peak resident memory of this process so far {peak:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
