"""Text that fits a width: how wide a line of Noto Sans is (PIL's metrics of the font the exports embed)
and a line broken at spaces to fit. One wrapping function for the screen's footer (charts.base.finish)
and the export's (export.restyle), so both break a source line the same way."""
from __future__ import annotations

import functools
from pathlib import Path

FONT_DIRS = (Path(__file__).resolve().parents[2] / "fonts", Path("/usr/share/fonts/truetype/noto"))


def font_path(name: str) -> Path | None:
    """The font file `name` from the project's fonts/ folder, else Debian's fonts-noto-core; None if neither."""
    return next((folder / name for folder in FONT_DIRS if (folder / name).is_file()), None)


@functools.lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    path = font_path("NotoSans-Regular.ttf")
    try:
        return ImageFont.truetype(str(path), size) if path else None
    except OSError:
        return None


def text_width(text: str, size: int) -> float:
    """Width in px of `text` set in Noto Sans at `size` px; an overestimate (0.62 em a character) when
    the font file is missing."""
    font = _font(int(size))
    return font.getlength(text) if font is not None else 0.62 * size * len(text)


def wrap(text: str, size: int, width: float, most: int | None = None) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` px at `size` px (a word longer than a
    line is cut); with `most`, the last kept line ends in '…'."""
    return list(_wrap(text, size, width, most))


@functools.lru_cache(maxsize=512)   # every chart of a view wraps the same source line (~1 ms each)
def _wrap(text: str, size: int, width: float, most: int | None) -> tuple[str, ...]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if text_width(trial, size) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while text_width(word, size) > width:   # a word wider than the line: cut it
            cut = max(1, int(len(word) * width / text_width(word, size)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if most is not None and len(lines) > most:
        last = lines[most - 1]
        while last and text_width(last + " …", size) > width:
            last = last[:-1]
        lines = lines[: most - 1] + [last.rstrip() + " …"]
    return tuple(lines)


__all__ = ["FONT_DIRS", "font_path", "text_width", "wrap"]
