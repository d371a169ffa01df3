"""Viewing is open by default; `viewing_requires_login = true` puts every page behind the editor login."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _run(monkeypatch, warehouse_env, editors: Path) -> AppTest:
    monkeypatch.setenv("CNSCD_EDITORS", str(editors))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    return at.run()


def test_viewing_is_open_by_default(monkeypatch, warehouse_env, tmp_path):
    at = _run(monkeypatch, warehouse_env, tmp_path / "none.toml")
    assert not at.exception
    assert not [i for i in at.info if "đăng nhập" in i.value]
    assert [x.value for x in at.main.title] == ["Tổng quan"]   # the overview page itself, not a login wall


def test_viewing_can_require_a_login(monkeypatch, warehouse_env, tmp_path):
    editors = tmp_path / "editors.toml"
    editors.write_text("[settings]\nviewing_requires_login = true\n\n[editors]\n", encoding="utf-8")
    at = _run(monkeypatch, warehouse_env, editors)
    assert not at.exception
    assert any("đăng nhập để xem" in i.value for i in at.info)
    assert len(at.sidebar.text_input) >= 2  # the login form
    assert not at.main.selectbox and not at.main.select_slider  # no page body
