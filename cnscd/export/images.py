"""PNG / SVG / PDF of one chart at slide or print size, rendered on the server by the shared
Kaleido engine (engine.py) the figure was restyled for its size (export.restyle; the chart brings its own title, source and warnings)."""
from __future__ import annotations

import plotly.graph_objects as go

from cnscd.charts.meta import ChartMeta

from . import BASE_WIDTH, ExportError, restyle
from .engine import DEAD_PROXY, PLOTLYJS, Engine, browser_path, engine, prewarm, use_engine  # noqa: F401

# name -> (layout width, layout height, scale): layouts stay slide-shaped so the chart looks
# the same at every size; the scale gives the pixels.
PRESETS: dict[str, tuple[int, int, float]] = {
    "slide_1080": (1280, 720, 1.5),    # 1920 × 1080
    "slide_720": (1280, 720, 1.0),     # 1280 × 720
    "print": (1754, 1240, 2.0),        # 3508 × 2480 = A4 landscape at 300 dpi
    "print_200": (1754, 1240, 4 / 3),  # 2339 × 1653 = A4 landscape at 200 dpi (the briefing pack: half the pixels)
}
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
# The resolution a PNG says it has (its pHYs chunk): print is A4 landscape at 300 dpi; a slide PNG is
# 13.333 in wide, the width of a 16:9 slide (1920 px at 144 dpi, 1280 px at 96); the pack prints at 200.
DPI = {"slide_1080": 144, "slide_720": 96, "print": 300, "print_200": 200}


def size(preset: str) -> tuple[int, int]:
    """Pixel size a PNG export of `preset` will have."""
    w, h, s = _preset(preset)
    return round(w * s), round(h * s)


def _preset(preset: str) -> tuple[int, int, float]:
    if preset not in PRESETS:
        raise ExportError(f"Cỡ xuất không hợp lệ {preset!r}, chọn một trong {sorted(PRESETS)} / "
                          f"unknown export preset {preset!r}, choose one of {sorted(PRESETS)}")
    return PRESETS[preset]


def to_image(fig: go.Figure, meta: ChartMeta, fmt: str = "png", preset: str = "slide_1080",
             page_height: int | None = None, text_scale: float = 1.0) -> bytes:
    """The chart as png|svg|pdf bytes at `preset` size (vector formats use the layout size); `page_height`
    (layout px) and `text_scale` (export.restyle) for a page of another shape (report.tall_page)."""
    if fmt not in FORMATS:
        raise ExportError(f"Định dạng không hỗ trợ {fmt!r} (png, svg, pdf) / "
                          f"unsupported format {fmt!r} (png, svg, pdf)")
    width, _, scale = _preset(preset)
    height = page_height or export_height(fig, preset)
    out = restyle(fig, width=width, text_scale=text_scale)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    data = engine().render(out, opts)
    if fmt == "png":
        return with_dpi(data, DPI[preset])
    if fmt == "pdf":
        return with_title(data, meta.title)
    return data


def with_dpi(png: bytes, dpi: int) -> bytes:
    """`png` with a pHYs chunk saying `dpi` (any earlier one dropped), inserted right after IHDR: the
    picture's pixels are untouched, only the size a viewer or printer gives it changes."""
    import struct
    import zlib

    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ExportError("Không phải tệp PNG / not a PNG file")
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    out, pos = [png[:8]], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        kind, end = png[pos + 4:pos + 8], pos + 12 + length
        if kind != b"pHYs":
            out.append(png[pos:end])
        if kind == b"IHDR":
            out.append(chunk)
        pos = end
    return b"".join(out)


def with_title(pdf: bytes, title: str) -> bytes:
    """`pdf` with its document title (/Title, what a viewer shows in its title bar and a file list) set
    to the chart's title instead of the engine's page name."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": title, "/Creator": "CNSCĐ dashboard"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def export_height(fig: go.Figure, preset: str) -> int:
    """The layout height an export of `fig` is drawn at: the preset's, or, for a chart taller than
    that (a bar per province, 12 small multiples), the chart's own scaled to the export width, so
    every bar keeps room for its label (slides and the PDF report fit the taller picture)."""
    width, height, _ = _preset(preset)
    own = fig.layout.height
    return max(height, round(own * width / BASE_WIDTH)) if own else height


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes (from the IHDR chunk)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def file_name(meta: ChartMeta, fmt: str, preset: str = "") -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in meta.name) or "chart"
    return f"{stem}_{preset}.{fmt}" if preset and fmt == "png" else f"{stem}.{fmt}"


__all__ = ["PRESETS", "FORMATS", "DPI", "with_dpi", "with_title", "Engine", "engine", "prewarm", "use_engine",
           "browser_path", "size", "to_image", "file_name", "BASE_WIDTH", "export_height", "png_size"]
