"""Take the README's screenshot: start the app, open the overview in Debian's chromium at a government
laptop's 1366 × 768, save docs/screenshot.png (PNG, palette-optimised to stay under 300 kB).

Usage: .venv/bin/python -m scripts.screenshot [--out docs/screenshot.png] [--path /] [--size 1366x768]
Needs a built warehouse (python -m data build) and chromium (CHROMIUM_PATH, else on PATH). Every request
outside localhost is blocked. This picture is the one build output that is committed, because the
README shows it; rerun this after a visible change (the browser tests' screenshots stay in
tests/artifacts/, never committed).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def save_small(png: bytes, out: Path, budget: int = 300_000) -> None:
    """Write `png` optimised: as is if small enough, else as a 256-colour palette PNG (text stays sharp)."""
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    if buf.tell() > budget:
        buf = io.BytesIO()
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
    out.write_bytes(buf.getvalue())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("--path", default="/")
    ap.add_argument("--size", default="1366x768", help="viewport WIDTHxHEIGHT")
    args = ap.parse_args()
    width, height = map(int, args.size.lower().split("x"))
    from playwright.sync_api import sync_playwright

    from cnscd.export.engine import browser_path   # CHROMIUM_PATH, else chromium on PATH

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "cnscd.serve", "--server.headless", "true",
                               "--server.port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path(),
                                        args=ARGS)
            page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN")
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")) else r.abort())
            page.goto(f"http://127.0.0.1:{port}{args.path}")
            page.wait_for_selector(".js-plotly-plot", timeout=30000)
            # the run has finished and every chart has drawn (no fixed pause)
            page.wait_for_function("""() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return app && app.getAttribute('data-test-script-state') === 'notRunning'
                    && document.querySelectorAll('[data-stale="true"], [data-testid="stSkeleton"]').length === 0
                    && [...document.querySelectorAll('.js-plotly-plot')].every(
                           p => p._fullLayout && p.querySelector('.main-svg'));
            }""", timeout=30000)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            save_small(page.screenshot(), args.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"saved {args.out} ({args.out.stat().st_size // 1000} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
