"""The download menu under every chart, and the slide-deck / PDF-report buttons of a view.

cnscd.export itself imports no Streamlit. Nothing is rendered on a page rerun: every
`st.download_button` gets a zero-argument callable, which Streamlit runs only when the user
clicks (on its own thread; images.Engine is thread-safe), and `on_click="ignore"` keeps the
click from rerunning the page. A chart's menu makes its buttons only while it is open.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, Union

import plotly.graph_objects as go
import streamlit as st

from cnscd.charts.meta import ChartMeta
from cnscd.text import t

from cnscd.export import images, report, slides, tables

FigSource = Union[go.Figure, Callable[[], go.Figure]]

# kind -> its label's text key; make() says what each one builds
ITEMS: dict[str, str] = {"png_1080": "export_png_1080", "png_720": "export_png_720", "png_print": "export_png_print",
                        "svg": "export_svg", "pdf": "export_pdf", "csv": "export_csv", "xlsx": "export_xlsx"}
IMAGE_KINDS = {"png_1080": ("png", "slide_1080"), "png_720": ("png", "slide_720"),
               "png_print": ("png", "print"), "svg": ("svg", "slide_720"), "pdf": ("pdf", "slide_720")}

def _figure(fig_fn: FigSource) -> go.Figure:
    return fig_fn() if callable(fig_fn) else fig_fn


def make(kind: str, fig_fn: FigSource, meta: ChartMeta) -> bytes:
    """The bytes of one menu item; what the buttons call on click (also testable alone)."""
    if kind in IMAGE_KINDS:
        fmt, preset = IMAGE_KINDS[kind]
        return images.to_image(_figure(fig_fn), meta, fmt, preset)
    if kind == "csv":
        return tables.to_csv(meta)
    if kind == "xlsx":
        return tables.to_xlsx(meta)
    raise KeyError(kind)


def item_file(kind: str, meta: ChartMeta) -> tuple[str, str]:
    """(file name, mime) of a menu item."""
    if kind in IMAGE_KINDS:
        fmt, preset = IMAGE_KINDS[kind]
        return images.file_name(meta, fmt, preset), images.FORMATS[fmt]
    return tables.file_name(meta, kind), tables.MIME[kind]


def _browser_ok() -> bool:
    try:
        images.browser_path()
        return True
    except Exception:  # noqa: BLE001 - shown as a disabled button with a reason
        return False


def download_menu(key: str, fig_fn: FigSource, meta: ChartMeta) -> None:
    """A popover with one download button per format. `fig_fn` may be the figure or a
    zero-argument function returning it (then it is built only on click).

    The buttons are made only while the menu is open (issue 11 §5, issue 12 §4): a closed menu is one
    element instead of eight, on every rerun of every chart; opening it reruns the page (a rerun of a
    view opened before, ~50–90 ms of server CPU) and the buttons come with the popover open. Each button
    is the same `make(kind, fig_fn, meta)` as before, so every file has the same bytes."""
    lang = meta.lang
    menu = st.popover(t("export_menu", lang), icon=":material/download:", key=f"{key}-menu", on_change="rerun")
    if not menu.open:
        return
    browser = _browser_ok()
    with menu:
        for kind, label in ITEMS.items():
            name, mime = item_file(kind, meta)
            needs_browser = kind in IMAGE_KINDS
            st.download_button(
                t(label, lang), data=partial(make, kind, fig_fn, meta),
                file_name=name, mime=mime, key=f"{key}-dl-{kind}", on_click="ignore",
                disabled=needs_browser and not browser,
                help=t("export_no_browser", lang) if needs_browser and not browser else None,
                width="stretch")


def view_buttons(key: str, charts_fn: Callable[[], list[tuple[go.Figure, ChartMeta]]],
                 view_title: str, filters: dict[str, str], lang: str = "vi", *, cover: str = "") -> None:
    """"Tải bộ slide" (PPTX) and the PDF report of the whole view; the
    charts are built only on click."""
    disabled = not _browser_ok()
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in view_title)[:60] or "view"
    left, right = st.columns(2)
    with left:
        st.download_button(t("export_deck", lang), key=f"{key}-deck", on_click="ignore", disabled=disabled,
                           data=lambda: slides.build_deck(charts_fn(), view_title, filters, lang, cover=cover),
                           file_name=f"{stem}.pptx", mime=slides.MIME, icon=":material/slideshow:")
    with right:
        st.download_button(t("export_report", lang), key=f"{key}-report", on_click="ignore", disabled=disabled,
                           data=lambda: report.build_pdf(charts_fn(), view_title, filters, lang, cover=cover),
                           file_name=f"{stem}.pdf", mime=report.MIME, icon=":material/picture_as_pdf:")


def brief_buttons(lang: str, unit, period) -> None:
    """The province's monthly briefing pack (cnscd/brief.py) of the overview's unit and month, PDF and
    PPTX, built on click from the process's read-only reader (uncached: Streamlit runs the callable on its
    own thread). The nation has no pack: the buttons are disabled and say why."""
    from cnscd import brief
    from cnscd.ui import cache

    province = unit is not None and not unit.is_nation
    why = None if province else t("brief_pick_province", lang)
    disabled = not province or not _browser_ok()
    if province and disabled:
        why = t("export_no_browser", lang)

    def data(kind: str) -> bytes:
        return brief.build(partial(cache.run_query, cache.connection()), unit, period, lang, kind)
    left, right = st.columns(2)
    for col, kind, mime, icon in ((left, "pdf", report.MIME, ":material/picture_as_pdf:"),
                                  (right, "pptx", slides.MIME, ":material/slideshow:")):
        name = brief.file_name(unit, period, lang, kind) if province else f"brief.{kind}"
        col.download_button(t("brief_pdf" if kind == "pdf" else "brief_pptx", lang), key=f"brief-{kind}",
                            data=partial(data, kind), file_name=name, mime=mime, on_click="ignore",
                            disabled=disabled, help=why, icon=icon)


__all__ = ["download_menu", "view_buttons", "brief_buttons", "make", "item_file", "ITEMS"]
