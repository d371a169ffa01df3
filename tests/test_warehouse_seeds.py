"""Every reviewed seed figure reaches the warehouse unchanged, with its source and quote."""
from __future__ import annotations

import polars as pl

from data import seeds


def _table(con, name: str) -> pl.DataFrame:
    return con.cursor().table(name).pl()  # own cursor: the session connection is shared


def test_every_seed_figure_is_in_the_warehouse(con):
    figures = seeds.load_seed_figures()
    obs = _table(con, "core_observation").filter(~pl.col("is_demo"))
    tgt = _table(con, "core_target").filter(~pl.col("is_demo")).rename({"target_value": "value"})
    keys = ["unit_code", "boundary_version", "indicator_code", "period_start", "period_end", "source_id"]
    for record, table in (("observation", obs), ("target", tgt)):
        want = figures.filter(pl.col("record") == record).select(*keys, "value", "quote_vi")
        got = table.select(*keys, "value", "quote_vi")
        joined = want.join(got, on=keys, how="left", suffix="_wh")
        missing = joined.filter(pl.col("value_wh").is_null())
        assert missing.height == 0, f"{record}s missing from the warehouse: {missing.select(keys).rows()}"
        assert (joined["value"] == joined["value_wh"]).all()
        assert (joined["quote_vi"].fill_null("") == joined["quote_vi_wh"].fill_null("")).all()


def test_seed_rows_are_not_demo_and_carry_article_sources(con):
    rows = con.cursor().sql("SELECT s.source_kind, count(*) FROM core_observation o JOIN core_source s USING (source_id) "
                   "WHERE NOT o.is_demo GROUP BY 1").fetchall()
    kinds = dict(rows)
    assert kinds.get("article", 0) >= 60
    assert "demo" not in kinds
