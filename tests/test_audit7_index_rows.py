"""Compare provinces, index mode, the exported rows (CSV and XLSX): every row's index is 100 × its value / its
line's value at that line's base month, and every row says that month. Before, the rows of a line indexed to
a later month (2025 Đồng Tháp and 2025 Hà Nội, formed 1/7/2025: base 07/2025) sat under the one header
"Index (base 01/2024 = 100)" with nothing in the row to say their 100 was July 2025 (the chart and the page
said it; a row copied out of the CSV did not); the header also read "Index (base = 100) (Index (base
01/2024 = 100))". Now each row carries "This line's base month (= 100)", and the
table under the chart names a later-indexed line's base in its column ("Đồng Tháp (kỳ gốc T7/2025)"). Expected
figures from SQL of our own over core_observation (and core_crosswalk for today's provinces), never through queries/ or cnscd.
"""
from __future__ import annotations

import datetime as dt
import io

import pytest

from tests import numbers as nb

BASE = dt.date(2024, 1, 31)


def own_lines(truth, codes: list[str]) -> dict[tuple[str, str], dict[dt.date, float]]:
    """{(version, code): {month end: value}} of the lines Compare draws "as reported" for today's `codes`:
    each code in 2025, its legacy predecessors, and the nation (one line across versions, key ('', 'VN'))."""
    preds = [c for (c,) in truth.sql("""SELECT DISTINCT from_code FROM core_crosswalk WHERE unit_level = 'province'
                                        AND from_version = 'legacy' AND list_contains(?, to_code)""", [codes])]
    out = {("2025", c): truth.monthly("2025", c, "members", dt.date(2000, 1, 1), dt.date(2100, 1, 1)) for c in codes}
    out |= {("legacy", c): truth.monthly("legacy", c, "members", dt.date(2000, 1, 1), dt.date(2100, 1, 1)) for c in preds}
    out[("", "VN")] = {**truth.monthly("legacy", "VN", "members", dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
                       **truth.monthly("2025", "VN", "members", dt.date(2000, 1, 1), dt.date(2100, 1, 1))}
    return out


def base_of(series: dict[dt.date, float]) -> dt.date:
    return min(d for d in series if d >= BASE)


def read_rows(meta, lang):
    """The CSV rows and the XLSX rows of the chart's export, keyed by the frame's columns."""
    import openpyxl

    from cnscd.ui import downloads as menu

    rows = nb.csv_rows(meta)
    sheet = openpyxl.load_workbook(io.BytesIO(menu.make("xlsx", lambda: None, meta))).active
    values = list(sheet.iter_rows(values_only=True))
    head = [h for h in values[0]]
    assert head == [meta.label(c) for c in meta.exported_columns], head
    start = 1
    xlsx = [dict(zip(meta.exported_columns, r)) for r in values[start:] if r[0] is not None]
    return rows, xlsx


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_exported_index_row_is_its_lines_base_and_says_it(warehouse_env, truth, monkeypatch, lang):
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("compare", units="82,01", ind="members", measure="index", base="2024-01", lang=lang))
    meta = downloads.menus["compare_series"][1]
    assert meta.label("shown") == ("Chỉ số (kỳ gốc T1/2024 = 100)" if lang == "vi" else "Index (base 01/2024 = 100)")
    assert meta.label("index_base") == ("Kỳ gốc của đường này (= 100)" if lang == "vi" else "This line's base month (= 100)")
    lines = own_lines(truth, ["82", "01"])
    names = {("2025", "82"): "Đồng Tháp", ("2025", "01"): "Hà Nội"}
    rows, xlsx = read_rows(meta, lang)
    assert len(rows) == len(xlsx) == sum(len(s) for s in lines.values()), (len(rows), len(xlsx))
    later = set()
    for row, cells in zip(rows, xlsx):
        day = nb.as_date(row["period_end"])
        v2025 = row["boundary_version"].startswith("34")
        if row["label"] in ("Toàn quốc", "Nation"):
            key = ("", "VN")
        else:
            (key,) = [k for k, n in names.items() if v2025 and row["label"] == n] or \
                [("legacy", c) for (c,) in truth.sql("SELECT unit_code FROM core_unit WHERE boundary_version = 'legacy' "
                                                     "AND unit_level = 'province' AND ? LIKE short_name || ' (%'",
                                                     [row["label"]]) if ("legacy", c) in lines]
        series = lines[key]
        base = base_of(series)
        want = 100.0 * series[day] / series[base]
        assert nb.as_date(row["index_base"]) == base and nb.as_date(cells["index_base"]) == base, (row, base)
        assert nb.shows(row["shown"], want, "en") and nb.close(cells["shown"], round(want, 1), abs_=0.051), (row, want)
        assert nb.close(float(row["value"]), series[day]) and nb.close(cells["value"], series[day]), (row, series[day])
        if base > BASE:
            later.add((row["label"], base))
    assert later == {("Đồng Tháp", dt.date(2025, 7, 31)), ("Hà Nội", dt.date(2025, 7, 31))}, later
    # the table under the chart: a later-indexed line's column says its base month, its cells are its index
    (table,) = [f for f in nb.frames(at) if len(f.columns) > 3]
    base_word = "kỳ gốc T7/2025" if lang == "vi" else "base 07/2025"
    for name, code in (("Đồng Tháp", "82"), ("Hà Nội", "01")):
        col = f"{name} ({base_word})"
        assert col in table.columns, list(table.columns)
        series = lines[("2025", code)]
        for _, r in table.iterrows():
            day = nb.as_date(r.iloc[0])
            if day in series:
                assert nb.close(float(r[col]), 100.0 * series[day] / series[dt.date(2025, 7, 31)]), (col, day, r[col])


def test_today_mode_rows_index_the_summed_predecessors(warehouse_env, truth, monkeypatch):
    """In today's 34 provinces, 2025 Đồng Tháp before 7/2025 is legacy Đồng Tháp + Tiền Giang (crosswalk), so
    the line has the chosen base month itself: every row's base is 01/2024."""
    downloads = nb.Downloads.install(monkeypatch)
    at = nb.ok(nb.open_page("compare", units="82", ind="members", measure="index", base="2024-01", mode="today"))
    assert not [e for e in at.info if "tháng đầu có số liệu" in e.value]
    meta = downloads.menus["compare_series"][1]
    rows = [r for r in nb.csv_rows(meta) if r["label"] == "Đồng Tháp"]
    base = truth.reaggregated("82", "members", BASE)
    assert base and rows
    for r in rows:
        day = nb.as_date(r["period_end"])
        value = truth.reaggregated("82", "members", day) if day < dt.date(2025, 7, 1) else truth.value("2025", "82", "members", day)
        assert nb.as_date(r["index_base"]) == BASE
        assert nb.close(float(r["value"]), value) and nb.shows(r["shown"], 100.0 * value / base, "en"), (r, value, base)
