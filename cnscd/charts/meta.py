"""What a chart shows, in words, plus the frame behind it: the one type every chart, export, slide
and report reads (`ChartMeta`), and `ChartMeta.of`, which takes those words from the frame itself
(demo flag from `is_demo`, source line from `source_id` or `source_title`) so pages never assemble
them by hand. Pure: no Streamlit, no Plotly."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import polars as pl

from cnscd.text import in_lang, t


class ChartInputError(ValueError):
    """Bad chart input, with a message in Vietnamese and English saying what and where."""


def source_text(source_ids: list[str], titles: dict[str, str], lang: str) -> str:
    """'Title A; Title B' for the sources behind a chart (ids may be comma lists from re-aggregation);
    more than three are cut to three and '+n more'."""
    ids = sorted({s for sid in source_ids if sid for s in str(sid).split(",")})
    shown = [titles.get(i, i) for i in ids]
    if len(shown) > 3:
        shown = shown[:3] + [t("more_sources", lang, n=len(shown) - 3)]
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
    # column -> the decimals its numbers are shown with (cnscd.fmt.decimals_of_measure: counts 0, rates 1),
    # or the name of a column holding each row's decimals (a long frame of several indicators; that
    # column itself is not exported). CSV/XLSX/PDF round to it, so an exported number is the shown one.
    decimals: dict[str, int | str] = field(default_factory=dict)
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
        named = set(self.decimals) | {v for v in self.decimals.values() if isinstance(v, str)}
        unknown = named - set(self.data.columns)
        if unknown:
            raise ChartInputError(f"ChartMeta.decimals có cột không tồn tại: {sorted(unknown)} / "
                                  f"decimals name columns not in data: {sorted(unknown)}")

    @classmethod
    def of(cls, frame: pl.DataFrame, *, title: Callable[[str], str], lang: str,
           source_titles: dict[str, str] | None = None, data: pl.DataFrame | None = None,
           **fields: Any) -> "ChartMeta":
        """The meta of a chart drawn from `frame`: `title(lang)` gives both titles; unless given in
        `fields`, `is_demo` is any row's `is_demo`, `source` comes from the frame's `source_id`
        (titles from `source_titles`, see source_text) or else its `source_title` values (', ', '–'
        when none); `data` (the exported table) is the frame unless given. A `source_title` column is
        shown in `lang` (its `source_title_en` beside it, cnscd.text.in_lang), in the footer and the export."""
        frame = in_lang(frame, "source_title", lang)
        data = None if data is None else in_lang(data, "source_title", lang)
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
            parts.append(t("boundary_word", self.lang, label=self.boundary_version))
        return " · ".join(p for p in parts if p)

    @property
    def source_line(self) -> str:
        return t("sources_word", self.lang, src=self.source) if self.source else ""

    @property
    def notes(self) -> list[str]:
        """The warnings every chart and export must carry when they apply."""
        out = []
        if self.is_demo:
            out.append(t("demo_note", self.lang))
        if self.is_approximate_boundaries:
            out.append(t("approx_note", self.lang))
        return out

    def label(self, column: str) -> str:
        """The column's header in words: its `column_labels` entry, else the shared words for the columns
        every chart frame may carry (the demo flag, the unit code, the period end), else the name."""
        if column in self.column_labels:
            return self.column_labels[column]
        return t(COMMON_LABEL_KEYS[column], self.lang) if column in COMMON_LABEL_KEYS else column

    @property
    def exported_columns(self) -> list[str]:
        """The columns an export writes: all of `data` except those that only hold a row's decimals."""
        hidden = {v for v in self.decimals.values() if isinstance(v, str)}
        return [c for c in self.data.columns if c not in hidden]


# headers for the columns many chart frames carry, when a chart's column_labels do not name them
COMMON_LABEL_KEYS = {"is_demo": "col_is_demo", "unit_code": "col_unit_code", "period_end": "col_period_end",
                     "boundary_version": "col_boundary_version", "source_title": "source",
                     "target_value": "target", "pct_target": "measure_pct_target", "rank": "rank"}


__all__ = ["ChartMeta", "ChartInputError", "source_text", "COMMON_LABEL_KEYS"]
