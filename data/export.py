"""`python -m data export`: every observation (filtered) to CSV or XLSX."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

import queries

# value_qualifier: how the source words the value (approx / more_than / less_than, empty = exact);
# target_is_derived: the target is back-calculated, not stated; stated_pct_of_target: as the source prints it.
COLUMNS = ["unit_code", "unit_name", "unit_level", "boundary_version", "indicator_code", "indicator_name_vi",
           "period_start", "period_end", "value", "value_qualifier", "unit_of_measure", "target_value",
           "target_is_derived", "pct_of_target", "stated_pct_of_target", "source_id", "is_demo"]


def observations(con: duckdb.DuckDBPyConnection, unit_codes=(), indicator_codes=(),
                 period_from: dt.date | None = None, period_to: dt.date | None = None) -> pl.DataFrame:
    frame = queries.run(con, "export_observations", unit_codes=list(unit_codes), indicator_codes=list(indicator_codes),
                        period_from=period_from, period_to=period_to)
    return frame.select(COLUMNS)


def write(frame: pl.DataFrame, out: Path) -> None:
    """Write atomically: a half-written export never sits under the final name."""
    suffix = out.suffix.lower()
    tmp = out.with_name(f".{out.name}.tmp")
    if suffix == ".csv":
        tmp.write_bytes(b"\xef\xbb\xbf" + frame.write_csv().encode("utf-8"))  # BOM: Excel shows Vietnamese
    elif suffix == ".xlsx":
        frame.write_excel(tmp, worksheet="observations", autofit=True, freeze_panes=(1, 0))
    else:
        raise ValueError(suffix)
    tmp.replace(out)
