"""Editor logins: argon2 password hashes in config/editors.toml, scoped to provinces.

Create the file with `python -m cnscd.store.auth add-editor NAME --provinces 87,70` (asks for the
password twice; `--provinces '*'` = every province; '2025:82' = a 2025 province only; a plain
code is a legacy province and also covers the 2025 province it became). The file is gitignored.
Viewing needs no login unless `[settings] viewing_requires_login = true`. Sessions expire after
`session_minutes`; after `max_failures` wrong passwords a name is locked for `lockout_minutes`
(counted in the state directory, cnscd/statedir.py, shared by every app process).
CNSCD_EDITORS points at another config file (tests).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cnscd.store import statedir

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = {"viewing_requires_login": False, "session_minutes": 60, "max_failures": 5, "lockout_minutes": 15}
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
PROVINCE = re.compile(r"^(\*|\d{2}|2025:\d{2})$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not-a-real-password")


class AuthError(RuntimeError):
    """Login refused; the message is Vietnamese / English and never says which part was wrong."""


@dataclass
class Editor:
    name: str
    password_hash: str
    provinces: list[str]
    created_at: str = ""


@dataclass
class Config:
    settings: dict = field(default_factory=lambda: dict(DEFAULTS))
    editors: dict[str, Editor] = field(default_factory=dict)


@dataclass(frozen=True)
class Session:
    user: str
    provinces: tuple[str, ...]
    expires_at: dt.datetime

    def valid(self, now: dt.datetime | None = None) -> bool:
        return (now or dt.datetime.now()) < self.expires_at


def config_path() -> Path:
    return Path(os.environ.get("CNSCD_EDITORS", ROOT / "config" / "editors.toml"))


def _state_path(p: Path) -> Path:
    """Failed-login counts are runtime state: in the state directory, one file per editors file."""
    key = hashlib.sha256(str(p.resolve()).encode()).hexdigest()[:12]
    return statedir.path() / "auth" / f"{p.stem}-{key}.state.json"


def load(p: Path | None = None) -> Config:
    p = p or config_path()
    if not p.is_file():
        return Config()
    raw = tomllib.loads(p.read_text(encoding="utf-8"))
    cfg = Config(settings={**DEFAULTS, **raw.get("settings", {})})
    for name, e in raw.get("editors", {}).items():
        cfg.editors[name] = Editor(name, e["password_hash"], [str(x) for x in e.get("provinces", [])], e.get("created_at", ""))
    return cfg


def save(cfg: Config, p: Path | None = None) -> None:
    """Write the config with tomli-w (every value typed and quoted as TOML wants), atomically, mode 0600."""
    p = p or config_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    doc = {"settings": dict(cfg.settings),
           "editors": {e.name: {"password_hash": e.password_hash, "provinces": list(e.provinces),
                                "created_at": e.created_at} for e in cfg.editors.values()}}
    text = "# CNSCĐ editors: written by `python -m cnscd.store.auth`. Do not commit (gitignored).\n\n" + tomli_w.dumps(doc)
    tmp = p.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, p)


def add_editor(name: str, password: str, provinces: list[str], p: Path | None = None) -> Editor:
    if not NAME.match(name):
        raise AuthError("Tên đăng nhập: 2–32 ký tự a-z, 0-9, . _ - / user name: 2–32 characters a-z, 0-9, . _ -")
    bad = [x for x in provinces if not PROVINCE.match(x)]
    if bad or not provinces:
        raise AuthError(f"Mã tỉnh không hợp lệ / invalid province codes: {bad or 'none'} (ví dụ / e.g. 87,70 or 2025:82 or *)")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"Mật khẩu tối thiểu {MIN_PASSWORD} ký tự / password needs at least {MIN_PASSWORD} characters")
    cfg = load(p)
    e = Editor(name, _hasher.hash(password), provinces, dt.datetime.now().isoformat(timespec="seconds"))
    cfg.editors[name] = e
    save(cfg, p)
    return e


def remove_editor(name: str, p: Path | None = None) -> bool:
    cfg = load(p)
    found = cfg.editors.pop(name, None) is not None
    save(cfg, p)
    return found


@contextlib.contextmanager
def _state(p: Path):
    sp = _state_path(p)
    sp.parent.mkdir(parents=True, exist_ok=True)
    with open(sp, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        try:
            data = json.loads(fh.read() or "{}")
        except ValueError:
            data = {}
        try:
            yield data
        finally:   # failures are recorded even though login() leaves by raising
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(data))
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


def login(name: str, password: str, now: dt.datetime | None = None, p: Path | None = None) -> Session:
    """Check a password; count failures; return a Session that expires."""
    p = p or config_path()
    now = now or dt.datetime.now()
    cfg = load(p)
    s = cfg.settings
    name = (name or "").strip().lower()
    with _state(p) as state:
        rec = state.get(name, {"failures": [], "locked_until": None})
        if rec.get("locked_until") and now < dt.datetime.fromisoformat(rec["locked_until"]):
            raise AuthError(f"Tài khoản tạm khoá đến {rec['locked_until'][11:16]} do nhập sai nhiều lần. / "
                            f"Too many failed attempts: locked until {rec['locked_until'][11:16]}.")
        editor = cfg.editors.get(name)
        try:
            _hasher.verify(editor.password_hash if editor else _DUMMY, password or "")
            ok = editor is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            window = now - dt.timedelta(minutes=int(s["lockout_minutes"]))
            fails = [f for f in rec.get("failures", []) if dt.datetime.fromisoformat(f) > window] + [now.isoformat()]
            rec = {"failures": fails, "locked_until": None}
            if len(fails) >= int(s["max_failures"]):
                rec["locked_until"] = (now + dt.timedelta(minutes=int(s["lockout_minutes"]))).isoformat()
            state[name] = rec
            left = max(0, int(s["max_failures"]) - len(fails))
            raise AuthError(f"Sai tên đăng nhập hoặc mật khẩu (còn {left} lần thử). / Wrong user name or password ({left} attempts left).")
        state.pop(name, None)
    return Session(name, tuple(editor.provinces), now + dt.timedelta(minutes=int(s["session_minutes"])))


def check(session: Session | None, now: dt.datetime | None = None) -> Session:
    """The session if still valid; AuthError otherwise (not logged in, or expired)."""
    if session is None:
        raise AuthError("Cần đăng nhập để nhập liệu. / Log in to import.")
    if not session.valid(now):
        raise AuthError("Phiên đăng nhập đã hết hạn; đăng nhập lại. / Your session has expired; log in again.")
    return session


def scope_of(name: str, p: Path | None = None) -> list[str]:
    """Province scope of an editor (the CLI's --user); AuthError when the name is unknown."""
    e = load(p).editors.get(name)
    if e is None:
        raise AuthError(f"Không có biên tập viên '{name}' trong {p or config_path()} / no editor '{name}'.")
    return list(e.provinces)


def viewing_requires_login(p: Path | None = None) -> bool:
    return bool(load(p).settings.get("viewing_requires_login", False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cnscd.store.auth", description="Manage editor logins (config/editors.toml).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add-editor", help="add or reset an editor (asks for the password)")
    a.add_argument("name")
    a.add_argument("--provinces", required=True, help="comma list: 87,70 | 2025:82 | *")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    r = sub.add_parser("remove-editor")
    r.add_argument("name")
    sub.add_parser("list")
    u = sub.add_parser("unlock", help="clear failed attempts of a name")
    u.add_argument("name")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "add-editor":
            if args.password_stdin:
                pw = sys.stdin.readline().rstrip("\n")
            else:
                pw = getpass.getpass("Mật khẩu / password: ")
                if pw != getpass.getpass("Nhập lại / again: "):
                    raise AuthError("Hai mật khẩu khác nhau / the passwords differ")
            e = add_editor(args.name, pw, [x.strip() for x in args.provinces.split(",") if x.strip()])
            print(f"OK: {e.name} → {', '.join(e.provinces)} ({config_path()})")
        elif args.cmd == "remove-editor":
            print("OK" if remove_editor(args.name) else f"không có / no editor {args.name}")
        elif args.cmd == "list":
            for e in load().editors.values():
                print(f"{e.name}\t{','.join(e.provinces)}\t{e.created_at}")
        elif args.cmd == "unlock":
            with _state(config_path()) as state:
                state.pop(args.name, None)
            print("OK")
    except AuthError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
