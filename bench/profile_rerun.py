"""Where one rerun of each chart page spends its time (issue 12 §4; docs/scaling.md "next step").

    python bench/profile_rerun.py [--top 12]

Runs each chart page in AppTest on the demo warehouse: a first run (cold caches), then one rerun
with another period and province (what a viewer does every ~10 s), profiled with cProfile in the
script thread. Prints the rerun's wall time and the functions with the most cumulative time,
grouped by where they live (cnscd/, queries/, plotly, streamlit, polars/duckdb).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = {"tong-quan": None, "ban-do": "pages/2_Ban_do.py", "so-sanh-tinh": "pages/3_So_sanh_tinh.py",
         "so-sanh-huyen": "pages/4_So_sanh_huyen.py", "muc-tieu": "pages/5_Muc_tieu.py"}


class ThreadProfiles:
    """cProfile every thread started while active (AppTest runs the script in its own thread)."""

    def __init__(self):
        self.stats: list[cProfile.Profile] = []
        self._orig = threading.Thread.run

    def __enter__(self):
        outer = self

        def run(thread):
            prof = cProfile.Profile()
            outer.stats.append(prof)
            prof.enable()
            try:
                outer._orig(thread)
            finally:
                prof.disable()
        threading.Thread.run = run
        return self

    def __exit__(self, *exc):
        threading.Thread.run = self._orig

    def merged(self) -> pstats.Stats | None:
        profs = [p for p in self.stats if p.getstats()]
        if not profs:
            return None
        st = pstats.Stats(profs[0])
        for p in profs[1:]:
            st.add(p)
        return st


def area(filename: str) -> str:
    for key in ("cnscd/views", "cnscd/charts", "cnscd/export", "cnscd/", "queries/", "pages/", "geo/"):
        if f"/{key}" in filename or filename.startswith(key):
            return key.rstrip("/")
    for lib in ("plotly", "streamlit", "polars", "duckdb", "pyarrow", "pandas", "narwhals", "shapely", "json"):
        if f"/{lib}/" in filename:
            return lib
    return "other"


def profile(page: str, top: int) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"ind": "teams_total", "period": "2024-03", "unit": "87"})
    at.run()
    if PAGES[page]:
        at.switch_page(PAGES[page]).run()
    at.query_params.update({"period": "2025-09", "unit": "79"})     # a new combination: cold for this page
    with ThreadProfiles() as tp:
        t0 = time.perf_counter()
        at.run()
        wall = time.perf_counter() - t0
    st_ = tp.merged()
    print(f"\n== {page or 'tong-quan'}: rerun {wall * 1000:.0f} ms wall (profiled, so slower than unprofiled)")
    if st_ is None:
        return
    rows = []
    for (fname, line, func), (cc, nc, tt, ct, callers) in st_.stats.items():
        rows.append((ct, tt, area(fname), f"{Path(fname).name}:{line} {func}"))
    by_area: dict[str, float] = {}
    for ct, tt, a, _ in rows:
        by_area[a] = by_area.get(a, 0.0) + tt
    total = sum(by_area.values()) or 1
    print("   own time by area: " + ", ".join(f"{a} {v / total:.0%}" for a, v in sorted(by_area.items(), key=lambda x: -x[1])[:8]))
    for ct, tt, a, name in sorted((r for r in rows if r[2] in ("cnscd/views", "cnscd/charts", "cnscd", "queries", "pages", "geo", "cnscd/export")),
                                  key=lambda r: -r[0])[:top]:
        print(f"   {ct * 1000:8.0f} ms cumulative  {a:<13} {name}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--page", action="append", choices=list(PAGES))
    args = ap.parse_args()
    for page in args.page or PAGES:
        profile(page, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
