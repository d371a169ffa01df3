"""The national commune map (3,321 outlines) takes its outlines from a static file: the browser
fetches it once from localhost, a rerun (the play button stepping the period) sends only values,
hover and a click still work (the click drills into the commune's province)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cnscd.charts import maps

pytestmark = pytest.mark.browser

N_COMMUNES_JS = "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .choroplethlayer path').length"


def test_national_communes_from_static_file(ui, con):
    fetched: list[tuple[str, int, str]] = []
    ui.page.on("response", lambda r: fetched.append((r.url, r.status, r.headers.get("content-type", "")))
               if "/app/static/geo/" in r.url else None)
    specs: list[int] = []   # sizes of the map figures the server sends

    def on_frame(payload):
        if isinstance(payload, bytes) and b"choropleth" in payload:
            specs.append(len(payload))

    ui.page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    ui.open("ban-do", period="2026-03", level="child", unit="VN", ind="teams_total")
    layer = maps.layer_for("commune", "2025")
    n = len(layer.feature_codes)
    ui.page.wait_for_function(f"() => ({N_COMMUNES_JS})() === {n}")
    assert len(fetched) == 1, fetched
    url, status, ctype = fetched[0]
    assert status == 200 and "json" in ctype, fetched
    assert url.startswith(ui.base_url)          # localhost, relative to the app
    assert specs and max(specs) < 600_000, specs   # values only: the 0.9 MB of outlines stay out

    # A rerun with a new period: the figure changes, the outlines are not fetched or sent again.
    ui.page.get_by_role("button", name="Chạy").click()
    ui.page.wait_for_function("() => new URLSearchParams(location.search).get('period') > '2026-03'")
    ui.rerun(ui.page.get_by_role("button", name="Dừng").click)
    assert ui.query()["period"] > "2026-03"
    ui.page.wait_for_function(f"() => ({N_COMMUNES_JS})() === {n}")
    assert len(fetched) == 1, fetched
    assert len(specs) >= 2 and max(specs) < 600_000, specs

    # Hover names the commune; a click on the biggest commune drills into its province.
    ui.page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    hit = ui.page.evaluate("""() => {
        // the biggest commune whose box centre is on the commune itself (not a neighbour or the sea)
        const ps = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .choroplethlayer path')];
        const boxes = ps.map(p => [p, p.getBoundingClientRect()]).sort((a, b) =>
            b[1].width * b[1].height - a[1].width * a[1].height);
        for (const [p, b] of boxes) {
            const x = b.x + b.width / 2, y = b.y + b.height / 2;
            const pt = new DOMPoint(x, y).matrixTransform(p.getScreenCTM().inverse());
            if (p.isPointInFill(pt)) return {x, y, loc: String(p.__data__ && p.__data__.loc)};
        }
        return null;
    }""")
    assert hit, "no commune found under its own centre"
    ui.page.mouse.move(hit["x"], hit["y"])
    expect(ui.page.locator(".hoverlayer")).to_contain_text("Thứ hạng")
    code = layer.feature_codes[int(hit["loc"])]
    province = con.execute("select province_code from core_unit where boundary_version = '2025' and unit_code = ?",
                           [code]).fetchone()[0]
    ui.rerun(lambda: ui.page.mouse.click(hit["x"], hit["y"]))
    assert ui.query().get("unit") == f"2025:{province}", (code, province, ui.query())
    expect(ui.page.locator('[data-testid="stPlotlyChart"] .choroplethlayer path')).to_have_count(
        len(maps.layer_for("commune", "2025", province).feature_codes))
    assert ui.page.blocked == []
