"""Vietnamese alphabetical order, in one place: every list of names a reader sees (selectors,
tables, legends, exports) is sorted with `key` / `sort` here, never with a plain string sort (which
puts "Đ" after "Y" and "Cao Bằng" before "Cà Mau").

The collation is ICU's `vi` (CLDR): the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v
x y, tones a second-level difference. ICU is built into the pinned duckdb wheel (no download, no
system library), so the keys come from `queries/collation_keys.sql` on a private in-memory DuckDB.
SQL that sorts names itself writes `ORDER BY name COLLATE vi`, the same collation."""
from __future__ import annotations

import threading
from collections.abc import Iterable

import duckdb
import polars as pl

import queries

_lock = threading.Lock()
_con: duckdb.DuckDBPyConnection | None = None
_keys: dict[str, str] = {}


def keys(texts: Iterable[object]) -> list[str | None]:
    """The sort key of each text (None for None): compare keys as strings."""
    texts = [None if x is None else str(x) for x in texts]
    missing = [x for x in dict.fromkeys(texts) if x is not None and x not in _keys]
    if missing:
        global _con
        with _lock:
            if _con is None:
                _con = duckdb.connect(":memory:")
            got = queries.run(_con, "collation_keys", texts=missing)
        _keys.update(zip(got["text"].to_list(), got["sort_key"].to_list()))
    return [None if x is None else _keys[x] for x in texts]


def key(text: object) -> str:
    """One text's sort key (`sorted(names, key=collate.key)`); None sorts first."""
    k = keys([text])[0]
    return "" if k is None else k


def sorted_names(texts: Iterable[str]) -> list[str]:
    texts = list(texts)
    return [t for _, t in sorted(zip(keys(texts), texts), key=lambda p: (p[0] is None, p[0] or ""))]


def sort(frame: pl.DataFrame, column: str, *then: str, maintain: bool = False) -> pl.DataFrame:
    """`frame` sorted by `column` in Vietnamese order (names missing last), then by `then`
    (`maintain`: rows that tie keep their order)."""
    if frame.height == 0:
        return frame
    k = pl.Series("_collate_key", keys(frame[column].to_list()), dtype=pl.String)
    return (frame.with_columns(k).sort(["_collate_key", *then], nulls_last=True, maintain_order=maintain)
            .drop("_collate_key"))

