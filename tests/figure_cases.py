"""The figures the app draws, as the calls that build them: each chart page is run in AppTest over a
set of views (nation, a province, a legacy unit, both languages, with and without targets, other
measures and modes) with every chart builder of cnscd/charts/ recording its arguments; beside them,
hand-made calls for what no demo view reaches (empty frames, a nation-only panel, a gap in a long
ranking). tests/test_figure_fast.py and bench/bench_figures.py replay them.

A case is (builder name, args, kwargs); `BUILDERS` names where each builder lives, today's and the
reference's (tests/figref, main's validated code)."""
from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, Callable

import polars as pl

from cnscd.charts.meta import ChartMeta

# builder -> (module under cnscd/charts/ and tests/figref/, also an attribute of cnscd.charts)
BUILDERS = {"time_series": ("series", True), "rank_chart": ("bump", True), "progress_bars": ("progress", True),
            "headline": ("sparkline", True), "sparkline": ("sparkline", True),
            "ranking_bars": ("districts", False), "scatter": ("districts", False),
            "small_multiples": ("districts", False), "choropleth": ("maps", False), "finish": ("base", False)}

# (page, query params): what a meeting opens; periods are the demo warehouse's (legacy until 2025-06)
VIEWS = [
    ("overview", {}), ("overview", {"lang": "en", "unit": "2025:82"}),
    ("overview", {"period": "2025-06", "unit": "legacy:87"}),
    ("map", {}), ("map", {"lang": "en", "period": "2025-06", "measure": "pct_target"}),
    ("map", {"unit": "2025:82"}), ("map", {"unit": "legacy:87", "period": "2025-06", "lang": "en"}),
    ("map", {"level": "child", "cmp": "1", "period2": "2025-06"}),   # two maps, one set of classes
    ("compare", {}), ("compare", {"lang": "en", "measure": "pct_target"}),
    ("compare", {"mode": "today", "units": "2025:82,2025:01", "measure": "index"}),
    ("compare", {"measure": "per1000", "units": "legacy:87,2025:82"}),
    ("districts", {"unit": "2025:82"}), ("districts", {"unit": "legacy:87", "period": "2025-06", "lang": "en"}),
    ("districts", {"unit": "2025:01", "nbars": "20", "nmult": "4"}),
    ("targets", {}), ("targets", {"lang": "en", "thr": "90"}), ("targets", {"period": "2025-06"}),
]


def builder(name: str, reference: bool = False) -> Callable[..., Any]:
    module = BUILDERS[name][0]
    return getattr(importlib.import_module(f"{'tests.figref' if reference else 'cnscd.charts'}.{module}"), name)


def record_views(views=VIEWS) -> list[tuple[str, tuple, dict]]:
    """Run each view's page in AppTest (caches cleared first, so every chart is built) and return every
    builder call it made, in order. Needs CNSCD_WAREHOUSE set (the tests' `warehouse_env`)."""
    import pytest

    from cnscd import charts
    from tests import numbers as nb

    calls: list[tuple[str, tuple, dict]] = []

    def recording(name: str, real: Callable) -> Callable:
        def call(*args, **kwargs):
            calls.append((name, args, kwargs))
            return real(*args, **kwargs)
        return call

    with pytest.MonkeyPatch.context() as mp:
        for name, (module, exported) in BUILDERS.items():
            if name == "finish":
                continue
            real = builder(name)
            mod = importlib.import_module(f"cnscd.charts.{module}")
            mp.setattr(mod, name, recording(name, real))
            if exported:
                mp.setattr(charts, name, recording(name, real))
        for page, params in views:
            nb.ok(nb.open_page(page, **params))
    return calls


D = dt.date


def _meta(lang: str = "vi", **kw) -> ChartMeta:
    base = dict(title_vi="Tổng số Tổ CNSCĐ", title_en="Teams, total", unit="tổ", period="T7/2022 – T10/2026",
                boundary_version="34 tỉnh", source="Dữ liệu minh hoạ", is_demo=True, lang=lang, name="t")
    return ChartMeta(**(base | kw))


def _series(nation_only: bool = False) -> pl.DataFrame:
    rows = []
    units = [("87|legacy", "Đồng Tháp (63 tỉnh)", "Đồng Tháp", False, [D(2025, 5, 31), D(2025, 6, 30)]),
             ("82|2025", "Đồng Tháp", "Đồng Tháp", False, [D(2025, 7, 31), D(2025, 8, 31)]),
             ("VN|legacy", "Toàn quốc", "Toàn quốc", True, [D(2025, 5, 31), D(2025, 6, 30)]),
             ("VN|2025", "Toàn quốc", "Toàn quốc", True, [D(2025, 7, 31), D(2025, 8, 31)])]
    for key, label, colour_key, nation, ends in units:
        if nation_only and not nation:
            continue
        for i, m in enumerate(ends):
            rows.append({"key": key, "label": label, "colour_key": colour_key, "is_nation": nation,
                         "period_end": m, "value": 1000.0 + 10 * i, "is_demo": i == 0})
    return pl.DataFrame(rows)


def hand_made() -> list[tuple[str, tuple, dict]]:
    """Calls no demo view makes: empty frames, a nation alone in its own panel, article figures with a
    qualifier, a long ranking with its gap row, a finished figure built elsewhere (export/sample.py)."""
    import plotly.graph_objects as go

    from cnscd.export import sample

    targets = pl.DataFrame({"key": ["82|2025", "VN|2025"], "label": ["Đồng Tháp", "Toàn quốc"],
                            "period_start": [D(2025, 7, 1)] * 2, "period_end": [D(2025, 12, 31)] * 2,
                            "target_value": [1200.0, 90000.0]})
    seeds = pl.DataFrame({"key": ["82|2025", "VN|2025"], "label": ["Đồng Tháp", "Toàn quốc"],
                          "period_end": [D(2025, 8, 31)] * 2, "value": [1010.0, 74422.0],
                          "quote_vi": ["Hơn 1.000 tổ", None], "source_title": ["Báo Đồng Tháp", None],
                          "value_qualifier": ["more_than", None]})
    empty_series = _series().head(0)
    ranks = pl.DataFrame({"key": ["01|2025"] * 2 + ["82|2025"] * 2, "label": ["Hà Nội"] * 2 + ["Đồng Tháp"] * 2,
                          "period_end": [D(2025, 7, 31), D(2025, 8, 31)] * 2, "rank": [1, 2, 2, 1], "n_units": [34] * 4})
    progress = pl.DataFrame({"label": ["A", "B", "C", "D"], "pct": [30.0, 90.0, 141.6, None],
                             "value": [3.0, 9.0, 6800.0, None], "target_value": [10.0, 10.0, 4800.0, 5.0],
                             "is_demo": [True, True, False, True], "unit_code": ["01", "02", "03", "04"]})
    n = 30
    rank = pl.DataFrame({"unit_code": [f"{i:03d}" for i in range(n)], "display_name": [f"Xã {i}" for i in range(n)],
                         "value": [None if i == 7 else float(100 - i) for i in range(n)],
                         "rank": [None if i == 7 else i + 1 for i in range(n)],
                         "pct_target": [None if i % 5 == 0 else 80.0 + i for i in range(n)]})
    pair = pl.DataFrame({"unit_code": ["001", "002", "003"], "display_name": ["A", "Cao Lãnh", "Cao Lãnh"],
                         "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})
    trend = pl.DataFrame({"unit_code": ["001"] * 3 + ["002"] * 3, "display_name": ["A"] * 3 + ["B"] * 3,
                          "period_end": [D(2026, m, 28) for m in (4, 5, 6)] * 2,
                          "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "is_demo": [True] * 6})
    head = pl.DataFrame({"label": ["Tổ"] * 3 + ["Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng"] * 3,
                         "unit": ["tổ"] * 3 + ["%"] * 3, "decimals": [0] * 3 + [1] * 3,
                         "period_end": [D(2026, m, 28) for m in (8, 9, 10)] * 2,
                         "value": [1.0, 2.0, 3.0, 50.0, 55.5, 60.25], "is_demo": [True] * 6})
    long_source = "; ".join(["Những kết quả nổi bật sau 02 năm thực hiện Đề án thí điểm Thành lập Tổ Công nghệ số "
                             "cộng đồng trên địa bàn tỉnh Đồng Tháp", "Dữ liệu minh hoạ tổng hợp"])
    cases = []
    for lang in ("vi", "en"):
        m = _meta(lang)
        cases += [
            ("time_series", (_series(), m), dict(targets=targets, seeds=seeds, break_date=D(2025, 7, 1))),
            ("time_series", (_series(), _meta(lang, source=long_source)), dict(nation_panel=True, ref_line=100.0,
                                                                                 undefined=["Đồng Tháp"], decimals=1)),
            ("time_series", (_series(nation_only=True), m), dict(nation_panel=True, ref_line=100.0, seeds=seeds)),
            ("time_series", (_series(), m), dict(ref_line=100.0, rebased=["Đồng Tháp T7/2025"], decimals=1)),
            ("time_series", (_series(), m), dict(ref_line=100.0, undefined=["Đồng Tháp"], rebased=["Hà Nội T7/2025"])),
            ("time_series", (empty_series, m), {}),
            ("rank_chart", (ranks, m), {}), ("rank_chart", (ranks.head(0), m), {}),
            ("progress_bars", (progress, m), dict(threshold=80.0, reference=(95.5, "Toàn quốc"))),
            ("progress_bars", (progress.drop("unit_code"), _meta(lang, is_demo=False)), {}),
            ("progress_bars", (progress.head(0), m), {}),
            ("ranking_bars", (rank, m), dict(reference=50.0, reference_label="TB", decimals=1, limit=20)),
            ("ranking_bars", (rank.head(0), m), dict(reference=None, reference_label="TB")),
            ("scatter", (pair, m), dict(x_title="X", y_title="Y", highlight=["002"])),
            ("scatter", (pair.head(0), m), dict(x_title="X", y_title="Y")),
            ("small_multiples", (trend, m), dict(order=["002", "001", "009"], columns=4, decimals=1)),
            ("small_multiples", (trend.head(0), m), dict(order=[])),
            ("headline", (head, m), {}), ("headline", (head.filter(pl.col("label") == "Tổ"), m), dict(columns=3)),
            ("sparkline", (head.filter(pl.col("label") == "Tổ"), lang), dict(decimals=1)),
            ("finish", (go.Figure(go.Scatter(x=[1, 2], y=[1, 2])), _meta(lang, source=long_source)), {}),
            ("finish", (go.Figure(layout={"width": 1400}), m), dict(height=500, top=100, uirevision="u")),
            ("finish", (go.Figure(), _meta(lang, is_demo=False)), {}),
        ]
    cases.append(("finish", (go.Figure(go.Bar(x=["a"], y=[1])), sample.sample_meta()), {}))
    return cases
