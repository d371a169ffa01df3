"""The data command line: exit codes and one-line messages, exports, checks."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env_extra: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    err = proc.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    for n in needles:
        assert n in err, err


def test_no_command_is_a_usage_error():
    assert_one_line_error(cli(), 2, "wrong arguments")


def test_unknown_command_is_a_usage_error():
    assert_one_line_error(cli("frobnicate"), 2, "wrong arguments")


def test_export_needs_csv_or_xlsx(warehouse_file, tmp_path):
    proc = cli("export", "--out", str(tmp_path / "x.txt"), env_extra={"CNSCD_WAREHOUSE": str(warehouse_file)})
    assert_one_line_error(proc, 2, ".csv", ".xlsx")


def test_export_rejects_a_bad_date(warehouse_file, tmp_path):
    proc = cli("export", "--out", str(tmp_path / "x.csv"), "--from", "30/06/2025",
               env_extra={"CNSCD_WAREHOUSE": str(warehouse_file)})
    assert_one_line_error(proc, 2, "YYYY-MM-DD")


def test_missing_warehouse_says_how_to_build(tmp_path):
    proc = cli("export", "--out", str(tmp_path / "x.csv"), env_extra={"CNSCD_WAREHOUSE": str(tmp_path / "none.duckdb")})
    assert_one_line_error(proc, 1, "python -m data build")


def test_locked_warehouse_is_a_one_line_message(warehouse_file, tmp_path):
    locked = tmp_path / "locked.duckdb"
    locked.write_bytes(warehouse_file.read_bytes())
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(60)",
                               str(locked)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        proc = cli("check", env_extra={"CNSCD_WAREHOUSE": str(locked)})
        assert_one_line_error(proc, 1, "locked")
    finally:
        holder.kill()
        holder.wait()


def test_export_csv_filtered(warehouse_file, tmp_path):
    out = tmp_path / "dt.csv"
    proc = cli("export", "--out", str(out), "--unit", "87", "--indicator", "teams_total,provincial_app_installs",
               "--from", "2023-01-01", env_extra={"CNSCD_WAREHOUSE": str(warehouse_file)})
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(raw[3:], schema_overrides={"unit_code": pl.String})
    assert frame.columns == ["unit_code", "unit_name", "unit_level", "boundary_version", "indicator_code",
                             "indicator_name_vi", "period_start", "period_end", "value", "value_qualifier",
                             "unit_of_measure", "target_value", "target_is_derived", "pct_of_target",
                             "stated_pct_of_target", "source_id", "is_demo"]
    assert set(frame["unit_code"]) == {"87"}
    assert set(frame["indicator_code"]) <= {"teams_total", "provincial_app_installs"}
    assert (frame["period_end"].str.to_date() >= pl.Series([__import__("datetime").date(2023, 1, 1)])).all()
    assert frame.filter(pl.col("source_id") == "demo")["is_demo"].all()
    # Đồng Tháp's e-Đồng Tháp installs: value and target reproduce the stated 141.6 %
    app = frame.filter((pl.col("indicator_code") == "provincial_app_installs") & ~pl.col("is_demo"))
    assert app.height >= 1
    row = app.row(0, named=True)
    assert row["value"] == 6800 and 141.5 <= row["pct_of_target"] <= 141.7
    # the target 4,802 is back-calculated from the article's 141,6 %, which is kept as stated
    assert row["target_value"] == 4802 and row["target_is_derived"] is True
    assert row["stated_pct_of_target"] == 141.6 and row["value_qualifier"] is None


def test_export_xlsx(warehouse_file, tmp_path):
    out = tmp_path / "all.xlsx"
    proc = cli("export", "--out", str(out), "--unit", "351", env_extra={"CNSCD_WAREHOUSE": str(warehouse_file)})
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(out, read_only=True).active
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert header[0] == "unit_code" and "pct_of_target" in header
    assert {"value_qualifier", "target_is_derived", "stated_pct_of_target"} <= set(header)
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {r["unit_name"] for r in rows} == {"Huyện Thanh Liêm"}
    real = {(r["indicator_code"], r["value"]): r["value_qualifier"] for r in rows if r["source_id"] != "demo"}
    # "gần 600 thành viên", "trên 80% dân số ...", "khoảng 60,3%", and an exact "93%"
    assert real[("members", 600)] == "approx" and real[("bank_account_adult_pct", 80)] == "more_than"
    assert real[("digital_skills_pct", 60.3)] == "approx" and real[("mobile_coverage_3g4g_pct", 93)] is None
    assert all(r["value_qualifier"] is None for r in rows if r["source_id"] == "demo")


def test_check_passes_on_the_built_warehouse(warehouse_file):
    proc = cli("check", env_extra={"CNSCD_WAREHOUSE": str(warehouse_file)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 failures" in proc.stdout


def test_check_reports_each_failure(warehouse_file, tmp_path):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(warehouse_file.read_bytes())
    c = duckdb.connect(str(broken))
    c.execute("UPDATE core_observation SET value = -5 WHERE unit_code = '87' AND indicator_code = 'teams_total' "
              "AND period_end = DATE '2024-06-30' AND is_demo")
    c.execute("INSERT INTO core_crosswalk VALUES ('legacy','87','2025','01','province',0.5,'whole','pkg_vietnamadminunits')")
    c.close()
    proc = cli("check", env_extra={"CNSCD_WAREHOUSE": str(broken)})
    assert proc.returncode == 1
    assert "check_value_ranges" in proc.stdout and "is negative" in proc.stdout
    assert "check_crosswalk_weights" in proc.stdout and "87" in proc.stdout
    assert "check_sums_across_levels" in proc.stdout


def test_import_options_before_the_file_reach_the_importer(tmp_path):
    proc = cli("import", "--dry-run", str(tmp_path / "missing.xlsx"))
    assert_one_line_error(proc, 2, "missing.xlsx")
    helped = cli("import", "--help")
    assert helped.returncode == 0 and "--dry-run" in helped.stdout
