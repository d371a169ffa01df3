"""The import page (AppTest): renders for viewers without login, logs an editor in, lists batches and
rolls one back. Uploads cannot be driven from AppTest; the upload path is the tested `ingest` API."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cnscd.store import auth
from cnscd.ingest import commit, read_manifest
from tests.ingest_fixtures import district_report, dry, small_base, wh  # noqa: F401

PAGE = str(auth.ROOT / "pages" / "6_Nhap_lieu.py")


@pytest.fixture
def page_env(wh):
    import streamlit as st

    st.cache_resource.clear()     # the app caches one Reader per process: point it at this test's file
    st.cache_data.clear()
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    return wh


def _run(at: AppTest) -> AppTest:
    at.run(timeout=60)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_viewer_sees_page_and_login_form(page_env):
    at = _run(AppTest.from_file(PAGE))
    assert any("Đăng nhập để nhập liệu" in i.value for i in at.info)
    assert len(at.sidebar.text_input) == 2


def test_wrong_password_is_refused_then_login_works(page_env):
    at = _run(AppTest.from_file(PAGE))
    at.sidebar.text_input[0].input("dongthap")
    at.sidebar.text_input[1].input("sai-mat-khau")
    at.sidebar.button[0].click()
    _run(at)
    assert any("Sai tên đăng nhập" in e.value for e in at.sidebar.error)
    at.sidebar.text_input[0].input("dongthap")
    at.sidebar.text_input[1].input("mat-khau-rat-dai")
    at.sidebar.button[0].click()
    _run(at)
    assert any("dongthap" in m.value for m in at.sidebar.markdown)


def test_editor_rolls_back_a_batch(page_env):
    m = commit(dry(page_env, district_report(), "dt.xlsx"), "dongthap")
    at = _run(AppTest.from_file(PAGE))
    at.sidebar.text_input[0].input("dongthap")
    at.sidebar.text_input[1].input("mat-khau-rat-dai")
    at.sidebar.button[0].click()
    _run(at)
    assert m["batch_id"] in at.selectbox[-1].options[0]
    next(c for c in at.checkbox if "chắc chắn" in c.label).check()
    _run(at)
    next(b for b in at.button if b.label == "Huỷ lô (rollback)").click()
    _run(at)
    assert read_manifest(m["batch_id"])["status"] == "rolled_back"
    # (the page's own Reader holds this process's DuckDB instance for the path: read the live file
    # through a link so the check does not depend on that cache)
    from tests.test_ingest_batches import fresh_count

    assert fresh_count(page_env, "page") == 0


def test_rollback_rechecks_the_login_under_the_shared_session_key(page_env, monkeypatch):
    """The page re-checked `st.session_state["editor_session"]` by hand: under another SESSION_KEY the
    logged-in editor was refused at the last step."""
    from cnscd.ui import login

    monkeypatch.setattr(login, "SESSION_KEY", "editor_session_renamed")
    m = commit(dry(page_env, district_report(), "dt.xlsx"), "dongthap")
    at = _run(AppTest.from_file(PAGE))
    at.sidebar.text_input[0].input("dongthap")
    at.sidebar.text_input[1].input("mat-khau-rat-dai")
    at.sidebar.button[0].click()
    _run(at)
    assert "editor_session_renamed" in at.session_state
    next(c for c in at.checkbox if "chắc chắn" in c.label).check()
    _run(at)
    next(b for b in at.button if b.label == "Huỷ lô (rollback)").click()
    _run(at)
    assert not at.error, [e.value for e in at.error]
    assert read_manifest(m["batch_id"])["status"] == "rolled_back"
