"""A shared link opened as the very first request of a freshly started server.

Leadership opens links from messages, often right after a deploy or restart. Streamlit treats a folder
named `pages` next to the entry script as a legacy (v1) multipage app until some session of the process
has called `st.navigation`: the first run of a fresh process resolves the URL path against that folder's
file names ("Muc_tieu"), not our url paths ("muc-tieu"), and sends "Page not found" (a modal that blocks
clicks). The project keeps `pages/` and starts the server with `python -m cnscd.serve`, which declares
st.navigation mode before any session. This test starts its OWN server (not the warmed session one) so
it sees that first run.

Streamlit 1.67 has no public way to say "st.navigation app" before the first run (no config option; the
check is `pages/` beside the entry script), so the launcher sets `PagesManager.uses_pages_directory`.
`test_plain_streamlit_run_still_needs_the_launcher` proves that is still needed: it fails on the day a
Streamlit upgrade serves the first deep link right with plain `streamlit run app.py`, and then the
launcher's patch can go.
"""
from __future__ import annotations

import sys
import urllib.parse

import pytest

from tests.browser.conftest import query_of, serve, wait_idle

pytestmark = pytest.mark.browser

PLAIN = [sys.executable, "-m", "streamlit", "run", "app.py", "--browser.gatherUsageStats", "false"]


@pytest.fixture
def fresh_url(warehouse_file, tmp_path, chromium):
    """A new server process (started the way scripts/setup.sh does) no browser has talked to yet:
    `serve` waits on /_stcore/health only, which runs no script, so the server stays cold."""
    with serve({"CNSCD_WAREHOUSE": str(warehouse_file)}, tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def plain_url(warehouse_file, tmp_path, chromium):
    """The same, started by plain `streamlit run app.py`."""
    with serve({"CNSCD_WAREHOUSE": str(warehouse_file)}, tmp_path / "server.log", launcher=PLAIN) as url:
        yield url


def _record_messages(page) -> list[str]:
    """The ForwardMsg kinds the server sends on the websocket: a page_not_found message is the bug
    itself, whether or not the modal has been drawn yet when we look."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds: list[str] = []

    def on_frame(payload):
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        except Exception:  # noqa: BLE001 - not a ForwardMsg: nothing to record
            return
        kinds.append(msg.WhichOneof("type") or "")

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return kinds


def test_first_request_deep_link(page, fresh_url):
    """`page` (tests/browser/conftest.py) aborts and records every request outside localhost."""
    kinds = _record_messages(page)
    page.goto(f"{fresh_url}/muc-tieu?lang=en&ind=members&period=2026-06")
    wait_idle(page, timeout=90_000)
    assert "navigation" in kinds, "no navigation message seen: the websocket was not recorded"
    assert "page_not_found" not in kinds, "server sent 'Page not found' to the first visitor"
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("dialog").count() == 0
    # The linked page, in the linked language, with the linked indicator and period.
    assert urllib.parse.urlsplit(page.url).path == "/muc-tieu"
    q = query_of(page)
    assert (q.get("lang"), q.get("ind"), q.get("period")) == ("en", "members", "2026-06")
    assert page.get_by_role("heading", name="Targets").count() == 1
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("Targets").count() == 1      # our navigation, not the pages/ file names
    assert nav.get_by_text("Muc tieu").count() == 0
    assert page.blocked == []


def test_plain_streamlit_run_still_needs_the_launcher(page, plain_url):
    """Without the launcher the first visitor of a deep link gets "Page not found" (Streamlit 1.67)."""
    kinds = _record_messages(page)
    page.goto(f"{plain_url}/muc-tieu?lang=en&ind=members&period=2026-06")
    wait_idle(page, timeout=90_000)
    assert "navigation" in kinds, "no navigation message seen: the websocket was not recorded"
    assert "page_not_found" in kinds, ("plain `streamlit run app.py` now serves the first deep link right: "
                                       "drop the PagesManager patch in cnscd/serve.py")


def test_overview_answers_at_its_own_path_and_at_root(page, fresh_url):
    """/tong-quan (the overview's own name, what a shared link or the page's url_path says) opened as the
    first visit of a fresh launcher, then / on the same server: both the overview, never "Page not found"."""
    from tests.browser.conftest import shot

    kinds = _record_messages(page)
    page.goto(f"{fresh_url}/tong-quan?unit=2025:82&period=2026-06")
    wait_idle(page, timeout=90_000)
    assert "navigation" in kinds, "no navigation message seen: the websocket was not recorded"
    assert "page_not_found" not in kinds, "server sent 'Page not found' for /tong-quan"
    assert page.get_by_text("Page not found").count() == 0 and page.get_by_role("dialog").count() == 0
    assert urllib.parse.urlsplit(page.url).path == "/tong-quan"
    assert query_of(page).get("unit") == "2025:82"
    assert page.get_by_role("heading", name="Tổng quan").count() == 1
    assert page.get_by_role("heading", name="Các xã/phường của Đồng Tháp (từ 1/7/2025), T6/2026").count() == 1
    shot(page, "overview_tong_quan_path")
    kinds.clear()
    page.goto(f"{fresh_url}/")
    wait_idle(page, timeout=90_000)
    assert "page_not_found" not in kinds and page.get_by_role("dialog").count() == 0
    assert page.get_by_role("heading", name="Tổng quan").count() == 1
    assert page.blocked == []
