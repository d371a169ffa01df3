"""Name keys for matching boundary files to units: insensitive to diacritics, case, punctuation
and unit-type prefixes, so "Huyện Thanh Liêm", "H. Thanh Liem" and "thanh liem" are one key."""
from __future__ import annotations

import re

from unidecode import unidecode

# Longest first, so "thi tran" wins over "thi", "thanh pho" over "tp" etc. Abbreviations only when
# they stand alone ("h. thanh liem"), never inside a name.
PREFIXES = sorted([
    "thanh pho", "tp", "thi xa", "tx", "quan", "q", "huyen", "h", "xa", "x", "phuong", "p",
    "thi tran", "tt", "tinh", "t", "dac khu", "dk", "district", "commune", "ward", "province", "city",
], key=lambda p: -len(p))
_PREFIX_RE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in PREFIXES) + r")\s+(?=\S)")


def plain(text: str) -> str:
    """ASCII, lower case, punctuation as spaces, single spaces."""
    text = unidecode(str(text)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", text)).strip()


def name_keys(text: str | None) -> set[str]:
    """Keys a name can match on: the plain form and the form with one type prefix removed.

    Both are kept because a bare name may itself begin like a prefix ("Quan Hóa" is a district,
    not "Quận Hóa"): "Quan Hóa" and "Huyện Quan Hóa" share the key "quan hoa".
    """
    if text is None or not str(text).strip():
        return set()
    key = plain(text)
    stripped = _PREFIX_RE.sub("", key, count=1)
    return {k for k in (key, stripped) if k}


def code_key(value, width: int) -> str | None:
    """A GSO code as text of the level's width ('1' -> '01'); None when not a code."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)
