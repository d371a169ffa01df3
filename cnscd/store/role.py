"""Which job this server process does: `CNSCD_ROLE=viewer` or `editor`.

Streamlit runs every session of a process under one GIL (about one core), so many viewers need
several processes; DuckDB lets any number of processes read one file but only one write it. Hence
two roles (docs/scaling.md):
- `viewer`: read-only replicas. The import and boundary-loading pages are not offered; their URLs
  say where editors go (`CNSCD_EDITOR_URL`). With `CNSCD_SNAPSHOT_DIR` set, a viewer serves the
  published snapshot the pointer names (cnscd/snapshot.py) instead of a local warehouse.
- `editor`: the one instance that imports, rolls back and loads boundaries; with
  `CNSCD_SNAPSHOT_DIR` set it publishes a snapshot (warehouse + accepted official outlines) after
  each accepted write and each accepted boundary file.
Unset means a single stand-alone process that does both (development, small installs).
"""
from __future__ import annotations

import os

from cnscd.text import both, t

ROLES = ("viewer", "editor")
EDITOR_ONLY_PAGES = ("nhap-lieu", "ranh-gioi")   # url paths in app.PAGES


def role() -> str:
    """'viewer', 'editor', or '' (stand-alone: one process does everything)."""
    value = os.environ.get("CNSCD_ROLE", "").strip().lower()
    if value and value not in ROLES:
        raise ValueError(both("role_bad_role", value=value))
    return value


def is_viewer() -> bool:
    return role() == "viewer"


def can_write() -> bool:
    return role() != "viewer"


def editor_url() -> str:
    return os.environ.get("CNSCD_EDITOR_URL", "").strip()


def offered(url_path: str) -> bool:
    """Whether a page is offered in this role's navigation."""
    return not (is_viewer() and url_path in EDITOR_ONLY_PAGES)


def read_only_message() -> str:
    url = editor_url()
    return both("role_read_only", where=f" ({url})" if url else "")


def _age(seconds: float, lang: str) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return t("age_minutes", lang, n=minutes)
    hours, days = minutes // 60, minutes // 1440
    if days:
        return t("age_days", lang, n=days)
    return t("age_hours", lang, n=hours)


def snapshot_lines(status: dict, lang: str) -> tuple[str | None, str | None]:
    """(caption, warning) for a follower's status: which snapshot is served, how old, why not newer
    (its warehouse, or some of its official outlines: the map then draws the previous ones)."""
    if not status.get("sha256"):
        return None, None
    when = status["published_at"].replace("T", " ")[:16] + " UTC"
    age = _age(status["age_s"], lang)
    caption = t("role_snapshot", lang, sha=status["sha256"][:10], when=when, age=age)
    warnings = []
    if status.get("error"):
        warnings.append(t("role_snapshot_stale", lang, age=age, why=status["error"]))
    if status.get("outline_error"):
        warnings.append(t("role_outlines_stale", lang, why=status["outline_error"]))
    return caption, "\n\n".join(warnings) or None
