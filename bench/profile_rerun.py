"""Where one rerun of each chart page spends its time (issue 12 §4; docs/scaling.md "next step").

    python bench/profile_rerun.py [--top 12]          # cProfile of one cold rerun per page
    python bench/profile_rerun.py --cpu [--repeat 5]  # CPU (time.process_time) of one rerun, median

--cpu: per page, after a first run, `repeat` reruns each to a combination no session has opened
(new view: cold figures) and then `repeat` reruns to combinations opened before (warm: what most
reruns of a meeting are); prints the median CPU seconds of the process per rerun and the load average.
AppTest compiles the page scripts again on every run (a new ScriptCache per run) and parses every
element it gets back; a server does neither, so --cpu lends AppTest one ScriptCache for all runs.

    python bench/profile_rerun.py --queries

--queries: CPU of each query a new view runs, cold (a fresh connection each time, median of 3), beside the
frames read once per warehouse snapshot that replace the per-view ones (mapdata.month_values).

    python bench/profile_rerun.py --server [--repeat 5]

--server: the real path: one `python -m cnscd.serve`, one websocket viewer (bench/bench_load.Client)
sending the browser's rerun_script requests; the server process's own CPU (/proc/PID/stat, user +
system) per rerun, median over the same combinations, new view and opened before, measured once the
server's start-up threads (map layers, the snapshot's shared frames) are done.

    python bench/profile_rerun.py --first [--repeat 5]

--first: the same server, what a new viewer costs beyond a later rerun: the page's GET, the websocket's
opening (a new session), the session's first run of a view another session opened, a later rerun of it.

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


def _opened(page: str):
    """An AppTest session that has opened `page` at the first view (legacy 87, 03/2024)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"ind": "teams_total", "period": "2024-03", "unit": "87"})
    at.run()
    if PAGES[page]:
        at.switch_page(PAGES[page]).run()
    return at


def profile(page: str, top: int) -> None:
    import streamlit as st

    st.cache_data.clear()
    at = _opened(page)
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


# (period, unit) combinations a viewer reruns to; the first run is at 2024-03 / 87
COMBOS = [("2025-09", "79"), ("2024-11", "01"), ("2026-02", "82"), ("2023-06", "70"), ("2025-03", "48"),
          ("2026-06", "01"), ("2024-07", "79"), ("2025-12", "82")]


def cpu(page: str, repeat: int) -> tuple[float, float]:
    """(median CPU s of a rerun to a new view, median CPU s of a rerun to a view opened before)."""
    import os
    import statistics

    import streamlit as st

    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared = ScriptCache()                 # as a server: scripts compiled once, not on every run
    local_script_runner.ScriptCache = lambda: shared
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _opened(page)
    combos = COMBOS[:repeat]

    def rerun(period: str, unit: str) -> float:
        at.query_params.update({"period": period, "unit": unit})
        c0 = time.process_time()
        at.run()
        assert not at.exception, at.exception
        return time.process_time() - c0

    cold = [rerun(p, u) for p, u in combos]
    warm = [rerun(p, u) for p, u in combos]
    print(f"{page:<14} new view {statistics.median(cold) * 1000:6.0f} ms CPU   opened before "
          f"{statistics.median(warm) * 1000:6.0f} ms CPU   (load average {os.getloadavg()[0]:.1f})", flush=True)
    return statistics.median(cold), statistics.median(warm)


def server(pages: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """Per page: (median server CPU s of a rerun to a new view, of a rerun to a view opened before)."""
    import asyncio
    import os
    import statistics
    import subprocess
    import urllib.parse

    from bench.bench_load import Client, cpu_seconds, settle
    from scripts.screenshot import free_port, wait_http

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cnscd.serve", "--server.headless", "true", "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health")

        async def go():
            c = Client(f"http://127.0.0.1:{port}/")
            await c.open()
            await c.rerun("", "ind=teams_total&period=2024-03&unit=87", 120)     # imports, first caches
            # the server's start-up work on background threads (map layers, the snapshot's shared frames)
            # is not a rerun's: wait until the process is idle
            await asyncio.to_thread(settle, [proc.pid], 60.0)
            for page in pages:
                name = "" if page == "tong-quan" else page
                await c.rerun(name, "ind=teams_total&period=2024-03&unit=87", 120)
                runs = {"new": [], "warm": []}
                for kind in ("new", "warm"):
                    for period, unit in COMBOS[:repeat]:
                        q = urllib.parse.urlencode({"ind": "teams_total", "period": period, "unit": unit})
                        c0 = cpu_seconds(proc.pid)
                        await c.rerun(name, q, 120)
                        await asyncio.sleep(0.05)     # the forward messages after script_finished
                        runs[kind].append(cpu_seconds(proc.pid) - c0)
                out[page] = (statistics.median(runs["new"]), statistics.median(runs["warm"]))
                print(f"{page:<14} new view {out[page][0] * 1000:6.0f} ms CPU   opened before "
                      f"{out[page][1] * 1000:6.0f} ms CPU   (server process; load average {os.getloadavg()[0]:.1f})",
                      flush=True)
            await c.close()
        asyncio.run(go())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def first_runs(pages: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Per page, the server's CPU (median of `repeat`) for what a new viewer costs beyond a later rerun:
    the page's GET (a browser's first visit; the benchmark takes its affinity cookie from it), the
    websocket's opening (a new session), the session's first script run of a view opened before (by
    another session), and a later rerun of the same view in an existing session."""
    import asyncio
    import os
    import statistics
    import subprocess
    import urllib.parse

    from bench.bench_load import Client, affinity_cookie, cpu_seconds, settle
    from scripts.screenshot import free_port, wait_http

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "-m", "cnscd.serve", "--server.headless", "true", "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}

    def used(c0: float) -> float:
        return cpu_seconds(proc.pid) - c0

    try:
        wait_http(f"{url}_stcore/health")

        async def go():
            old = Client(url)
            await old.open()
            await old.rerun("", "ind=teams_total&period=2024-03&unit=87", 120)
            await asyncio.to_thread(settle, [proc.pid], 60.0)
            for page in pages:
                name = "" if page == "tong-quan" else page
                runs: dict[str, list[float]] = {"get": [], "open": [], "first": [], "later": []}
                for period, unit in COMBOS[:repeat]:
                    q = urllib.parse.urlencode({"ind": "teams_total", "period": period, "unit": unit})
                    await old.rerun(name, q, 120)          # the view is opened before, by another session
                    await asyncio.sleep(0.05)
                    c0 = cpu_seconds(proc.pid)
                    await asyncio.to_thread(affinity_cookie, url)
                    runs["get"].append(used(c0))
                    c0 = cpu_seconds(proc.pid)
                    new = Client(url)
                    await new.open()
                    await asyncio.sleep(0.05)
                    runs["open"].append(used(c0))
                    c0 = cpu_seconds(proc.pid)
                    await new.rerun(name, q, 120)
                    await asyncio.sleep(0.05)
                    runs["first"].append(used(c0))
                    c0 = cpu_seconds(proc.pid)
                    await new.rerun(name, q, 120)
                    await asyncio.sleep(0.05)
                    runs["later"].append(used(c0))
                    await new.close()
                out[page] = {k: statistics.median(v) for k, v in runs.items()}
                print(f"{page:<14} " + "   ".join(f"{k} {v * 1000:4.0f} ms" for k, v in out[page].items())
                      + f"   (server CPU; load average {os.getloadavg()[0]:.1f})", flush=True)
            await old.close()
        asyncio.run(go())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


# (query, params) a new view of each page runs, then the per-snapshot frames that replace the per-view ones
QUERY_COSTS = [
    ("map_values", dict(version="2025", level="commune", province="79", indicator="teams_total",
                        period_end="2025-09-30")),
    ("map_values", dict(version="legacy", level="province", province=None, indicator="teams_total",
                        period_end="2024-06-30")),
    ("district_series", dict(version="2025", level="commune", province="79", indicator="teams_total",
                             start_date="2024-10-31", end_date="2025-09-30")),
    ("recent_series", dict(start_date="2024-10-31", end_date="2025-09-30")),
    ("child_recent_series", dict(version="2025", level="commune", province="79", start_date="2024-10-31",
                                 end_date="2025-09-30")),
    ("child_targets_in_force", dict(version="2025", level="commune", province="79")),
    ("map_observations", dict(version="2025", level="commune", indicator="teams_total")),
    ("map_targets", dict(version="2025", level="commune", indicator="teams_total")),
    ("map_units", dict(version="2025", level="commune")),
    ("map_population", dict(version="2025")),
]


def query_costs() -> None:
    import statistics

    import duckdb

    import queries
    from cnscd.store import warehouse

    for name, params in QUERY_COSTS:
        runs = []
        for _ in range(3):
            con = duckdb.connect(str(warehouse.path()), read_only=True)
            c0 = time.process_time()
            frame = queries.run(con, name, **params)
            runs.append(time.process_time() - c0)
            con.close()
        print(f"{name:<24} {statistics.median(runs) * 1000:6.0f} ms CPU  {frame.height:>7} rows "
              f"{frame.estimated_size() / 2**20:6.2f} MiB", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--page", action="append", choices=list(PAGES))
    ap.add_argument("--cpu", action="store_true", help="median CPU per rerun instead of a profile")
    ap.add_argument("--server", action="store_true", help="server CPU per rerun over the websocket protocol")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--queries", action="store_true", help="cold CPU of the queries of a new view")
    ap.add_argument("--first", action="store_true", help="server CPU of a new session: GET, opening, first run, later rerun")
    args = ap.parse_args()
    if args.first:
        first_runs(args.page or list(PAGES), args.repeat)
        return 0
    if args.queries:
        query_costs()
        return 0
    if args.server:
        server(args.page or list(PAGES), args.repeat)
        return 0
    for page in args.page or PAGES:
        if args.cpu:
            cpu(page, args.repeat)
        else:
            profile(page, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
