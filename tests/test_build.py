"""The build: atomic, idempotent, checked, and it says how long it took."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data import build as build_mod
from data import checks

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> dict[str, str]:
    """Content digest per table, independent of file layout."""
    c = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for t in build_mod.TABLES:
            if t == "core_build_info":
                continue
            rows = c.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()  # test-only introspection
            out[t] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        c.close()


@pytest.mark.slow
def test_build_cli_prints_counts_and_time_and_is_idempotent(tmp_path, warehouse_file):
    target = tmp_path / "w.duckdb"
    proc = subprocess.run([sys.executable, "-m", "data", "--warehouse", str(target), "build"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for table in ("core_unit", "core_observation", "core_target", "core_crosswalk", "core_population"):
        assert re.search(rf"{table}\s+[\d,]+ rows", proc.stdout), proc.stdout
    took = re.search(r"built .+ in ([\d.]+) s", proc.stdout)   # how fast: bench/bench_build.py
    assert took and float(took.group(1)) > 0, proc.stdout
    assert not list(tmp_path.glob("*.tmp")), "temporary build file left behind"
    # Idempotent: a second build (the session's warehouse came from the same code) has the same content.
    assert digest(target) == digest(warehouse_file)


def test_a_failing_build_leaves_the_live_file_untouched(tmp_path, monkeypatch, warehouse_file):
    live = tmp_path / "live.duckdb"
    live.write_bytes(warehouse_file.read_bytes())
    before = hashlib.sha256(live.read_bytes()).hexdigest()
    monkeypatch.setattr(checks, "run_all", lambda con: ["check_fake: a planted failure"])
    result = build_mod.build(live, log=lambda *_: None)
    assert result.failures == ["check_fake: a planted failure"]
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_all_checks_hold_on_the_built_warehouse(con):
    assert checks.run_all(con) == []
    assert len(checks.check_names()) >= 8
