"""The current view as an A4-landscape PDF report (fpdf2): a cover with date and filters, one
chart per page (300-dpi PNG from images.to_image, so it matches the downloads), the figures
behind each chart as tables, and the sources.

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
from cnscd.text import t

from . import ExportError, images, notes
from .slides import _check, sources_of

FONT_DIRS = (Path(__file__).resolve().parents[2] / "fonts", Path("/usr/share/fonts/truetype/noto"))
MIME = "application/pdf"
TABLE_ROWS = 30


def font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise ExportError(f"Thiếu phông {name} (cài gói Debian fonts-noto-core hoặc đặt vào fonts/) / "
                      f"font {name} missing (install Debian fonts-noto-core or put it in fonts/)")


class _Report(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-10)
        self.set_font("Noto", size=8)
        self.set_text_color(100)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="R")


def _new_pdf(view_title: str) -> _Report:
    pdf = _Report(orientation="L", unit="mm", format="A4")
    pdf.add_font("Noto", "", str(font_file("NotoSans-Regular.ttf")))
    pdf.add_font("Noto", "B", str(font_file("NotoSans-Bold.ttf")))
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


def _data_table(pdf: FPDF, meta: ChartMeta) -> None:
    frame = meta.data.head(TABLE_ROWS)
    if frame.width == 0:
        _para(pdf, t("export_none", meta.lang))
        return
    numeric = [frame[c].dtype.is_numeric() for c in frame.columns]
    pdf.set_font("Noto", "", 8 if frame.width > 6 else 9)
    head_style = FontFace(emphasis="BOLD", fill_color=(31, 78, 121), color=(255, 255, 255))
    with pdf.table(headings_style=head_style, line_height=5, text_align=tuple(
            "RIGHT" if n else "LEFT" for n in numeric), first_row_as_headings=True) as table:
        table.row([meta.label(c) for c in frame.columns])
        for row in notes.rows(meta, frame):
            table.row(row)
    if meta.data.height > TABLE_ROWS:
        more = meta.data.height - TABLE_ROWS
        _para(pdf, t("export_more_rows", meta.lang, n=more), 9)


def build_pdf(charts: list[tuple[go.Figure, ChartMeta]], view_title: str,
              filters: dict[str, str] | None = None, lang: str = "vi",
              today: dt.date | None = None, with_tables: bool = True) -> bytes:
    _check(charts)
    pdf = _new_pdf(view_title)

    pdf.add_page()
    pdf.ln(40)
    _heading(pdf, view_title, 26)
    _para(pdf, f"{t('export_date', lang)}: {(today or dt.date.today()).strftime('%d/%m/%Y')}", 13)
    pdf.ln(6)
    _heading(pdf, t("export_filters", lang), 15)
    _para(pdf, "\n".join(f"{k}: {v}" for k, v in (filters or {}).items()) or t("export_none", lang), 12)

    for fig, meta in charts:
        png = images.to_image(fig, meta, "png", "print")
        w, h = images.png_size(png)
        ratio = h / w   # a chart taller than the print preset (a bar per province) gets a portrait page
        pdf.add_page(orientation="P" if ratio > 1 else "L")
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


__all__ = ["build_pdf", "font_file", "MIME"]
