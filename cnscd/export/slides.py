"""The current view as a 16:9 PPTX: title slide (date, filters), one chart per slide as a
picture with the figures behind it in the speaker notes, and a sources slide.

Charts go in as 1920×1080 PNGs rendered by images.to_image, so they look the same as the
single-chart download; slide text is real text in Arial, which meeting-room PCs have with
Vietnamese glyphs (Noto Sans may not be installed there).
"""
from __future__ import annotations

import datetime as dt
import io

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from cnscd.charts.meta import ChartMeta
from cnscd.text import t

from . import ExportError, images, notes

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)   # 13.333 × 7.5 in, 16:9
TEXT_FONT = "Arial"
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _text(slide, left, top, width, height, lines: list[tuple[str, int, bool]], color="1F2937"):
    """One text box; lines are (text, size in pt, bold)."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for k, (text, size, bold) in enumerate(lines):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, TEXT_FONT
        run.font.color.rgb = RGBColor.from_string(color)
    return frame


def _check(charts) -> None:
    for k, item in enumerate(charts):
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], go.Figure)
                and isinstance(item[1], ChartMeta)):
            raise ExportError(f"charts[{k}] phải là (Figure, ChartMeta) / "
                              f"charts[{k}] must be a (Figure, ChartMeta) pair")


def sources_of(charts: list[tuple[go.Figure, ChartMeta]]) -> list[str]:
    """Distinct source lines and warnings, in first-seen order."""
    seen: dict[str, None] = {}
    for _, meta in charts:
        for line in [meta.source_line, *meta.notes]:
            if line:
                seen.setdefault(line, None)
    return list(seen)


def build_deck(charts: list[tuple[go.Figure, ChartMeta]], view_title: str,
               filters: dict[str, str] | None = None, lang: str = "vi",
               today: dt.date | None = None) -> bytes:
    _check(charts)
    filters = filters or {}
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    blank = deck.slide_layouts[6]
    margin = Emu(SLIDE_W // 16)
    inner_w = SLIDE_W - 2 * margin

    title = deck.slides.add_slide(blank)
    date = (today or dt.date.today()).strftime("%d/%m/%Y")
    _text(title, margin, Emu(SLIDE_H // 4), inner_w, Emu(SLIDE_H // 5),
          [(view_title, 40, True), (f"{t('export_date', lang)}: {date}", 18, False)])
    filter_lines = [(f"{k}: {v}", 16, False) for k, v in filters.items()] or [(t("export_none", lang), 16, False)]
    _text(title, margin, Emu(SLIDE_H // 2), inner_w, Emu(SLIDE_H // 3),
          [(t("export_filters", lang), 20, True), *filter_lines], color="374151")
    title.notes_slide.notes_text_frame.text = "\n".join(
        [view_title, f"{t('export_date', lang)}: {date}"] + [f"{k}: {v}" for k, v in filters.items()])

    for fig, meta in charts:
        slide = deck.slides.add_slide(blank)
        png = images.to_image(fig, meta, "png", "slide_1080")
        # the finished chart already carries title, subtitle, source and warnings
        w, h = images.png_size(png)
        if h * SLIDE_W > w * SLIDE_H:   # taller than the slide (a bar per province): fit its height
            pic_w = Emu(round(SLIDE_H * w / h))
            slide.shapes.add_picture(io.BytesIO(png), Emu((SLIDE_W - pic_w) // 2), 0, width=pic_w, height=SLIDE_H)
        else:
            slide.shapes.add_picture(io.BytesIO(png), 0, 0, width=SLIDE_W, height=SLIDE_H)
        slide.notes_slide.notes_text_frame.text = notes.summary(meta) + "\n\n" + notes.text_table(meta)

    end = deck.slides.add_slide(blank)
    lines = [(s, 16, False) for s in sources_of(charts)] or [(t("export_none", lang), 16, False)]
    _text(end, margin, margin, inner_w, SLIDE_H - 2 * margin, [(t("export_sources", lang), 32, True), *lines])
    chart_list = [f"{k}. {m.title}" for k, (_, m) in enumerate(charts, start=1)]
    end.notes_slide.notes_text_frame.text = t("export_charts", lang) + ":\n" + "\n".join(chart_list)

    buf = io.BytesIO()
    deck.save(buf)
    return buf.getvalue()


__all__ = ["build_deck", "sources_of", "MIME"]
