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


def differing_rows(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Per table (core_build_info aside), how many rows of `a` are not in `b` and of `b` not in `a`,
    counted as multisets (EXCEPT ALL: a duplicate counts, NULLs match): all zero = the same content,
    whatever the file layout. Compared inside DuckDB, no row goes through Python."""
    c = duckdb.connect()
    try:
        c.execute(f"ATTACH '{a}' AS a (READ_ONLY)")   # test-only introspection of two test files
        c.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        out = {}
        for t in build_mod.TABLES:
            if t == "core_build_info":
                continue
            out[t] = c.execute(f"""SELECT (SELECT count(*) FROM (FROM a.{t} EXCEPT ALL FROM b.{t})),
                                          (SELECT count(*) FROM (FROM b.{t} EXCEPT ALL FROM a.{t}))""").fetchone()
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
    differ = differing_rows(target, warehouse_file)
    assert differ and all(n == (0, 0) for n in differ.values()), differ


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
    # every check_*.sql in queries/ runs at build (none forgotten, none run twice)
    assert sorted(checks.check_names()) == sorted(p.stem for p in (ROOT / "queries").glob("check_*.sql"))


def test_the_warehouse_records_its_inputs_and_a_stale_one_is_rebuilt(tmp_path, monkeypatch, warehouse_file):
    """core_build_info carries the input fingerprint; tests/conftest.py rebuilds var/warehouse.duckdb
    when it differs (the suite never reads data older than its inputs) and leaves a current one alone."""
    import shutil

    from data import fingerprint
    from tests import conftest

    assert conftest.built_fingerprint(warehouse_file) == fingerprint.fingerprint()
    # any input file changes the fingerprint: a seed CSV, the generator, a check's SQL
    root = tmp_path / "src"
    for p in fingerprint.input_files():
        (root / p.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, root / p.relative_to(ROOT))
    same = fingerprint.fingerprint(root)
    assert same == fingerprint.fingerprint()
    for rel in ("data/seed_figures.csv", "data/demo.py", "queries/check_value_ranges.sql", "queries/schema.sql"):
        with open(root / rel, "a", encoding="utf-8") as f:
            f.write("\n")
        assert fingerprint.fingerprint(root) != same, rel
        same = fingerprint.fingerprint(root)

    live = tmp_path / "live.duckdb"
    shutil.copyfile(warehouse_file, live)
    built: list[Path] = []
    monkeypatch.setattr(build_mod, "build", lambda target, log=None: built.append(target) or build_mod.BuildResult(
        target, 0.0, {}))
    assert conftest.fresh_live_warehouse(live) == "current" and built == []
    monkeypatch.setattr(fingerprint, "fingerprint", lambda root=ROOT: "inputs changed")
    assert conftest.fresh_live_warehouse(live).startswith("stale") and built == [live]
    assert conftest.fresh_live_warehouse(tmp_path / "none.duckdb") == "missing"
