"""Page speed: server time to first render and to re-render after a control change (AppTest),
and the browser's time to the first chart after navigation (Debian chromium, offline), with the CPU the
browser spent for it (less bound to the shared machine's load than wall-clock).

Baselines measured in the same run: a naive data path (the whole observation table read into
pandas and filtered there, what a page would cost without DuckDB queries and caching) and, for the
browser, a one-chart toy Streamlit page served in the same run (the framework's and plotly.js's own
floor; issue 11 §5 asks ≤ 1.2× it). `python -m bench.bench_pages` runs the browser part alone.
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
    Both after the served app's background read of the snapshot's frames (cnscd.ui.cache._warm_once).
    """
    from streamlit.testing.v1 import AppTest

    def session() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        return at

    import os
    import threading

    os.environ["CNSCD_WARM_DATA"] = "1"     # as `cnscd.serve` runs the app: a snapshot's frames read once, in the background
    at = session()
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    # a running server has finished that start-up read long before a user changes a control
    for thread in [t for t in threading.enumerate() if t.name == "cnscd-warm-data"]:
        thread.join(300)
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


TOY = """import plotly.graph_objects as go
import streamlit as st

st.title("Toy")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[3, 1, 4, 2]), layout={"title": "toy"}), theme=None)
"""
CHART_PATHS = ("tong-quan", "ban-do", "so-sanh-tinh", "so-sanh-huyen", "muc-tieu")
# the first chart drawn: Plotly has made its SVG (the div alone appears before the figure is drawn)
FIRST_CHART = ".js-plotly-plot .main-svg"


def _deltas(payload) -> int:
    """1 if the websocket frame is a ForwardMsg delta (an element or a block the page adds), else 0."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, (bytes, bytearray)):
        return 0
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg
        return 0
    return int(msg.WhichOneof("type") == "delta")


_SERVERS: set[int] = set()     # the servers this run started: their CPU is not the browser's


def _browser_cpu_ms() -> float:
    """CPU time (user + system) of every process under this one but the servers: the Playwright driver
    and the chromium it started (browser, GPU, renderers). The machine is shared, so wall-clock follows
    its load; the CPU the browser spends on a page does much less."""
    me, parent, cpu = os.getpid(), {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parent[int(d)], cpu[int(d)] = int(fields[1]), int(fields[11]) + int(fields[12])
    total = 0
    for pid, ticks in cpu.items():
        up = pid
        while up and up != me and up not in _SERVERS:
            up = parent.get(up)
        total += ticks if up == me and pid != me else 0
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def _visit(page, url: str) -> dict:
    """One fresh load of `url` (new document, new websocket session) until the first chart is drawn:
    seconds, the browser's CPU for it (ms, `_browser_cpu_ms`), reruns the browser asked for (BackMsgs
    sent), bytes the server sent until then, and the elements (delta messages: elements and blocks, the
    sidebar's too) of the whole run."""
    sent, got, deltas = [], [], []

    def on_ws(ws):
        ws.on("framesent", lambda payload: sent.append(len(payload)))
        ws.on("framereceived", lambda payload: (got.append(len(payload)), deltas.append(_deltas(payload))))
    page.on("websocket", on_ws)
    try:
        cpu0, t0 = _browser_cpu_ms(), time.perf_counter()
        page.goto(url)
        page.wait_for_selector(FIRST_CHART, timeout=60000)
        seconds, cpu = time.perf_counter() - t0, _browser_cpu_ms() - cpu0
        got_until_chart = sum(got)
        page.wait_for_timeout(1500)     # reruns asked for after the first chart (URL written back, st.rerun)
        return {"s": seconds, "cpu": cpu, "backmsgs": len(sent), "bytes": got_until_chart, "elements": sum(deltas)}
    finally:
        page.remove_listener("websocket", on_ws)


def _browser_first_chart(rounds: int = 3) -> tuple[dict[str, dict], dict]:
    """Fresh load to first chart of each chart page, served the way the app is (`python -m cnscd.serve`),
    and of a one-chart toy Streamlit page (same Streamlit, same plotly.js) served in the same run,
    visited before each page's visit so both meet the same machine load. Round 1 is each page's
    first visit after the server started (its caches cold, only "/" opened before); rounds 2.. are
    later visits (the median is kept)."""
    from playwright.sync_api import sync_playwright

    from cnscd.export.engine import browser_path   # CHROMIUM_PATH, else chromium on PATH

    from scripts.screenshot import ARGS, free_port, wait_http

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "cnscd.serve", "--server.headless", "true",
                               "--server.port", str(port)], cwd=ROOT, env={**os.environ},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    toy = Path(tempfile.mkdtemp()) / "toy.py"
    toy.write_text(TOY)
    port2 = free_port()
    toy_server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(toy), "--server.headless", "true",
                                   "--server.port", str(port2), "--server.fileWatcherType", "none",
                                   "--browser.gatherUsageStats", "false"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _SERVERS.update((server.pid, toy_server.pid))
    visits: dict[str, list[dict]] = {}
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        wait_http(f"http://127.0.0.1:{port2}/_stcore/health")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path(), args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else r.abort())
            _visit(page, f"http://127.0.0.1:{port2}/")   # both origins' static files in the browser cache
            _visit(page, f"http://127.0.0.1:{port}/")
            for _ in range(rounds):
                for path in CHART_PATHS:
                    visits.setdefault("toy", []).append(_visit(page, f"http://127.0.0.1:{port2}/"))
                    visits.setdefault(path, []).append(_visit(page, f"http://127.0.0.1:{port}/{path}"))
            browser.close()
    finally:
        for s in (server, toy_server):
            s.terminate()
            s.wait(timeout=10)
    return visits


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


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
    rows += browser_rows(_browser_first_chart())
    return rows


def browser_rows(visits: dict[str, list[dict]]) -> list[dict]:
    """First visit and later visits of each chart page against the toy's median of the same run
    (issue 11 §5: ≤ 1.2× the toy)."""
    toy, toy_cpu = _median(visits["toy"], "s") * 1000, _median(visits["toy"], "cpu")
    rows = [{"name": "browser, first chart drawn, one-chart toy page", "value": toy, "unit": "ms", "target": "—",
             "baseline": None, "baseline_label": f"browser CPU {toy_cpu:,.0f} ms"}]
    for path in CHART_PATHS:
        first, later = visits[path][0], visits[path][1:]
        for label, value, cpu, backmsgs, size, elements in (
                ("first visit", first["s"], first["cpu"], first["backmsgs"], first["bytes"], first["elements"]),
                ("later visits", _median(later, "s") if later else None, _median(later, "cpu") if later else None,
                 max(r["backmsgs"] for r in later) if later else None, _median(later, "bytes") if later else None,
                 _median(later, "elements") if later else None)):
            if value is None:
                continue
            rows.append({"name": f"browser, first chart drawn, /{path}, {label}", "value": value * 1000, "unit": "ms",
                         "target": f"≤ {1.2 * toy:,.0f} ms (1.2× toy)", "baseline": toy,
                         "baseline_label": f"toy, same run; browser CPU {cpu:,.0f} ms (toy {toy_cpu:,.0f}); reruns "
                                           f"asked {backmsgs}, {size / 1024:,.0f} KiB before the chart, {elements:.0f} "
                                           f"elements in the run"})
    return rows


def main() -> int:
    """`python -m bench.bench_pages --browser`: only the browser figures (first chart against the toy)."""
    for r in browser_rows(_browser_first_chart(int(os.environ.get("CNSCD_BENCH_ROUNDS", "3")))):
        ratio = f"{r['value'] / r['baseline']:.2f}×" if r.get("baseline") else ""
        print(f"{r['name']:<58} {r['value']:8.0f} ms  {ratio:>6}  {r.get('baseline_label', '')}", flush=True)
    print(f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
