"""Which job this server process does: `CNSCD_ROLE=viewer` or `editor`.

Streamlit runs every session of a process under one GIL (about one core), so many viewers need
several processes; DuckDB lets any number of processes read one file but only one write it. Hence
two roles (docs/scaling.md):
- `viewer`: read-only replicas. The import and boundary-loading pages are not offered; their URLs
  say where editors go (`CNSCD_EDITOR_URL`). With `CNSCD_SNAPSHOT_DIR` set, a viewer serves the
  published snapshot the pointer names (cnscd/snapshot.py) instead of a local warehouse.
- `editor`: the one instance that imports, rolls back and loads boundaries; with
  `CNSCD_SNAPSHOT_DIR` set it publishes a snapshot after each accepted write.
Unset means a single stand-alone process that does both (development, small installs).
"""
from __future__ import annotations

import os

ROLES = ("viewer", "editor")
EDITOR_ONLY_PAGES = ("nhap-lieu", "ranh-gioi")   # url paths in app.PAGES

TEXT = {
    "bad_role": ("CNSCD_ROLE={value!r} không hợp lệ: dùng viewer hoặc editor.",
                 "CNSCD_ROLE={value!r} is not valid: use viewer or editor."),
    "read_only": ("Máy chủ này chỉ để xem (CNSCD_ROLE=viewer): không ghi vào kho dữ liệu. Nhập liệu ở trang biên tập{where}.",
                  "This server is for viewing only (CNSCD_ROLE=viewer): it writes nothing. Import on the editor{where}."),
    "elsewhere_title": ("Trang này ở máy chủ biên tập", "This page is on the editor server"),
    "elsewhere": ("Máy chủ này chỉ để xem. Nhập báo cáo, huỷ lô và tải ranh giới làm ở trang biên tập: {url}",
                  "This server is for viewing only. Importing reports, rolling back and loading boundaries "
                  "happen on the editor: {url}"),
    "snapshot": ("Dữ liệu: bản phát hành {sha} lúc {when} ({age} trước)", "Data: snapshot {sha} published {when} ({age} ago)"),
    "snapshot_stale": ("Không lấy được bản dữ liệu mới hơn; đang hiển thị bản phát hành {age} trước. Lý do: {why}",
                       "Could not take a newer data snapshot; showing the one published {age} ago. Reason: {why}"),
    "elsewhere_unknown": ("(địa chỉ trang biên tập chưa được cấu hình: CNSCD_EDITOR_URL)",
                          "(the editor's address is not configured: CNSCD_EDITOR_URL)"),
}


def tr(key: str, lang: str, **kw) -> str:
    vi, en = TEXT[key]
    return (vi if lang == "vi" else en).format(**kw)


def both(key: str, **kw) -> str:
    return f"{tr(key, 'vi', **kw)} / {tr(key, 'en', **kw)}"


def role() -> str:
    """'viewer', 'editor', or '' (stand-alone: one process does everything)."""
    value = os.environ.get("CNSCD_ROLE", "").strip().lower()
    if value and value not in ROLES:
        raise ValueError(both("bad_role", value=value))
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
    return both("read_only", where=f" ({url})" if url else "")


def editor_elsewhere(url_path: str):
    """A page that stands in for an editor-only page on a viewer: a shared link says where to go
    (the same page on the editor, when CNSCD_EDITOR_URL is set)."""
    def page() -> None:
        import streamlit as st

        from cnscd import ui

        lang = ui.lang()
        url = editor_url()
        target = f"{url.rstrip('/')}/{url_path}" if url else ""
        st.title(tr("elsewhere_title", lang))
        st.info(tr("elsewhere", lang, url=target or tr("elsewhere_unknown", lang)))
        if target:
            st.link_button(target, target)
    page.__name__ = f"editor_elsewhere_{url_path.replace('-', '_')}"
    return page

def _age(seconds: float, lang: str) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} phút" if lang == "vi" else f"{minutes} min"
    hours, days = minutes // 60, minutes // 1440
    if days:
        return f"{days} ngày" if lang == "vi" else f"{days} d"
    return f"{hours} giờ" if lang == "vi" else f"{hours} h"


def snapshot_lines(status: dict, lang: str) -> tuple[str | None, str | None]:
    """(caption, warning) for a follower's status: which snapshot is served, how old, why not newer."""
    if not status.get("sha256"):
        return None, None
    when = status["published_at"].replace("T", " ")[:16] + " UTC"
    age = _age(status["age_s"], lang)
    caption = tr("snapshot", lang, sha=status["sha256"][:10], when=when, age=age)
    warning = tr("snapshot_stale", lang, age=age, why=status["error"]) if status.get("error") else None
    return caption, warning


def snapshot_note(reader, lang: str) -> None:
    """In the sidebar of a snapshot-following viewer: the snapshot's age, and a warning when stale."""
    if getattr(reader, "follower", None) is None:
        return
    import streamlit as st

    caption, warning = snapshot_lines(reader.follower.status(), lang)
    if caption:
        st.sidebar.caption(caption)
    if warning:
        st.sidebar.warning(warning, icon=":material/history:")
