"""The download menu: it draws on a page without rendering anything (work happens on click),
and each item's callable makes the file it names."""
from __future__ import annotations

import io

import pytest
from streamlit.testing.v1 import AppTest

from cnscd.export import images
from cnscd.ui import downloads as menu
from cnscd.export.sample import bar_chart, sample_meta


def _page():
    import streamlit as st

    from cnscd.export import images as imgs
    from cnscd.ui import downloads as m
    from cnscd.export.sample import bar_chart as chart, sample_meta as meta_of

    calls = st.session_state.setdefault("fig_calls", [])

    def fig_fn():
        calls.append(1)
        return chart(meta_of())

    m.download_menu("teams", fig_fn, meta_of())
    m.view_buttons("view", lambda: [(fig_fn(), meta_of())], "Tổng quan", {"Kỳ": "06/2025"})
    st.write(f"engine running: {imgs.engine().running}; figures built: {len(calls)}")


def test_menu_draws_without_rendering():
    images.engine().stop()
    at = AppTest.from_function(_page, default_timeout=30)
    at.run()
    assert not at.exception
    at.run()   # a rerun must not start an export either
    assert not at.exception
    assert at.markdown[-1].value == "engine running: False; figures built: 0"


def test_every_item_names_a_file_and_mime():
    meta = sample_meta()
    names = {kind: menu.item_file(kind, meta) for kind in menu.ITEMS}
    assert names["png_1080"] == ("to_cnscd_theo_tinh_slide_1080.png", "image/png")
    assert names["svg"][0].endswith(".svg") and names["pdf"][1] == "application/pdf"
    assert names["xlsx"][0] == "to_cnscd_theo_tinh.xlsx"
    assert menu.make("csv", lambda: pytest.fail("csv needs no figure"), meta).startswith(b"\xef\xbb\xbf")


def test_an_image_item_renders_on_demand(chromium):
    from PIL import Image

    meta = sample_meta()
    png = menu.make("png_720", lambda: bar_chart(meta), meta)
    assert Image.open(io.BytesIO(png)).size == (1280, 720)


def test_a_closed_menu_sends_no_buttons_an_open_one_all():
    """Closed (every rerun of a page that nobody is exporting from), the menu is one popover and no
    download buttons; opened, it has one button per format, and still nothing is rendered."""
    images.engine().stop()
    at = AppTest.from_function(_page, default_timeout=30)
    at.run()
    assert not at.exception
    menu_buttons = [b for b in at.get("download_button") if "-dl-" in (b.proto.id or "")]
    assert menu_buttons == [] and len(at.get("download_button")) == 2   # the view's deck and report only
    at.session_state["teams-menu"] = True     # what opening the popover in the browser sets
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    meta = sample_meta()
    assert labels[:len(menu.ITEMS)] == [menu.t(key, meta.lang) for key in menu.ITEMS.values()]
    assert len(labels) == len(menu.ITEMS) + 2
    assert at.markdown[-1].value == "engine running: False; figures built: 0"
