"""Warehouse snapshots: the editor publishes, viewer replicas follow (docs/scaling.md).

A snapshot directory (`CNSCD_SNAPSHOT_DIR`: a local path or a mounted shared volume) holds
content-addressed files `warehouse-<sha256>.duckdb` and one pointer `CURRENT.json`
(`{"sha256", "file", "size", "published_at", "source"}`). Publication is atomic:
1. copy the warehouse to a hidden temp file in the directory, hashing while copying, fsync;
2. rename it to `warehouse-<sha256>.duckdb` (a reader never sees a half-copied file under that name);
3. write the pointer to a temp file, fsync, rename it over `CURRENT.json`, fsync the directory —
   the pointer is the last thing to change, so a publisher killed at any step publishes nothing;
4. prune: keep the last `CNSCD_SNAPSHOT_KEEP` snapshots (default 3) and the current one.
Publishers serialise on `.publish.lock` in the directory.

A `Follower` (used by `warehouse.Reader` when `CNSCD_SNAPSHOT_DIR` is set) re-reads the pointer
when it changes, verifies the named file's sha256 once before serving it, and otherwise keeps the
snapshot it has: a bad hash, a missing file or an unreachable directory never replaces a good
snapshot; `status()` says which one is served, how old it is and why a newer one was refused.
An object store (s3:// …) works the same way with a sync step in front (docs/scaling.md).
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


def publish(src: Path, d: Path | None = None, keep: int | None = None, source: str = "") -> dict:
    """Publish the warehouse file `src` as the current snapshot of directory `d`; returns the pointer."""
    d = Path(d) if d else snapshot_dir()
    if d is None:
        raise SnapshotError("Chưa đặt CNSCD_SNAPSHOT_DIR. / CNSCD_SNAPSHOT_DIR is not set.")
    src = Path(src)
    if not src.is_file():
        raise SnapshotError(f"Không có kho dữ liệu để phát hành: {src}. / No warehouse to publish: {src}.")
    d.mkdir(parents=True, exist_ok=True)
    with _publish_lock(d):
        for stale in d.glob(".incoming-*.tmp"):      # left by a publisher killed mid-copy (we hold the lock)
            stale.unlink(missing_ok=True)
        tmp, digest, size = _copy_hashing(src, d)
        final = d / f"warehouse-{digest}.duckdb"
        if final.is_file():
            tmp.unlink()
        else:
            os.chmod(tmp, 0o444)                      # snapshots are immutable
            os.replace(tmp, final)
        pointer = {"sha256": digest, "file": final.name, "size": size,
                   "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                   "source": source or str(src)}
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
    """Remove all but the newest `keep` snapshots (the current one is always kept)."""
    keep = keep or keep_last()
    try:
        current = read_pointer(d)["file"]
    except SnapshotError:
        current = None
    snaps = sorted((p for p in d.iterdir() if NAME.match(p.name)), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    removed = []
    for p in snaps[keep:]:
        if p.name != current:
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


@dataclass(frozen=True)
class Served:
    path: Path
    sha256: str
    published_at: str


class Follower:
    """Follows a snapshot directory's pointer for a viewer; thread-safe."""

    def __init__(self, d: Path):
        self.dir = Path(d)
        self.served: Served | None = None
        self.error: str | None = None      # why a newer snapshot was not taken (None: up to date)
        self._pointer_ident: tuple | None = None
        self._refused: str | None = None   # sha already refused: not hashed again until the pointer changes
        self._mutex = threading.Lock()

    def current(self) -> Path:
        """The snapshot file to serve: the pointer's, once verified, else the one already served."""
        with self._mutex:
            self._advance()
            if self.served is None:
                raise SnapshotError(self.error or "no snapshot")
            return self.served.path

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
            if self.served is not None and pointer["sha256"] == self.served.sha256:
                self._pointer_ident, self.error = ident, None
                return
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
        self._pointer_ident = ident
        if actual != pointer["sha256"]:
            self._refused = pointer["sha256"]
            self.error = (f"Bản phát hành {pointer['file']} sai mã băm (sha256 {actual[:12]}…): bị từ chối. / "
                          f"Snapshot {pointer['file']} has a bad hash (sha256 {actual[:12]}…): refused.")
            print(self.error, file=sys.stderr)
            return
        self.served = Served(candidate, pointer["sha256"], pointer["published_at"])
        self.error, self._refused = None, None

    def status(self, now: dt.datetime | None = None) -> dict:
        """What is served and how old it is, for the app's badge and `status` commands."""
        with self._mutex:
            self._advance()
            served, error = self.served, self.error
        if served is None:
            return {"sha256": None, "published_at": None, "age_s": None, "error": error}
        now = now or dt.datetime.now(dt.timezone.utc)
        age = (now - dt.datetime.fromisoformat(served.published_at)).total_seconds()
        return {"sha256": served.sha256, "file": served.path.name, "published_at": served.published_at,
                "age_s": max(0.0, age), "error": error}


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
            return 0 if st["sha256"] and not st["error"] else 1
    except (OSError, SnapshotError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
