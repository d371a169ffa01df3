"""Checks made on the raw bytes before any parser sees them (§6 hostile files).

Order matters: the size is checked first (cheap), then the container. For .xlsx the zip's
central directory is read without extracting anything: member count, declared uncompressed
total and compression ratio (zip bomb), macro and external-link parts. Then each XML part is
streamed through zlib with a hard cap — declared sizes can lie — looking for DTD/ENTITY
declarations (billion laughs). Only then is openpyxl allowed to open the file.
"""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from cnscd.ingest.problems import ERROR, Problem


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 2**20
    max_rows: int = 200_000
    max_sheets: int = 50
    max_unzipped_bytes: int = 400 * 2**20
    max_ratio: float = 200.0
    max_members: int = 5_000
    max_cell_chars: int = 1_000

    @classmethod
    def from_env(cls) -> "Limits":
        """CNSCD_IMPORT_MAX_MB, CNSCD_IMPORT_MAX_ROWS override the defaults (50 MB, 200,000 rows)."""
        mb = float(os.environ.get("CNSCD_IMPORT_MAX_MB", 50))
        rows = int(os.environ.get("CNSCD_IMPORT_MAX_ROWS", 200_000))
        return cls(max_bytes=int(mb * 2**20), max_rows=rows)


class Refused(Exception):
    """The whole file is refused; carries the problem to report."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.message("en"))


ALLOWED = {".xlsx", ".csv", ".txt"}
MACRO_EXT = {".xlsm", ".xltm", ".xlam", ".xlsb", ".xls", ".ods", ".xla"}
_MACRO_PARTS = re.compile(r"(vbaproject\.bin|vbadata\.xml|/macrosheets/|/dialogsheets/|/activex/|\.bin$)", re.I)
_EXTERNAL_PARTS = re.compile(r"(/externallinks/|/connections\.xml$|/querytables/|customxml/.*\.bin$)", re.I)
_DANGER = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


def _refuse(code: str, file: str, **detail) -> Refused:
    return Refused(Problem(ERROR, code, file=file, detail=detail))


def check(data: bytes, file_name: str, limits: Limits) -> str:
    """Return the kind ('xlsx' or 'csv') of an acceptable file, or raise Refused."""
    ext = PurePosixPath(file_name.lower()).suffix
    if len(data) > limits.max_bytes:
        raise _refuse("file_too_big", file_name, size_mb=f"{len(data) / 2**20:.1f}", limit_mb=f"{limits.max_bytes / 2**20:.0f}")
    if not data:
        raise _refuse("file_empty", file_name)
    if ext in MACRO_EXT and ext in {".xlsm", ".xltm", ".xlam", ".xla"}:
        raise _refuse("macro", file_name, part=ext)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse("encrypted", file_name)
    if ext not in ALLOWED:
        raise _refuse("file_type", file_name, ext=ext or "?")
    if ext == ".xlsx":
        if data[:4] != b"PK\x03\x04":
            raise _refuse("corrupt", file_name, reason="not a zip/xlsx container")
        try:
            _check_zip(data, file_name, limits)
        except Refused:
            raise
        except Exception as exc:  # zlib.error, struct.error, ... from a damaged container
            raise _refuse("corrupt", file_name, reason=f"zip: {type(exc).__name__}: {str(exc)[:80]}") from None
        return "xlsx"
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:65536]:
        raise _refuse("file_type", file_name, ext=ext + " (binary)")
    return "csv"


def _check_zip(data: bytes, file_name: str, limits: Limits) -> None:
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse("corrupt", file_name, reason=f"zip: {exc}") from None
    if len(infos) > limits.max_members:
        raise _refuse("zip_bomb", file_name, size_mb="?", limit_mb=f"{limits.max_unzipped_bytes / 2**20:.0f}",
                      ratio=f"{len(infos)} parts")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    worst = max((i.file_size / max(1, i.compress_size) for i in infos if i.file_size > 2**20), default=0.0)
    if total > limits.max_unzipped_bytes or worst > limits.max_ratio:
        raise _refuse("zip_bomb", file_name, size_mb=f"{total / 2**20:.0f}",
                      limit_mb=f"{limits.max_unzipped_bytes / 2**20:.0f}", ratio=f"{max(worst, total / packed):.0f}")
    names = [i.filename for i in infos]
    if any(i.flag_bits & 0x1 for i in infos):
        raise _refuse("encrypted", file_name)
    for n in names:
        if _MACRO_PARTS.search("/" + n):
            raise _refuse("macro", file_name, part=n[:80])
        if _EXTERNAL_PARTS.search("/" + n):
            raise _refuse("external_link", file_name, part=n[:80])
    if "[Content_Types].xml" in names:
        ct = _read_capped(zf, "[Content_Types].xml", 2**20, file_name, limits)
        if b"macroEnabled" in ct or b"vbaProject" in ct:
            raise _refuse("macro", file_name, part="[Content_Types].xml")
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and re.search(rb'TargetMode="External"', _read_capped(zf, rels, 2**20, file_name, limits)):
        raise _refuse("external_link", file_name, part=rels)
    budget = limits.max_unzipped_bytes
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")):
            budget -= _scan_xml(zf, info, budget, file_name, limits)


def _read_capped(zf: zipfile.ZipFile, name: str, cap: int, file_name: str, limits: Limits) -> bytes:
    try:
        with zf.open(name) as fh:
            out = fh.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _refuse("corrupt", file_name, reason=f"{name}: {exc}") from None
    if len(out) > cap:
        raise _refuse("zip_bomb", file_name, size_mb=f">{cap / 2**20:.0f}", limit_mb=f"{cap / 2**20:.0f}", ratio="?")
    return out


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, file_name: str, limits: Limits) -> int:
    """Stream one XML part, refusing DTDs and more bytes than the budget; return bytes read."""
    read, tail = 0, b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                read += len(chunk)
                if read > budget:
                    raise _refuse("zip_bomb", file_name, size_mb=f">{limits.max_unzipped_bytes / 2**20:.0f}",
                                  limit_mb=f"{limits.max_unzipped_bytes / 2**20:.0f}", ratio="?")
                if _DANGER.search(tail + chunk):
                    raise _refuse("xml_entity", file_name, part=info.filename[:80])
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _refuse("corrupt", file_name, reason=f"{info.filename[:80]}: {exc}") from None
    return read
