"""Browser fixtures shared by every browser test: a real `streamlit run app.py` server against the
session's warehouse copy, the chromium named by CHROMIUM_PATH (the `chromium` fixture of
tests/conftest.py: missing, every browser test FAILS naming the variable) driven by Playwright, every
request outside localhost blocked (and recorded), and helpers to wait for a rerun to finish and to save
screenshots. Nothing here sleeps for a fixed time: waits are on Streamlit's own signals (script state,
stale elements, the `script_finished` message on the websocket) and Playwright's auto-waiting `expect()`.

Use: `def test_x(ui): ui.open("so-sanh-tinh", ind="members"); ui.rerun(lambda: button.click())`.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
# How long a wait may last before it fails. Waits end as soon as their signal comes, so a generous
# bound costs nothing when the machine is fast and keeps a shared, loaded one from failing at random.
WAIT_MS = 90_000
expect.set_options(timeout=WAIT_MS)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Poll the health endpoint (each try waits up to 2 s for an answer) until it says ok."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            try:
                proc.wait(timeout=0.5)   # returns early if the server died; else paces the next try
            except subprocess.TimeoutExpired:
                pass
    raise TimeoutError(f"streamlit not healthy at {url} after {timeout} s")


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path, launcher: list[str] | None = None):
    """A headless `python -m cnscd.serve` (or `launcher`, e.g. plain `streamlit run app.py`) on a free
    port with `env` added; yields its base URL."""
    port = _free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT)} | env
    cmd = [*(launcher or [sys.executable, "-m", "cnscd.serve"]), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.fileWatcherType", "none", "--global.developmentMode", "false"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(warehouse_file, tmp_path_factory, chromium):
    """Base URL of a headless Streamlit server running app.py on a free port."""
    with serve({"CNSCD_WAREHOUSE": str(warehouse_file)}, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def warm_app(browser, app_url) -> str:
    """Open the default page once: on a fresh server Streamlit learns the page list from the first run
    of st.navigation, and until then a deep link (e.g. /muc-tieu) gets a 'Page not found' notice."""
    context = browser.new_context()
    pg = context.new_page()
    pg.route("**/*", lambda route: route.continue_()
             if (urllib.parse.urlsplit(route.request.url).hostname or "") in LOCAL_HOSTS else route.abort())
    open_page(pg, app_url)
    context.close()
    return app_url


@pytest.fixture
def page(browser):
    """A fresh page (1400×1000) whose requests outside localhost are aborted; `page.blocked` lists them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    blocked: list[str] = []

    def guard(route):
        host = urllib.parse.urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.blocked = blocked  # type: ignore[attr-defined]
    sockets: list = []
    pg.on("websocket", lambda ws: sockets.append(ws))
    pg.sockets = sockets  # type: ignore[attr-defined]
    yield pg
    context.close()


def wait_idle(page, timeout: float = WAIT_MS) -> None:
    """Wait until the app is connected, a script run has finished ('initial' before the first one),
    no element is stale or a skeleton (the signals Streamlit's own e2e helpers use), and every Plotly
    chart on the page has drawn its SVG."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && document.querySelectorAll('[data-stale="true"]').length === 0
                && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
                && [...document.querySelectorAll('.js-plotly-plot')].every(
                       p => p._fullLayout && p.querySelector('.main-svg'));
        }""", timeout=timeout)


def _script_finished(payload) -> bool:
    """A websocket frame that is Streamlit's 'script run finished' (not one cut short for a rerun)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
    except Exception:  # noqa: BLE001 - not a ForwardMsg
        return False
    return msg.WhichOneof("type") == "script_finished" and \
        msg.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


def rerun(page, action, timeout: float = WAIT_MS) -> None:
    """Do `action` (a click, a key press) and wait for the rerun it causes to finish: the server's
    script_finished message on the page's websocket, then `wait_idle`. No race with a rerun that has
    not started yet, which a wait on the page's state alone cannot rule out."""
    with page.sockets[-1].expect_event("framereceived", predicate=_script_finished, timeout=timeout):
        action()
    wait_idle(page, timeout)


def open_page(page, base_url: str, path: str = "", **params: str) -> str:
    """Go to `base_url/path?params` and wait for the run to finish; return the URL opened."""
    query = urllib.parse.urlencode(params)
    url = f"{base_url}/{path}" + (f"?{query}" if query else "")
    page.goto(url)
    wait_idle(page)
    return url


def query_of(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class Browse:
    """Helpers bound to one page and the server: `ui.open("so-sanh-tinh", ind="members")`,
    `ui.wait()`, `ui.query()`, `ui.shot("name")`."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url

    def open(self, path: str = "", **params: str) -> str:
        return open_page(self.page, self.base_url, path, **params)

    def wait(self) -> None:
        wait_idle(self.page)

    def rerun(self, action) -> None:
        rerun(self.page, action)

    def query(self) -> dict[str, str]:
        return query_of(self.page)

    def shot(self, name: str) -> Path:
        return shot(self.page, name)


@pytest.fixture
def ui(page, warm_app) -> Browse:
    return Browse(page, warm_app)


@pytest.fixture
def screen(browser, warm_app):
    """`screen(name)` -> a page of that screen's size (tests/browser/screens.py: laptop, projector, phone),
    requests outside localhost aborted; its contexts closed after the test."""
    from tests.browser.screens import screen_pages

    with screen_pages(browser) as make:
        yield make
