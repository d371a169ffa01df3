"""Batches (issue 6 §4): one transaction, kept file and manifest, conflicts replace/skip, rollback,
replay after a rebuild, and readers that never see half a batch."""
from __future__ import annotations

import hashlib
import json
import threading

import duckdb
import polars as pl
import pytest

from cnscd.store import warehouse
from cnscd.ingest import BatchError, commit, conflict_key, replay_batches, rollback
from data.import_cli import main_import, main_rollback
from tests.ingest_fixtures import build_small, codes, district_report, dry, export_all, small_base, wh, xlsx  # noqa: F401

CONFLICTING = xlsx([["Tên đơn vị", "Kỳ báo cáo", "Tổng số tổ CNSCĐ", "Số thành viên"],
                    ["Tỉnh Đồng Tháp", "03/2024", 1650, 9100],       # article says 1620 (non-demo): a conflict
                    ["Huyện Cao Lãnh", "03/2024", 118, 1200]])        # demo says 140: not a conflict


def q(path, sql, *args):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(args)).fetchall()
    finally:
        con.close()


def test_commit_writes_one_batch_with_file_and_manifest(wh):
    plan = dry(wh, district_report(), "dong_thap.xlsx")
    m = commit(plan, "an")
    bid = m["batch_id"]
    rows = q(wh, "SELECT count(*), min(source_id), bool_and(NOT is_demo) FROM core_observation WHERE batch_id = ?", bid)[0]
    assert rows == (12, f"import:{bid}", True)
    assert q(wh, "SELECT source_kind, title FROM core_source WHERE source_id = ?", f"import:{bid}") == [("import", "dong_thap.xlsx")]
    assert q(wh, "SELECT loaded_by, rows_observation, status, file_sha256 FROM core_batch") == [("an", 12, "active", plan.sha256)]
    kept = wh.parent / "imports" / bid
    assert hashlib.sha256((kept / "original.xlsx").read_bytes()).hexdigest() == plan.sha256
    assert plan.sha256 in (kept / "original.sha256").read_text()
    man = json.loads((kept / "batch.json").read_text())
    assert man["status"] == "active" and man["loaded_by"] == "an" and man["rows_observation"] == 12
    assert q(wh, "SELECT DISTINCT granularity FROM core_observation WHERE batch_id = ?", bid) == [("month",)]


def test_same_file_twice_is_refused(wh):
    # the same bytes: two xlsx written a second apart differ (the workbook stores its creation time),
    # and that second file is refused as "nothing new" (no_rows), not as the same file
    report = district_report()
    commit(dry(wh, report, "a.xlsx"), "an")
    again = dry(wh, report, "a.xlsx")
    assert "already_imported" in codes(again)


def test_conflicts_show_old_and_new_and_skip_keeps_stored(wh):
    plan = dry(wh, CONFLICTING, "c.xlsx")
    assert plan.ok
    conf = plan.conflicts.select("unit_code", "indicator_code", "old_value", "new_value", "old_source_id").rows()
    assert conf == [("87", "teams_total", 1620.0, 1650.0, "art_dongthap")]
    msg = next(p for p in plan.problems if p.code == "conflict")
    assert "1620" in msg.message("vi") and "1650" in msg.message("en") and msg.row == 2
    m = commit(plan, "an", policy="skip", skip=[conflict_key(r) for r in plan.conflicts.iter_rows(named=True)])
    assert q(wh, "SELECT value FROM core_observation WHERE unit_code='87' AND indicator_code='teams_total' AND NOT is_demo") == [(1620.0,)]
    assert m["rows_observation"] == 3   # members 87, and both values of 873 (demo rows are no conflict)
    assert q(wh, "SELECT count(*) FROM core_observation WHERE unit_code='873' AND indicator_code='teams_total'") == [(2,)]


def test_replace_then_rollback_restores_the_replaced_figure(wh):
    before = export_all(wh)
    plan = dry(wh, CONFLICTING, "c.xlsx")
    m = commit(plan, "an", policy="replace", replace=[conflict_key(r) for r in plan.conflicts.iter_rows(named=True)])
    assert q(wh, "SELECT value, source_id FROM core_observation WHERE unit_code='87' AND indicator_code='teams_total' AND NOT is_demo") \
        == [(1650.0, f"import:{m['batch_id']}")]
    rollback(m["batch_id"], "binh")
    assert q(wh, "SELECT count(*) FROM core_observation WHERE batch_id IS NOT NULL") == [(0,)]
    assert q(wh, "SELECT value, source_id FROM core_observation WHERE unit_code='87' AND indicator_code='teams_total' AND NOT is_demo") \
        == [(1620.0, "art_dongthap")]
    assert q(wh, "SELECT status, rolled_back_by FROM core_batch") == [("rolled_back", "binh")]
    after = export_all(wh)
    obs = lambda text: text.split("\n\n")[0]  # noqa: E731
    assert obs(after) == obs(before)           # observations exactly as before the import
    with pytest.raises(BatchError):
        rollback(m["batch_id"], "binh")        # not twice


def test_unchanged_figures_are_not_written_again(wh):
    data = xlsx([["Tên đơn vị", "Kỳ", "Tổng số tổ CNSCĐ"], ["Tỉnh Đồng Tháp", "03/2024", "1.620"]])
    plan = dry(wh, data, "same.xlsx")
    assert plan.unchanged == 1 and "no_rows" in codes(plan)


def test_rollback_respects_editor_scope(wh):
    data = xlsx([["Tên đơn vị", "Kỳ", "Số thành viên"], ["Tỉnh Bình Phước", "03/2024", 5000]])
    m = commit(dry(wh, data, "bp.xlsx", scope=["70"]), "bp_editor")
    with pytest.raises(BatchError, match="70"):
        rollback(m["batch_id"], "dt_editor", scope=["87"])
    rollback(m["batch_id"], "bp_editor", scope=["70"])


def test_batch_id_cannot_escape_the_imports_folder(wh):
    for bad in ("../../etc", "20240101T000000-zzzzzzzz", "", "x" * 500):
        with pytest.raises(BatchError):
            rollback(bad, "an")


def test_failed_write_leaves_no_trace(wh, monkeypatch):
    import queries

    before = export_all(wh)
    plan = dry(wh, district_report(), "a.xlsx")

    def boom(con, table, frame):
        if table == "core_batch":
            raise RuntimeError("disk full (simulated)")
        return real(con, table, frame)

    real = queries.insert
    monkeypatch.setattr(queries, "insert", boom)
    with pytest.raises(RuntimeError):
        commit(plan, "an")
    assert export_all(wh) == before
    assert list((wh.parent / "imports").iterdir()) == []


def test_replay_after_rebuild_keeps_imports(wh):
    m1 = commit(dry(wh, CONFLICTING, "c.xlsx"), "an", policy="replace",
                replace=["observation|87|legacy|teams_total|2024-03-01|2024-03-31"])
    m2 = commit(dry(wh, district_report(), "d.xlsx"), "an")
    rollback(m2["batch_id"], "an")
    expected = export_all(wh)
    wh.unlink()
    build_small(wh)                                   # `python -m data build` starts from scratch…
    con = duckdb.connect(str(wh))
    applied = replay_batches(con, log=lambda *_: None)   # …and replays the kept batches at its end
    con.execute("CHECKPOINT")
    con.close()
    assert applied == [m1["batch_id"]]
    assert export_all(wh) == expected


def test_cli_import_dry_run_and_rollback(wh, tmp_path, capsys):
    f = tmp_path / "bao_cao.xlsx"
    f.write_bytes(district_report())
    before = export_all(wh)
    assert main_import([str(f), "--dry-run"]) == 0
    assert "ACCEPTED" in capsys.readouterr().out
    assert export_all(wh) == before
    assert main_import([str(f), "--user", "nobody"]) == 2      # unknown editor
    assert main_import([str(f)]) == 0
    out = capsys.readouterr().out
    bid = out.split("batch ")[1].split(":")[0]
    assert q(wh, "SELECT count(*) FROM core_observation WHERE batch_id = ?", bid) == [(12,)]
    assert main_rollback([bid]) == 0
    assert main_rollback([bid]) == 1
    assert main_rollback(["../x"]) == 1


def test_cli_scope_from_editor_config(wh, tmp_path):
    from cnscd.store import auth

    auth.add_editor("dongthap", "mat-khau-dai", ["87"])
    f = tmp_path / "bp.xlsx"
    f.write_bytes(xlsx([["Tên đơn vị", "Kỳ", "Số thành viên"], ["Tỉnh Bình Phước", "03/2024", 5000]]))
    before = export_all(wh)
    assert main_import([str(f), "--user", "dongthap"]) == 1
    assert export_all(wh) == before


def _big_file(n_months: int = 12) -> tuple[bytes, int]:
    """Every legacy commune of the fixture's provinces, n months, three indicators."""
    from tests.ingest_fixtures import unit_frame

    communes = unit_frame().filter((pl.col("boundary_version") == "legacy") & (pl.col("unit_level") == "commune"))
    lines = ["Mã đơn vị,Kỳ báo cáo,Số thành viên,Tổng số tổ CNSCĐ,Số thôn, tổ dân phố"]
    lines[0] = "Mã đơn vị,Kỳ báo cáo,Số thành viên,Tổng số tổ CNSCĐ,Số người dân được hướng dẫn"
    for m in range(1, n_months + 1):
        for i, code in enumerate(communes["unit_code"]):
            lines.append(f"{code},{m:02d}/2023,{10 + i % 7},{1 + i % 3},{100 + m}")
    return "\n".join(lines).encode(), communes.height * n_months * 3


def fresh_count(path, tag: str) -> int:
    """Count imported rows in whatever file is live now. DuckDB shares one database instance per
    canonical path inside a process, so each read opens the current file through its own hard link."""
    import os

    ino = os.stat(path).st_ino
    link = path.with_name(f".{path.name}.{ino}.{tag}.ro")
    try:
        os.link(path, link)
    except FileNotFoundError:          # replaced between stat and link: read the next one
        return fresh_count(path, tag)
    try:
        con = duckdb.connect(str(link), read_only=True)
        try:
            return con.execute("SELECT count(*) FROM core_observation WHERE source_id LIKE 'import:%'").fetchall()[0][0]
        finally:
            con.close()
    finally:
        link.unlink()


READER_PROCESS = """
import os, sys, duckdb
from pathlib import Path
wh, flag = Path(sys.argv[1]), Path(sys.argv[2])
while not flag.exists():
    st = os.stat(wh)
    link = wh.with_name(f".{wh.name}.{st.st_ino}.proc.ro")
    try:
        os.link(wh, link)
    except FileNotFoundError:
        continue
    try:
        con = duckdb.connect(str(link), read_only=True)
        print(con.execute("SELECT count(*) FROM core_observation WHERE source_id LIKE 'import:%'").fetchall()[0][0], flush=True)
        con.close()
    finally:
        link.unlink()
"""


def test_readers_never_see_half_a_batch(wh):
    data, n = _big_file()
    plan = dry(wh, data, "big.csv")
    assert plan.ok and plan.observations.height == n
    seen: list[int] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader(i):
        try:
            while not stop.is_set():
                seen.append(fresh_count(wh, f"t{i}"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    # and a separate process (a second app server, say), reading until told to stop
    import subprocess
    import sys

    flag = wh.parent / "stop_reader"
    proc = subprocess.Popen([sys.executable, "-c", READER_PROCESS, str(wh), str(flag)], stdout=subprocess.PIPE, text=True)
    try:
        m = commit(plan, "an")
        assert fresh_count(wh, "main") == n
        while seen.count(n) < 3 and not errors:      # the readers pick the new file up too
            threading.Event().wait(0.01)
        rollback(m["batch_id"], "an")
        assert fresh_count(wh, "main") == 0
    finally:
        stop.set()
        for t in threads:
            t.join()
        flag.touch()
        out, _ = proc.communicate(timeout=60)
    assert not errors, errors
    seen_p = [int(x) for x in out.split()]
    assert seen_p and set(seen_p) <= {0, n}, f"process saw a partial batch: {sorted(set(seen_p) - {0, n})[:5]}"
    assert set(seen) <= {0, n}, f"partial batch seen: {sorted(set(seen) - {0, n})[:5]}"
    assert seen.count(0) > 0 and seen.count(n) > 0


def test_confirming_twice_writes_once(wh):
    plan = dry(wh, district_report(), "a.xlsx")
    commit(plan, "an")
    with pytest.raises(BatchError, match="already imported"):
        commit(plan, "an")
    assert q(wh, "SELECT count(*) FROM core_batch") == [(1,)]
