"""The real app in headless Chromium: every page opens with its charts, a copied link reopens the same
view, the view's parameters survive navigation, the language switch works; nothing leaves localhost.
Screenshots go to tests/artifacts/."""
from __future__ import annotations

import re

PAGES = [  # url path, Vietnamese title, English title, Plotly charts at least
    ("", "Tổng quan", "Overview", 1),
    ("so-sanh-tinh", "So sánh tỉnh", "Compare provinces", 2),
    ("muc-tieu", "Mục tiêu", "Targets", 1),
    ("nguon", "Nguồn & phương pháp", "Sources & method", 0),
]


def title(ui) -> str:
    return ui.page.locator("h1").first.inner_text().strip()


def no_exception(ui) -> None:
    assert ui.page.locator('[data-testid="stException"]').count() == 0


def pick(ui, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label`, then wait for the rerun."""
    box = ui.page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    ui.rerun(ui.page.get_by_role("option", name=option, exact=True).click)


def test_every_page_opens_with_its_charts(ui):
    for path, vi, _en, n_charts in PAGES:
        ui.open(path)
        no_exception(ui)
        assert ui.page.get_by_text("Page not found").count() == 0
        assert title(ui) == vi
        assert ui.page.locator(".js-plotly-plot").count() >= n_charts, path
        assert ui.page.get_by_text("MINH HOẠ").count() >= 1  # demo label on every page
        ui.shot(f"page_{path or 'tong-quan'}")
    assert ui.page.blocked == []


def test_copied_link_reopens_the_same_view(ui):
    ui.open("so-sanh-tinh")
    pick(ui, "Chỉ tiêu", "Thành viên Tổ CNSCĐ")
    pick(ui, "Thước đo", "Trên 1.000 dân")
    ui.rerun(ui.page.get_by_text("Theo 34 tỉnh hiện nay", exact=True).click)
    copied = ui.page.url
    before = ui.query()
    assert before["ind"] == "members" and before["measure"] == "per1000" and before["mode"] == "today"
    ui.shot("link_before")

    ui.page.goto("about:blank")
    ui.page.goto(copied)  # a fresh session, as when a colleague opens the link
    ui.wait()
    no_exception(ui)
    assert ui.query() == before
    chart_title = ui.page.locator(".js-plotly-plot .gtitle").first.text_content()
    assert "Thành viên Tổ CNSCĐ" in chart_title and "Trên 1.000 dân" in chart_title
    legend = " ".join(ui.page.locator(".js-plotly-plot .legendtext").evaluate_all("els => els.map(e => e.textContent)"))
    assert "Toàn quốc" in legend and "(63 tỉnh)" not in legend  # today's provinces: no predecessors
    ui.shot("link_reopened")


def test_view_parameters_survive_navigation(ui):
    ui.open("so-sanh-tinh", ind="members", mode="today")
    ui.rerun(ui.page.locator('[data-testid="stSidebarNav"]').get_by_text("Mục tiêu", exact=True).click)
    assert title(ui) == "Mục tiêu"
    q = ui.query()
    assert q.get("ind") == "members" and q.get("mode") == "today" and q.get("lang") == "vi"
    ui.rerun(ui.page.locator('[data-testid="stSidebarNav"]').get_by_text("So sánh tỉnh", exact=True).click)
    assert ui.query().get("ind") == "members"
    assert "Thành viên Tổ CNSCĐ" in ui.page.locator(".js-plotly-plot .gtitle").first.text_content()


def test_language_switch(ui):
    ui.open("muc-tieu")
    ui.rerun(ui.page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click)
    no_exception(ui)
    assert title(ui) == "Targets" and ui.query()["lang"] == "en"
    nav = ui.page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Compare provinces" in nav and "Sources & method" in nav
    ui.shot("language_en")
    # the English link reopens in English
    ui.page.goto("about:blank")
    ui.page.goto(re.sub(r"lang=en", "lang=en", ui.base_url + "/so-sanh-tinh?lang=en"))
    ui.wait()
    assert title(ui) == "Compare provinces"
