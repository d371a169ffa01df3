"""Issue 11 §1: a view follows its unit and says so. The overview's own path answers; the overview of a
province is that province's (its trend, its slides and PDF report); every chart title and cover names
the place, the period, the boundary version and the measure; a visitor at the login box never sees the
administrator's command line. Numbers here come from our own SQL (tests/numbers.py: Truth)."""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import numbers as nb

ROOT = Path(__file__).resolve().parent.parent
OVERVIEW = "pages/1_Tong_quan.py"


def _app(**params) -> AppTest:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at


# ---- every page answers at its own path -----------------------------------------------------------------
def test_overview_answers_at_root_and_at_its_own_path(warehouse_env):
    from streamlit.util import calc_hash

    at = nb.ok(_app().run())
    pages = {info["url_pathname"]: info["script_path"] for info in at._registered_pages.values()}
    # "/" and "/tong-quan" both name the overview file (the default page's url path is always "")
    assert Path(pages[""]).resolve() == Path(pages["tong-quan"]).resolve() == (ROOT / OVERVIEW).resolve()
    assert [p for p in ("ban-do", "so-sanh-tinh", "so-sanh-huyen", "muc-tieu", "nguon") if p not in pages] == []
    # a rerun of the default page still runs app.py (navigation, badges): its hash is never the file
    # name's, which Streamlit takes for an old `pages/` page and runs alone
    at.select_slider(key="w_period").set_value("2025-06").run()
    assert any("Địa giới:" in m.value for m in nb.ok(at).markdown)
    # what a link to /tong-quan runs: the page registered at that path (as the browser's page name resolves)
    at._page_hash = calc_hash("tong-quan")
    at = nb.ok(at.run())
    assert [t.value for t in at.main.title] == ["Tổng quan"]
    assert nb.cards(at)


# ---- the overview of a province is that province's -------------------------------------------------------
@pytest.fixture
def recorded(monkeypatch):
    """Every view_downloads call of the page run: (charts, title, filters, lang, cover)."""
    from cnscd.ui import widgets

    calls = []
    real = widgets.view_downloads

    def record(key, charts, title, filters, lang, *, cover=""):
        calls.append((list(charts), title, filters, lang, cover))
        return real(key, charts, title, filters, lang, cover=cover)
    monkeypatch.setattr(widgets, "view_downloads", record)
    return calls


def new_day(truth) -> dt.date:
    return min(dt.date(2026, 6, 30), truth.latest_month())


@pytest.mark.parametrize("unit", ["2025:82", "legacy:87"])
def test_overview_trend_title_and_downloads_follow_the_unit(warehouse_env, truth, recorded, unit):
    version, code = unit.split(":")
    day = new_day(truth) if version == "2025" else nb.LEGACY_DAY
    at = nb.ok(_app(unit=unit, period=f"{day:%Y-%m}").run())
    name = truth.unit_name(version, code)                           # "Đồng Tháp"
    label = truth.sql("SELECT label_vi FROM core_boundary_version WHERE boundary_version = ?", [version])[0][0]
    month = f"T{day.month}/{day.year}"
    (fig,) = nb.figures(at)
    title, subtitle = fig["layout"]["title"]["text"], fig["layout"]["title"]["subtitle"]["text"]
    assert name in title and month in subtitle and label in subtitle, (title, subtitle)
    # the trend is the province's own, not the nation's
    for tr in fig["data"]:
        ind = truth.indicator_by_name(tr["name"])
        got = {nb.as_date(x): y for x, y in zip(tr["x"], tr["y"])}
        assert got[day] == pytest.approx(truth.value(version, code, ind, day)), ind
        assert got[day] != pytest.approx(truth.value(version, "VN", ind, day))
    # the table lists the province's own districts / communes
    (table,) = nb.frames(at)
    units = truth.units(version, nb.CHILD_LEVEL[version], code)
    assert set(map(str, table[table.columns[0]])) <= set(units.values()) and len(table) >= 5
    # the slide deck and the PDF report get this chart and a cover naming place, period and boundaries
    ((charts, view_title, filters, lang, cover),) = recorded
    assert [m.title for _, m in charts] == [title.replace("<b>", "").replace("</b>", "")]
    assert name in view_title and all(x in cover for x in (name, month, label)), (view_title, cover)


def test_overview_deck_and_report_covers_name_the_place(warehouse_env, truth, recorded, chromium, tmp_path):
    """The files a presenter downloads: the PPTX title slide and the PDF cover say Đồng Tháp · month ·
    boundaries, the chart slide is the province's chart."""
    from pptx import Presentation

    from cnscd.export import report, slides

    day = new_day(truth)
    nb.ok(_app(unit="2025:82", period=f"{day:%Y-%m}").run())
    ((charts, view_title, filters, lang, cover),) = recorded
    deck = Presentation(io.BytesIO(slides.build_deck(charts, view_title, filters, lang, cover=cover)))
    first = " ".join(sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)
    assert view_title in first and cover in first, first
    assert charts[0][1].title in deck.slides[1].notes_slide.notes_text_frame.text
    pdf = tmp_path / "overview.pdf"
    pdf.write_bytes(report.build_pdf(charts, view_title, filters, lang, cover=cover, with_tables=False))
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Đồng Tháp" in text and f"T{day.month}/{day.year}" in text and "34 tỉnh" in text, text


# ---- every chart title names the place, the period, the boundaries and the measure ------------------------
def _titles(at) -> list[tuple[str, str]]:
    return [(f["layout"]["title"]["text"], f["layout"]["title"]["subtitle"]["text"]) for f in nb.figures(at)]


def test_district_page_titles_and_slides_name_the_province(warehouse_env, truth, recorded):
    day = nb.LEGACY_DAY
    at = _app(unit="legacy:87", period=f"{day:%Y-%m}")
    at.switch_page("pages/4_So_sanh_huyen.py")
    at = nb.ok(at.run())
    titles = _titles(at)
    assert len(titles) == 3
    for title, subtitle in titles:
        assert "Đồng Tháp" in title and f"T{day.month}/{day.year}" in subtitle and "63 tỉnh" in subtitle, title
    assert "các huyện của Đồng Tháp" in titles[0][0]          # the ranking says of what, and where
    ((charts, view_title, filters, lang, cover),) = recorded
    assert "Đồng Tháp" in view_title and "Đồng Tháp" in cover and "63 tỉnh" in cover


def test_compare_rank_chart_says_what_it_ranks_by(warehouse_env, recorded):
    at = _app(ind="members", measure="per1000", units="2025:82,2025:01")
    at.switch_page("pages/3_So_sanh_tinh.py")
    at = nb.ok(at.run())
    titles = [t for t, _ in _titles(at)]
    assert len(titles) == 2
    assert "Trên 1.000 dân" in titles[0] and "Đồng Tháp" in titles[0], titles
    assert titles[1].startswith("<b>Thứ hạng giữa các tỉnh theo Thành viên Tổ CNSCĐ · Trên 1.000 dân"), titles
    ((_, _, _, _, cover),) = recorded
    assert "Đồng Tháp" in cover


def test_map_and_targets_titles(warehouse_env, recorded):
    at = _app(unit="2025:82", ind="members", measure="per1000")
    at.switch_page("pages/2_Ban_do.py")
    at = nb.ok(at.run())
    ((title, subtitle),) = _titles(at)
    assert "Thành viên Tổ CNSCĐ · Trên 1.000 dân — Đồng Tháp" in title and "34 tỉnh" in subtitle, title
    at = _app(ind="teams_total")
    at.switch_page("pages/5_Muc_tieu.py")
    at = nb.ok(at.run())
    ((title, subtitle),) = _titles(at)
    assert "Toàn quốc và các tỉnh/thành" in title and "Địa giới" in subtitle, (title, subtitle)
    assert [c for *_, c in recorded][-1].startswith("Toàn quốc và các tỉnh/thành · ")


# ---- the login box tells a visitor whom to ask, never the command line -------------------------------------
def test_login_box_shows_no_admin_command_line(monkeypatch, warehouse_env, tmp_path):
    monkeypatch.setenv("CNSCD_EDITORS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CNSCD_STATE_DIR", str(tmp_path / "state"))
    at = _app()
    at.switch_page("pages/6_Nhap_lieu.py")
    at = at.run()
    assert not at.exception

    def shown(a) -> str:
        return json.dumps([e.value for e in (*a.caption, *a.markdown, *a.error, *a.info, *a.warning)], ensure_ascii=False)
    assert "python -m" not in shown(at) and "add-editor" not in shown(at)
    assert "liên hệ quản trị" in shown(at)
    at.sidebar.text_input[0].input("someone")
    at.sidebar.text_input[1].input("wrong-password")
    at = at.sidebar.button[0].click().run() if at.sidebar.button else at
    forms = [b for b in at.get("form_submit_button")]
    if forms:
        at = forms[0].click().run()
    assert at.error, "a failed login says so"
    assert "python -m" not in shown(at) and "liên hệ quản trị" in shown(at)
