"""Cached data access for the pages: the only module that knows about Streamlit caching.

One `warehouse.Reader` per server process (`st.cache_resource`); query results and views cached
(`st.cache_resource`, shared without a copy: frames are immutable) keyed on the query name, plain parameters and the warehouse file's identity,
so an import that replaces the file shows up on the next rerun; finished chart figures
(`figure`) likewise, in `st.cache_resource`, shared by every session. Everything goes through
`queries.run`. The uncached layer (`run_query`, `cnscd.views.*`) runs without Streamlit,
for tests, benchmarks and exports.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable

import polars as pl
import streamlit as st

import queries
from cnscd.store import warehouse
from cnscd.text import column, pick, t
from cnscd.views import common

Query = Callable[..., pl.DataFrame]  # query(name, **params) -> frame


def reader() -> warehouse.Reader:
    """The process's reader of the configured warehouse: one per location and role, so a process whose
    CNSCD_WAREHOUSE / CNSCD_STATE_DIR / role changes (tests, a CLI inside the app) gets a new reader,
    never one left pointing at the old place. Looked up once per script run (`_run_memo`)."""
    memo = _run_memo()
    if memo is not None and "reader" in memo:
        return memo["reader"]
    r = _reader(str(warehouse.path()), os.environ.get("CNSCD_ROLE", ""), os.environ.get("CNSCD_SNAPSHOT_DIR", ""))
    if memo is not None:
        memo["reader"] = r
    return r


@st.cache_resource(show_spinner=False)
def _reader(location: str, role: str, snapshot_dir: str) -> warehouse.Reader:
    return warehouse.Reader()


def connection():
    return reader().connection()


def pin() -> None:
    """Start a script run's reading (app.py, first thing): the reader pins the current snapshot for this
    run, and what this run has looked up so far (a widget callback runs before app.py) is forgotten."""
    memo = _run_memo()
    if memo is not None:
        memo.clear()
    reader().pin()


def stamp() -> tuple[str, int, int]:
    """Identity of the live warehouse file: part of every cache key. Once per script run (`_run_memo`):
    the run's queries are keyed on one snapshot, the one `pin` fixed."""
    memo = _run_memo()
    if memo is not None and "stamp" in memo:
        return memo["stamp"]
    p = reader().path
    try:
        s = p.stat()
        value = (str(p), s.st_ino, s.st_mtime_ns)
    except FileNotFoundError:
        value = (str(p), 0, 0)
    if memo is not None:
        memo["stamp"] = value
    _warm_once(value)
    return value


def outlines() -> tuple:
    """Identity of the official outlines this run draws (geo.layers.outlines_key: the pinned snapshot's for a
    viewer following snapshots): part of every figure's key, so a publication that changes only outlines
    (an accept on the editor) never meets a map drawn with the old ones. Once per script run."""
    memo = _run_memo()
    if memo is not None and "outlines" in memo:
        return memo["outlines"]
    from geo import layers

    value = layers.outlines_key()
    if memo is not None:
        memo["outlines"] = value
    return value


# ---- the frames a snapshot's new views filter, read once on a background thread -------------------
# (cnscd.views.mapdata.kept_frames: ~136 queries, ~6 s CPU once per snapshot, ~38 MiB.) Only in a served
# app (cnscd.serve sets CNSCD_WARM_DATA=1): tests and CLIs read what they use when they use it.
_WARMED: set[tuple] = set()


def _warm_once(key: tuple) -> None:
    if key in _WARMED or os.environ.get("CNSCD_WARM_DATA") != "1" or key[1] == 0:
        return
    import threading

    _WARMED.add(key)
    threading.Thread(target=_warm, args=(key,), name="cnscd-warm-data", daemon=True).start()


def _warm(key: tuple) -> None:
    import logging
    import sys

    from cnscd.views import mapdata

    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    only_others = _NotThisThread()
    quiet.addFilter(only_others)       # "missing ScriptRunContext": this thread has none, on purpose
    try:
        reader().pin()                 # this thread reads one snapshot: the one `key` names, or nothing
        for name, params in mapdata.kept_frames(query):
            if stamp() != key:         # a newer snapshot arrived: its own warm-up reads it
                return
            frame = _cached_query(name, key, tuple(sorted(params.items())))
            if name in ("map_observations", "map_targets") and params["level"] in mapdata.CHILD_LEVEL.values():
                # and each province's rows in it (mapdata.province_rows: a province's new view takes them)
                mapdata.province_rows(frame, query("map_units", version=params["version"], level=params["level"]))
    except Exception as exc:  # noqa: BLE001 - a warm-up never stops anything; the views read what they need
        print(f"cnscd.ui.cache: data not warmed ({exc})", file=sys.stderr)
    finally:
        quiet.removeFilter(only_others)


class _NotThisThread:
    def __init__(self):
        import threading

        self.ident = threading.get_ident()

    def filter(self, record) -> bool:
        return record.thread != self.ident


# ---- what one script run has looked up already ------------------------------------------------
# A rerun asks for the reader, the stamp and the same small frames (catalogue, periods, versions) tens of
# times; each ask of a Streamlit cache hashes its arguments and inspects the function (~0.2-0.4 ms), and
# the reader's look-up also builds the warehouse path. The run memo answers the repeats from a dict that
# lives for one script run only: ScriptRunContext.reset gives every run (a fragment's too) a new
# `cursors` dict, so a memo made for another run is never used. Outside a script run (tests, CLIs,
# exports) there is no memo and every call goes to the caches as before.
def _run_memo() -> dict | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    marker = ctx.cursors
    held = getattr(ctx, "_cnscd_run_memo", None)
    if held is None or held[0] is not marker:
        held = (marker, {})
        ctx._cnscd_run_memo = held
    return held[1]


# ---- what every session has looked up already: a front of the shared caches ---------------------
# A hit of st.cache_resource hashes its arguments (the snapshot's stamp, the parameters, the chart's words)
# and inspects the function's signature: ~0.3-0.5 ms a call, ~12 calls a rerun, and the same again for
# the small catalogue look-ups (a Polars filter of a few dozen rows: ~0.2 ms each, ~20 a rerun). The
# front answers a repeat from a plain dict keyed on the same plain values (the stamp among them, so a new
# snapshot never meets an old entry); a miss goes to the st.cache_resource function, which computes once
# for all sessions (its lock, its bound) as before. Bounded per kind, oldest first out. Cleared whenever
# Streamlit's resource caches are (st.cache_resource.clear(): tests point the app at another warehouse).
_FRONT_MAX = {"query": 512, "view": 256, "figure": 256, "snap": 1024, "styled": 512}
_FRONTS: dict[str, dict] = {}
_FRONT_OF: list = [None]      # the resource caches' store the fronts were filled from


def _resource_store() -> Any:
    """The object st.cache_resource.clear() replaces: the fronts are emptied when it changes. A Streamlit
    internal (pinned in requirements.txt); if a new Streamlit moves it, this fails loudly (tests/test_rerun_cheap.py)."""
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    return _resource_caches._function_caches


def front(kind: str, key: tuple, get: Callable[[], Any]) -> Any:
    """`get()` (a shared cache's look-up), answered from the front when `key` was seen since the last clear."""
    store = _resource_store()
    if store is not _FRONT_OF[0]:
        _FRONTS.clear()
        _FRONT_OF[0] = store
    held = _FRONTS.setdefault(kind, {})
    try:
        return held[key]
    except KeyError:
        pass
    except TypeError:        # a parameter Python cannot hash: the Streamlit cache hashes it its own way
        return get()
    value = get()
    if len(held) >= _FRONT_MAX[kind]:
        try:
            del held[next(iter(held))]
        except (KeyError, RuntimeError, StopIteration):   # another thread took it first
            pass
    held[key] = value
    return value


def per_snapshot(name: str, compute: Callable[..., Any], *args: Any) -> Any:
    """`compute(*args)` once per warehouse snapshot (and process): what does not depend on the view."""
    return front("snap", (name, stamp(), args), lambda: compute(*args))


def run_query(con, name: str, **params: Any) -> pl.DataFrame:
    """Uncached: for code that has its own connection (tests, CLIs, benchmark)."""
    return queries.run(con, name, **params)


# Query results and views are kept in st.cache_resource, not st.cache_data: cache_data hands every
# caller a fresh copy (it unpickles the stored value on each hit: ~0.8 ms for the smallest frame,
# far more for the overview's snapshot), and a rerun makes ~30 such calls. Polars frames are
# immutable (every operation returns a new frame), so one shared frame is safe; a view returning a
# container (dict, list, tuple) gets a copy of the container (`_fresh`), its frames shared.
@st.cache_resource(show_spinner=False, max_entries=512)
def _cached_query(name: str, key: tuple, params: tuple) -> pl.DataFrame:
    return queries.run(connection(), name, **dict(params))


def _fresh(value: Any) -> Any:
    """`value` as a caller may keep and change: frames and immutable scalars as they are, containers copied."""
    import copy

    if isinstance(value, (pl.DataFrame, str, int, float, bool, type(None), dt.date)):
        return value
    return copy.deepcopy(value)     # a polars frame inside is cloned (no data copied)


def query(name: str, **params: Any) -> pl.DataFrame:
    """Run queries/<name>.sql with plain (hashable) parameters, cached (and a repeat within one script
    run answered from the run memo)."""
    args = tuple(sorted((k, _plain(v)) for k, v in params.items()))
    memo = _run_memo()

    def get():
        key = stamp()
        return front("query", (name, key, args), lambda: _cached_query(name, key, args))
    return get() if memo is None else _memoised(memo, ("query", name, args), get)


def _memoised(memo: dict, key: tuple, get: Callable[[], Any]) -> Any:
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = get()
        return value
    except TypeError:        # a parameter Python cannot hash: the Streamlit cache hashes it its own way
        return get()


def _plain(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_view(module: str, fn: str, key: tuple, params: tuple) -> Any:
    import importlib

    func = getattr(importlib.import_module(module), fn)
    return func(query, **dict(params))


def view(func: Callable[..., Any], **params: Any) -> Any:
    """Cache a view function `func(query, **params)` (defined in cnscd.views) on its parameters."""
    args = tuple(sorted((k, _plain(v)) for k, v in params.items()))
    memo = _run_memo()
    def get():
        key = stamp()
        return front("view", (func.__module__, func.__name__, key, args),
                     lambda: _cached_view(func.__module__, func.__name__, key, args))
    return _fresh(get() if memo is None else _memoised(memo, ("view", func.__module__, func.__name__, args), get))


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_figure(name: str, key: tuple, words: tuple, params: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def figure(name: str, build: Callable[[], Any], meta: Any, **params: Any) -> Any:
    """The finished figure `build()` returns (a pure chart function on cached frames), built once per
    (chart name, the chart's words from `meta`, plain `params` naming everything else it depends on,
    warehouse snapshot, official outlines drawn) and shared by every session of the process: a rerun to a view someone has
    already opened costs only sending it. Never mutate the result (st.plotly_chart and the exports
    copy it)."""
    words = (meta.lang, meta.name, meta.title, meta.subtitle, meta.source_line, tuple(meta.notes))
    key, args = (stamp(), outlines()), tuple(sorted((k, _plain(v)) for k, v in params.items()))
    return front("figure", (name, key, words, args), lambda: _cached_figure(name, key, words, args, build))


# ---- small catalogue helpers every page uses -------------------------------------------------

def indicators() -> pl.DataFrame:
    return query("indicator_catalogue")


def _indicator_rows() -> dict[str, dict[str, Any]]:
    return {row["indicator_code"]: row for row in indicators().to_dicts()}


def indicator(code: str) -> dict[str, Any]:
    """The catalogue's row of `code` (a copy the caller may change)."""
    rows = per_snapshot("indicator_rows", _indicator_rows)
    if code not in rows:
        raise KeyError(code)
    return dict(rows[code])


def indicator_name(code: str, lang: str) -> str:
    row = indicator(code)
    return pick(row, "name", lang)


def unit_of_measure(code: str, lang: str) -> str:
    row = indicator(code)
    return pick(row, "unit_of_measure", lang)


def boundary_versions() -> pl.DataFrame:
    return query("boundary_versions")


def units() -> pl.DataFrame:
    """Nation and provinces of every version (unit_code, short_name, boundary_version, ...)."""
    return query("unit_list")


def provinces(version: str) -> pl.DataFrame:
    return per_snapshot("provinces", lambda v: units().filter((pl.col("boundary_version") == v)
                                                              & (pl.col("unit_level") == "province")), version)


# Hà Nội, Hồ Chí Minh, Đồng Tháp (the province of the articles): a default that shows the north, the
# south and the seed figures; codes missing from a version are skipped.
DEFAULT_PROVINCES = ("01", "79", "82")


def default_provinces(version: str, n: int = 3) -> list[str]:
    codes = provinces(version).sort("unit_code")["unit_code"].to_list()
    chosen = [c for c in DEFAULT_PROVINCES if c in codes]
    return chosen or codes[:n]


def periods() -> pl.DataFrame:
    """Months with monthly data: period_end, boundary_version, has_demo, has_real."""
    return query("month_periods")


def month_ends() -> list[dt.date]:
    return list(per_snapshot("month_ends", lambda: periods()["period_end"].unique().sort().to_list()))


def latest_period() -> dt.date | None:
    ends = month_ends()
    return ends[-1] if ends else None


def version_at(day: dt.date) -> str:
    """The boundary version in force on `day` (views.common.version_at: a day no version covers is an
    error, never silently the newest version)."""
    return per_snapshot("version_at", lambda d: common.version_at(query, d), day)


def version_label(version: str, lang: str) -> str:
    return per_snapshot("version_label", _version_label, version, lang)


def _version_label(version: str, lang: str) -> str:
    row = boundary_versions().filter(pl.col("boundary_version") == version).to_dicts()
    if not row:
        return version
    return pick(row[0], "label", lang)


def mode_label(mode: str, lang: str) -> str:
    """Boundary words for a chart in 'reported' or 'today' mode (names both versions, or today's)."""
    from cnscd import fmt

    bv = boundary_versions()
    today = bv.filter(pl.col("valid_to_date").is_null()).row(0, named=True)
    new = version_label(today["boundary_version"], lang)
    if mode == "today":
        return t("bv_today", lang, new=new, date=fmt.date(today["valid_from_date"], lang))
    old = [version_label(v, lang) for v in bv["boundary_version"] if v != today["boundary_version"]]
    return t("bv_reported", lang, old=" → ".join(old), new=new)


def targets() -> pl.DataFrame:
    return query("unit_targets")


def has_targets(code: str) -> bool:
    return targets().filter(pl.col("indicator_code") == code).height > 0


def population() -> pl.DataFrame:
    return query("unit_population")


def sources() -> pl.DataFrame:
    return query("source_list")


def build_info() -> dict[str, str]:
    return dict(query("build_info").iter_rows())


def source_titles(lang: str) -> dict[str, str]:
    """source_id -> title in `lang` (title_en, else the one title), for ChartMeta.of."""
    return dict(per_snapshot("source_titles", lambda lg: dict(zip(sources()["source_id"], sources()[column("title", lg)])),
                             lang))


def source_text(source_ids: list[str], lang: str) -> str:
    """'Title A; Title B' for the sources behind a chart (cnscd.charts.meta.source_text)."""
    from cnscd.charts.meta import source_text as text

    return text(source_ids, source_titles(lang), lang)


def core_and_target_indicators() -> list[str]:
    """Core indicators plus every other indicator that has a target, in catalogue order."""
    with_target = targets()["indicator_code"].unique().to_list()
    cat = indicators().filter(pl.col("is_core") | pl.col("indicator_code").is_in(with_target))
    return cat["indicator_code"].to_list()
