"""A table's text, made without rendering the pandas Styler (widgets.styler_proto / fmt.table_display), is
byte for byte what Streamlit's own marshall_styler makes of fmt.table_styler: the same cell texts
(thousands and decimal marks of each language, whole counts, one-decimal rates, dates, "–", "chưa báo
cáo"), the same uuid and no CSS. Checked on odd frames and on every table the pages show."""
from __future__ import annotations

import datetime as dt
import enum

import polars as pl
import pytest

from cnscd import fmt
from tests import numbers as nb


def marshalled(frame: pl.DataFrame, lang: str, decimals: dict, dates: tuple):
    """(Streamlit's ArrowData.styler of fmt.table_styler, ours) for the same frame."""
    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from cnscd.ui import widgets

    styler = fmt.table_styler(frame, lang, decimals, dates)
    ours = widgets.styler_proto(styler, lang, decimals, dates)
    theirs = ArrowData()
    pandas_styler_utils.marshall_styler(theirs, fmt.table_styler(frame, lang, decimals, dates).set_uuid(styler.uuid),
                                        "unused")
    return theirs.styler, ours


def texts(styler_proto) -> list[list[str]]:
    import pyarrow as pa

    table = pa.ipc.open_stream(styler_proto.display_values).read_all()
    return [table.column(i).to_pylist() for i in range(table.num_columns)]


ODD = pl.DataFrame({
    "name": ["Đồng Tháp", None, "An Giang", "Hà Nội", "x"],
    "count": [1234567.0, None, 0.0, -2500.0, 1e12],
    "rate": [12.345, 99.95, 0.25, 2.675, float("nan")],
    "whole": [1, 22, 333, -4444, 55555],
    "whole_gaps": [1, None, 1000, None, -7],
    "flag": [True, False, None, True, False],
    "day": [dt.date(2025, 6, 30), None, dt.date(2024, 1, 31), dt.date(2026, 12, 31), dt.date(2025, 7, 1)],
    "other_day": [dt.date(2025, 6, 30), None, dt.date(2024, 1, 31), dt.date(2026, 12, 31), dt.date(2025, 7, 1)],
    "trend": [[1.0, 2.0], None, [], [3.0, None], [0.1234567]],
    "small": pl.Series([0.5, 1.5, 2.5, None, 1e-9], dtype=pl.Float32),
    "u8": pl.Series([1, 2, 3, 4, 250], dtype=pl.UInt8),
    "report": ["", "chưa báo cáo", "", "", "chưa báo cáo"],
})


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("decimals", [{}, {"rate": 1, "count": 0}, {"rate": 2, "count": 1, "whole": 3, "small": 4}])
def test_odd_frames_read_the_same(lang, decimals):
    theirs, ours = marshalled(ODD, lang, decimals, ("day",))
    assert texts(ours) == texts(theirs)
    assert ours.SerializeToString() == theirs.SerializeToString()


@pytest.mark.parametrize("frame", [ODD.head(0), ODD.select("name").head(1), ODD.select("rate", "count"),
                                   pl.DataFrame({"a b": [1.0], "Δ Số tổ": [-3.0], "%": [None]}, strict=False)],
                         ids=["empty", "one-cell", "numbers-only", "odd-headers"])
def test_small_and_empty_frames_read_the_same(frame):
    for lang in ("vi", "en"):
        theirs, ours = marshalled(frame, lang, {"rate": 1}, ())
        assert ours.SerializeToString() == theirs.SerializeToString()


def test_the_texts_are_the_languages_own():
    _, vi = marshalled(ODD, "vi", {"rate": 1}, ("day",))
    _, en = marshalled(ODD, "en", {"rate": 1}, ("day",))
    cols = dict(zip(ODD.columns, texts(vi)))
    assert cols["count"][:4] == ["1.234.567", "–", "0", "-2.500"]
    assert cols["rate"][:2] == ["12,3", "100,0"] and cols["rate"][4] == "–"
    assert cols["whole"][4] == "55.555" and cols["day"][:2] == ["30/06/2025", "–"]
    assert dict(zip(ODD.columns, texts(en)))["count"][0] == "1,234,567"


def test_an_enum_value_is_written_by_its_value():
    class Kind(enum.Enum):
        A = "loại A"
    import pandas as pd

    assert fmt.table_display(pd.DataFrame({"k": [Kind.A]}), "vi") == [["loại A"]]


# ---- every table the pages show ----------------------------------------------------------------------
PAGES = [(None, {"unit": "VN", "period": "2024-06"}), (None, {"unit": "82", "period": "2026-06"}),
         (None, {"unit": "87", "period": "2024-06", "lang": "en"}), (None, {"unit": "79", "period": "2025-09"}),
         ("districts", {"unit": "87", "period": "2024-06"}), ("districts", {"unit": "82", "period": "2026-06"}),
         ("compare", {"period": "2025-09"}), ("targets", {"period": "2026-06"}), ("sources", {})]


@pytest.mark.parametrize("where", range(len(PAGES)), ids=[f"{p or 'overview'}-{'-'.join(q.values())}"
                                                          for p, q in PAGES])
def test_every_page_table_reads_as_the_styler_renders_it(warehouse_env, monkeypatch, where):
    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from cnscd.ui import widgets

    real = widgets.styler_proto
    seen = []

    def checked(styler, lang, decimals, dates):
        ours = real(styler, lang, decimals, dates)
        theirs = ArrowData()
        again = fmt.table_styler(styler.data, lang, decimals, dates).set_uuid(styler.uuid)
        pandas_styler_utils.marshall_styler(theirs, again, "unused")
        seen.append((styler.data.shape, texts(ours) == texts(theirs.styler),
                     ours.SerializeToString() == theirs.styler.SerializeToString()))
        return ours
    monkeypatch.setattr(widgets, "styler_proto", checked)
    page, params = PAGES[where]
    at = nb.ok(nb.open_page(page, **params))
    assert seen, "the page showed no table"
    assert all(same and exact for _, same, exact in seen), seen
    assert len(at.dataframe) >= len(seen)


def test_pandas_nullable_numbers_read_the_same():
    import pandas as pd

    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from cnscd.ui import widgets

    pdf = pd.DataFrame({"n": pd.array([1234, None, -5], dtype="Int64"),
                        "x": pd.array([1.25, None, 1e6], dtype="Float64")})
    for lang in ("vi", "en"):
        styler = fmt.table_styler(pdf, lang, {"x": 1})
        theirs = ArrowData()
        pandas_styler_utils.marshall_styler(theirs, fmt.table_styler(pdf, lang, {"x": 1}).set_uuid(styler.uuid), "u")
        assert widgets.styler_proto(styler, lang, {"x": 1}, ()).SerializeToString() == theirs.styler.SerializeToString()


def _random_lists(seed: int, n: int) -> list[list[float | None]]:
    """Trend lists as the tables get them and odder: counts of every width (wrapped lines), negatives,
    zeros, sizes more than 1000 apart, fractions, gaps, -0, infinities."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        size = rng.choice([1, 2, 3, 12, 13, 24, 40])
        mag = rng.choice([1, 9, 999, 99999, 10**7, 10**8 + 5])
        values = [float(rng.randint(-mag if rng.random() < 0.2 else 0, mag)) for _ in range(size)]
        if rng.random() < 0.3:
            values[rng.randrange(size)] = rng.choice([None, -0.0, float("inf"), 0.5, 1e-5, 12.25])
        out.append(values)
    return out


def test_list_cells_read_as_numpy_prints_them():
    """fmt._array_text (whole numbers printed directly) against str() of the numpy array, and a table
    of such lists against Streamlit's own marshall_styler."""
    import numpy as np

    lists = _random_lists(3, 3000)
    for values in lists:
        a = np.array([np.nan if v is None else v for v in values], dtype=float)
        assert fmt._array_text(a) == str(a), values
    frame = pl.DataFrame({"name": [f"u{i}" for i in range(300)], "trend": lists[:300]})
    for lang in ("vi", "en"):
        theirs, ours = marshalled(frame, lang, {}, ())
        assert ours.SerializeToString() == theirs.SerializeToString()


def test_list_cells_follow_numpys_print_options():
    import numpy as np

    frame = pl.DataFrame({"trend": [[1.0, 20.0, 300.0] * 10]})
    with np.printoptions(linewidth=40):
        theirs, ours = marshalled(frame, "vi", {}, ())
        assert ours.SerializeToString() == theirs.SerializeToString()
        assert "\n" in texts(ours)[0][0]
