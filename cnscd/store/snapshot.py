"""Warehouse snapshots: the editor publishes, viewer replicas follow (docs/scaling.md).

A snapshot directory (`CNSCD_SNAPSHOT_DIR`: a local path or a mounted shared volume) holds
content-addressed files `warehouse-<sha256>.duckdb`, the editor's accepted official outlines
`geo-<level>_<version>-<sha256>.parquet`, and one pointer `CURRENT.json`
(`{"sha256", "file", "size", "published_at", "source", "outlines": {"<level>_<version>": {"file",
"sha256", "size"}}, "recent": [[file names of an earlier publication], …]}`). Publication is atomic:
1. copy the warehouse and each accepted outline file (the state directory's geo/, geo.layers.user_path)
   to hidden temp files in the directory, hashing while copying, fsync;
2. rename each to its content-addressed name (a reader never sees a half-copied file under that name);
3. write the pointer to a temp file, fsync, rename it over `CURRENT.json`, fsync the directory —
   the pointer is the last thing to change, so a publisher killed at any step publishes nothing;
4. prune: keep the last `CNSCD_SNAPSHOT_KEEP` publications (default 3): their warehouse and outline
   files (the pointer's `recent` names the earlier ones), and the newest warehouse files as before.
Publishers serialise on `.publish.lock` in the directory. Every publication carries the outlines
accepted so far, so an import's publication keeps them (same content, same file, not copied again).

A `Follower` (used by `warehouse.Reader` when `CNSCD_SNAPSHOT_DIR` is set; one per directory and
process, `follower(d)`) re-reads the pointer when it changes, verifies the named files' sha256 once
before serving them, and otherwise keeps what it has: a bad hash, a missing file or an unreachable
directory never replaces a good warehouse, and an outline file that fails keeps that layer's previous
good outlines (`outline_error` says so); `status()` says which snapshot is served, how old it is and
why something newer was refused. A viewer draws the outlines of the snapshot its rerun is pinned to
(`outlines()`, read by geo.layers). An object store (s3:// …) works the same way with a sync step in
front (docs/scaling.md).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cnscd.store.warehouse import WarehouseError

POINTER = "CURRENT.json"
NAME = re.compile(r"^warehouse-([0-9a-f]{64})\.duckdb$")
OUTLINE = re.compile(r"^geo-([a-z]+_[a-z0-9]+)-([0-9a-f]{64})\.parquet$")   # layer "<level>_<version>"
CHUNK = 4 << 20


class SnapshotError(WarehouseError):
    """A snapshot problem, message in Vietnamese and English."""


def snapshot_dir() -> Path | None:
    value = os.environ.get("CNSCD_SNAPSHOT_DIR", "").strip()
    return Path(value) if value else None


def keep_last() -> int:
    try:
        return max(1, int(os.environ.get("CNSCD_SNAPSHOT_KEEP", "3")))
    except ValueError:
        return 3


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _publish_lock(d: Path):
    with open(d / ".publish.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _copy_hashing(src: Path, d: Path) -> tuple[Path, str, int]:
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", suffix=".tmp", dir=d)
    h, size = hashlib.sha256(), 0
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            while block := fin.read(CHUNK):
                h.update(block)
                fout.write(block)
                size += len(block)
            fout.flush()
            os.fsync(fout.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name), h.hexdigest(), size


def accepted_outlines() -> dict[str, Path]:
    """The editor's accepted official outline files, by layer `<level>_<version>` (geo.layers.user_path)."""
    from geo import layers

    found = {}
    for version, levels in layers.LEVELS.items():
        for level in levels:
            p = layers.user_path(level, version)
            if p.is_file():
                found[f"{level}_{version}"] = p
    return found


def _place(src: Path, d: Path, name_of) -> tuple[str, str, int]:
    """Copy `src` into `d` under its content-addressed name `name_of(sha256)`: (name, sha256, size)."""
    tmp, digest, size = _copy_hashing(src, d)
    final = d / name_of(digest)
    if final.is_file():
        tmp.unlink()
    else:
        os.chmod(tmp, 0o444)                      # snapshots are immutable
        os.replace(tmp, final)
    return final.name, digest, size


def _names(pointer: dict) -> set[str]:
    """The files one publication names: its warehouse and its outlines."""
    names = {pointer["file"]}
    outlines = pointer.get("outlines")
    if isinstance(outlines, dict):
        names |= {e["file"] for e in outlines.values() if isinstance(e, dict) and isinstance(e.get("file"), str)}
    return names


def _recent(pointer: dict, n: int) -> list[list[str]]:
    """The file names of the `n` publications before `pointer` (its `recent` list), malformed entries left out."""
    recent = pointer.get("recent")
    if not isinstance(recent, list):
        return []
    return [[x for x in entry if isinstance(x, str)] for entry in recent[:n] if isinstance(entry, list)]


def publish(src: Path, d: Path | None = None, keep: int | None = None, source: str = "",
            outlines: dict[str, Path] | None = None) -> dict:
    """Publish the warehouse file `src`, with the outline files `outlines` (layer -> file; default the
    editor's accepted ones, `accepted_outlines()`), as the current snapshot of directory `d`; returns the pointer."""
    d = Path(d) if d else snapshot_dir()
    if d is None:
        raise SnapshotError("Chưa đặt CNSCD_SNAPSHOT_DIR. / CNSCD_SNAPSHOT_DIR is not set.")
    src = Path(src)
    if not src.is_file():
        raise SnapshotError(f"Không có kho dữ liệu để phát hành: {src}. / No warehouse to publish: {src}.")
    keep = keep or keep_last()
    outlines = accepted_outlines() if outlines is None else outlines
    for layer in outlines:
        if not re.fullmatch(r"[a-z]+_[a-z0-9]+", layer):
            raise SnapshotError(f"Tên lớp ranh giới không hợp lệ: {layer!r}. / Invalid outline layer name: {layer!r}.")
    d.mkdir(parents=True, exist_ok=True)
    with _publish_lock(d):
        for stale in d.glob(".incoming-*.tmp"):      # left by a publisher killed mid-copy (we hold the lock)
            stale.unlink(missing_ok=True)
        name, digest, size = _place(src, d, lambda sha: f"warehouse-{sha}.duckdb")
        carried = {}
        for layer, path in sorted(outlines.items()):
            oname, osha, osize = _place(Path(path), d, lambda sha, layer=layer: f"geo-{layer}-{sha}.parquet")
            carried[layer] = {"file": oname, "sha256": osha, "size": osize}
        try:
            old = read_pointer(d)
            recent = ([sorted(_names(old))] + _recent(old, keep))[:keep - 1]
        except SnapshotError:
            recent = []
        pointer = {"sha256": digest, "file": name, "size": size,
                   "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                   "source": source or str(src), "outlines": carried, "recent": recent}
        fd, ptmp = tempfile.mkstemp(prefix=".pointer-", suffix=".tmp", dir=d)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(pointer, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(ptmp, 0o644)
        os.replace(ptmp, d / POINTER)
        _fsync_dir(d)
        prune(d, keep)
    return pointer


def prune(d: Path, keep: int | None = None) -> list[str]:
    """Remove all but the newest `keep` snapshots. Never removed: a file the current pointer or the
    `keep - 1` publications before it name (a rerun pinned to one of them may still read it)."""
    keep = keep or keep_last()
    try:
        pointer = read_pointer(d)
    except SnapshotError:
        pointer = None
    named = set()
    if pointer is not None:
        named = _names(pointer).union(*_recent(pointer, keep - 1))
    snaps = sorted((p for p in d.iterdir() if NAME.match(p.name)), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    removed = []
    for p in snaps[keep:]:
        if p.name not in named:
            p.unlink(missing_ok=True)
            removed.append(p.name)
    if pointer is not None:     # without a readable pointer nothing says which outlines are in use
        for p in sorted(d.iterdir()):
            if OUTLINE.match(p.name) and p.name not in named:
                p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


def read_pointer(d: Path) -> dict:
    p = Path(d) / POINTER
    try:
        pointer = json.loads(p.read_text(encoding="utf-8"))
        sha, name = pointer["sha256"], pointer["file"]
    except FileNotFoundError:
        raise SnapshotError(f"Chưa có bản phát hành nào trong {d} (thiếu {POINTER}). / "
                            f"No snapshot published in {d} yet ({POINTER} missing).") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"Không đọc được {p}: {exc}. / Cannot read {p}: {exc}.") from None
    m = NAME.match(name)
    if not m or m.group(1) != sha:
        raise SnapshotError(f"{p} trỏ tới tên tệp không hợp lệ {name!r}. / {p} names an invalid file {name!r}.")
    return pointer


def after_write(target: Path) -> dict | None:
    """Called by warehouse.write_transaction after a write replaced the live file.

    Publishes when this process is the editor and a snapshot directory is configured. A failed
    publication never undoes the write: it is reported on stderr and the next write (or
    `python -m cnscd.store.snapshot publish`) publishes the state then.
    """
    from cnscd.store import role

    d = snapshot_dir()
    if d is None or role.role() != "editor":
        return None
    try:
        return publish(target, d, source=f"editor pid {os.getpid()}")
    except (OSError, SnapshotError) as exc:
        print(f"Phát hành bản dữ liệu thất bại / snapshot publication failed: {exc}", file=sys.stderr)
        return None


def after_outlines() -> dict | None:
    """Called by geo.load.accept after official outlines were stored in the state directory's geo/.

    The editor (with a snapshot directory) publishes the live warehouse with them, under the warehouse's
    write lock: an import publishing at the same moment lands before or after, never with an older
    warehouse on top of a newer one. Failing, as `after_write`: reported on stderr, the next write or
    `publish` catches up; the accepted outlines stay accepted.
    """
    from cnscd.store import role, warehouse

    d = snapshot_dir()
    if d is None or role.role() != "editor":
        return None
    try:
        src = warehouse.path()
        with warehouse.exclusive_lock(src):
            return publish(src, d, source=f"editor pid {os.getpid()} (outlines)")
    except (OSError, SnapshotError) as exc:
        print(f"Phát hành bản dữ liệu thất bại / snapshot publication failed: {exc}", file=sys.stderr)
        return None


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


def wait_for_pointer(d: Path, timeout: float = 30.0) -> dict:
    """Block until a snapshot is published (for the cluster launcher)."""
    end = time.monotonic() + timeout
    while True:
        try:
            return read_pointer(d)
        except SnapshotError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    """`python -m cnscd.store.snapshot publish [--from FILE] | status | prune` on $CNSCD_SNAPSHOT_DIR or --dir."""
    import argparse

    from cnscd.store import warehouse

    ap = argparse.ArgumentParser(prog="python -m cnscd.store.snapshot")
    ap.add_argument("command", choices=["publish", "status", "prune"])
    ap.add_argument("--dir", type=Path, default=snapshot_dir(), help="snapshot directory (default $CNSCD_SNAPSHOT_DIR)")
    ap.add_argument("--from", dest="src", type=Path, default=None, help="warehouse to publish (default the live one)")
    ap.add_argument("--keep", type=int, default=None, help="snapshots to keep (default $CNSCD_SNAPSHOT_KEEP or 3)")
    args = ap.parse_args(argv)
    if args.dir is None:
        print("Chưa đặt --dir hay CNSCD_SNAPSHOT_DIR. / Give --dir or set CNSCD_SNAPSHOT_DIR.", file=sys.stderr)
        return 2
    try:
        if args.command == "publish":
            src = args.src or warehouse.path()
            with warehouse.exclusive_lock(src):      # not while an import is swapping the file
                pointer = publish(src, args.dir, args.keep, source=str(src))
            print(f"ĐÃ PHÁT HÀNH / PUBLISHED {pointer['file']} ({pointer['size']} bytes) at {pointer['published_at']}")
        elif args.command == "prune":
            print("\n".join(prune(args.dir, args.keep)) or "-")
        else:
            st = Follower(args.dir).status()
            print(json.dumps(st, ensure_ascii=False, indent=1))
            return 0 if st["sha256"] and not st["error"] and not st["outline_error"] else 1
    except (OSError, SnapshotError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
