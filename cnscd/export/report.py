"""The current view as an A4-landscape PDF report (fpdf2): a cover with date and filters, one
chart per page (300-dpi PNG from images.to_image, so it matches the downloads), the figures
behind each chart as tables, and the sources; and a briefing pack (`build_pack`, cnscd/export/pack.py).

Text is set in Noto Sans embedded from the TTF (fpdf2 subsets it), so Vietnamese diacritics
are right in any PDF viewer. The font is looked up in the project's fonts/ folder first,
then in Debian's fonts-noto-core.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.fonts import FontFace

from cnscd.charts.meta import ChartMeta
from cnscd.charts.textfit import font_path
from cnscd.text import t

from . import BASE_WIDTH, FOOTER_FONT, MIN_ANNOTATION_FONT, ExportError, images, notes
from .slides import _check, sources_of

# glyphs Noto Sans lacks (≤ in "hạng ≤ 25") come from DejaVu Sans where it is installed (fonts-dejavu-core)
FALLBACK_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MIME = "application/pdf"
TABLE_ROWS = 30


def font_file(name: str) -> Path:
    path = font_path(name)   # the fonts the exports measure text with (charts.textfit)
    if path is not None:
        return path
    raise ExportError(f"Thiếu phông {name} (cài gói Debian fonts-noto-core hoặc đặt vào fonts/) / "
                      f"font {name} missing (install Debian fonts-noto-core or put it in fonts/)")


class _Report(FPDF):
    footer_text = ""
    notice_text = ""   # a pack's demo notice, at the top of every page

    def header(self):
        if self.notice_text:
            self.set_y(4)
            self.set_font("Noto", "B", 9)
            self.set_text_color(176, 0, 32)
            self.cell(0, 5, self.notice_text, align="R")
            self.set_text_color(0)
            self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-10)
        self.set_font("Noto", size=8)
        self.set_text_color(100)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="R")
        self.set_text_color(0)


def _new_pdf(view_title: str) -> _Report:
    pdf = _Report(orientation="L", unit="mm", format="A4")
    pdf.add_font("Noto", "", str(font_file("NotoSans-Regular.ttf")))
    pdf.add_font("Noto", "B", str(font_file("NotoSans-Bold.ttf")))
    if FALLBACK_FONT.is_file():
        pdf.add_font("DejaVu", "", str(FALLBACK_FONT))
        pdf.set_fallback_fonts(["DejaVu"], exact_match=False)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(14, 12, 14)
    pdf.set_title(view_title)
    pdf.set_creator("CNSCĐ dashboard")
    pdf.footer_text = view_title
    return pdf


def _heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.set_font("Noto", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _para(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.set_font("Noto", "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, meta: ChartMeta, n: int) -> None:
    """The first `n` rows of the chart's figures, headers in words, then the "… and n more rows" line."""
    frame = meta.data.head(n)
    numeric = [meta.data[c].dtype.is_numeric() for c in meta.exported_columns]
    pdf.set_font("Noto", "", 8 if len(numeric) > 6 else 9)
    head_style = FontFace(emphasis="BOLD", fill_color=(31, 78, 121), color=(255, 255, 255))
    with pdf.table(headings_style=head_style, line_height=5, text_align=tuple(
            "RIGHT" if k else "LEFT" for k in numeric), first_row_as_headings=True) as table:
        table.row(notes.headers(meta))
        for row in notes.rows(meta, frame):
            table.row(row)
    if meta.data.height > n:
        _para(pdf, t("export_more_rows", meta.lang, n=meta.data.height - n), 9)


def fitting_rows(pdf: FPDF, meta: ChartMeta, most: int = TABLE_ROWS) -> int:
    """How many rows (at most `most`) fit on the rest of this page together with the "… and n more
    rows" line, tried on fpdf's dry run (rows wrap, so their heights vary): a table never spills one
    line onto a page of its own."""
    def fits(n: int) -> bool:
        with pdf.offset_rendering() as trial:
            _table(trial, meta, n)
        return not trial.page_break_triggered

    lo, hi = 1, min(most, meta.data.height)
    if fits(hi):
        return hi
    while lo < hi:   # the largest n that fits; one row at least
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    return lo


def _data_table(pdf: FPDF, meta: ChartMeta) -> None:
    if meta.data.width == 0 or not meta.exported_columns:
        _para(pdf, t("export_none", meta.lang))
        return
    _table(pdf, meta, fitting_rows(pdf, meta))


def chart_size(pdf: FPDF) -> tuple[float, float]:
    """(width, height) in mm of a chart's picture on its page: the print preset's shape, as large as
    the page allows above the page-number footer."""
    ratio = images.PRESETS["print"][1] / images.PRESETS["print"][0]
    height = min(pdf.epw * ratio, pdf.eph)
    return height / ratio, height


def points_per_px() -> float:
    """Type size in the printed report (pt) of one layout px of a chart restyled for the print preset:
    a subplot title of n px prints at n × this (≥ 8 pt wanted; export.MIN_ANNOTATION_FONT)."""
    width_mm, _ = chart_size(_new_pdf(""))
    return width_mm / images.PRESETS["print"][0] * 72 / 25.4


MIN_PRINT_PT = 8.0   # labels and subplot titles in print (issue 11 §3)


def tall_page(fig: go.Figure) -> tuple[int, float, float] | None:
    """For a chart taller than wide at print size (a bar per province): (layout height, text scale,
    printed width in mm) of its portrait page, else None. The picture takes the page's shape (it fills
    the page, so it is as wide as it can be) and its text is scaled so the smallest text (the footer,
    FOOTER_FONT at 1280 px; axis and bar labels are MIN_ANNOTATION_FONT) prints at MIN_PRINT_PT: at the
    landscape scale the portrait page's narrower width printed it at ~6 pt."""
    width = images.PRESETS["print"][0]
    if images.export_height(fig, "print") <= width:   # no taller than wide: a landscape page
        return None
    pdf = _new_pdf("")
    pdf.add_page(orientation="P")
    width_mm, height_mm = pdf.epw, pdf.eph
    smallest = min(MIN_ANNOTATION_FONT, FOOTER_FONT) * width / BASE_WIDTH   # px at text scale 1
    pt_per_px = width_mm / width * 72 / 25.4
    scale = max(1.0, MIN_PRINT_PT / (smallest * pt_per_px) * 1.02)   # 2 % for rounding to whole px
    return round(width * height_mm / width_mm), scale, width_mm


def build_pdf(charts: list[tuple[go.Figure, ChartMeta]], view_title: str,
              filters: dict[str, str] | None = None, lang: str = "vi",
              today: dt.date | None = None, with_tables: bool = True, cover: str = "") -> bytes:
    """The report; `cover` (place · period · boundary version) is printed under the title."""
    _check(charts)
    pdf = _new_pdf(view_title)

    pdf.add_page()
    pdf.ln(40)
    _heading(pdf, view_title, 26)
    if cover:
        _para(pdf, cover, 16)
        pdf.ln(2)
    _para(pdf, f"{t('export_date', lang)}: {(today or dt.date.today()).strftime('%d/%m/%Y')}", 13)
    pdf.ln(6)
    _heading(pdf, t("export_filters", lang), 15)
    _para(pdf, "\n".join(f"{k}: {v}" for k, v in (filters or {}).items()) or t("export_none", lang), 12)

    for fig, meta in charts:
        tall = tall_page(fig)   # a chart taller than the print preset (a bar per province): a portrait page
        png = (images.to_image(fig, meta, "png", "print", page_height=tall[0], text_scale=tall[1]) if tall
               else images.to_image(fig, meta, "png", "print"))
        w, h = images.png_size(png)
        ratio = h / w
        pdf.add_page(orientation="P" if tall else "L")
        # the finished chart carries title, unit, period, boundary, source and warnings
        height = min(pdf.epw * ratio, pdf.eph)   # fit the page above the page-number footer
        width = height / ratio
        pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, y=pdf.t_margin, w=width, h=height,
                  title=meta.title)
        if with_tables:
            pdf.add_page()
            _heading(pdf, f"{t('export_data', lang)}: {meta.title}", 14)
            _para(pdf, notes.summary(meta).split("\n", 1)[-1], 10)
            pdf.ln(2)
            _data_table(pdf, meta)

    pdf.add_page()
    _heading(pdf, t("export_sources", lang), 18)
    _para(pdf, "\n".join(sources_of(charts)) or t("export_none", lang), 12)
    return bytes(pdf.output())



# ---- the briefing pack (cnscd/export/pack.py): the same parts, in order, as slides.build_pack -----------
PACK_PRESET = "print_200"   # 200 dpi on A4: sharp in print at half the render and embedding time of 300 dpi


def _chart_page(pdf: FPDF, fig: go.Figure, meta: ChartMeta) -> None:
    pdf.add_page()
    png = images.to_image(fig, meta, "png", PACK_PRESET)
    ratio = images.PRESETS[PACK_PRESET][1] / images.PRESETS[PACK_PRESET][0]
    height = min(pdf.epw * ratio, pdf.eph)   # fit the page above the page-number footer
    width = height / ratio
    pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, y=pdf.t_margin, w=width, h=height, title=meta.title)


def _cards_page(pdf: FPDF, part) -> None:
    pdf.add_page()
    _heading(pdf, part.title, 18)
    cols, gap = 4, 4
    rows = -(-len(part.cards) // cols) or 1
    top = pdf.get_y() + 2
    w = (pdf.epw - gap * (cols - 1)) / cols
    h = min(62.0, (pdf.h - 30 - top - gap * (rows - 1)) / rows)
    for i, card in enumerate(part.cards):
        x, y = pdf.l_margin + (i % cols) * (w + gap), top + (i // cols) * (h + gap)
        pdf.set_fill_color(243, 244, 246)
        pdf.set_draw_color(209, 213, 219)
        pdf.rect(x, y, w, h, style="DF", round_corners=True, corner_radius=2)
        pdf.set_xy(x + 3, y + 3)
        pdf.set_font("Noto", "B", 10)
        pdf.multi_cell(w - 6, 5, card.label, new_x="LEFT", new_y="NEXT")
        pdf.set_font("Noto", "B", 20)
        pdf.multi_cell(w - 6, 10, card.value, new_x="LEFT", new_y="NEXT")
        pdf.set_font("Noto", "", 9)
        if card.unit:
            pdf.multi_cell(w - 6, 4.5, card.unit, new_x="LEFT", new_y="NEXT")
        for line in card.lines:
            pdf.multi_cell(w - 6, 4.5, line, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top + rows * (h + gap))
    if part.note:
        _para(pdf, part.note, 9)


def _table_part(pdf: FPDF, part) -> None:
    pdf.add_page()
    _heading(pdf, part.title, 16)
    pdf.set_font("Noto", "", 9)
    head_style = FontFace(emphasis="BOLD", fill_color=(31, 78, 121), color=(255, 255, 255))
    with pdf.table(headings_style=head_style, line_height=5.5, first_row_as_headings=True,
                   text_align=tuple("RIGHT" if n else "LEFT" for n in part.numeric)) as table:
        table.row(list(part.headers))
        for row in part.rows:
            table.row(list(row))
    if part.note:
        pdf.ln(2)
        _para(pdf, part.note, 9)


def build_pack(pack) -> bytes:
    """A briefing pack (cnscd.export.pack.Pack) as an A4-landscape PDF; every page carries the demo
    notice. Deterministic: its creation date is `pack.stamp` (the file id is a hash of the content)."""
    from .pack import Cards, Chart, Sentences, Table

    pdf = _new_pdf(pack.title)
    pdf.footer_text = pack.footer or pack.title
    pdf.notice_text = pack.notice
    pdf.set_creation_date(pack.stamp.replace(tzinfo=dt.timezone.utc) if pack.stamp.tzinfo is None else pack.stamp)
    pdf.set_author("CNSCĐ dashboard")
    pdf.set_lang(pack.lang)

    pdf.add_page()
    pdf.ln(35)
    _heading(pdf, pack.title, 26)
    _para(pdf, "\n".join(pack.cover_lines), 13)
    if pack.notice:
        pdf.ln(8)
        pdf.set_text_color(176, 0, 32)
        _heading(pdf, pack.notice, 13)
        pdf.set_text_color(0)
    for part in pack.parts:
        if isinstance(part, Chart):
            _chart_page(pdf, part.fig, part.meta)
        elif isinstance(part, Cards):
            _cards_page(pdf, part)
        elif isinstance(part, Sentences):
            pdf.add_page()
            _heading(pdf, part.title, 18)
            _para(pdf, "\n".join(f"• {line}" for line in part.lines), 12)
            if part.note:
                pdf.ln(2)
                _para(pdf, part.note, 9)
        elif isinstance(part, Table):
            _table_part(pdf, part)
        else:
            raise ExportError(f"Phần không hỗ trợ trong bản tin: {type(part).__name__} / "
                              f"unsupported pack part: {type(part).__name__}")
    pdf.add_page()
    _heading(pdf, t("export_sources", pack.lang), 18)
    _para(pdf, "\n".join(pack.sources) or t("export_none", pack.lang), 11)
    return bytes(pdf.output())

__all__ = ["build_pdf", "build_pack", "font_file", "chart_size", "points_per_px", "MIME"]
