"""Export speed: a warm chart export against a cold one (browser start included) in the same
run, a six-slide deck warm against cold, a province's monthly briefing pack (cnscd/brief.py, PDF and
PPTX, on the built warehouse) warm, and the data downloads of a commune-sized frame.

Run alone: `.venv/bin/python -m bench.bench_export` (or through bench/benchmark.py).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from cnscd.export import images, report, slides, tables  # noqa: E402
from cnscd.export.sample import bar_chart, map_chart, sample_meta  # noqa: E402


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _row(name, value, unit, baseline, label, target):
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "baseline_label": label,
            "ratio": value / baseline if baseline else None, "target": target}


def _brief(deck_warm: float) -> list[dict]:
    """The monthly pack of 2025:82 for 10/2026 (or the latest month), warm: the engine is already up and
    the pack is built once first (the warehouse's pages in the OS cache), as a second click would be."""
    import datetime as dt
    from functools import partial

    import duckdb

    import queries
    from cnscd import brief
    from cnscd.store import warehouse
    from cnscd.unitref import UnitRef

    if not warehouse.path().is_file():
        return []
    con = duckdb.connect(str(warehouse.path()), read_only=True)
    try:
        query = partial(queries.run, con)
        ref, period = brief.resolve(query, "2025:82", "2026-10")
        brief.build(query, ref, period, "vi", "pdf")
        pdf = _timed(lambda: brief.build(query, ref, period, "vi", "pdf"))
        pptx = _timed(lambda: brief.build(query, ref, period, "vi", "pptx"))
        frames = _timed(lambda: brief.pack(query, ref, period, "vi"))
    finally:
        con.close()
    return [_row("export: monthly brief PDF, one province (2025:82), warm", pdf, "s", deck_warm,
                 "six-slide deck, warm", "< 10 s"),
            _row("export: monthly brief PPTX, one province (2025:82), warm", pptx, "s", deck_warm,
                 "six-slide deck, warm", "< 10 s"),
            _row("export: monthly brief, its frames and figures only", frames, "s", pdf, "the whole PDF", "—")]


def run() -> list[dict]:
    meta = sample_meta(is_approximate_boundaries=True)
    fig = bar_chart(meta)
    charts = [(bar_chart(meta), meta), (map_chart(meta), meta)] * 3

    # cold: a fresh engine pays chromium's start, then renders once
    images.use_engine(images.Engine())
    cold = _timed(lambda: images.to_image(fig, meta, "png", "slide_1080"))
    warm = statistics.median(_timed(lambda: images.to_image(fig, meta, "png", "slide_1080"))
                             for _ in range(5))
    svg = statistics.median(_timed(lambda: images.to_image(fig, meta, "svg")) for _ in range(3))
    deck_warm = _timed(lambda: slides.build_deck(charts, "Tổng quan", {"Kỳ": "06/2025"}))
    pdf_warm = _timed(lambda: report.build_pdf(charts, "Tổng quan", {"Kỳ": "06/2025"}))

    brief_rows = _brief(deck_warm)

    images.use_engine(images.Engine())   # stops the warm one: the next deck starts cold
    deck_cold = _timed(lambda: slides.build_deck(charts, "Tổng quan", {"Kỳ": "06/2025"}))
    images.engine().stop()

    # data downloads at commune scale (~10,035 legacy communes)
    n = 10_035
    big = sample_meta(data=pl.DataFrame({
        "commune_name": [f"Xã Đông Hòa {i}" for i in range(n)],
        "teams_total": [i % 97 for i in range(n)],
        "villages_with_team_pct": [(i % 1000) / 10 for i in range(n)]}), column_labels={})
    xlsx = _timed(lambda: tables.to_xlsx(big))
    csv = _timed(lambda: tables.to_csv(big))
    plain_csv = _timed(lambda: big.data.write_csv())

    return [
        _row("export: warm PNG 1920×1080 (kept-alive Kaleido)", warm, "s", cold,
             "cold export incl. chromium start", "< 1 s"),
        _row("export: warm SVG", svg, "s", cold, "cold PNG export", "< 1 s"),
        _row("export: six-slide deck, warm", deck_warm, "s", deck_cold, "same deck, cold start", "< 8 s"),
        _row("export: six-chart PDF report (300 dpi), warm", pdf_warm, "s", deck_warm,
             "six-slide deck (1080p pictures), warm", "< 8 s"),
        *brief_rows,
        _row(f"export: XLSX of {n:,} rows (formats, guards)", xlsx, "s", plain_csv,
             "polars write_csv, no guards", "—"),
        _row(f"export: CSV of {n:,} rows (BOM, guards)", csv, "s", plain_csv,
             "polars write_csv, no guards", "—"),
    ]


if __name__ == "__main__":
    for r in run():
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] else "—"
        print(f"{r['name']:<50} {r['value']:8.3f} {r['unit']}  target {r['target']:<6} "
              f"baseline {r['baseline']:.3f} {r['unit']} ({r['baseline_label']})  ratio {ratio}")
