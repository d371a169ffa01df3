"""Exports, opened and checked: PNG sizes, SVG text with diacritics, PDF pages, PPTX slides /
pictures / notes, and that a render asks the network for nothing (a recording proxy sees every
http(s) request chromium makes). One Kaleido session serves the whole module.

Set CNSCD_EXPORT_LOOK=1 to keep the files under tests/artifacts/export/ and look at them.
"""
from __future__ import annotations

import io
import os
import re
import socketserver
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image

from cnscd.charts.meta import ChartInputError
from cnscd.export import ExportError, images, report, restyle, slides
from cnscd.export.sample import TITLE, bar_chart, map_chart, sample_meta, tile_map_chart

LOOK = Path(__file__).parent / "artifacts" / "export"
# chromium's own start-up traffic (search-engine preconnect, component updater, sign-in): the
# dead proxy refuses it in production; a figure must add nothing to it.
BROWSER_BACKGROUND = {"start.duckduckgo.com", "update.googleapis.com", "accounts.google.com",
                      "clients2.google.com", "clientservices.googleapis.com", "redirector.gvt1.com"}


def keep(name: str, data: bytes) -> None:
    if os.environ.get("CNSCD_EXPORT_LOOK"):
        LOOK.mkdir(parents=True, exist_ok=True)
        (LOOK / name).write_bytes(data)


class _Recorder(socketserver.StreamRequestHandler):
    seen: list[str] = []

    def handle(self):
        line = self.rfile.readline().decode("latin-1").strip()
        if line:
            _Recorder.seen.append(line)
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _hosts(lines: list[str]) -> set[str]:
    targets = [ln.split(" ")[1] for ln in lines if " " in ln]
    return {re.sub(r"^[a-z]+://", "", t).split("/")[0].split(":")[0] for t in targets}


@pytest.fixture(scope="module")
def seen(chromium):
    """Requests chromium sent through the recording proxy; the module's engine uses it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    images.use_engine(images.Engine(proxy_server=f"http://127.0.0.1:{server.server_address[1]}"))
    images.engine().start()
    yield _Recorder.seen
    images.use_engine(images.Engine())
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def meta():
    return sample_meta(is_approximate_boundaries=True)


def test_restyle_keeps_the_charts_words_and_its_input(meta):
    """Export restyles the finished chart (fonts, margins, footer in the bottom margin); the words are
    the chart's own, added once by charts.base.finish, in the chart's language."""
    fig = bar_chart(meta)
    before = fig.to_json()
    out = restyle(fig, width=1754)
    assert fig.to_json() == before, "restyle must not change its input"
    assert TITLE in out.layout.title.text
    assert out.layout.title.subtitle.text == "tổ · 06/2025 · Địa giới: 2025"  # the app's word for a boundary version
    texts = [a.text for a in out.layout.annotations]
    assert texts.count("Nguồn: Bộ Thông tin và Truyền thông; số liệu minh hoạ") == 1
    assert sum("Dữ liệu minh hoạ" in t and "Ranh giới gần đúng" in t and "demo data" not in t for t in texts) == 1
    assert out.layout.separators == ",." and out.layout.font.family.startswith("Noto Sans")
    assert out.layout.font.size == round(15 * 1754 / 1280) and out.layout.title.font.size == round(26 * 1754 / 1280)
    foot = {a.name: a for a in out.layout.annotations}
    # the source line, then the warnings on a line of their own under it, both from the left edge
    assert foot["cnscd_footer"].xanchor == foot["cnscd_notes"].xanchor == "left"
    assert foot["cnscd_notes"].yshift < foot["cnscd_footer"].yshift < 0
    assert -foot["cnscd_notes"].yshift < out.layout.margin.b    # inside the bottom margin
    english = restyle(bar_chart(sample_meta(lang="en", is_demo=False)))
    assert english.layout.separators == ".," and "Community" in english.layout.title.text
    assert not any("demo" in (a.text or "") for a in english.layout.annotations)


def test_bad_input_is_refused_in_both_languages(meta):
    with pytest.raises(ExportError, match="không hỗ trợ.*unsupported"):
        images.to_image(bar_chart(meta), meta, "gif")
    with pytest.raises(ExportError, match="không hợp lệ.*unknown export preset"):
        images.to_image(bar_chart(meta), meta, "png", "poster")
    with pytest.raises(ExportError, match="Figure"):
        restyle({"data": []})
    with pytest.raises(ChartInputError, match="lang"):
        sample_meta(lang="fr")


def test_engine_page_is_local(seen):
    """The page the running Kaleido opened loads plotly.js from the plotly package, no MathJax,
    and chromium was started with the proxy that catches any outside request."""
    from urllib.parse import unquote, urlparse

    page = Path(unquote(urlparse(images.engine()._kaleido._index).path)).read_text()
    assert images.PLOTLYJS.is_file() and f'src="{images.PLOTLYJS}"' in page
    assert "http://" not in page and "https://" not in page and "mathjax" not in page.lower()
    cli = images.engine()._kaleido._browser_impl.get_cli()
    assert "--proxy-server=" + images.engine().proxy_server in cli
    assert "--disable-background-networking" in cli and "--no-sandbox" in cli


@pytest.mark.parametrize("preset", ["slide_1080", "slide_720", "print"])
def test_png_has_the_preset_size(seen, meta, preset):
    png = images.to_image(bar_chart(meta), meta, "png", preset)
    keep(f"bar_{preset}.png", png)
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG"
        assert im.size == images.size(preset)
    assert images.size("slide_1080") == (1920, 1080) and images.size("print") == (3508, 2480)


def test_svg_parses_and_holds_the_title_with_diacritics(seen, meta):
    svg = images.to_image(bar_chart(meta), meta, "svg")
    keep("bar.svg", svg)
    root = ET.fromstring(svg)
    text = " ".join(t for t in root.itertext())
    assert TITLE in text and "Thừa Thiên Huế" in text and "Đắk Lắk" in text
    assert "Dữ liệu minh hoạ" in text and "demo data" not in text  # one language at a time
    urls = set(re.findall(rb"https?://[^\s\"')<>]+", svg))
    assert all(u.startswith(b"http://www.w3.org/") for u in urls), urls


def test_pdf_of_a_chart_has_one_page(seen, meta):
    from pypdf import PdfReader

    pdf = images.to_image(bar_chart(meta), meta, "pdf")
    keep("bar.pdf", pdf)
    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_no_request_leaves_the_machine(seen, meta):
    """Render a chart, a geo map and a tile map: chromium asks for nothing beyond its own
    start-up traffic. A figure that links an outside image is caught (the check works)."""
    images.to_image(bar_chart(meta), meta, "png", "slide_720")   # the engine is up and has rendered once
    start = len(seen)
    for name, fig in [("bar", bar_chart(meta)), ("map", map_chart(meta)), ("tiles", tile_map_chart(meta))]:
        png = images.to_image(fig, meta, "png", "slide_720")
        keep(f"offline_{name}.png", png)
        assert len(png) > 10_000
    extra = _hosts(seen[start:]) - BROWSER_BACKGROUND
    assert not extra, f"figures made requests to {extra}"
    control = bar_chart(meta)
    control.add_layout_image(source="https://example.com/logo.png", x=0, y=1, sizex=0.1, sizey=0.1,
                             xref="paper", yref="paper")
    images.to_image(control, meta, "png", "slide_720")
    assert "example.com" in _hosts(seen[start:])


def test_concurrent_exports_from_threads(seen, meta):
    """Streamlit runs download callables on their own threads: one engine serves them all."""
    jobs = [("png", "slide_720"), ("png", "slide_1080"), ("svg", "slide_720"), ("pdf", "slide_720")]
    with ThreadPoolExecutor(4) as pool:
        out = list(pool.map(lambda job: images.to_image(bar_chart(meta), meta, *job), jobs))
    assert Image.open(io.BytesIO(out[0])).size == (1280, 720)
    assert Image.open(io.BytesIO(out[1])).size == (1920, 1080)
    assert out[2].lstrip().startswith(b"<svg") and out[3].startswith(b"%PDF")


def test_deck_has_title_chart_and_source_slides_with_notes(seen, meta):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    charts = [(bar_chart(meta), meta), (map_chart(meta), sample_meta(is_approximate_boundaries=True))]
    data = slides.build_deck(charts, "Tổng quan CNSCĐ", {"Kỳ": "06/2025", "Ranh giới": "2025"})
    keep("deck.pptx", data)
    deck = Presentation(io.BytesIO(data))
    assert len(deck.slides) == len(charts) + 2
    first, *middle, last = deck.slides
    first_text = " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Tổng quan CNSCĐ" in first_text and "Kỳ: 06/2025" in first_text
    assert re.search(r"\d\d/\d\d/\d{4}", first_text)
    for slide in middle:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        with Image.open(io.BytesIO(pictures[0].image.blob)) as im:
            assert im.size == (1920, 1080)
        notes = slide.notes_slide.notes_text_frame.text
        assert TITLE in notes and "12.345" in notes and "Thừa Thiên Huế" in notes
    last_text = " ".join(s.text_frame.text for s in last.shapes if s.has_text_frame)
    assert "Bộ Thông tin và Truyền thông" in last_text and "Ranh giới gần đúng" in last_text


def test_pdf_report_has_its_pages_and_text(seen, meta):
    from pypdf import PdfReader

    charts = [(bar_chart(meta), meta), (bar_chart(meta), meta)]
    data = report.build_pdf(charts, "Tổng quan CNSCĐ", {"Kỳ": "06/2025"})
    keep("report.pdf", data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 + 2 * len(charts) + 1   # cover, chart + table each, sources
    cover = reader.pages[0].extract_text()
    assert "Tổng quan CNSCĐ" in cover and "Kỳ: 06/2025" in cover
    assert reader.pages[1].images, "chart page carries the picture"
    table = reader.pages[2].extract_text()
    assert "Thừa Thiên Huế" in table and "12.345" in table
    fonts = {str(f) for p in reader.pages for f in p["/Resources"]["/Font"].values()
             for f in [f.get_object()["/BaseFont"]]}
    assert any("NotoSans" in f for f in fonts), fonts


def test_deck_refuses_bad_items(meta):
    with pytest.raises(ExportError, match=r"charts\[0\]"):
        slides.build_deck([go.Figure()], "x")


def test_a_crashed_browser_is_restarted(seen, meta):
    import signal

    eng = images.engine()
    images.to_image(bar_chart(meta), meta, "png", "slide_720")
    os.killpg(eng._kaleido.subprocess.pid, signal.SIGKILL)   # our own chromium, by its group id
    png = images.to_image(bar_chart(meta), meta, "png", "slide_720")
    assert Image.open(io.BytesIO(png)).size == (1280, 720) and eng.running
