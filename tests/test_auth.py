"""Editor logins (issue 6 §5): argon2 hashes, province scope, failed-attempt lockout, session expiry."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from cnscd.store import auth
from tests.ingest_fixtures import codes, dry, small_base, wh, xlsx  # noqa: F401

T0 = dt.datetime(2026, 3, 1, 9, 0)


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    p = tmp_path / "config" / "editors.toml"
    monkeypatch.setenv("CNSCD_EDITORS", str(p))
    return p


def test_password_is_stored_as_argon2_hash_only(cfg):
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    text = cfg.read_text()
    assert "mat-khau-rat-dai" not in text and "$argon2id$" in text
    assert oct(cfg.stat().st_mode)[-3:] == "600"
    e = auth.load().editors["dongthap"]
    assert e.provinces == ["87"]


def test_login_and_session_expiry(cfg):
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    s = auth.login("dongthap", "mat-khau-rat-dai", now=T0)
    assert s.user == "dongthap" and s.provinces == ("87",)
    assert auth.check(s, T0 + dt.timedelta(minutes=59)) is s
    with pytest.raises(auth.AuthError, match="expired"):
        auth.check(s, T0 + dt.timedelta(minutes=61))
    with pytest.raises(auth.AuthError):
        auth.check(None)


def test_wrong_password_and_unknown_user_say_the_same(cfg):
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    with pytest.raises(auth.AuthError) as a:
        auth.login("dongthap", "sai", now=T0)
    with pytest.raises(auth.AuthError) as b:
        auth.login("ai-do", "sai", now=T0)
    assert str(a.value).split("(")[0] == str(b.value).split("(")[0]


def test_lockout_after_failed_attempts_then_release(cfg):
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    for i in range(5):
        with pytest.raises(auth.AuthError):
            auth.login("dongthap", f"sai-{i}", now=T0 + dt.timedelta(seconds=i))
    with pytest.raises(auth.AuthError, match="locked"):            # even the right password
        auth.login("dongthap", "mat-khau-rat-dai", now=T0 + dt.timedelta(minutes=5))
    s = auth.login("dongthap", "mat-khau-rat-dai", now=T0 + dt.timedelta(minutes=16))
    assert s.user == "dongthap"


def test_success_resets_the_failure_count(cfg):
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87"])
    for _ in range(4):
        with pytest.raises(auth.AuthError):
            auth.login("dongthap", "sai", now=T0)
    auth.login("dongthap", "mat-khau-rat-dai", now=T0)
    with pytest.raises(auth.AuthError, match="4 attempts left"):
        auth.login("dongthap", "sai", now=T0)


@pytest.mark.parametrize("name, pw, provinces", [
    ("A B", "mat-khau-rat-dai", ["87"]), ("ok", "short", ["87"]), ("ok", "mat-khau-rat-dai", ["8"]),
    ("ok", "mat-khau-rat-dai", []), ("ok", "mat-khau-rat-dai", ["87; DROP"]),
])
def test_bad_editor_definitions_are_refused(cfg, name, pw, provinces):
    with pytest.raises(auth.AuthError):
        auth.add_editor(name, pw, provinces)


def test_settings_are_configurable(cfg):
    auth.add_editor("an", "mat-khau-rat-dai", ["*"])
    c = auth.load()
    c.settings.update(session_minutes=5, viewing_requires_login=True)
    auth.save(c)
    assert auth.viewing_requires_login()
    s = auth.login("an", "mat-khau-rat-dai", now=T0)
    assert not s.valid(T0 + dt.timedelta(minutes=6))


def test_save_round_trips_every_setting_type(cfg):
    """auth.save wrote TOML by hand: a string setting came out unquoted and the next load failed."""
    auth.add_editor("dongthap", "mat-khau-rat-dai", ["87", "2025:82"])
    c = auth.load()
    c.settings.update({"session_minutes": 30, "viewing_requires_login": True, "note": 'Sở "TT&TT" = 1\nhai',
                       "ratio": 0.5})
    auth.save(c)
    back = auth.load()
    assert back.settings == c.settings
    assert back.editors["dongthap"].provinces == ["87", "2025:82"]
    assert back.editors["dongthap"].password_hash == c.editors["dongthap"].password_hash


def test_scope_dong_thap_cannot_write_binh_phuoc(wh):
    bp = xlsx([["Tên đơn vị", "Kỳ", "Số thành viên"], ["Tỉnh Bình Phước", "03/2024", 5000]])
    assert "out_of_scope" in codes(dry(wh, bp, "bp.xlsx", scope=["87"]))
    assert dry(wh, bp, "bp.xlsx", scope=["70"]).ok
    assert dry(wh, bp, "bp.xlsx", scope=["*"]).ok
    # a legacy code also covers the 2025 province it became (Đồng Tháp 87 -> new Đồng Tháp 82), nothing else
    new_dt = xlsx([["Tên đơn vị", "Kỳ", "Số thành viên"], ["Tỉnh Đồng Tháp", "08/2025", 1]])
    new_dn = xlsx([["Tên đơn vị", "Kỳ", "Số thành viên"], ["Tỉnh Đồng Nai", "08/2025", 1]])
    assert dry(wh, new_dt, "a.xlsx", scope=["87"]).ok
    assert "out_of_scope" in codes(dry(wh, new_dn, "b.xlsx", scope=["87"]))
    assert dry(wh, new_dn, "b.xlsx", scope=["2025:75"]).ok


def test_command_line_creates_the_config(cfg):
    r = subprocess.run([sys.executable, "-m", "cnscd.store.auth", "add-editor", "dongthap", "--provinces", "87,70",
                        "--password-stdin"], input="mat-khau-rat-dai\n", capture_output=True, text=True,
                       env={**__import__("os").environ, "CNSCD_EDITORS": str(cfg)}, cwd=auth.ROOT)
    assert r.returncode == 0, r.stderr
    assert auth.load().editors["dongthap"].provinces == ["87", "70"]
    r = subprocess.run([sys.executable, "-m", "cnscd.store.auth", "list"], capture_output=True, text=True,
                       env={**__import__("os").environ, "CNSCD_EDITORS": str(cfg)}, cwd=auth.ROOT)
    assert "dongthap\t87,70" in r.stdout
