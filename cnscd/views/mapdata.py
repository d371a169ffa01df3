"""The frame behind a choropleth: one row per unit with the chosen measure, its rank and class.

`map_frame(query, ...)` takes a query callable (`query(name, **params) -> pl.DataFrame`, i.e.
`cnscd.ui.cache.query` in the app or `queries.run` bound to a connection in tests), so the same
code runs cached in Streamlit and plain in tests and the benchmark. Units with no figure stay
in the frame with `has_report = False`: the map greys them and labels them "chưa báo cáo".
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import polars as pl

from cnscd.views import dti
from cnscd.charts.classes import SCHEMES, Classes, add_class, classify, fisher_jenks  # noqa: F401 (re-exported)
from cnscd.text import in_lang, t

Query = Callable[..., pl.DataFrame]

MEASURES = ("abs", "per1000", "pct_target", "change")
# The level below a province in each boundary version (2025 has no districts).
CHILD_LEVEL = {"legacy": "district", "2025": "commune"}


class MapDataError(ValueError):
    """Bad map input, with a message in Vietnamese and English saying what and where."""


def measures_for(aggregation: str) -> tuple[str, ...]:
    """Per-capita makes no sense for a rate (share of villages, share online); an index or rank that
    does not aggregate (the DTI) is shown only as published."""
    if aggregation == "none":
        return ("abs",)
    return tuple(m for m in MEASURES if not (m == "per1000" and aggregation == "ratio"))


def measure_unit(measure: str, unit_of_measure: str, lang: str) -> str:
    """The unit a measure is expressed in, for legends and hover."""
    is_pct = "%" in unit_of_measure
    if measure == "per1000":
        return t("unit_per1000", lang, unit=unit_of_measure)
    if measure == "pct_target":
        return t("measure_pct_target", lang)
    if measure == "change" and is_pct:
        return t("percentage_points", lang)
    return unit_of_measure


def values(query: Query, *, version: str, level: str, province: str | None, indicator: str,
           period_end: dt.date) -> pl.DataFrame:
    if dti.is_annual(indicator):  # a yearly index: the DTI year this month shows (cnscd/dti.py)
        return dti.map_values(query, version=version, level=level, province=province, indicator=indicator,
                              period_end=period_end)
    return month_values(query, version=version, level=level, province=province, indicator=indicator,
                        period_end=period_end)


# map_values' columns, in its order
MAP_VALUE_COLUMNS = ("unit_code", "unit_name", "short_name", "display_name", "display_name_full", "province_code",
                     "is_reporting", "value", "source_id", "source_title", "source_title_en", "is_demo", "quote_vi",
                     "target_value", "target_period_end", "population", "population_year", "population_is_estimate")


# ---- a kept frame's rows of one province, found once per frame -----------------------------------
# A new view of a province filtered a whole level's frame (52 k rows for the 2025 communes' months) on
# every call; the frames are the shared objects cache.query keeps per snapshot, so the row numbers of each
# province in each are found once, on first use (~4 bytes a row), and a view takes its province's rows
# by them: the same rows in the same order as a filter of the whole frame on the province's unit codes.
# Keyed by the objects' identities while both live (a frame that is gone takes its row numbers with it);
# a fresh frame (tests, CLIs) is looked through for that call only.
_ROWS: dict[tuple[int, int], tuple[Any, Any, dict]] = {}


def of_province(frame: pl.DataFrame, units: pl.DataFrame, province: str) -> pl.DataFrame:
    """The rows of `frame` (a `unit_code` column, every province of a level) whose unit `units`
    (map_units of that level: unit_code, province_code) places in `province`, in `frame`'s order."""
    rows = province_rows(frame, units).get(province)
    return frame.clear() if rows is None else frame[rows]


def province_rows(frame: pl.DataFrame, units: pl.DataFrame) -> dict[str | None, pl.Series]:
    """{province code: the numbers of its rows in `frame`, ascending}, found once per (frame, units)
    object pair (`of_province`; cnscd.ui.cache's warm-up finds them for the kept frames of the levels
    below a province before any view asks)."""
    import weakref

    key = (id(frame), id(units))
    entry = _ROWS.get(key)
    if entry is None or entry[0]() is not frame or entry[1]() is not units:
        where = dict(zip(units["unit_code"].to_list(), units["province_code"].to_list()))
        groups = (frame.select(_province=pl.col("unit_code").replace_strict(where, default=None, return_dtype=pl.String))
                  .with_row_index("_row").group_by("_province", maintain_order=True).agg(pl.col("_row")))
        entry = (weakref.ref(frame, lambda _r: _ROWS.pop(key, None)), weakref.ref(units),
                 {code: pl.Series(rows, dtype=pl.UInt32) for code, rows in
                  zip(groups["_province"].to_list(), groups["_row"].to_list())})
        _ROWS[key] = entry
    return entry[2]


def month_values(query: Query, *, version: str, level: str, province: str | None, indicator: str,
                 period_end: dt.date | str) -> pl.DataFrame:
    """What queries/map_values.sql returns (the same rows, columns and types; tests/test_map_stores.py), put
    together in memory from frames read once per warehouse snapshot and shared by every view: the
    indicator's figures and targets in force at every month end of the level (map_observations,
    map_targets: every province at once), the level's units (map_units), the version's population
    figures (map_population) and the sources' titles. A new month, province or unit of a map or a
    district ranking then costs a filter and four joins of a few hundred rows (~1-3 ms), not a query
    (~40-50 ms, most of it out_observation's pick over the whole warehouse)."""
    day = period_end if isinstance(period_end, dt.date) else dt.date.fromisoformat(str(period_end)[:10])
    every = query("map_units", version=version, level=level)
    units = every
    obs = query("map_observations", version=version, level=level, indicator=indicator)
    tgt = query("map_targets", version=version, level=level, indicator=indicator)
    if province is not None:
        units = units.filter(pl.col("province_code") == province)
        obs, tgt = of_province(obs, every, province), of_province(tgt, every, province)
    on_day = pl.col("period_end") == day
    obs, tgt = obs.filter(on_day), tgt.filter(on_day)
    pop = query("map_population", version=version).filter((pl.col("from_year") <= day.year)
                                                          & (pl.col("to_year") >= day.year))
    frame = (units.join(obs.drop("period_end"), on="unit_code", how="left")
             .join(tgt.drop("period_end", "is_demo"), on="unit_code", how="left")
             .join(pop.drop("from_year", "to_year"), on="unit_code", how="left")
             .join(query("source_titles"), on="source_id", how="left"))
    return frame.select(MAP_VALUE_COLUMNS).sort("unit_code", maintain_order=True)


def add_measure(frame: pl.DataFrame, measure: str, base: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add `measure_value` (what the map colours) and `has_report` to a map_values frame."""
    if measure not in MEASURES:
        raise MapDataError(f"Thước đo không hợp lệ: {measure!r} (chọn {', '.join(MEASURES)}) / "
                           f"Unknown measure {measure!r} (choose {', '.join(MEASURES)})")
    v = pl.col("value")
    if measure == "abs":
        expr = v
    elif measure == "per1000":
        expr = pl.when(pl.col("population") > 0).then(v / pl.col("population") * 1000.0)
    elif measure == "pct_target":
        expr = pl.when(pl.col("target_value") > 0).then(v / pl.col("target_value") * 100.0)
    else:
        if base is None:
            raise MapDataError("Thiếu kỳ gốc cho thước đo 'thay đổi' / the 'change' measure needs a base period")
        frame = frame.join(base.select("unit_code", base_value="value"), on="unit_code", how="left")
        expr = v - pl.col("base_value")
    frame = frame.with_columns(measure_value=expr.cast(pl.Float64))
    # NaN (0/0 and friends) is "no figure" too, never a colour.
    frame = frame.with_columns(measure_value=pl.when(pl.col("measure_value").is_nan())
                               .then(None).otherwise(pl.col("measure_value")))
    return frame.with_columns(has_report=pl.col("value").is_not_null(),
                              pct_target=pl.when(pl.col("target_value") > 0)
                              .then(v / pl.col("target_value") * 100.0))


def add_rank(frame: pl.DataFrame, higher_is_better: bool) -> pl.DataFrame:
    """Rank 1 = best; ties share the best rank; units without a measure get no rank."""
    r = pl.col("measure_value").rank(method="min", descending=higher_is_better)
    return frame.with_columns(rank=r.cast(pl.Int32),
                              n_ranked=pl.col("measure_value").is_not_null().sum().cast(pl.Int32))


def map_frame(query: Query, *, indicator: str, period_end: dt.date, version: str, level: str,
              province: str | None = None, measure: str = "abs", base_period: dt.date | None = None,
              scheme: str = "quantiles", k: int = 5, higher_is_better: bool = True,
              breaks: tuple[float, ...] | None = None) -> tuple[pl.DataFrame, Classes]:
    """Values, measure, rank and class for every unit of `level` (inside `province` if given).
    `breaks` (class edges from `shared_breaks`) replaces the classes of this frame's own values."""
    frame = values(query, version=version, level=level, province=province, indicator=indicator,
                   period_end=period_end)
    base = None
    if measure == "change":
        if base_period is None:
            raise MapDataError("Thiếu kỳ gốc cho thước đo 'thay đổi' / the 'change' measure needs a base period")
        base = values(query, version=version, level=level, province=province, indicator=indicator,
                      period_end=base_period)
    ranks = dti.score_ranks(query, version=version, level=level, province=province, indicator=indicator,
                            period_end=period_end) if measure == "abs" else None
    frame = dti.published_ranks(add_rank(add_measure(frame, measure, base), higher_is_better), indicator, ranks)
    classes = Classes(scheme, tuple(breaks)) if breaks else \
        classify(frame["measure_value"].drop_nulls().to_numpy(), scheme, k)
    return add_class(frame, classes), classes


def comparable(left: Any, right: Any) -> bool:
    """Two map views (cnscd.views.view.View) whose colours can mean the same values: one indicator,
    one measure (a 'change' only from the same base month). Counts of units of different boundary
    versions are still the same quantity, so a shared scale is what shows the reform honestly."""
    return (left.indicator == right.indicator and left.measure == right.measure
            and (left.measure != "change" or left.base == right.base))


def shared_breaks(frames: list[pl.DataFrame], scheme: str, k: int) -> tuple[float, ...] | None:
    """One set of class edges over the measure values of all `frames` (two periods side by side),
    so the same colour means the same value on every map; None when no frame has a value."""
    y = pl.concat([f.select(pl.col("measure_value").cast(pl.Float64)) for f in frames])["measure_value"]
    classes = classify(y.drop_nulls().to_numpy(), scheme, k)
    return classes.edges or None


def successor(query: Query, code: str, from_version: str, to_version: str) -> str | None:
    """The province of `to_version` a view of `code` moves to across the reform: forward the province it
    went into, backward the same-named predecessor, else the most populous (queries/map_province_successor.sql;
    cnscd.unitref.cross is the same on a UnitRef)."""
    if from_version == to_version:
        return code
    rows = query("map_province_successor", from_version=from_version, code=code, to_version=to_version)
    return rows["unit_code"][0] if rows.height else None


def meta_flags(frame: pl.DataFrame, lang: str) -> dict[str, Any]:
    """Demo flag and the distinct sources behind a map (titles in `lang`), for captions and exports."""
    src = in_lang(frame, "source_title", lang).filter(pl.col("has_report"))["source_title"]
    src = src.drop_nulls().unique().sort().to_list()
    return {"is_demo": bool(frame["is_demo"].fill_null(False).any()), "sources": src}


def kept_frames(query: Query) -> list[tuple[str, dict[str, Any]]]:
    """(query name, parameters) of the frames the pages' new views filter instead of querying, for the
    headline indicators, then the other core indicators, at the province level and the level below in
    each boundary version, and the Overview's months: what `cnscd.ui.cache` reads on a background thread when a new warehouse snapshot
    appears, so the first viewer of a month or province does not pay for them."""
    from cnscd.views.overview import ALL_TIME, HEADLINE

    out: list[tuple[str, dict[str, Any]]] = [("source_titles", {}), ("recent_series", dict(
        start_date=ALL_TIME[0], end_date=ALL_TIME[1]))]
    versions = query("boundary_versions")["boundary_version"].to_list()
    cat = query("indicator_catalogue")
    others = [c for c in cat.filter(pl.col("is_core"))["indicator_code"].to_list() if c not in HEADLINE]
    for version in versions:
        out.append(("map_population", dict(version=version)))
        for level in ("province", CHILD_LEVEL.get(version, "district")):
            out.append(("map_units", dict(version=version, level=level)))
    # the headline indicators first (the Overview and the default map), then the other core indicators a
    # selector offers (~14 MiB more): a viewer's first pick of any of them is not a cold read
    for codes in (HEADLINE, others):
        for version in versions:
            for level in ("province", CHILD_LEVEL.get(version, "district")):
                out += [(name, dict(version=version, level=level, indicator=code))
                        for code in codes for name in ("map_observations", "map_targets")]
    # the province comparison's frames of each such indicator, in its default mode ("as reported"; ~1 MiB)
    for code in (*HEADLINE, *others):
        out += [("province_series", dict(indicator=code, mode="reported")), ("seed_points", dict(indicator=code))]
    return out
