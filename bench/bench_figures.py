"""CPU per chart-builder call: today's builders (plain dicts wrapped once unvalidated, cnscd/charts/base.figure)
against main's validated ones (tests/figref), on the calls the chart pages make on the demo warehouse.

    python -m bench.bench_figures [--repeat 10]     # or: bench/benchmark.py --only figures

The calls are recorded once by running each chart page in AppTest over tests/figure_cases.VIEWS (the
nation, provinces, a legacy unit, both languages, other measures and modes). Each call is then made
`repeat` times by each side, alternately, in the same minute; the figure per builder is the mean over
its calls of the median `time.process_time` per call. Subplot grids are cached on both sides (as in a
running app, where the same shapes come back), so this is a new view's figure cost, not a first one;
today's caches of wrapped source lines and palettes stay warm (a view's charts share their source
line), the reference's wrap cache is cleared before each of its calls (main had none).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu(fn, args, kwargs, reference: bool = False) -> float:
    from cnscd.charts import textfit
    from tests.test_figure_fast import fresh

    a = fresh(args)
    if reference:   # main wrapped the source line on every call; the reference shares today's textfit
        textfit._wrap.cache_clear()
    t0 = time.process_time()
    fn(*a, **kwargs)
    return time.process_time() - t0


def measure(repeat: int = 10) -> tuple[dict[str, tuple[int, float, float]], float]:
    """{builder: (calls, reference ms per call, today's ms per call)} and the load average."""
    import plotly.io as pio

    from cnscd.charts import base
    from tests import figure_cases as fc

    calls = fc.record_views() + fc.hand_made()
    pio.templates.default = base.TEMPLATE   # the app's (Streamlit's import sets its own)
    per: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for name, args, kwargs in calls:
        new, ref = fc.builder(name), fc.builder(name, reference=True)
        new(*args, **kwargs), ref(*args, **kwargs)     # warm: grid caches, imports
        r, n = [], []
        for i in range(repeat):
            if i % 2:
                n.append(_cpu(new, args, kwargs)), r.append(_cpu(ref, args, kwargs, True))
            else:
                r.append(_cpu(ref, args, kwargs, True)), n.append(_cpu(new, args, kwargs))
        per[name].append((statistics.median(r), statistics.median(n)))
    out = {name: (len(v), 1000 * statistics.fmean(r for r, _ in v), 1000 * statistics.fmean(n for _, n in v))
           for name, v in per.items()}
    return out, os.getloadavg()[0]


def run(repeat: int = 10) -> list[dict]:
    rows, _ = measure(repeat)
    return [{"name": f"figure {name} ({k} calls), CPU per call", "value": new, "unit": "ms", "baseline": ref,
             "baseline_label": "validated graph objects, main a06da3b", "target": "10× less"}
            for name, (k, ref, new) in sorted(rows.items())]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    rows, load1 = measure(args.repeat)
    print(f"CPU per builder call, median of {args.repeat}, mean over the calls (load average {load0:.1f} → {load1:.1f})")
    print(f"{'builder':<16} {'calls':>5} {'validated (main)':>17} {'today':>9} {'ratio':>7}")
    for name, (k, ref, new) in sorted(rows.items()):
        print(f"{name:<16} {k:>5} {ref:>14.1f} ms {new:>6.1f} ms {ref / new:>6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
