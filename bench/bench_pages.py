"""Page speed: server time to first render and to re-render after a control change (AppTest),
and the browser's time to the first chart after navigation (Debian chromium, offline).

Baselines measured in the same run: a naive data path (the whole observation table read into
pandas and filtered there, what a page would cost without DuckDB queries and caching) and, for the
browser, an empty Streamlit page (the framework's own floor).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/1_Tong_quan.py", "pages/2_Ban_do.py", "pages/3_So_sanh_tinh.py", "pages/4_So_sanh_huyen.py",
         "pages/5_Muc_tieu.py", "pages/7_Nguon.py"]


def _naive_query_seconds() -> float:
    import duckdb

    from cnscd.store import warehouse

    con = duckdb.connect(str(warehouse.path()), read_only=True)
    try:
        t0 = time.perf_counter()
        df = con.table("core_observation").df()
        df[(df.indicator_code == "teams_total") & (df.unit_code.str.len() == 2)].groupby("period_end")["value"].sum()
        return time.perf_counter() - t0
    finally:
        con.close()


def _app_timings(page: str) -> tuple[float, float, float | None]:
    """(cold first render, warm first render of a new session, control change) in seconds.

    Cold: the first session of this process opens the page (imports, layer loading, empty
    caches). Warm: a new session opens it on a server that has served it once, which is what a
    user meets on a running app. Control change: the first selectbox set to an option not seen yet.
    """
    from streamlit.testing.v1 import AppTest

    def session() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        return at

    at = session()
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    at = session()
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    change = None
    for box in at.main.selectbox:
        if len(box.options) > 1:
            t0 = time.perf_counter()
            box.select(box.options[-1]).run()
            change = time.perf_counter() - t0
            break
    return cold, warm, change


def _browser_first_chart() -> tuple[dict[str, float], float]:
    from playwright.sync_api import sync_playwright

    from cnscd.export.engine import browser_path   # CHROMIUM_PATH, else chromium on PATH

    from scripts.screenshot import ARGS, free_port, wait_http

    port = free_port()
    env = {**os.environ}
    server = subprocess.Popen([sys.executable, "-m", "cnscd.serve", "--server.headless", "true",
                               "--server.port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    empty = Path(tempfile.mkdtemp()) / "empty.py"
    empty.write_text("import streamlit as st\nst.write('ok')\n")
    port2 = free_port()
    floor_server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(empty), "--server.headless", "true",
                                     "--server.port", str(port2)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict[str, float] = {}
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        wait_http(f"http://127.0.0.1:{port2}/_stcore/health")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path(), args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else r.abort())
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port2}/")
            page.get_by_text("ok").wait_for(timeout=30000)
            floor = time.perf_counter() - t0
            page.goto(f"http://127.0.0.1:{port}/")  # warm the server once
            page.wait_for_selector(".js-plotly-plot", timeout=60000)
            # each page twice: the first visit after the server started (its caches cold), then again
            for visit in ("first visit", "next visit"):
                for path in ("tong-quan", "ban-do", "so-sanh-tinh", "so-sanh-huyen", "muc-tieu"):
                    t0 = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/{path}")
                    page.wait_for_selector(".js-plotly-plot", timeout=60000)
                    out[f"{visit}: /{path}"] = time.perf_counter() - t0
            browser.close()
    finally:
        for s in (server, floor_server):
            s.terminate()
            s.wait(timeout=10)
    return out, floor


def run() -> list[dict]:
    naive = _naive_query_seconds()
    rows = []
    for page in PAGES:
        if not (ROOT / page).is_file():
            continue
        cold, warm, change = _app_timings(page)
        rows.append({"name": f"first render, server, new session: {page}", "value": warm * 1000, "unit": "ms",
                     "target": "≤ 1000 ms", "baseline": cold * 1000, "baseline_label": "same page, cold process"})
        if change is not None:
            rows.append({"name": f"control change, server: {page}", "value": change * 1000, "unit": "ms",
                         "target": "≤ 300 ms", "baseline": naive * 1000, "baseline_label": "naive: whole table → pandas"})
    browser, floor = _browser_first_chart()
    for path, seconds in browser.items():
        rows.append({"name": f"browser, first chart visible, {path}", "value": seconds * 1000, "unit": "ms",
                     "target": "≤ 3000 ms", "baseline": floor * 1000, "baseline_label": "empty Streamlit page"})
    return rows
