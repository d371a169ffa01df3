"""A chart's download menu in Chromium: closed, it holds no buttons (nothing is sent for it on a rerun);
opened, it has one button per format, and the files the browser downloads are the bytes the export code
makes for the same view (cnscd.ui.downloads.make, run here in AppTest on the same warehouse)."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from tests import numbers as nb

pytestmark = pytest.mark.browser


def _expected(monkeypatch, warehouse_file, page: str, key: str, kind: str) -> bytes:
    from cnscd.ui import downloads as menu

    monkeypatch.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    rec = nb.Downloads.install(monkeypatch)
    nb.ok(nb.open_page(page))  # the same view the browser opened: the default one
    fig_fn, meta = rec.menus[key]
    return menu.make(kind, fig_fn, meta)


def _download(ui, label: str) -> bytes:
    with ui.page.expect_download() as got:
        ui.page.get_by_test_id("stPopoverBody").get_by_role("button", name=label, exact=True).click()
    return open(got.value.path(), "rb").read()


def test_menu_buttons_come_on_opening_and_download_the_same_bytes(ui, monkeypatch, warehouse_file):
    from PIL import Image

    ui.open("muc-tieu")
    page = ui.page
    menu = page.get_by_test_id("stPopover").filter(has_text="Tải xuống").first
    outside = page.get_by_test_id("stDownloadButton").count()     # the view's slide deck and PDF report
    ui.rerun(menu.get_by_role("button").click)
    body = page.get_by_test_id("stPopoverBody")
    expect(body.get_by_test_id("stDownloadButton")).to_have_count(7)
    assert page.get_by_test_id("stDownloadButton").count() == outside + 7
    ui.shot("download_menu_open")

    csv = _download(ui, "CSV (số liệu)")
    assert csv == _expected(monkeypatch, warehouse_file, "pages/5_Muc_tieu.py", "targets_progress", "csv")
    png = Image.open(io.BytesIO(_download(ui, "PNG 1280×720")))
    expected = Image.open(io.BytesIO(_expected(monkeypatch, warehouse_file, "pages/5_Muc_tieu.py", "targets_progress",
                                               "png_720")))
    assert png.width == 1280 and png.size == expected.size    # 1280 wide, as tall as its bars need
    assert png.convert("RGB").tobytes() == expected.convert("RGB").tobytes()
    assert page.blocked == []
