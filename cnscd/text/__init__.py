"""All interface text, in Vietnamese (default) and English: one catalogue, one `t()`, one `pick()`.

The catalogue is kept by area in the data modules beside this one (app, maps, imports, boundaries,
export), each a `TEXT` dict of key -> (vi, en); they are loaded into one table here, and a key defined
in two areas stops the import. Indicator and unit names are data (core_indicator.name_vi / name_en,
core_unit ...): `pick(row, "name", lang)` chooses between them.

The interface shows one language at a time. Messages about bad input and errors carry both
(`both()`), as the project standards require.

A missing key is a bug: under pytest (or CNSCD_TEXT_STRICT=1) `t()` raises; in the app it logs an
error and shows a neutral dash, never the raw key. tests/test_text.py scans every module and page for
the keys they use and fails on one missing in either language or defined and unused.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Mapping

from cnscd.text import app, boundaries, export, imports, maps, problems

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
MISSING = "—"
AREAS = {"app": app.TEXT, "maps": maps.TEXT, "imports": imports.TEXT, "boundaries": boundaries.TEXT,
         "export": export.TEXT, "problems": problems.TEXT}
log = logging.getLogger(__name__)


class MissingText(KeyError):
    """A key the catalogue does not have."""


def _load(areas: Mapping[str, Mapping[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for area, texts in areas.items():
        for key, pair in texts.items():
            if key in table:
                raise ValueError(f"Khoá văn bản '{key}' có ở cả cnscd/text/{where[key]}.py và {area}.py / "
                                 f"text key '{key}' is defined in both cnscd/text/{where[key]}.py and {area}.py")
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) and s for s in pair)):
                raise ValueError(f"Khoá '{key}' ({area}.py) cần đúng hai văn bản (vi, en) / "
                                 f"text key '{key}' ({area}.py) needs exactly two texts (vi, en), got {pair!r}")
            table[key], where[key] = pair, area
    return table


TEXT: dict[str, tuple[str, str]] = _load(AREAS)


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def _strict() -> bool:
    return os.environ.get("CNSCD_TEXT_STRICT") == "1" or "PYTEST_CURRENT_TEST" in os.environ


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The text of `key` in `lang`, with `{placeholders}` filled from `fmt`."""
    pair = TEXT.get(key)
    if pair is None:
        if _strict():
            raise MissingText(f"text key {key!r} is not in the catalogue (cnscd/text/)")
        log.error("text key %r is not in the catalogue (cnscd/text/)", key)
        return MISSING
    text = pair[1] if norm_lang(lang) == "en" else pair[0]
    return text.format(**fmt) if fmt else text


def both(key: str, **fmt: Any) -> str:
    """'Vietnamese / English': for messages about bad input and errors only."""
    return f"{t(key, 'vi', **fmt)} / {t(key, 'en', **fmt)}"


# The Vietnamese column of a data field where it is not `<field>_vi` (core_indicator.unit_of_measure).
_VI_COLUMN = {"unit_of_measure": "unit_of_measure", "title": "title", "source_title": "source_title"}


def column(field: str, lang: str) -> str:
    """The column that holds `field` in `lang`: ("name", "en") -> "name_en"; ("name", "vi") -> "name_vi"."""
    return f"{field}_en" if norm_lang(lang) == "en" else _VI_COLUMN.get(field, f"{field}_vi")


def pick(row: Mapping[str, Any], field: str, lang: str) -> str:
    """A data row's text of `field` in `lang`; English falls back to Vietnamese when a row has none."""
    vi = row.get(column(field, "vi"))
    if norm_lang(lang) == "en":
        return row.get(column(field, "en")) or vi or ""
    return vi or ""


def in_lang(frame: Any, field: str, lang: str) -> Any:
    """A Polars frame with `field` in `lang`: queries give a source's title as `<field>` (Vietnamese, or
    the source's own language) and `<field>_en` (English; the same title where a source has one); the
    `_en` column is dropped, so charts, captions and exports see one language."""
    en = f"{field}_en"
    if en not in frame.columns:
        return frame
    if norm_lang(lang) == "en":
        frame = frame.with_columns(frame[en].alias(field))
    return frame.drop(en)


LEVEL_KEYS = {"province": "level_province", "district": "level_district", "commune": "level_commune",
              "village": "level_village"}


def level(name: str, lang: str) -> str:
    """The name of an administrative level ("province" -> "Tỉnh" / "Province")."""
    return t(LEVEL_KEYS[name], lang)


# Codes whose words come from the catalogue: code -> text key (written out, so tests/test_text.py sees them).
MEASURE_KEYS = {"abs": "measure_abs", "per1000": "measure_per1000", "index": "measure_index",
                "pct_target": "measure_pct_target", "change": "measure_change"}
MODE_KEYS = {"reported": "mode_reported", "today": "mode_today"}
SCHEME_KEYS = {"quantiles": "scheme_quantiles", "natural_breaks": "scheme_natural_breaks",
               "equal_interval": "scheme_equal_interval"}
CHILDREN_KEYS = {"legacy": "children_legacy", "2025": "children_2025"}
# the heading of the Overview's table, by the level it lists (the nation's provinces, a province's units)
UNITS_TABLE_KEYS = {"province": "overview_provinces", "district": "overview_districts", "commune": "overview_communes"}
STATUS_KEYS = {"ahead": "status_ahead", "on_track": "status_on_track", "behind": "status_behind",
               "far_behind": "status_far_behind"}


def word(keys: Mapping[str, str], code: str, lang: str) -> str:
    """The words of a code through one of the *_KEYS tables: word(MEASURE_KEYS, "abs", lang)."""
    return t(keys[code], lang)
