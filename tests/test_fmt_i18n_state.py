"""Formats (1.234,5 and 30/06/2025), the vi/en dictionary, and URL-bound view state."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from cnscd import fmt

ROOT = Path(__file__).resolve().parent.parent


# ---- fmt --------------------------------------------------------------------------------------------
def test_numbers_vietnamese_and_english():
    assert fmt.number(1234.5, "vi", 1) == "1.234,5"
    assert fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(1234567, "vi") == "1.234.567"
    assert fmt.number(-27, "vi", signed=True) == "-27"
    assert fmt.number(27, "vi", signed=True) == "+27"
    assert fmt.number(None, "vi") == "–"
    assert fmt.number(float("nan"), "en") == "–"


def test_percent_and_dates():
    assert fmt.pct(141.6, "vi") == "141,6 %"
    assert fmt.pct(141.6, "en") == "141.6%"
    assert fmt.date(dt.date(2025, 6, 30), "vi") == "30/06/2025"
    assert fmt.date("2025-06-30", "en") == "30/06/2025"
    assert fmt.month(dt.date(2025, 6, 30), "vi") == "T6/2025"
    assert fmt.month(dt.date(2025, 6, 30), "en") == "06/2025"


def test_plotly_separators_by_language():
    assert fmt.separators("vi") == ",."
    assert fmt.separators("en") == ".,"
    layout = fmt.plotly_layout("vi")
    assert layout["separators"] == ",." and "Noto Sans" in layout["font"]["family"]


def test_decimals_for_units():
    assert fmt.decimals_for("%") == 1
    assert fmt.decimals_for("tổ") == 0
    assert fmt.decimals_for("tổ", [0.2, 0.5]) == 1


def test_table_styler_keeps_numbers_numeric_but_shows_vietnamese():
    frame = pl.DataFrame({"name": ["A"], "n": [1234567.0], "p": [12.345], "d": [dt.date(2025, 6, 30)]})
    styler = fmt.table_styler(frame, "vi", {"p": 1}, dates=("d",))
    html = styler.to_html()
    assert "1.234.567" in html and "12,3" in html and "30/06/2025" in html
    assert styler.data["n"].dtype.kind == "f"


# ---- state (a tiny app through AppTest) ----------------------------------------------------------------
def _state_app():
    import streamlit as st

    from cnscd.ui import state

    lang = state.lang()
    ind = state.select("ind", "Indicator", ["teams_total", "members"], "teams_total")
    units = state.multiselect("units", "Units", ["01", "79", "82"], ["01"])
    mode = state.select("mode", "Mode", ["reported", "today"], "reported", kind="segmented")
    thr = state.number("thr", "Threshold", 80, min_value=0, max_value=200, step=5)
    on = state.toggle("flag", "Flag", False)
    st.write(f"lang={lang} ind={ind} units={','.join(units)} mode={mode} thr={thr} flag={on}")


def _shown(at) -> str:
    return [m.value for m in at.markdown if m.value.startswith("lang=")][0]


def test_state_defaults_are_written_to_the_url():
    at = AppTest.from_function(_state_app).run()
    assert not at.exception
    assert _shown(at) == "lang=vi ind=teams_total units=01 mode=reported thr=80.0 flag=False"
    assert at.query_params["ind"] == "teams_total" and at.query_params["units"] == "01"


def test_state_reads_a_shared_link():
    at = AppTest.from_function(_state_app)
    for k, v in {"lang": "en", "ind": "members", "units": "79,82", "mode": "today", "thr": "95", "flag": "1"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert _shown(at) == "lang=en ind=members units=79,82 mode=today thr=95.0 flag=True"


def test_state_bad_link_values_warn_in_both_languages_and_use_defaults():
    at = AppTest.from_function(_state_app)
    at.query_params["ind"] = "nope"
    at.query_params["thr"] = "999"
    at.query_params["units"] = "01,zz"
    at.run()
    assert not at.exception
    assert _shown(at).startswith("lang=vi ind=teams_total units=01 ")
    warnings = " ".join(w.value for w in at.warning)
    assert "'ind'" in warnings and "không hợp lệ" in warnings and "not valid" in warnings
    assert "'thr'" in warnings and "'units'" in warnings


def test_state_widget_change_goes_to_the_url_and_survives_reruns():
    at = AppTest.from_function(_state_app).run()
    at.selectbox(key="w_ind").set_value("members").run()
    at.multiselect(key="w_units").set_value(["82", "79"]).run()
    at.number_input(key="w_thr").set_value(60).run()
    at.toggle(key="w_flag").set_value(True).run()
    at.button_group(key="w_mode").set_value("today").run()
    assert at.query_params["ind"] == "members"
    assert at.query_params["units"] == "82,79"
    assert at.query_params["thr"] == "60"
    at.run()
    assert _shown(at) == "lang=vi ind=members units=82,79 mode=today thr=60.0 flag=True"
    at.multiselect(key="w_units").set_value([]).run()  # cleared stays cleared, not back to defaults
    at.run()
    assert "units= " in _shown(at) and at.query_params["units"] == ""
