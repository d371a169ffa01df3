"""The cheaper steps of a new view give exactly what the step-by-step ones gave (docs/scaling.md "A cheaper
opening"): overview._assemble as one Polars plan against the eager assembly it replaced (kept here), for
the nation's snapshot and a province's units of both boundary versions, the briefing pack's indicators and
a set with no row; districtdata.pair from the units' values against the two rankings it joined before;
mapdata.of_province against a filter of the whole frame."""
from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries
from cnscd import months
from cnscd.views import common, districtdata, mapdata, overview


@pytest.fixture(scope="module")
def q(con):
    kept: dict = {}

    def run(name, **params):
        key = (name, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())))
        if key not in kept:
            kept[key] = queries.run(con, name, **params)
        return kept[key]
    return run


def eager_assemble(s: pl.DataFrame, targets: pl.DataFrame, end: dt.date, codes: tuple[str, ...]) -> pl.DataFrame:
    """overview._assemble as it was, step by step (main at 554aeca)."""
    prev_end = months.back(end, 1)
    spark = (s.sort("period_end").group_by("unit_code", "indicator_code", maintain_order=True)
             .agg(spark=pl.col("value"), spark_dates=pl.col("period_end")))
    now = s.filter(pl.col("period_end") == end)
    prev = s.filter(pl.col("period_end") == prev_end).select("unit_code", "indicator_code",
                                                              pl.col("value").alias("prev"))
    out = (now.join(prev, on=["unit_code", "indicator_code"], how="left")
           .join(spark, on=["unit_code", "indicator_code"], how="left"))
    parts = [common.with_targets(out.filter(pl.col("indicator_code") == code), targets, code) for code in codes]
    out = pl.concat([p for p in parts if p.height], how="vertical_relaxed") if any(p.height for p in parts) else out
    if "target_value" not in out.columns:
        out = out.with_columns(target_value=pl.lit(None, pl.Float64))
    order = {c: i for i, c in enumerate(codes)}
    return overview.changes(out).with_columns(order=pl.col("indicator_code").replace_strict(order, default=99)
                                              ).sort("order", "unit_code").drop("order")


def _days(q, n: int) -> list[dt.date]:
    ends = q("month_periods")["period_end"].unique().sort().to_list()
    rng = random.Random(5)
    return [ends[0], ends[-1], dt.date(2025, 6, 30), dt.date(2025, 7, 31)] + rng.sample(ends, n)


def test_the_nations_snapshot_is_the_eager_assembly(q, monkeypatch):
    from cnscd.views import brief

    for day in _days(q, 6):
        for codes in (overview.HEADLINE, brief.CARDS, ("teams_total",), ("no_such_indicator",)):
            ours = overview.snapshot(q, period=day.isoformat(), codes=codes)
            with monkeypatch.context() as m:
                m.setattr(overview, "_assemble", eager_assemble)
                before = overview.snapshot(q, period=day.isoformat(), codes=codes)
            assert_frame_equal(ours, before), (day, codes)


def test_a_provinces_units_are_the_eager_assembly(q):
    rng = random.Random(8)
    cases = [("79", dt.date(2025, 9, 30)), ("87", dt.date(2024, 6, 30)), ("01", dt.date(2026, 6, 30)),
             ("35", dt.date(2023, 1, 31)), ("82", dt.date(2025, 7, 31))]
    for day in rng.sample(q("month_periods")["period_end"].unique().to_list(), 6):
        version = common.version_at(q, day)
        codes = q("unit_list").filter((pl.col("boundary_version") == version)
                                      & (pl.col("unit_level") == "province"))["unit_code"].to_list()
        cases.append((rng.choice(codes), day))
    rows = 0
    for province, day in cases:
        version = common.version_at(q, day)
        level = mapdata.CHILD_LEVEL[version]
        s, targets = overview.child_rows(q, version=version, level=level, province=province,
                                         start=months.back(day, 11), end=day)
        ours = overview._assemble(s, targets, day, overview.HEADLINE)
        assert_frame_equal(ours, eager_assemble(s, targets, day, overview.HEADLINE)), (province, day)
        assert_frame_equal(overview.children(q, period=day.isoformat(), province=province), ours)
        rows += ours.height
    assert rows > 0


def test_the_scatter_pair_is_the_two_rankings_joined(q):
    for version, province, day in [("2025", "79", dt.date(2025, 9, 30)), ("legacy", "87", dt.date(2024, 6, 30)),
                                   ("2025", "01", dt.date(2026, 2, 28)), ("legacy", "35", dt.date(1999, 12, 31))]:
        for x, y in (("members", "teams_total"), ("villages_with_team_pct", "dossiers_online_pct")):
            where = dict(period_end=day, version=version, province=province)
            a = districtdata.ranking(q, indicator=x, **where)
            b = districtdata.ranking(q, indicator=y, **where)
            before = (a.select("unit_code", "display_name", "is_demo", x="value")
                      .join(b.select("unit_code", y="value"), on="unit_code", how="inner")
                      .filter(pl.col("x").is_not_null() & pl.col("y").is_not_null()))
            assert_frame_equal(districtdata.pair(q, x=x, y=y, **where), before), (version, province, day, x, y)


def test_a_province_part_is_the_filter_of_the_whole_frame(q):
    for version, level in (("2025", "commune"), ("legacy", "district")):
        units = q("map_units", version=version, level=level)
        frame = q("map_observations", version=version, level=level, indicator="teams_total")
        for province in sorted(set(units["province_code"].to_list()))[:8] + ["no-such-province"]:
            codes = units.filter(pl.col("province_code") == province)["unit_code"].to_list()
            part = mapdata.of_province(frame, units, province)
            assert_frame_equal(part, frame.filter(pl.col("unit_code").is_in(codes))), (version, province)
        assert mapdata.province_rows(frame, units) is mapdata.province_rows(frame, units)   # found once per frame
