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

Viewers follow with `cnscd/store/follow.py`. An object store (s3:// …) works the same way with a sync step in
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
import time
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
            from cnscd.store.follow import Follower

            st = Follower(args.dir).status()
            print(json.dumps(st, ensure_ascii=False, indent=1))
            return 0 if st["sha256"] and not st["error"] and not st["outline_error"] else 1
    except (OSError, SnapshotError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
