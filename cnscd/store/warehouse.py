"""Where the warehouse lives and how to open it safely.

Readers open the file read-only and reopen it when it has been replaced. Writers never
modify the live file: `write_transaction()` copies it, lets the caller change the copy in
one transaction, checks it, and swaps it in with `os.replace` under an exclusive lock, so
a reader sees the old warehouse or the new one, never half of a batch (DuckDB allows a
single writer per file; this design keeps the live file read-only for everyone).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import duckdb

from cnscd.store import statedir

ROOT = Path(__file__).resolve().parents[2]


class WarehouseError(RuntimeError):
    """A warehouse problem with a message a user can act on (vi / en)."""


def path() -> Path:
    """CNSCD_WAREHOUSE, else warehouse.duckdb in the state directory (cnscd/statedir.py)."""
    value = os.environ.get("CNSCD_WAREHOUSE", "").strip()
    return Path(value) if value else statedir.part("warehouse.duckdb")


def lock_path(p: Path | None = None) -> Path:
    p = p or path()
    return p.with_name("." + p.name + ".lock")


def _identity(p: Path) -> tuple[int, int]:
    st = p.stat()
    return st.st_ino, st.st_mtime_ns


def _open_generation(p: Path) -> duckdb.DuckDBPyConnection:
    """Open this generation of the file read-only through a private hard link.

    Within one process DuckDB keeps one database instance per path: after a writer's
    `os.replace`, connecting to the same path again while an old connection is open returns
    the *old* database. A link named after inode and mtime gives each generation its own
    path; the link is removed at once (the open file keeps its data).
    """
    st = p.stat()
    link = p.with_name(f".{p.name}.{st.st_ino}.{st.st_mtime_ns}.{threading.get_ident()}.ro")
    with contextlib.suppress(FileExistsError):
        os.link(p, link)
    try:
        return duckdb.connect(str(link), read_only=True)
    finally:
        link.unlink(missing_ok=True)


class Reader:
    """A read-only connection that follows the file when a writer replaces it."""

    def __init__(self, p: Path | None = None):
        from cnscd.store import follow, role, snapshot

        # A viewer with CNSCD_SNAPSHOT_DIR serves the published snapshot the pointer names
        # (content-addressed, verified; cnscd/store/follow.py) instead of a local file; the editor
        # reads the live file it writes (and publishes). The follower is the process's one for the
        # directory: geo.layers reads the official outlines of the same verified publication.
        d = None if p or not role.is_viewer() else snapshot.snapshot_dir()
        self.follower = follow.follower(d) if d is not None else None
        self._pins = threading.local()
        self._snap_cons: dict[Path, duckdb.DuckDBPyConnection] = {}
        self._path = Path(p) if p else path()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._ident: tuple[int, int] | None = None
        self._mutex = threading.Lock()

    @property
    def path(self) -> Path:
        if self.follower is None:
            return self._path
        return getattr(self._pins, "path", None) or self.follower.current()

    def pin(self) -> None:
        """Serve this thread the current snapshot until its next pin (app.py: once per script run),
        so every query of one rerun reads the same snapshot even if a newer one arrives meanwhile; the
        map draws the official outlines of that snapshot (follow.pin, read by geo.layers)."""
        if self.follower is not None:
            from cnscd.store import follow

            self._pins.path = None
            follow.pin(None)
            served = self.follower.current_served()
            self._pins.path = served.path
            follow.pin(served)

    def connection(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the current file (or pinned snapshot).

        DuckDB 2.0 refuses a second call on a connection that is busy in another thread
        ("connection is busy with another call … use a separate connection from cursor()"), so
        each thread gets its own `cursor()` of the shared connection: the same database instance
        and cache, queries in parallel. A cursor costs microseconds and goes with its thread; it
        is closed with its parent connection (a replaced generation, `close()`)."""
        if self.follower is not None:
            return self._own_cursor(self._snapshot_connection(self.path))
        if not self.path.is_file():
            raise WarehouseError(
                f"Chưa có kho dữ liệu {self.path}: chạy `python -m data build`. / "
                f"No warehouse at {self.path}: run `python -m data build`."
            )
        with self._mutex:
            ident = _identity(self.path)
            if self._con is None or ident != self._ident:
                old = self._con
                try:
                    self._con = _open_generation(self.path)
                except duckdb.IOException as exc:
                    raise WarehouseError(
                        f"Kho dữ liệu {self.path} đang bị khoá bởi tiến trình khác; thử lại sau. / "
                        f"The warehouse {self.path} is locked by another process; try again. ({exc})"
                    ) from exc
                self._ident = ident
                if old is not None:
                    old.close()
            base = self._con
        return self._own_cursor(base)

    def _own_cursor(self, base: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        mine = getattr(self._pins, "cursor", None)
        if mine is None or mine[0] is not base:
            mine = self._pins.cursor = (base, base.cursor())
        return mine[1]

    def _snapshot_connection(self, snap: Path) -> duckdb.DuckDBPyConnection:
        """One connection per snapshot file (its name is unique per content, so it never changes under
        us; its folder may be read-only, so no private link). The last three stay open: a rerun pinned
        to the previous snapshot finishes on it while new reruns read the new one."""
        with self._mutex:
            con = self._snap_cons.get(snap)
            if con is None:
                try:
                    con = duckdb.connect(str(snap), read_only=True)
                except duckdb.Error as exc:
                    raise WarehouseError(f"Không mở được bản dữ liệu {snap}: {exc}. / Cannot open snapshot {snap}: {exc}.") from exc
                self._snap_cons[snap] = con
                while len(self._snap_cons) > 3:
                    self._snap_cons.pop(next(iter(self._snap_cons))).close()
            return con

    def close(self) -> None:
        with self._mutex:
            if self._con is not None:
                self._con.close()
                self._con = None
            for con in self._snap_cons.values():
                con.close()
            self._snap_cons.clear()


@contextlib.contextmanager
def exclusive_lock(p: Path | None = None, wait: bool = True) -> Iterator[None]:
    lp = lock_path(p)
    lp.parent.mkdir(parents=True, exist_ok=True)
    with open(lp, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise WarehouseError(
                "Một lần ghi khác đang chạy; thử lại sau. / Another write is in progress; try again later."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def replace_atomically(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def write_transaction(p: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a copy of the warehouse inside one transaction.

    On normal exit the transaction commits and the copy replaces the live file; on an
    exception nothing is replaced and the live file is untouched.
    """
    from cnscd.store import role, snapshot

    if not role.can_write():
        raise WarehouseError(role.read_only_message())
    target = Path(p) if p else path()
    if not target.is_file():
        raise WarehouseError(
            f"Chưa có kho dữ liệu {target}: chạy `python -m data build`. / No warehouse at {target}: run `python -m data build`."
        )
    with exclusive_lock(target):
        fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            shutil.copyfile(target, tmp)
            con = duckdb.connect(str(tmp))
            try:
                con.begin()
                yield con
                con.commit()
                con.checkpoint()
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.rollback()
                raise
            finally:
                con.close()
            replace_atomically(tmp, target)
            if p is None:
                snapshot.after_write(target)   # the editor publishes each accepted write, still under the lock
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
