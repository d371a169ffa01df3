"""One headless chromium kept alive for every export (Kaleido 1.x in Debian's chromium).

The Kaleido runs on its own event loop in a daemon thread, so only the first export pays the
browser start (2-4 s) and a warm one takes a fraction of a second. Any thread may call
`Engine.render` (Streamlit runs lazy download callables on their own threads): requests are
handed to the loop and queue for the tab. A crashed browser is restarted once.

Offline by construction: the page loads the plotly.js bundled in the plotly package, MathJax
is off, geo subplots get an empty local topojson, and chromium is pointed at a proxy on a
closed local port, so any http(s) request it might still try (its own start-up pings
included) fails instead of leaving the machine. Tests swap in a recording proxy to prove a
figure asks for nothing.
"""
from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

import kaleido
import plotly
import plotly.graph_objects as go
from choreographer.browsers.chromium import Chromium

from . import ExportError

PLOTLYJS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# The one variable that names chromium: the export engine, the browser tests and the benchmark read it
# (scripts/test.sh and the Dockerfile set it); unset, the `chromium` on PATH is used.
CHROMIUM_VAR = "CHROMIUM_PATH"
# Port 9 (discard) has no listener: every proxied request is refused at once, locally.
DEAD_PROXY = "http://127.0.0.1:9"
RENDER_TIMEOUT_S = 60


def browser_path() -> str:
    """The chromium named by CHROMIUM_PATH, else the `chromium` on PATH; ExportError (both languages,
    naming the variable) when there is none."""
    named = os.environ.get(CHROMIUM_VAR)
    path = named or shutil.which("chromium")
    if path and Path(path).is_file():
        return path
    where = f"{CHROMIUM_VAR}={named}" if named else f"{CHROMIUM_VAR} chưa đặt / unset, no chromium on PATH"
    raise ExportError(f"Không tìm thấy Chromium để xuất ảnh ({where}): cài gói Debian 'chromium' hoặc đặt "
                      f"{CHROMIUM_VAR} / Chromium not found for image export ({where}): install Debian "
                      f"'chromium' or set {CHROMIUM_VAR}")


class _QuietChromium(Chromium):
    """choreographer's flags (--no-sandbox, --disable-component-update, ...) plus a few that
    stop chromium's own background traffic."""

    def get_cli(self):
        return list(super().get_cli()) + [
            "--disable-background-networking", "--disable-domain-reliability",
            "--no-pings", "--dns-prefetch-disable", "--disable-default-apps",
            "--disable-client-side-phishing-detection", "--disable-extensions",
            "--disable-component-extensions-with-background-pages", "--no-service-autorun",
            "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
            "NetworkTimeServiceQuerying,CertificateTransparencyComponentUpdater,"
            "AutofillServerCommunication,InterestFeedContentSuggestions,PrivacySandboxSettings4"]


def _write_empty_topojson(folder: Path) -> None:
    """plotly.js asks for `<scope>_<res>m.json` for geo subplots; basemap layers are hidden
    by restyle(), so empty layers are all a map export needs."""
    objects = {name: {"type": "GeometryCollection", "geometries": []}
               for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")}
    body = json.dumps({"type": "Topology", "objects": objects, "arcs": []})
    for scope in ("world", "usa", "europe", "asia", "africa", "north-america", "south-america"):
        for res in (50, 110):
            (folder / f"{scope}_{res}m.json").write_text(body)


class Engine:
    """One long-lived Kaleido on its own event loop; thread-safe `render`."""

    def __init__(self, proxy_server: str = DEAD_PROXY):
        self.proxy_server = proxy_server
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._topo_dir: Path | None = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        with self._lock:
            if self._kaleido is not None:
                return
            self._topo_dir = Path(tempfile.mkdtemp(prefix="cnscd-topojson-"))
            _write_empty_topojson(self._topo_dir)
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, name="kaleido-loop", daemon=True).start()
            try:
                self._kaleido = self._call(self._open(), timeout=90)
            except Exception as err:
                self._loop.call_soon_threadsafe(self._loop.stop)
                shutil.rmtree(self._topo_dir, ignore_errors=True)
                if isinstance(err, ExportError):
                    raise
                raise ExportError(f"Không khởi động được Chromium / chromium did not start: {err!r}") from err

    async def _open(self):
        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, plotlyjs=str(PLOTLYJS), mathjax=False,
                            path=browser_path(), browser_cls=_QuietChromium,
                            proxy_server=self.proxy_server)
        await k.open()
        return k

    def _call(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stop(self) -> None:
        with self._lock:
            if self._kaleido is None:
                return
            try:
                self._call(self._kaleido.close(), timeout=30)
            finally:
                self._kaleido = None
                self._loop.call_soon_threadsafe(self._loop.stop)
                shutil.rmtree(self._topo_dir, ignore_errors=True)

    def render(self, fig: go.Figure, opts: dict) -> bytes:
        """Bytes of `fig` with Kaleido opts {format, width, height, scale}; restarts a dead
        browser once (a crashed chromium must not break every later export)."""
        for attempt in (1, 2):
            self.start()
            k, topo = self._kaleido, self._topo_dir
            try:
                if k is None:   # stopped by another thread between start() and here
                    raise RuntimeError("browser not running")
                return self._call(k.calc_fig(fig, opts=opts, topojson=topo.as_uri()),
                                  timeout=RENDER_TIMEOUT_S + 5)
            except Exception as err:  # noqa: BLE001 - decide below whether to retry
                if attempt == 2 or not _browser_gone(err):
                    raise ExportError(f"Xuất ảnh thất bại / image export failed: {err!r}") from err
                self._abandon()
        raise AssertionError("unreachable")

    def _abandon(self) -> None:
        try:
            self.stop()
        except Exception:  # noqa: BLE001 - the browser is already gone
            self._kaleido = None


def _browser_gone(err: Exception) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return any(w in text for w in ("closed", "broken pipe", "browserfailed", "channelclosed", "not running"))


_ENGINE = Engine()
atexit.register(lambda: _ENGINE.stop())


def engine() -> Engine:
    return _ENGINE


def prewarm() -> threading.Thread:
    """Start the shared browser in the background (e.g. once at app start, from a
    st.cache_resource function), so even the first click exports in well under a second."""
    def run():
        try:
            engine().start()
        except ExportError:
            pass   # the menu shows the reason when the user asks for an image
    thread = threading.Thread(target=run, name="kaleido-prewarm", daemon=True)
    thread.start()
    return thread


def use_engine(new: Engine) -> Engine:
    """Swap the shared engine (tests use a recording proxy); returns the old one, stopped."""
    global _ENGINE
    old, _ENGINE = _ENGINE, new
    old.stop()
    return old


__all__ = ["Engine", "engine", "prewarm", "use_engine", "browser_path", "CHROMIUM_VAR", "PLOTLYJS", "DEAD_PROXY"]
