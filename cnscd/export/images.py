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
}
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def size(preset: str) -> tuple[int, int]:
    """Pixel size a PNG export of `preset` will have."""
    w, h, s = _preset(preset)
    return round(w * s), round(h * s)


def _preset(preset: str) -> tuple[int, int, float]:
    if preset not in PRESETS:
        raise ExportError(f"Cỡ xuất không hợp lệ {preset!r}, chọn một trong {sorted(PRESETS)} / "
                          f"unknown export preset {preset!r}, choose one of {sorted(PRESETS)}")
    return PRESETS[preset]


def to_image(fig: go.Figure, meta: ChartMeta, fmt: str = "png", preset: str = "slide_1080") -> bytes:
    """The chart as png|svg|pdf bytes at `preset` size (vector formats use the layout size)."""
    if fmt not in FORMATS:
        raise ExportError(f"Định dạng không hỗ trợ {fmt!r} (png, svg, pdf) / "
                          f"unsupported format {fmt!r} (png, svg, pdf)")
    width, height, scale = _preset(preset)
    height = export_height(fig, preset)
    out = restyle(fig, width=width)
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    return engine().render(out, opts)


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


__all__ = ["PRESETS", "FORMATS", "Engine", "engine", "prewarm", "use_engine", "browser_path", "size",
           "to_image", "file_name", "BASE_WIDTH", "export_height", "png_size"]
