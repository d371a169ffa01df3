"""Helpers for the tests that hold what a page shows against the data (tests/test_page_numbers_*.py, one
file per page, and tests/browser/test_page_numbers_browser.py).

Two halves, kept apart on purpose:
- reading a page: open it in AppTest as a shared link would, read its cards, chart traces, tables and
  the CSV its download menu would hand out, and parse numbers written the Vietnamese way (1.234,5);
- `Truth`: what those numbers must be, by SQL written here over the core tables only (core_unit,
  core_observation, core_target, core_population, core_crosswalk, core_indicator). Never through
  queries/ or cnscd: an error there must not be able to cancel itself out.

The rules Truth encodes are the documented ones (docs/design.md): a figure for a month is the value at its
last day (a monthly row, or an article's point figure dated that day); a real figure wins over a demo one;
a rate is 100 × Σ numerator / Σ denominator (never a mean of rates); the target of a month is the one
whose period contains it, real before demo, the earliest-ending first.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import Any

from cnscd import months

ROOT = Path(__file__).resolve().parent.parent
LEGACY_DAY = dt.date(2024, 6, 30)   # a legacy month the page-number tests read (Đồng Tháp 87 in 2024)
CHILD_LEVEL = {"legacy": "district", "2025": "commune"}   # the units below a province, by boundary version
APP = ROOT / "app.py"
PAGES = {"overview": "pages/1_Tong_quan.py", "map": "pages/2_Ban_do.py", "compare": "pages/3_So_sanh_tinh.py",
         "districts": "pages/4_So_sanh_huyen.py", "targets": "pages/5_Muc_tieu.py", "sources": "pages/7_Nguon.py"}

_NUMBER = re.compile(r"[+\-−]?\d[\d.,]*")


# ---- reading numbers the way the page writes them ------------------------------------------------------
def parse_number(text: str, lang: str = "vi") -> float | None:
    """'1.234,5' (vi) / '1,234.5' (en), with an optional sign (+, -, −) and unit ('31,2 %') -> float;
    '–' (no figure) -> None. The first number in the text is read."""
    if text is None or text.strip() in ("", "–", "-", "None"):
        return None
    m = _NUMBER.search(text)
    if not m:
        return None
    s = m.group(0).replace("−", "-")
    thousands, decimal = (",", ".") if lang == "en" else (".", ",")
    s = s.replace(thousands, "").replace(decimal, ".")
    return float(s)


def decimals_of(text: str, lang: str = "vi") -> int:
    """How many decimals a shown number has ('31,2 %' -> 1)."""
    m = _NUMBER.search(text or "")
    if not m:
        return 0
    mark = "." if lang == "en" else ","
    s = m.group(0)
    return len(s.split(mark, 1)[1]) if mark in s else 0


def shows(text: str, truth: float | None, lang: str = "vi") -> bool:
    """The shown text is `truth` rounded the way the text rounds it (half a unit of its last digit)."""
    shown = parse_number(text, lang)
    if truth is None or (isinstance(truth, float) and math.isnan(truth)):
        return shown is None
    if shown is None:
        return False
    return abs(shown - truth) <= 0.5 * 10 ** -decimals_of(text, lang) + 1e-9 * max(1.0, abs(truth))


def close(a: float | None, b: float | None, rel: float = 1e-6, abs_: float = 1e-3) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and b is None
    return abs(a - b) <= max(abs_, rel * abs(b))


# ---- opening a page and reading what it shows ---------------------------------------------------------
def open_page(page: str | None = None, timeout: float = 120, **params: str):
    """An AppTest of app.py with `params` in the URL, switched to `page` (None = the default overview) and
    run: what a shared link opens."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(PAGES.get(page, page))
    return at.run()


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at) -> list[dict]:
    """Every plotly_chart as the spec the browser gets (dict with data and layout)."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def cards(at) -> dict[str, Any]:
    """{label: metric element} of the st.metric cards."""
    return {m.label: m for m in at.metric}


def frames(at) -> list:
    """The data of every st.dataframe (pandas; numbers unformatted)."""
    return [d.value for d in at.dataframe]


def csv_rows(meta) -> list[dict[str, str]]:
    """The rows of the CSV the chart's download menu hands out (the export code path), as text, keyed by
    the frame's column names (the CSV headers are the labels of `meta.column_labels`)."""
    from cnscd.ui import downloads as menu

    raw = menu.make("csv", lambda: None, meta).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(raw))
    header = next(reader)
    columns = meta.exported_columns   # a column that only holds each row's decimals is not exported
    assert header == [meta.label(c) for c in columns], header
    return [dict(zip(columns, row)) for row in reader]


class Downloads:
    """Records every download menu a page draws: {chart key: (figure function, ChartMeta)}.
    Install with `Downloads.install(monkeypatch)` before the page runs."""

    def __init__(self) -> None:
        self.menus: dict[str, tuple[Any, Any]] = {}

    @classmethod
    def install(cls, monkeypatch) -> "Downloads":
        from cnscd.ui import downloads as menu

        rec = cls()
        original = menu.download_menu

        def recording(key, fig_fn, meta):
            rec.menus[key] = (fig_fn, meta)
            return original(key, fig_fn, meta)
        monkeypatch.setattr(menu, "download_menu", recording)
        return rec

    def csv(self, key: str) -> list[dict[str, str]]:
        assert key in self.menus, sorted(self.menus)
        return csv_rows(self.menus[key][1])



def opener(monkeypatch):
    """`open_(name, **url)` -> (AppTest run checked by `ok`, Downloads recorded while it ran): the `page`
    fixture of the page-number files."""
    def open_(name=None, **params):
        downloads = Downloads.install(monkeypatch)
        return ok(open_page(name, **params)), downloads
    return open_


def map_points(fig) -> dict[str, list]:
    """{unit code: customdata} over the choropleth traces (slot 7 = code, see cnscd/charts/maps.py)."""
    return {cd[7]: cd for tr in fig["data"] if tr["type"] == "choropleth" for cd in tr["customdata"]}


def none(v):
    """A table cell as a float, None for a missing one (pandas NaN / None)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def key(day: dt.date) -> str:
    return f"{day:%Y-%m}"

month_end = months.from_key     # '2025-06' -> 30/06/2025
months_back = months.back


def as_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v)
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", s):
        d, m, y = (int(p) for p in s.split("/"))
        return dt.date(y, m, d)
    return dt.date.fromisoformat(s[:10])


# ---- the truth: independent SQL over the core tables --------------------------------------------------
# One unit's figure for one indicator at one month end, real before demo, a monthly row before a point.
_FIGURES = """
SELECT o.unit_code, o.indicator_code, o.value
FROM core_observation o
JOIN core_unit u ON u.boundary_version = o.boundary_version AND u.unit_code = o.unit_code
WHERE o.boundary_version = $version AND o.period_end = $day AND o.indicator_code IN (SELECT unnest($codes))
  AND (o.granularity = 'month' OR (o.granularity = 'date' AND o.period_start = o.period_end))
  AND ($level IS NULL OR u.unit_level = $level)
  AND ($province IS NULL OR u.province_code = $province)
  AND ($units IS NULL OR list_contains($units, o.unit_code))
QUALIFY row_number() OVER (PARTITION BY o.unit_code, o.indicator_code
                           ORDER BY o.is_demo, o.granularity = 'month' DESC, o.source_id) = 1
"""

_TARGETS = """
SELECT unit_code, target_value
FROM core_target
WHERE boundary_version = $version AND indicator_code = $indicator
  AND period_start <= $day AND $day <= period_end
  AND ($units IS NULL OR list_contains($units, unit_code))
QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY is_demo, period_end, period_end - period_start, source_id) = 1
"""


class Truth:
    """What the pages must show, from the core tables by SQL written here."""

    def __init__(self, con) -> None:
        self.con = con
        rows = con.execute("SELECT * FROM core_indicator").fetchall()
        cols = [d[0] for d in con.description]
        self.indicators = {r[0]: dict(zip(cols, r)) for r in rows}
        self.versions = con.execute("SELECT boundary_version, valid_from_date, valid_to_date "
                                    "FROM core_boundary_version").fetchall()

    def sql(self, sql: str, params: dict | list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    # ---- catalogue and units
    def version_at(self, day: dt.date) -> str:
        hits = [v for v, lo, hi in self.versions if (lo is None or lo <= day) and (hi is None or day <= hi)]
        assert len(hits) == 1, (day, hits)
        return hits[0]

    def indicator_by_name(self, name: str, lang: str = "vi") -> str:
        col = "name_en" if lang == "en" else "name_vi"
        hits = [c for c, r in self.indicators.items() if r[col] == name]
        assert len(hits) == 1, (name, hits)
        return hits[0]

    def name(self, code: str, lang: str = "vi") -> str:
        return self.indicators[code]["name_en" if lang == "en" else "name_vi"]

    def decimals(self, code: str) -> int:
        return 1 if "%" in self.indicators[code]["unit_of_measure"] else 0

    def units(self, version: str, level: str, province: str | None = None) -> dict[str, str]:
        """{unit_code: display_name} of one level (inside one province if given): the label pages show,
        unique inside its province and level ('TP. Cao Lãnh' / 'H. Cao Lãnh')."""
        return dict(self.sql("""SELECT unit_code, display_name FROM core_unit WHERE boundary_version = ?
                                AND unit_level = ? AND (? IS NULL OR province_code = ?) ORDER BY unit_code""",
                             [version, level, province, province]))

    def unit_name(self, version: str, code: str) -> str:
        return self.sql("SELECT display_name FROM core_unit WHERE boundary_version = ? AND unit_code = ?",
                        [version, code])[0][0]

    # ---- figures
    def _raw(self, version: str, day: dt.date, codes: list[str], *, level=None, province=None, units=None
             ) -> dict[tuple[str, str], float]:
        rows = self.sql(_FIGURES, {"version": version, "day": day, "codes": codes, "level": level,
                                   "province": province, "units": units})
        return {(u, i): v for u, i, v in rows}

    def values(self, version: str, indicator: str, day: dt.date, *, level: str | None = None,
               province: str | None = None, units: list[str] | None = None) -> dict[str, float]:
        """{unit_code: figure} at the month ending `day`. A rate is 100 × numerator / denominator of the
        unit's own parts where both are stored (the stored rate otherwise)."""
        ind = self.indicators[indicator]
        if ind["aggregation"] != "ratio" or not ind["numerator_code"]:
            return {u: v for (u, _), v in self._raw(version, day, [indicator], level=level, province=province,
                                                      units=units).items()}
        num, den = ind["numerator_code"], ind["denominator_code"]
        raw = self._raw(version, day, [indicator, num, den], level=level, province=province, units=units)
        scale = 100.0 if "%" in ind["unit_of_measure"] else 1.0
        out = {}
        for u in {u for u, _ in raw}:
            n, d = raw.get((u, num)), raw.get((u, den))
            out[u] = scale * n / d if n is not None and d else raw.get((u, indicator))
        return {u: v for u, v in out.items() if v is not None}

    def value(self, version: str, unit: str, indicator: str, day: dt.date) -> float | None:
        return self.values(version, indicator, day, units=[unit]).get(unit)

    def series(self, unit: str, indicator: str, start: dt.date, end: dt.date) -> dict[dt.date, float]:
        """{month end: figure} of one unit from `start` to `end`, each month in the version in force then
        (the nation is one unit across versions)."""
        days = [d for (d,) in self.sql("""SELECT DISTINCT period_end FROM core_observation WHERE granularity = 'month'
                                          AND period_end BETWEEN ? AND ? ORDER BY 1""", [start, end])]
        out = {}
        for d in days:
            v = self.value(self.version_at(d), unit, indicator, d)
            if v is not None:
                out[d] = v
        return out

    def monthly(self, version: str, unit: str, indicator: str, start: dt.date, end: dt.date) -> dict[dt.date, float]:
        """{month end: value} of one unit's monthly rows in one version (real before demo), no point figures:
        a trend line is drawn from monthly reports."""
        rows = self.sql("""SELECT period_end, value FROM core_observation
                           WHERE boundary_version = ? AND unit_code = ? AND indicator_code = ? AND granularity = 'month'
                             AND period_end BETWEEN ? AND ?
                           QUALIFY row_number() OVER (PARTITION BY period_end ORDER BY is_demo, source_id) = 1""",
                        [version, unit, indicator, start, end])
        return dict(rows)

    def reaggregated(self, to_code: str, indicator: str, day: dt.date) -> float | None:
        """A month reported under an older version, in today's province `to_code`: the crosswalk-weighted
        sum of its predecessors' figures; a rate from the summed numerator and denominator."""
        ind = self.indicators[indicator]
        old = self.version_at(day)
        preds = self.sql("""SELECT from_code, weight FROM core_crosswalk WHERE from_version = ? AND to_code = ?
                            AND unit_level = 'province'""", [old, to_code])
        if to_code == "VN":
            preds = [("VN", 1.0)]
        codes = [c for c, _ in preds]

        def summed(code: str) -> float | None:
            vals = self._raw(old, day, [code], units=codes)
            got = [vals[(c, code)] * w for c, w in preds if (c, code) in vals]
            return sum(got) if got else None
        if ind["aggregation"] == "ratio":
            n, d = summed(ind["numerator_code"]), summed(ind["denominator_code"])
            scale = 100.0 if "%" in ind["unit_of_measure"] else 1.0
            return scale * n / d if n is not None and d else None
        return summed(indicator)

    def targets(self, version: str, indicator: str, day: dt.date, units: list[str] | None = None) -> dict[str, float]:
        rows = self.sql(_TARGETS, {"version": version, "indicator": indicator, "day": day, "units": units})
        return dict(rows)

    def population(self, version: str, units: list[str], year: int) -> dict[str, float]:
        """The unit's population of the year nearest `year` (the later one on a tie)."""
        rows = self.sql("""SELECT unit_code, population FROM core_population
                           WHERE boundary_version = ? AND list_contains(?, unit_code)
                           QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY abs(year - ?), year DESC) = 1""",
                        [version, units, year])
        return dict(rows)

    def latest_month(self) -> dt.date:
        return self.sql("SELECT max(period_end) FROM core_observation WHERE granularity = 'month'")[0][0]


def ranks(values: dict[str, float], higher_is_better: bool = True) -> dict[str, int]:
    """1 = best; ties share the best rank (what every ranking on the pages promises)."""
    out = {}
    for u, v in values.items():
        better = sum(1 for w in values.values() if (w > v if higher_is_better else w < v))
        out[u] = better + 1
    return out


# ---- expectations shared by several pages (own SQL, through Truth) --------------------------------------
def new_day(truth) -> dt.date:
    """June 2026, or the latest month if the data ends earlier."""
    return min(dt.date(2026, 6, 30), truth.latest_month())


def phrase(truth, indicator: str, lang: str = "vi") -> str:
    """How a sentence names an indicator (own SQL): the catalogue's phrase, else the name lower-cased."""
    ((ph, name),) = truth.sql(f"SELECT phrase_{lang}, name_{lang} FROM core_indicator WHERE indicator_code = ?",
                              [indicator])
    return ph or (name if name[1:2].isupper() else name[:1].lower() + name[1:])


def nation_pooled_pct(truth, ind, d):
    """The nation's % of target: Σ value / Σ target over the provinces (of the version in force that month)
    that have a figure and a target then (a province that has not reported is unknown, not 0: left out of
    both sums, and the targets page says how many; tests/test_audit_partial.py)."""
    version = truth.version_at(d)
    provinces = list(truth.units(version, "province"))
    values = truth.values(version, ind, d, units=provinces)
    targets = {c: v for c, v in truth.targets(version, ind, d, provinces).items() if v and v > 0 and c in values}
    if not targets:
        return None
    return 100.0 * sum(values[c] for c in targets) / sum(targets.values())
