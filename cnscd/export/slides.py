"""The current view as a 16:9 PPTX: title slide (date, filters), one chart per slide as a
picture with the figures behind it in the speaker notes, and a sources slide; and a briefing pack
(`build_pack`, cnscd/export/pack.py) with a cover, card, sentence and table slides besides.

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
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
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


def _chart_slide(deck, fig: go.Figure, meta: ChartMeta, strip: float = 0.0):
    """One chart as a picture; `strip` (a share of the height) is kept free above it (a pack's notice).
    A chart taller than the slide (a bar per province) is fitted to the height, centred."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    png = images.to_image(fig, meta, "png", "slide_1080")
    # the finished chart already carries title, subtitle, source and warnings
    box_w, box_h = int(SLIDE_W * (1 - strip)), int(SLIDE_H * (1 - strip))
    w, h = images.png_size(png)
    if h * box_w > w * box_h:
        box_w = round(box_h * w / h)
    slide.shapes.add_picture(io.BytesIO(png), Emu((SLIDE_W - box_w) // 2), Emu(SLIDE_H - box_h),
                             width=Emu(box_w), height=Emu(box_h))
    slide.notes_slide.notes_text_frame.text = notes.summary(meta) + "\n\n" + notes.text_table(meta)
    return slide


def build_deck(charts: list[tuple[go.Figure, ChartMeta]], view_title: str,
               filters: dict[str, str] | None = None, lang: str = "vi",
               today: dt.date | None = None, cover: str = "") -> bytes:
    """The deck; `cover` (place · period · boundary version) is printed under the title."""
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
          [(view_title, 40, True), *([(cover, 22, False)] if cover else []),
           (f"{t('export_date', lang)}: {date}", 18, False)])
    filter_lines = [(f"{k}: {v}", 16, False) for k, v in filters.items()] or [(t("export_none", lang), 16, False)]
    _text(title, margin, Emu(SLIDE_H // 2), inner_w, Emu(SLIDE_H // 3),
          [(t("export_filters", lang), 20, True), *filter_lines], color="374151")
    title.notes_slide.notes_text_frame.text = "\n".join(
        [view_title, *([cover] if cover else []), f"{t('export_date', lang)}: {date}"]
        + [f"{k}: {v}" for k, v in filters.items()])

    for fig, meta in charts:
        _chart_slide(deck, fig, meta)

    end = deck.slides.add_slide(blank)
    lines = [(s, 16, False) for s in sources_of(charts)] or [(t("export_none", lang), 16, False)]
    _text(end, margin, margin, inner_w, SLIDE_H - 2 * margin, [(t("export_sources", lang), 32, True), *lines])
    chart_list = [f"{k}. {m.title}" for k, (_, m) in enumerate(charts, start=1)]
    end.notes_slide.notes_text_frame.text = t("export_charts", lang) + ":\n" + "\n".join(chart_list)

    buf = io.BytesIO()
    deck.save(buf)
    return buf.getvalue()



# ---- the briefing pack (cnscd/export/pack.py): cover, cards, sentences, charts, tables, sources ----------
TABLE_ROWS_PER_SLIDE = 12
DENSE_ROWS = 17          # a long table: two blocks of 17 rows a slide
NOTICE_COLOUR = "B00020"


def _stamp(slide, pack, number: int, footer: bool = True) -> None:
    """The demo notice (top right, red) on every slide and the pack's footer with the slide number (not
    on a chart's picture, whose own source line sits there)."""
    if pack.notice:
        _text(slide, Emu(SLIDE_W * 0.3), Emu(SLIDE_H * 0.0), Emu(SLIDE_W * 0.69), Emu(SLIDE_H * 0.05),
              [(pack.notice, 10, True)], color=NOTICE_COLOUR).paragraphs[0].alignment = PP_ALIGN.RIGHT
    if not footer:
        return
    _text(slide, Emu(SLIDE_W // 16), Emu(SLIDE_H * 0.945), Emu(SLIDE_W * 0.8), Emu(SLIDE_H * 0.05),
          [(f"{pack.footer} · {number}", 10, False)], color="6B7280")


def _cards_slide(slide, part, margin, inner_w) -> None:
    _text(slide, margin, Emu(SLIDE_H * 0.06), inner_w, Emu(SLIDE_H * 0.08), [(part.title, 26, True)])
    cols, gap = 4, Emu(SLIDE_W // 80)
    rows = -(-len(part.cards) // cols) or 1
    top, bottom = SLIDE_H * 0.17, SLIDE_H * (0.86 if part.note else 0.92)
    w, h = (inner_w - gap * (cols - 1)) // cols, int((bottom - top - gap * (rows - 1)) // rows)
    for i, card in enumerate(part.cards):
        x, y = margin + (i % cols) * (w + gap), Emu(int(top + (i // cols) * (h + gap)))
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, y, w, h)
        box.adjustments[0] = 0.06
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string("F3F4F6")
        box.line.color.rgb = RGBColor.from_string("D1D5DB")
        _text(slide, x + Emu(60000), y + Emu(40000), w - Emu(120000), h - Emu(80000),
              [(card.label, 13, True), (card.value, 26, True), *([(card.unit, 12, False)] if card.unit else []),
               *[(line, 11, False) for line in card.lines]])
    if part.note:
        _text(slide, margin, Emu(int(SLIDE_H * 0.87)), inner_w, Emu(SLIDE_H * 0.07), [(part.note, 11, False)],
              color="4B5563")


def _table_slide(slide, title: str, headers, blocks, numeric, note: str, margin, inner_w) -> None:
    """A table slide: one table of up to TABLE_ROWS_PER_SLIDE rows at 12 pt, or (a long ranking) two
    tables side by side of up to DENSE_ROWS rows each at 11 pt, read down the left one first."""
    # one line of 18 pt holds a long title ("Xếp hạng các xã/phường theo % mục tiêu: … (1/3)")
    _text(slide, margin, Emu(SLIDE_H * 0.06), inner_w, Emu(SLIDE_H * 0.08), [(title, 18, True)])
    dense = len(blocks) > 1
    gap = Emu(SLIDE_W // 60)
    width = (inner_w - gap) // 2 if dense else inner_w
    row_h, size = (0.037, 11) if dense else (0.05, 12)   # 17 dense rows or 13 rows end at 81 %: above the note
    for b, rows in enumerate(blocks):
        height = Emu(int(SLIDE_H * row_h * (len(rows) + 1)))
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), margin + b * (width + gap),
                                       Emu(int(SLIDE_H * 0.15)), width, height)
        table = shape.table
        if dense:
            # the name column takes what the numbers leave; rows as tall as their 11 pt line
            words = sum(1 for n in numeric if not n)
            for c, n in enumerate(numeric):
                share = (0.6 / (len(numeric) - words) if n else 0.4 / words) if 0 < words < len(numeric) else 1 / len(numeric)
                table.columns[c].width = Emu(int(width * share))
            for row in table.rows:
                row.height = Emu(int(SLIDE_H * row_h))
        for r, values in enumerate([headers, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                if dense:
                    cell.margin_top = cell.margin_bottom = Emu(18288)      # 0.02 in
                frame = cell.text_frame
                frame.text = value
                para = frame.paragraphs[0]
                para.alignment = PP_ALIGN.RIGHT if numeric[c] and r else PP_ALIGN.LEFT
                for run in para.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(size), TEXT_FONT, r == 0
    if note:
        _text(slide, margin, Emu(int(SLIDE_H * 0.86)), inner_w, Emu(SLIDE_H * 0.07), [(note, 11, False)],
              color="4B5563")


def table_pages(rows: tuple) -> list[list[tuple]]:
    """A table's slides, each a list of blocks (tables side by side): up to TABLE_ROWS_PER_SLIDE rows on
    one slide as one table; a longer one (a province's 102 communes were 9 slides) two blocks of up to
    DENSE_ROWS a slide."""
    from .pack import chunks

    if len(rows) <= TABLE_ROWS_PER_SLIDE:
        return [[list(rows)]]
    pages = chunks(rows, 2 * DENSE_ROWS)
    # each slide's rows in two blocks as even as may be (13 rows: 7 and 6; a last slide of 1 row: one table)
    return [chunks(page, -(-len(page) // 2)) if len(page) > TABLE_ROWS_PER_SLIDE else [list(page)] for page in pages]


def build_pack(pack) -> bytes:
    """A briefing pack (cnscd.export.pack.Pack) as a 16:9 deck: the same parts, in order, as the PDF
    report. Deterministic: core properties dated `pack.stamp`, zip members dated ZIP_DATE."""
    from .pack import Cards, Chart, Sentences, Table, fixed_zip

    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    blank = deck.slide_layouts[6]
    margin = Emu(SLIDE_W // 16)
    inner_w = SLIDE_W - 2 * margin
    slides = []

    cover = deck.slides.add_slide(blank)
    _text(cover, margin, Emu(SLIDE_H // 4), inner_w, Emu(SLIDE_H // 4),
          [(pack.title, 36, True), *[(line, 18, False) for line in pack.cover_lines]])
    if pack.notice:
        _text(cover, margin, Emu(int(SLIDE_H * 0.7)), inner_w, Emu(SLIDE_H // 8), [(pack.notice, 16, True)],
              color=NOTICE_COLOUR)
    slides.append(cover)
    for part in pack.parts:
        if isinstance(part, Chart):
            slides.append(_chart_slide(deck, part.fig, part.meta, strip=0.06 if pack.notice else 0.0))
        elif isinstance(part, Cards):
            slides.append(deck.slides.add_slide(blank))
            _cards_slide(slides[-1], part, margin, inner_w)
        elif isinstance(part, Sentences):
            slides.append(deck.slides.add_slide(blank))
            _text(slides[-1], margin, Emu(SLIDE_H * 0.06), inner_w, Emu(SLIDE_H * 0.08), [(part.title, 26, True)])
            _text(slides[-1], margin, Emu(int(SLIDE_H * 0.18)), inner_w, Emu(int(SLIDE_H * 0.66)),
                  [(f"• {line}", 18, False) for line in part.lines] + ([(part.note, 12, False)] if part.note else []))
        elif isinstance(part, Table):
            pages = table_pages(part.rows)
            for k, blocks in enumerate(pages, start=1):
                title = part.title if len(pages) == 1 else f"{part.title} ({k}/{len(pages)})"
                slides.append(deck.slides.add_slide(blank))
                _table_slide(slides[-1], title, part.headers, blocks, part.numeric,
                             part.note if k == len(pages) else "", margin, inner_w)
        else:
            raise ExportError(f"Phần không hỗ trợ trong bản tin: {type(part).__name__} / "
                              f"unsupported pack part: {type(part).__name__}")
    end = deck.slides.add_slide(blank)
    _text(end, margin, margin, inner_w, SLIDE_H - 2 * margin,
          [(t("export_sources", pack.lang), 28, True), *[(s, 14, False) for s in pack.sources]]
          + ([(pack.notice, 14, True)] if pack.notice else []))
    slides.append(end)
    pictures = {id(s) for s in slides if any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)}
    for number, slide in enumerate(slides, start=1):
        if number > 1:
            _stamp(slide, pack, number, footer=id(slide) not in pictures)

    props = deck.core_properties
    props.title, props.author, props.last_modified_by = pack.title, "CNSCĐ dashboard", "CNSCĐ dashboard"
    props.created = props.modified = pack.stamp
    props.revision = 1
    buf = io.BytesIO()
    deck.save(buf)
    return fixed_zip(buf.getvalue())

__all__ = ["build_deck", "build_pack", "sources_of", "MIME"]
