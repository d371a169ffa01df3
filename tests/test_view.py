"""The view object (cnscd/views/view.py): one frozen value per shown chart; the map's second panel is
derived from the first (cnscd.ui.map_panel.beside), with its unit carried across the reform."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cnscd.unitref import UnitRef
from cnscd.views.view import View

D = dt.date


def test_a_view_is_frozen_hashable_and_names_itself_in_plain_values():
    v = View(lang="vi", period=D(2026, 6, 30), version="2025", indicator="teams_total", unit=UnitRef("2025", "82"),
             level="commune")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.period = D(2026, 7, 31)
    assert hash(v) == hash(v.replace())
    assert v.province == "82" and View(lang="vi", period=D(2026, 6, 30), version="2025", indicator="x").province is None
    assert v.params() == {"lang": "vi", "period": "2026-06-30", "version": "2025", "indicator": "teams_total",
                          "unit": "2025:82", "level": "commune", "measure": "abs", "base": None,
                          "scheme": "quantiles", "k": 5, "shared_breaks": None}
    assert v.replace(k=7).params()["k"] == 7 and v.params()["k"] == 5


def test_a_unit_of_the_other_version_is_refused():
    with pytest.raises(ValueError, match="not of version"):
        View(lang="vi", period=D(2024, 6, 30), version="legacy", indicator="teams_total", unit=UnitRef("2025", "82"))


def test_the_map_beside_carries_the_unit_across_the_reform(warehouse_env):
    from cnscd.ui import map_panel

    left = View(lang="vi", period=D(2024, 6, 30), version="legacy", indicator="teams_total",
                unit=UnitRef("legacy", "87"), level="district", measure="change", base=D(2023, 6, 30))
    same = map_panel.beside(left, D(2025, 3, 31))
    assert same == left.replace(period=D(2025, 3, 31))          # same boundaries: only the month changes
    right = map_panel.beside(left, D(2026, 6, 30))
    # former Đồng Tháp (87) went into the 2025 Đồng Tháp (82), drawn by commune; no base month there
    assert (right.version, right.unit, right.level, right.measure, right.base) == \
        ("2025", UnitRef("2025", "82"), "commune", "abs", None)
    back = map_panel.beside(right.replace(unit=UnitRef("2025", "82")), D(2024, 6, 30))
    assert back.unit == UnitRef("legacy", "87") and back.level == "district"   # same-named predecessor
