"""Import speed (issue 6 §7): a 100,000-row report (every legacy commune × 10 months, three
indicator columns = 300,000 figures) checked and written as one batch; goal under 20 s.

Runs on its own warehouse in a temp folder (schema, every unit of both versions, the core
indicators), so it neither needs nor touches data/warehouse.duckdb. Baselines, same run, same
file: reading it with pandas.read_excel / polars.read_csv and nothing else (no checks, no write).
"""
from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

import polars as pl

N_ROWS = 100_000
HEADER = ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Số thành viên", "Tổng số tổ CNSCĐ", "Người dân được hướng dẫn dịch vụ công"]


def _warehouse(path: Path) -> None:
    import duckdb

    import queries
    from data.units import load_units
    from tests.ingest_fixtures import build_small, indicator_frame

    build_small(path)      # schema, versions, sources, a few units and the indicators
    con = duckdb.connect(str(path))
    try:
        queries.execute_script(con, "bench_empty_units")
        queries.insert(con, "core_unit", load_units())
        counts = dict(queries.run(con, "build_row_counts").iter_rows())
        assert counts["core_indicator"] == indicator_frame().height
        con.checkpoint()
    finally:
        con.close()


def _rows() -> list[list]:
    from data.units import load_units

    c = load_units().filter((pl.col("boundary_version") == "legacy") & (pl.col("unit_level") == "commune"))
    out = []
    for m in range(1, 11):
        for i, (code, name) in enumerate(zip(c["unit_code"], c["unit_name"])):
            out.append([code, name, f"{m:02d}/2024", 10 + i % 17, 1 + i % 4, 100 * m + i % 50])
            if len(out) == N_ROWS:
                return out
    return out


def _xlsx(rows: list[list]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": False})
    ws = wb.add_worksheet("Báo cáo")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def _csv(rows: list[list]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in r) for r in rows]
    return "\n".join(lines).encode("utf-8")


def _import(data: bytes, name: str) -> tuple[float, float, int]:
    import duckdb

    from cnscd import ingest
    from cnscd.store.warehouse import path

    t0 = time.perf_counter()
    con = duckdb.connect(str(path()), read_only=True)
    plan = ingest.prepare(data, name, con)
    con.close()
    t1 = time.perf_counter()
    assert plan.ok, ingest.problems_frame(plan.problems).head(5)
    m = ingest.commit(plan, "bench")
    t2 = time.perf_counter()
    ingest.rollback(m["batch_id"], "bench")
    return t1 - t0, t2 - t0, m["rows_observation"]


def run() -> list[dict]:
    import pandas as pd

    rows = _rows()
    xlsx, csv = _xlsx(rows), _csv(rows)
    with tempfile.TemporaryDirectory() as d:
        old = os.environ.get("CNSCD_WAREHOUSE")
        os.environ["CNSCD_WAREHOUSE"] = str(Path(d) / "warehouse.duckdb")
        try:
            _warehouse(Path(d) / "warehouse.duckdb")
            x_dry, x_total, n_obs = _import(xlsx, "bench.xlsx")
            c_dry, c_total, _ = _import(csv, "bench.csv")
        finally:
            if old is None:
                os.environ.pop("CNSCD_WAREHOUSE", None)
            else:
                os.environ["CNSCD_WAREHOUSE"] = old
    t0 = time.perf_counter()
    pd.read_excel(io.BytesIO(xlsx), engine="openpyxl")
    naive_x = time.perf_counter() - t0
    t0 = time.perf_counter()
    pl.read_csv(io.BytesIO(csv))
    naive_c = time.perf_counter() - t0
    return [
        {"name": f"import {len(rows):,}-row .xlsx ({n_obs:,} figures), check + write", "value": x_total, "unit": "s",
         "target": "< 20 s", "baseline": naive_x, "baseline_label": "pandas.read_excel only, no checks"},
        {"name": "  of which the dry run (read + all checks)", "value": x_dry, "unit": "s", "target": "—", "baseline": None},
        {"name": f"import {len(rows):,}-row .csv, check + write", "value": c_total, "unit": "s", "target": "< 20 s",
         "baseline": naive_c, "baseline_label": "polars.read_csv only, no checks"},
        {"name": "  of which the dry run (read + all checks)", "value": c_dry, "unit": "s", "target": "—", "baseline": None},
    ]


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for r in run():
        print(r)
