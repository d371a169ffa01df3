"""Issue 12 §5 with a real browser: `kill -9` the viewer replica a Chromium page is on, behind the
cluster's HAProxy (cookie affinity), and the page reconnects through the balancer by itself (Streamlit's
own frontend) to the other replica within 5 s of the kill, showing the same view all along, and its next
run is the live replica's and shows the same view — the view lives in the URL. (tests/test_cluster.py does the same with the load benchmark's websocket client.)
A cluster of its own (the `running` fixture of tests/test_cluster.py: 2 viewers, the editor, HAProxy),
so the replica killed here is no other test's."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, LOCAL_HOSTS, _script_finished, open_page, wait_idle  # noqa: F401
from tests.test_cluster import SNAP, pytestmark, running  # noqa: F401  (its cluster fixture, its skip)

VIEW = {"ind": "members", "period": "2024-03", "unit": "87"}


def main_texts(pg) -> list[str]:
    """Every text of the page's main area (title, controls' values, chart titles and labels, table), not
    the sidebar's snapshot age."""
    return [t for t in pg.locator('[data-testid="stMain"]').inner_text().splitlines() if t.strip() and not SNAP.match(t)]


def test_kill_9_the_replica_a_browser_is_on(running, browser):
    url = running["url"].rstrip("/")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    ctx.add_cookies([{"name": "CNSCD_REPLICA", "value": "v1", "url": url}])   # this browser is on v1
    pg = ctx.new_page()
    finished: list[tuple[int, float]] = []      # (socket number, when) of every script run finished
    sockets: list = []

    def on_socket(ws):
        n = len(sockets)
        sockets.append(ws)
        ws.on("framereceived", lambda payload: finished.append((n, time.monotonic())) if _script_finished(payload) else None)
    pg.on("websocket", on_socket)
    try:
        open_page(pg, url, "so-sanh-tinh", **VIEW)
        before, before_url = main_texts(pg), pg.url
        assert any("Thành viên" in t or "thành viên" in t for t in before), before[:20]
        assert {c["value"] for c in ctx.cookies() if c["name"] == "CNSCD_REPLICA"} == {"v1"}

        v1 = next(v for v in running["viewers"] if v["name"] == "v1")
        os.kill(v1["pid"], signal.SIGKILL)
        killed = time.monotonic()
        # the frontend notices the dropped socket and reconnects by itself: a new websocket through the
        # balancer, which sends it to the live replica; the page keeps showing its view meanwhile
        app = pg.locator('[data-testid="stApp"]')
        first_socket = len(sockets)
        while not (len(sockets) > first_socket and app.get_attribute("data-test-connection-state") == "CONNECTED"):
            assert time.monotonic() - killed < 5, f"not connected again within 5 s ({len(sockets)} sockets, " \
                                                  f"{app.get_attribute('data-test-connection-state')})"
            pg.wait_for_timeout(50)      # lets Playwright deliver the socket events meanwhile
        reconnected = time.monotonic() - killed
        assert {c["value"] for c in ctx.cookies() if c["name"] == "CNSCD_REPLICA"} == {"v2"}   # the balancer moved it
        assert pg.url == before_url and main_texts(pg) == before     # the same view, shown all along
        # Streamlit's frontend takes the new socket for its old session and does not rerun by itself: the
        # page's next run (a control, or the R key as here) is the live replica's, a new session built
        # from the URL, and shows the same view
        with sockets[-1].expect_event("framereceived", predicate=_script_finished):
            pg.locator("body").press("r")
        rerun_done = time.monotonic() - killed
        wait_idle(pg)
        print(f"connected to v2 {reconnected:.2f} s after the kill; its first run done {rerun_done:.2f} s after it")
        assert any(n >= first_socket for n, _ in finished)
        assert pg.url == before_url and main_texts(pg) == before
        assert pg.locator('[data-testid="stException"]').count() == 0
    finally:
        ctx.close()
