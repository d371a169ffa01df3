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
