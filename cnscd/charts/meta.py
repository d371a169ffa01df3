"""What a chart shows, in words, plus the frame behind it: the one type every chart, export, slide
and report reads (`ChartMeta`), and `ChartMeta.of`, which takes those words from the frame itself
(demo flag from `is_demo`, source line from `source_id` or `source_title`) so pages never assemble
them by hand. Pure: no Streamlit, no Plotly."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import polars as pl

DEMO_NOTE = {"vi": "Dữ liệu minh hoạ / demo data", "en": "Demo data / dữ liệu minh hoạ"}
APPROX_NOTE = {"vi": "Ranh giới gần đúng / approximate boundaries",
               "en": "Approximate boundaries / ranh giới gần đúng"}
SOURCE_WORD = {"vi": "Nguồn", "en": "Source"}
BOUNDARY_WORD = {"vi": "Ranh giới", "en": "Boundaries"}
MORE_SOURCES = {"vi": "nguồn khác", "en": "more"}


class ChartInputError(ValueError):
    """Bad chart input, with a message in Vietnamese and English saying what and where."""


def source_text(source_ids: list[str], titles: dict[str, str], lang: str) -> str:
    """'Title A; Title B' for the sources behind a chart (ids may be comma lists from re-aggregation);
    more than three are cut to three and '+n more'."""
    ids = sorted({s for sid in source_ids if sid for s in str(sid).split(",")})
    shown = [titles.get(i, i) for i in ids]
    if len(shown) > 3:
        shown = shown[:3] + [f"+{len(shown) - 3} {MORE_SOURCES['en' if lang == 'en' else 'vi']}"]
    return "; ".join(shown)


@dataclass
class ChartMeta:
    """What a chart shows, in words, plus the data behind it (one row per plotted value)."""

    title_vi: str
    title_en: str
    unit: str = ""                 # unit of measure, in `lang` ("tổ", "%", "người")
    period: str = ""               # period label, in `lang` ("01/2025 – 06/2025")
    boundary_version: str = ""     # "2025" or "legacy" (or its label)
    source: str = ""               # source line, in `lang`
    is_demo: bool = False
    is_approximate_boundaries: bool = False
    lang: str = "vi"
    filters: dict[str, str] = field(default_factory=dict)      # label -> value, shown as is
    data: pl.DataFrame = field(default_factory=pl.DataFrame)
    column_labels: dict[str, str] = field(default_factory=dict)  # column -> header label
    # column -> "int" | "dec" | "pct" (fraction 0–1) | "pct100" (0–100) | "text";
    # unset columns are inferred (see export.tables.column_kind).
    column_formats: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)    # term -> definition
    name: str = "chart"            # file-name stem, ASCII preferred

    def __post_init__(self) -> None:
        if self.lang not in ("vi", "en"):
            raise ChartInputError(f"ChartMeta.lang phải là 'vi' hoặc 'en', nhận {self.lang!r} / "
                                  f"ChartMeta.lang must be 'vi' or 'en', got {self.lang!r}")
        if not isinstance(self.data, pl.DataFrame):
            raise ChartInputError("ChartMeta.data phải là polars.DataFrame / "
                                  f"ChartMeta.data must be a polars.DataFrame, got {type(self.data).__name__}")
        unknown = set(self.column_labels) - set(self.data.columns)
        if unknown:
            raise ChartInputError(f"ChartMeta.column_labels có cột không tồn tại: {sorted(unknown)} / "
                                  f"column_labels name columns not in data: {sorted(unknown)}")

    @classmethod
    def of(cls, frame: pl.DataFrame, *, title: Callable[[str], str], lang: str,
           source_titles: dict[str, str] | None = None, data: pl.DataFrame | None = None,
           **fields: Any) -> "ChartMeta":
        """The meta of a chart drawn from `frame`: `title(lang)` gives both titles; unless given in
        `fields`, `is_demo` is any row's `is_demo`, `source` comes from the frame's `source_id`
        (titles from `source_titles`, see source_text) or else its `source_title` values (', ', '–'
        when none); `data` (the exported table) is the frame unless given."""
        if "is_demo" not in fields:
            fields["is_demo"] = bool(frame["is_demo"].fill_null(False).any()) if "is_demo" in frame.columns else False
        if "source" not in fields:
            if "source_id" in frame.columns:
                fields["source"] = source_text(frame["source_id"].unique().to_list(), source_titles or {}, lang)
            elif "source_title" in frame.columns:
                fields["source"] = ", ".join(frame["source_title"].drop_nulls().unique().sort().to_list()) or "–"
        return cls(title_vi=title("vi"), title_en=title("en"), lang=lang,
                   data=frame if data is None else data, **fields)

    @property
    def title(self) -> str:
        return self.title_vi if self.lang == "vi" else self.title_en

    @property
    def subtitle(self) -> str:
        """Unit · period · boundary version, skipping the empty ones."""
        parts = [self.unit, self.period]
        if self.boundary_version:
            parts.append(f"{BOUNDARY_WORD[self.lang]}: {self.boundary_version}")
        return " · ".join(p for p in parts if p)

    @property
    def source_line(self) -> str:
        return f"{SOURCE_WORD[self.lang]}: {self.source}" if self.source else ""

    @property
    def notes(self) -> list[str]:
        """The warnings every chart and export must carry when they apply."""
        out = []
        if self.is_demo:
            out.append(DEMO_NOTE[self.lang])
        if self.is_approximate_boundaries:
            out.append(APPROX_NOTE[self.lang])
        return out

    def label(self, column: str) -> str:
        return self.column_labels.get(column, column)


__all__ = ["ChartMeta", "ChartInputError", "source_text"]
