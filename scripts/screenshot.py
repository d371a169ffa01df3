"""Take the README's screenshot: start the app, open it in Debian's chromium, save docs/screenshot.png.

Usage: .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--path /]
Needs a built warehouse (python -m data build). Every request outside localhost is blocked.
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("--path", default="/")
    args = ap.parse_args()
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
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="vi-VN")
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
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
