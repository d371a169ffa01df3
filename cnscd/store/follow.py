"""Viewer replicas follow the snapshots the editor publishes (cnscd/store/snapshot.py, docs/scaling.md).

A `Follower` (used by `warehouse.Reader` when `CNSCD_SNAPSHOT_DIR` is set; one per directory and
process, `follower(d)`) re-reads the pointer when it changes, verifies the named files' sha256 once
before serving them, and otherwise keeps what it has: a bad hash, a missing file or an unreachable
directory never replaces a good warehouse, and an outline file that fails keeps that layer's previous
good outlines (`outline_error` says so); `status()` says which snapshot is served, how old it is and
why something newer was refused. A viewer draws the outlines of the snapshot its rerun is pinned to
(`outlines()`, read by geo.layers).
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from cnscd.store.snapshot import OUTLINE, POINTER, SnapshotError, read_pointer, sha256_file, snapshot_dir


@dataclass(frozen=True)
class Served:
    path: Path
    sha256: str
    published_at: str
    outlines: tuple[tuple[str, Path, str], ...] = ()   # (layer, file, sha256), each verified


class Follower:
    """Follows a snapshot directory's pointer for a viewer; thread-safe."""

    def __init__(self, d: Path):
        self.dir = Path(d)
        self.served: Served | None = None
        self.error: str | None = None      # why a newer snapshot was not taken (None: up to date)
        self.outline_error: str | None = None   # why some of the served pointer's outlines are older ones
        self._pointer_ident: tuple | None = None
        self._refused: str | None = None   # sha already refused: not hashed again until the pointer changes
        self._verified: set[str] = set()   # outline sha256s already verified (content-addressed: once)
        self._refused_outlines: dict[str, str] = {}   # outline sha256 -> why refused
        self._mutex = threading.Lock()

    def current(self) -> Path:
        """The snapshot file to serve: the pointer's, once verified, else the one already served."""
        return self.current_served().path

    def current_served(self) -> Served:
        """What to serve: the pointer's warehouse and outlines once verified, else what is already served."""
        with self._mutex:
            self._advance()
            if self.served is None:
                raise SnapshotError(self.error or "no snapshot")
            return self.served

    def _advance(self) -> None:
        try:
            st = (self.dir / POINTER).stat()
            ident = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError as exc:
            self.error = (f"Không với tới thư mục bản phát hành {self.dir}: {exc}. / "
                          f"Cannot reach the snapshot directory {self.dir}: {exc}.")
            return
        if ident == self._pointer_ident:
            return
        try:
            pointer = read_pointer(self.dir)
            served = self.served
            same = served is not None and pointer["sha256"] == served.sha256
            if not same:
                if pointer["sha256"] == self._refused:
                    return
                candidate = self.dir / pointer["file"]
                actual = sha256_file(candidate)
        except FileNotFoundError as exc:
            self.error = f"Thiếu tệp bản phát hành: {exc}. / Snapshot file missing: {exc}."
            return
        except (OSError, SnapshotError) as exc:
            self.error = str(exc)
            return
        if not same and actual != pointer["sha256"]:
            self._pointer_ident = ident
            self._refused = pointer["sha256"]
            self.error = (f"Bản phát hành {pointer['file']} sai mã băm (sha256 {actual[:12]}…): bị từ chối. / "
                          f"Snapshot {pointer['file']} has a bad hash (sha256 {actual[:12]}…): refused.")
            print(self.error, file=sys.stderr)
            return
        outlines, problems, retry = self._outlines(pointer)
        if not same or outlines != served.outlines:
            self.served = Served(candidate if not same else served.path, pointer["sha256"], pointer["published_at"],
                                 outlines)
        self.error, self._refused = None, None
        self.outline_error = " ".join(problems) or None
        if not retry:                      # a missing outline file (a volume still syncing) is looked for again
            self._pointer_ident = ident

    def _outlines(self, pointer: dict) -> tuple[tuple[tuple[str, Path, str], ...], list[str], bool]:
        """The pointer's outline files that verify; a layer whose file does not keeps the previous good one.
        Returns (outlines to serve, problems in vi / en, whether to look again at the next call)."""
        listed = pointer.get("outlines") or {}
        previous = {layer: (layer, path, sha) for layer, path, sha in (self.served.outlines if self.served else ())}
        chosen, problems, retry = [], [], False
        for layer in sorted(listed) if isinstance(listed, dict) else []:
            entry = listed[layer]
            name = entry.get("file") if isinstance(entry, dict) else None
            sha = entry.get("sha256") if isinstance(entry, dict) else None
            m = OUTLINE.match(name) if isinstance(name, str) else None
            why = None
            if not m or m.group(1) != layer or m.group(2) != sha:
                why = (f"Bản phát hành ghi tên tệp ranh giới không hợp lệ {name!r}. / "
                       f"The snapshot names an invalid outline file {name!r}.")
            elif sha in self._refused_outlines:
                why = self._refused_outlines[sha]
            elif sha not in self._verified:
                try:
                    actual = sha256_file(self.dir / name)
                except OSError as exc:
                    why, retry = (f"Thiếu tệp ranh giới {name}: {exc}. / Outline file {name} missing: {exc}."), True
                else:
                    if actual == sha:
                        self._verified.add(sha)
                    else:
                        why = self._refused_outlines[sha] = (
                            f"Tệp ranh giới {name} sai mã băm (sha256 {actual[:12]}…): bị từ chối. / "
                            f"Outline file {name} has a bad hash (sha256 {actual[:12]}…): refused.")
                        print(why, file=sys.stderr)
            if why is None:
                chosen.append((layer, self.dir / name, sha))
            else:
                problems.append(why)
                if layer in previous:
                    chosen.append(previous[layer])
        return tuple(chosen), problems, retry

    def status(self, now: dt.datetime | None = None) -> dict:
        """What is served and how old it is, for the app's badge and `status` commands."""
        with self._mutex:
            self._advance()
            served, error, outline_error = self.served, self.error, self.outline_error
        if served is None:
            return {"sha256": None, "published_at": None, "age_s": None, "error": error, "outline_error": None}
        now = now or dt.datetime.now(dt.timezone.utc)
        age = (now - dt.datetime.fromisoformat(served.published_at)).total_seconds()
        return {"sha256": served.sha256, "file": served.path.name, "published_at": served.published_at,
                "age_s": max(0.0, age), "error": error, "outline_error": outline_error,
                "outlines": {layer: path.name for layer, path, _ in served.outlines}}


_FOLLOWERS: dict[Path, Follower] = {}
_FOLLOWERS_LOCK = threading.Lock()
_PINNED = threading.local()


def follower(d: Path) -> Follower:
    """The process's follower of directory `d` (the reader and the outline layers share it: one hash each)."""
    d = Path(d)
    with _FOLLOWERS_LOCK:
        return _FOLLOWERS.setdefault(d, Follower(d))


def pin(served: Served | None) -> None:
    """This thread reads `served` (warehouse.Reader.pin, once per script run) until its next pin."""
    _PINNED.served = served


def outlines() -> dict[str, Path] | None:
    """The accepted official outline files this thread draws, by layer: for a viewer following published
    snapshots, those of the snapshot its rerun is pinned to (else the directory's current one; none when
    nothing verified yet); None when this process does not follow snapshots (read the state directory)."""
    from cnscd.store import role

    d = snapshot_dir()
    if d is None or not role.is_viewer():
        return None
    served = getattr(_PINNED, "served", None)
    if served is None or served.path.parent != d:
        try:
            served = follower(d).current_served()
        except SnapshotError:
            return {}
    return {layer: path for layer, path, _ in served.outlines}
