"""Maps render with no network (issue 3 §7), proven in headless Chromium and in Kaleido.

Chromium: the figure's HTML and plotly.min.js are served from 127.0.0.1 and every other request is
aborted and recorded. A plain GeoJSON choropleth (the control) asks cdn.plot.ly for
world_110m.json and draws nothing; the app's map (charts.maps.choropleth with map_panel.plotly_config,
whose topojsonURL is an inline empty topology) asks for nothing and draws every unit.
Kaleido: the app's export engine, run in a network namespace with no interfaces at all (`unshare -n`).
"""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
import pytest

from cnscd.ui import map_panel
from cnscd.charts import maps
from tests.mapfixtures import random_map

pytestmark = pytest.mark.browser   # no chromium (CHROMIUM_PATH): the `browser` fixture fails, naming it
ROOT = Path(__file__).resolve().parents[2]  # one Chromium per session: `browser` from tests/browser/conftest.py


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Pages in a temp dir, served on localhost."""
    root = tmp_path_factory.mktemp("offline_site")
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", root / "plotly.min.js")
    rng, config = np.random.default_rng(0), map_panel.plotly_config("vi")   # the map page's own config
    g = maps.layer_for("district", "legacy")
    random_map(g, rng).write_html(root / "ours.html", include_plotlyjs="plotly.min.js", config=config)
    p = maps.layer_for("commune", "2025", "48")
    random_map(p, rng).write_html(root / "province.html", include_plotlyjs="plotly.min.js", config=config)
    c = maps.layer_for("province", "2025")
    control = go.Figure(go.Choropleth(geojson=c.geojson, featureidkey="id", locations=c.ids,
                                      z=list(range(len(c.ids)))))
    control.update_geos(visible=False, fitbounds="locations")
    control.write_html(root / "control.html", include_plotlyjs="plotly.min.js")
    # the mechanism alone: the plain control with only the empty topology as its topojsonURL
    control.write_html(root / "config.html", include_plotlyjs="plotly.min.js",
                       config={"topojsonURL": maps.EMPTY_TOPOJSON_URL})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", {"ours": len(g.ids), "province": len(p.ids),
                                                            "config": len(c.ids)}
    server.shutdown()


def _render(browser, base: str, page_name: str, drawn: int | None = None) -> tuple[int, list[str]]:
    """Paths drawn, and every request that tried to leave localhost (all aborted). With `drawn`,
    wait until the map has drawn that many paths; without it, until the world_110m request the
    plain choropleth makes has been aborted (after which it can draw nothing)."""
    from playwright.sync_api import expect

    blocked: list[str] = []

    def route(r, req):
        if req.url.startswith(base + "/") or req.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(req.url)
            r.abort()
    page = browser.new_page()
    try:
        page.route("**/*", route)
        paths = page.locator("path.choroplethlocation")
        if drawn is None:
            # the plain choropleth keeps asking for the CDN file (the network never goes idle): once the
            # first world_110m request has been aborted it can draw nothing
            with page.expect_event("requestfailed", predicate=lambda req: "world_110m" in req.url):
                page.goto(f"{base}/{page_name}.html")
            page.wait_for_load_state("load")
        else:
            page.goto(f"{base}/{page_name}.html")
            expect(paths).to_have_count(drawn)
            page.wait_for_load_state("networkidle")
        return paths.count(), blocked
    finally:
        page.close()


def test_plain_geojson_choropleth_needs_the_cdn(site, browser):
    base, _ = site
    drawn, blocked = _render(browser, base, "control")
    assert drawn == 0 and any(u.startswith("https://cdn.plot.ly/") and "world_110m" in u for u in blocked)


@pytest.mark.parametrize("page_name", ["ours", "province", "config"])
def test_map_renders_with_every_outside_request_blocked(site, browser, page_name):
    base, expected = site
    drawn, blocked = _render(browser, base, page_name, drawn=expected[page_name])
    assert blocked == []
    assert drawn == expected[page_name]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare")
def test_kaleido_renders_without_any_network(tmp_path):
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("no permission for a network namespace")
    out = tmp_path / "map.png"
    code = (
        "import numpy as np\n"
        "from cnscd.charts import maps\n"
        "from cnscd.export.engine import engine\n"
        "from tests.mapfixtures import random_map\n"
        "fig = random_map(maps.layer_for('province', 'legacy'), np.random.default_rng(0))\n"
        "png = engine().render(fig, dict(format='png', width=500, height=700, scale=1))\n"
        f"open({str(out)!r}, 'wb').write(png)\n")
    run = subprocess.run(["unshare", "-n", sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    from PIL import Image
    im = Image.open(out).convert("RGB")
    colours = set(im.resize((100, 140)).getdata())
    assert len(colours) > 20   # 63 shaded provinces, not a blank page
