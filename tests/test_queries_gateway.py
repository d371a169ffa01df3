"""The query gateway: declared parameters only, bound never formatted, errors carry the name."""
from __future__ import annotations

import duckdb
import pytest

import queries


def test_every_sql_file_declares_its_purpose_and_params():
    for name in queries.names():
        text = (queries.QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
        assert text.startswith(f"-- {name}:"), f"{name}.sql must open with '-- {name}: purpose'"
        queries.load(name)  # declared == used


def test_missing_and_extra_params_are_refused(con):
    with pytest.raises(queries.QueryError, match="missing params"):
        queries.run(con, "export_observations", unit_codes=[])
    with pytest.raises(queries.QueryError, match="unexpected params"):
        queries.run(con, "check_unit_counts", evil=1)


def test_values_are_bound_not_formatted(con):
    hostile = "87'); DROP TABLE core_unit; --"
    out = queries.run(con, "export_observations", unit_codes=[hostile], indicator_codes=[], period_from=None,
                      period_to=None)
    assert out.height == 0
    assert con.execute("SELECT count(*) FROM core_unit").fetchone()[0] > 0


def test_unknown_query_names_the_file():
    with pytest.raises(queries.QueryError, match="no file"):
        queries.load("no_such_query")


def _planted() -> duckdb.DuckDBPyConnection:
    """A tiny warehouse where the old rules disagreed: a demo target ending earlier than a real one for the
    same month, a real point figure on a month's last day beside a demo monthly row, two census years."""
    import datetime as dt

    import polars as pl

    from data import build, seeds

    d = dt.date
    con = duckdb.connect()
    queries.execute_script(con, "schema")
    queries.insert(con, "core_boundary_version", build.boundary_versions())
    queries.insert(con, "core_source", pl.DataFrame({"source_id": ["demo", "art"], "source_kind": ["demo", "article"],
                                                     "title": ["demo", "an article"]}))
    queries.insert(con, "core_indicator", seeds.load_indicators())
    queries.insert(con, "core_unit", pl.DataFrame({
        "boundary_version": ["legacy", "legacy"], "unit_code": ["VN", "87"], "unit_level": ["nation", "province"],
        "unit_name": ["Việt Nam", "Tỉnh Đồng Tháp"], "short_name": ["Việt Nam", "Đồng Tháp"],
        "display_name": ["Việt Nam", "Đồng Tháp"], "display_name_full": ["Việt Nam", "Đồng Tháp"],
        "slug": ["viet-nam", "dong-thap"], "parent_code": [None, "VN"], "province_code": [None, "87"],
        "source_id": ["art", "art"]}))
    queries.insert(con, "core_population", pl.DataFrame({
        "unit_code": ["87", "87"], "boundary_version": ["legacy", "legacy"], "year": [2019, 2024],
        "population": [1000.0, 2000.0], "is_estimate": [False, True], "method": ["census", "census"],
        "source_id": ["art", "art"]}))
    queries.insert(con, "core_target", pl.DataFrame({
        "unit_code": ["87", "87"], "boundary_version": ["legacy", "legacy"], "indicator_code": ["teams_total"] * 2,
        "period_start": [d(2024, 1, 1), d(2024, 1, 1)], "period_end": [d(2024, 6, 30), d(2024, 12, 31)],
        "target_value": [100.0, 300.0], "source_id": ["demo", "art"], "is_demo": [True, False]}))
    queries.insert(con, "core_observation", pl.DataFrame({
        "unit_code": ["87"] * 3, "boundary_version": ["legacy"] * 3, "indicator_code": ["teams_total"] * 3,
        "period_start": [d(2023, 6, 1), d(2024, 3, 1), d(2024, 3, 31)],
        "period_end": [d(2023, 6, 30), d(2024, 3, 31), d(2024, 3, 31)], "granularity": ["month", "month", "date"],
        "value": [40.0, 50.0, 60.0], "source_id": ["demo", "demo", "art"], "is_demo": [True, True, False]}))
    return con


def test_one_rule_for_a_months_figure_target_and_population():
    """The map (map_values) and the pages (series + views.common joins) give the same figure, target
    and population for the same unit and month: each rule is one out_* view."""
    import datetime as dt

    import polars as pl

    from cnscd.views.common import with_population, with_targets

    con = _planted()

    def q(name, **p):
        return queries.run(con, name, **p)

    for day, value, population in ((dt.date(2024, 3, 31), 60.0, 2000.0), (dt.date(2023, 6, 30), 40.0, 2000.0)):
        m = q("map_values", version="legacy", level="province", province=None, indicator="teams_total",
              period_end=day.isoformat()).row(0, named=True)
        s = q("province_series", indicator="teams_total", mode="reported").filter(
            (pl.col("unit_code") == "87") & (pl.col("period_end") == day))
        s = with_population(with_targets(s, q("targets_in_force"), "teams_total"), q("unit_population"))
        page = s.row(0, named=True)
        # the real article figure on the month's last day beats the demo monthly row, on every page
        assert m["value"] == page["value"] == value, (day, m["value"], page["value"])
        # the nearest census year (2024 for 2023: the old Compare rule took 2019)
        assert m["population"] == page["population"] == population, (day, m["population"], page["population"])
        if day.year == 2024:
            # real before demo although the demo target ends earlier (the old page rule took 100)
            assert m["target_value"] == page["target_value"] == 300.0
        else:
            assert m["target_value"] is None and page["target_value"] is None
