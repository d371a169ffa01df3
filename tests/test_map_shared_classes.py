"""Two months side by side share one set of classes: the same colour is the same value on both maps,
and the legend says so (issue 11 §2). The page is opened as a shared link (AppTest of app.py) and its two
figures are held against class edges computed here from the core tables (tests/numbers.py: Truth): the
month under the 63 provinces beside one under the 34, and two months of the same boundaries."""
from __future__ import annotations

import base64
import datetime as dt

import mapclassify
import numpy as np
import pytest

from tests import numbers as nb

SHARED_VI = "cùng thang màu"


@pytest.fixture
def truth(con):
    return nb.Truth(con)


def colour_bar(fig: dict) -> dict:
    return next(tr["colorbar"] for tr in fig["data"] if tr.get("colorbar", {}).get("ticktext", [None])[1:])


def array(x) -> np.ndarray:
    """A trace array as plotly.js gets it: a list, or a typed array {dtype, bdata (base64)}."""
    if isinstance(x, dict):
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"])
    return np.asarray(x)


def classes_of(fig: dict) -> dict[str, int]:
    """{unit code: class index} of the units with a figure (class 0 = no figure)."""
    out = {}
    for tr in fig["data"]:
        if tr.get("type") != "choropleth" or "colorbar" not in tr or not tr["colorbar"].get("ticktext", [])[1:]:
            continue
        for cd, z in zip(tr["customdata"], array(tr["z"])):
            out[cd[7]] = int(z)
    return out


@pytest.mark.parametrize("left,right", [(dt.date(2025, 6, 30), dt.date(2026, 6, 30)),   # across the reform
                                         (dt.date(2025, 7, 31), dt.date(2026, 6, 30))])  # both 34 provinces
def test_two_months_share_one_set_of_classes(warehouse_env, truth, left, right):
    right = min(right, truth.latest_month())
    at = nb.ok(nb.open_page("map", period=f"{left:%Y-%m}", period2=f"{right:%Y-%m}", cmp="1",
                            level="province", ind="teams_total", scheme="quantiles", k="5"))
    figs = [f for f in nb.figures(at) if any(tr.get("type") == "choropleth" for tr in f["data"])]
    assert len(figs) == 2
    bars = [colour_bar(f) for f in figs]
    assert bars[0]["ticktext"] == bars[1]["ticktext"]          # one legend, the same classes
    assert all(SHARED_VI in b["title"]["text"] for b in bars)  # and it says so

    # the edges: quantiles of both months' values together, from the core tables
    values = [truth.values(truth.version_at(d), "teams_total", d, level="province") for d in (left, right)]
    both = np.array([v for vals in values for v in vals.values()], dtype=float)
    edges = [float(both.min()), *map(float, np.unique(mapclassify.Quantiles(both, k=5).bins))]
    for fig, vals in zip(figs, values):
        got = classes_of(fig)
        assert set(got) == set(vals)
        for code, v in vals.items():
            want = int(np.clip(np.searchsorted(edges[1:], v, side="left") + 1, 1, len(edges) - 1))
            assert got[code] == want, (code, v, got[code], want)
    # one value, one colour: the highest class holds the top values of both months together
    top = max(max(v.values()) for v in values)
    assert any(classes_of(f).get(c) == len(edges) - 1 for f, vals in zip(figs, values) for c, v in vals.items()
               if v == top)


def test_one_map_keeps_its_own_classes_and_says_nothing(warehouse_env, truth):
    at = nb.ok(nb.open_page("map", period="2026-06", level="province", ind="teams_total"))
    fig = next(f for f in nb.figures(at) if any(tr.get("type") == "choropleth" for tr in f["data"]))
    assert SHARED_VI not in colour_bar(fig)["title"]["text"]
