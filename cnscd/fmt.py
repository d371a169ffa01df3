"""Vietnamese-first number and date formats: 1.234,5 and 30/06/2025.

Text (cards, sentences, tables) is formatted here; charts never get pre-formatted strings:
they get Plotly `separators` and d3 formats from `plotly_layout()` / `d3()`, so axes, hover
and exports follow the language without string hacks.
"""
from __future__ import annotations

import datetime as dt
import math
from enum import Enum
from typing import Any

from cnscd.text import t

SEPARATORS = {"vi": ",.", "en": ".,"}  # Plotly: decimal mark first, then thousands
# Debian fonts-noto-core ("Noto Sans") carries every Vietnamese precomposed letter; the
# fallbacks only matter on a machine without it, where diacritics may degrade. Screen and exports.
FONT_FAMILY = "Noto Sans, DejaVu Sans, Arial, sans-serif"
DATE_D3 = "%d/%m/%Y"
MONTH_D3 = "%m/%Y"


def separators(lang: str) -> str:
    return SEPARATORS.get(lang, SEPARATORS["vi"])


def number(x: Any, lang: str = "vi", decimals: int = 0, signed: bool = False) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None/NaN -> '–'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:{'+' if signed else ''},.{decimals}f}"
    if lang != "en":
        s = s.translate(str.maketrans({",": ".", ".": ","}))
    return s


def neutral(x: float, most: int = 2) -> str:
    """A figure inside text written once for both languages (an import problem's detail, also in its
    CSV report): up to `most` decimals without trailing zeros, a space between thousands and a decimal
    point, so neither language misreads it: 1234.5 -> '1 234.5', 100000 -> '100 000'."""
    return f"{x:,.{most}f}".rstrip("0").rstrip(".").replace(",", " ") if most else f"{x:,.0f}".replace(",", " ")


def pct(x: Any, lang: str = "vi", decimals: int = 1, signed: bool = False) -> str:
    """A value already in percent: 141.6 -> '141,6 %' (vi) / '141.6%' (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return number(x, lang, decimals, signed) + (" %" if lang != "en" else "%")


def unit_after(unit: str | None, lang: str = "vi") -> str:
    """What follows a number to name its unit, as `pct` writes a percentage: ' tổ' / ' teams', ' %' and
    ' % mục tiêu' (vi), '%' and '% of target' (en: '90.6%', never '90.6 %'); '' for no unit. Hovers and
    sentences put it straight after the number: f"%{{y:,.1f}}{unit_after(unit, lang)}"."""
    if not unit:
        return ""
    return unit if lang == "en" and unit.startswith("%") else f" {unit}"


# How a source words a number (core_observation.value_qualifier): the word goes before it.
QUALIFIERS = ("approx", "more_than", "less_than")


def qualifier_word(qualifier: str | None, lang: str = "vi") -> str:
    """'hơn' / 'more than' for 'more_than'; '' for none (a chart hover puts it before %{y})."""
    if not qualifier:
        return ""
    if qualifier not in QUALIFIERS:
        raise ValueError(f"Từ định tính không hợp lệ / unknown value qualifier {qualifier!r} "
                         f"(dùng / use {', '.join(QUALIFIERS)})")
    return t({"approx": "qualifier_approx", "more_than": "qualifier_more_than",
              "less_than": "qualifier_less_than"}[qualifier], lang)


def qualified(x: Any, qualifier: str | None, lang: str = "vi", decimals: int = 0, percent: bool = False) -> str:
    """A figure as its source words it: (74422, 'more_than') -> 'hơn 74.422' / 'more than 74,422';
    no qualifier -> the plain number. `percent` formats the number as fmt.pct does."""
    text = (pct if percent else number)(x, lang, decimals)
    word = qualifier_word(qualifier, lang)
    return f"{word} {text}" if word and text != "–" else text


def date(d: dt.date | dt.datetime | str | None, lang: str = "vi") -> str:
    """Dates are dd/mm/yyyy in both languages (the Vietnamese convention the audience reads)."""
    if d is None:
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return d.strftime("%d/%m/%Y")


def month(d: dt.date | str | None, lang: str = "vi") -> str:
    """A monthly period by its end date: 'T6/2025' (vi) or '06/2025' (en)."""
    if d is None:
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10] if len(d) > 7 else d + "-01")
    return (f"T{d.month}/{d.year}" if lang != "en" else f"{d.month:02d}/{d.year}")


def decimals_for(unit_of_measure: str | None, values: Any = None) -> int:
    """Percentages get one decimal; counts none. Without the catalogue row (see `decimals_of_measure`),
    small non-whole values get one decimal; whole values never do (47 teams is "47", not "47,0")."""
    if unit_of_measure and "%" in unit_of_measure:
        return 1
    if values is not None:
        try:
            finite = [v for v in values if v is not None and not math.isnan(v)]
            if finite and max(abs(v) for v in finite) < 100 and any(v != round(v) for v in finite):
                return 1
        except TypeError:
            pass
    return 0


def is_count(indicator: Any) -> bool:
    """A count (teams, people, times helped, dossiers): the catalogue (data/indicators.csv) sums it and its
    unit is not a percentage. Counts are whole numbers wherever they are shown or exported."""
    return indicator.get("aggregation") == "sum" and "%" not in (indicator.get("unit_of_measure") or "")


def per_thousand_decimals(values: Any = None) -> int:
    """A figure per 1,000 people: two decimals while it is below 10 (1,07 teams per 1,000), else one."""
    finite = [abs(v) for v in (values or []) if v is not None and not math.isnan(v)]
    return 2 if not finite or max(finite) < 10 else 1


def decimals_of_measure(indicator: Any, measure: str = "abs", values: Any = None) -> int:
    """The decimals of one indicator (a catalogue row: aggregation, unit_of_measure) in one measure, the
    one rule every chart, table and export follows: counts and their changes 0; rates, % of target and
    an index 1; per 1,000 people per_thousand_decimals; a published index that is not summed (the DTI)
    0 for a rank, else as published (at most 4)."""
    if measure in ("pct_target", "index"):
        return 1
    if measure == "per1000":
        return per_thousand_decimals(values)
    if "%" in (indicator.get("unit_of_measure") or ""):
        return 1
    if is_count(indicator):
        return 0
    finite = [v for v in (values or []) if v is not None and not math.isnan(v)]
    if not finite:
        return 0
    return max(decimals_of(v) for v in finite)


def decimals_of(x: Any, most: int = 4) -> int:
    """The decimals a stated figure was written with (56.67 -> 2, 80.0 -> 0), so an article's number is
    shown as printed, neither rounded nor padded."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 0
    for n in range(most + 1):
        if abs(round(x, n) - x) < 1e-9:
            return n
    return most


def d3(decimals: int = 0) -> str:
    """d3 number format; Plotly applies the language's separators to it. Percent values are stored
    already in percent (141.6), so they take the same format and the chart writes the unit after it
    (d3's own `%` would multiply by 100)."""
    return f",.{decimals}f"


def plotly_layout(lang: str) -> dict:
    """Layout keys every chart shares: language separators, Noto Sans, date hover format."""
    return {
        "separators": separators(lang),
        "font": {"family": FONT_FAMILY, "size": 13},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }


def table_styler(frame: Any, lang: str, decimals: dict[str, int] | None = None,
                 dates: tuple[str, ...] = ()):
    """A pandas Styler that shows numbers and dates the language's way while the frame keeps
    its numeric values (so st.dataframe still sorts by number). Streamlit needs pandas here."""
    pdf = frame.to_pandas() if hasattr(frame, "to_pandas") else frame
    decimals = decimals or {}
    thousands, decimal = (",", ".") if lang == "en" else (".", ",")
    styler = pdf.style.format(na_rep="–")
    for col in pdf.columns:
        if col in dates:
            styler = styler.format(lambda v: date(v, lang) if v is not None and v == v else "–", subset=[col])
        elif pdf[col].dtype.kind in "fiu":
            styler = styler.format(precision=decimals.get(col, 0), thousands=thousands, decimal=decimal,
                                   na_rep="–", subset=[col])
    return styler


def table_display(pdf: Any, lang: str, decimals: dict[str, int] | None = None,
                  dates: tuple[str, ...] = ()) -> list[list[str]]:
    """The text `table_styler` shows in every cell of the pandas frame `pdf`, column by column: the
    display values pandas' Styler renders (its `format` rules, applied to the values its rows iterate
    over) without rendering the Styler, which for a table of ~100-170 rows takes 100-250 ms of
    bookkeeping per cell (HTML ids, CSS classes) that a Streamlit table never uses
    (tests/test_table_display.py proves the text equal to Streamlit's own marshall_styler)."""
    import numpy as np
    import pandas as pd
    from pandas.api.types import is_complex, is_float, is_integer

    decimals = decimals or {}
    vi = lang != "en"
    swap = str.maketrans({",": ".", ".": ","})     # what pandas' decimal/thousands swap does to a number

    def plain(x: Any, precision: int, thousands: bool) -> Any:     # pandas' _default_formatter
        if is_float(x) or is_complex(x):
            return f"{x:,.{precision}f}" if thousands else f"{x:.{precision}f}"
        if is_integer(x):
            return f"{x:,}" if thousands else str(x)
        return x

    def other(x: Any) -> Any:
        return "–" if pd.isna(x) is True else plain(x, 6, False)

    def numeric(x: Any, precision: int) -> Any:      # any other numeric column (pandas' nullable ones)
        if pd.isna(x) is True:
            return "–"
        s = plain(x, precision, True)
        return s.translate(swap) if vi and (is_float(x) or is_integer(x) or is_complex(x)) else s

    def day(v: Any) -> str:
        return date(v, lang) if v is not None and v == v else "–"

    out = []
    for j, col in enumerate(pdf.columns):
        series = pdf.iloc[:, j]
        kind = series.dtype.kind
        plain_numpy = isinstance(series.dtype, np.dtype)
        if col in dates:
            out.append([_text(day(v)) for v in series])
        elif kind in "fiu" and not plain_numpy:
            p = decimals.get(col, 0)
            out.append([_text(numeric(v, p)) for v in series])
        elif kind in "iu":      # numpy integers come out of a pandas column as Python ints: f"{x:,}"
            texts = [f"{x:,}" for x in series.tolist()]
            out.append([s.translate(swap) for s in texts] if vi else texts)
        elif kind == "f":       # Python floats; NaN is "–"
            p = decimals.get(col, 0)
            texts = ["–" if x != x else f"{x:,.{p}f}" for x in series.tolist()]
            out.append([s.translate(swap) for s in texts] if vi else texts)
        elif kind == "O" and _plain_print():    # a column of lists (a table's trend): numpy's text of each
            out.append([_array_text(v) if isinstance(v, np.ndarray) else _text(other(v)) for v in series])
        else:
            out.append([_text(other(v)) for v in series])
    return out


def _text(value: Any) -> str:
    """A display value as Streamlit writes it (an Enum by its value)."""
    return str(value.value) if isinstance(value, Enum) else str(value)


# numpy's print options under which `_array_text` writes what `str(array)` writes (numpy's defaults)
_NUMPY_PRINT = {"edgeitems": 3, "threshold": 1000, "floatmode": "maxprec", "precision": 8, "suppress": False,
                "linewidth": 75, "nanstr": "nan", "infstr": "inf", "sign": "-", "formatter": None, "legacy": False}


def _plain_print() -> bool:
    import numpy as np

    options = np.get_printoptions()
    return all(options.get(k) == v for k, v in _NUMPY_PRINT.items())


def _array_text(a: Any) -> str:
    """`str(a)` of a list cell (a 1-D numpy array), which is what Streamlit shows: numpy's arrayprint
    costs ~0.1 ms per cell (~15 ms for the 168 trend lists of Hồ Chí Minh's communes). Whole numbers
    below 1e8 whose non-zero sizes stay within a factor of 1000 (a count's trend) are printed here as
    numpy prints them — `61.` right-aligned to the widest, ' '-separated, lines wrapped at 75 characters
    under a one-space indent; anything else (fractions, NaN, -0, exponent format) by numpy itself
    (tests/test_table_display.py compares both on random arrays)."""
    import numpy as np

    if a.ndim != 1 or a.dtype != np.float64 or not 0 < a.size <= _NUMPY_PRINT["threshold"]:
        return str(a)
    values = a.tolist()
    sizes = []
    for v in values:
        if not -1e8 < v < 1e8 or not v.is_integer() or (v == 0 and math.copysign(1.0, v) < 0):
            return str(a)
        if v:
            sizes.append(abs(v))
    if sizes and max(sizes) / min(sizes) > 1000.0:       # numpy switches to its exponent format
        return str(a)
    whole = [str(int(v)) for v in values]
    pad = max(len(w) for w in whole)
    width, indent = _NUMPY_PRINT["linewidth"] - 1, " "    # less the closing bracket
    text, line = "", indent
    for i, w in enumerate(whole):
        word = w.rjust(pad) + "."
        if len(line) + len(word) > width and len(line) > len(indent):
            text += line.rstrip() + "\n"
            line = indent
        line += word if i == len(whole) - 1 else word + " "
    return "[" + (text + line)[len(indent):] + "]"
