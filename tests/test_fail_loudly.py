"""Fail loudly (issue 10 §6): no import of the project's own code is guarded, and the small bugs found
on the way stay fixed (each test names the bug it would have caught)."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import polars as pl

from cnscd import fmt
from cnscd.views import overview

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ["app.py", "cnscd", "data", "geo", "queries", "pages", "bench", "scripts"]


def _py_files():
    for name in SOURCE:
        p = ROOT / name
        yield from ([p] if p.is_file() else sorted(p.rglob("*.py")))


def test_no_import_is_guarded():
    """`try: from data.import_cli import …  except ImportError: …` made batch replay, the Hoàng Sa /
    Trường Sa labels and the crosswalk cross-check vanish silently when a module broke."""
    found = []
    for f in _py_files():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = [n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)]
                if {"ImportError", "ModuleNotFoundError"} & set(names):
                    found.append(f"{f.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"guarded imports: {found}"


def test_fmt_functions_use_every_parameter():
    """fmt.d3 took `percent_unit` and ignored it; a caller passing it got no percent format."""
    intended = {("date", "lang")}    # dates are dd/mm/yyyy in both languages; `lang` keeps the API uniform
    tree = ast.parse(Path(fmt.__file__).read_text(encoding="utf-8"))
    ignored = []
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
        ignored += [(fn.name, a.arg) for a in fn.args.args + fn.args.kwonlyargs
                    if a.arg not in used and (fn.name, a.arg) not in intended]
    assert not ignored
    assert fmt.d3(1) == ",.1f" and fmt.d3() == ",.0f"


def _snap_and_catalogue():
    rows = [("VN", "teams", 100_000.0, 1_000.0, 1.0, 50.0), ("VN", "share", 80.0, 2.0, 2.6, None),
            ("79", "teams", 4_000.0, -10.0, -0.2, 80.0), ("79", "share", 60.5, 0.5, 0.8, None)]
    snap = pl.DataFrame(rows, schema=["unit_code", "indicator_code", "value", "delta", "delta_pct", "pct_target"],
                        orient="row").with_columns(spark=pl.lit([1.0, 2.0]), is_demo=pl.lit(True))
    cat = pl.DataFrame({"indicator_code": ["teams", "share"], "name_vi": ["Số tổ", "Tỷ lệ"],
                        "name_en": ["Teams", "Share"], "unit_of_measure": ["tổ", "%"],
                        "unit_of_measure_en": ["teams", "%"], "description_vi": ["", ""],
                        "description_en": ["", ""], "higher_is_better": [True, True]})
    return snap, cat


def test_cards_show_the_unit_asked_for_with_its_unit_of_measure():
    """overview.cards reused its `unit` argument (the place) for the unit of measure inside the loop."""
    snap, cat = _snap_and_catalogue()
    hcm = {c["code"]: c for c in overview.cards(snap, cat, "vi", dt.date(2025, 6, 30), unit="79")}
    assert hcm["teams"]["value"] == "4.000" and hcm["teams"]["unit"] == "tổ"
    assert hcm["share"]["value"] == "60,5 %" and hcm["share"]["unit"] == ""
    vn = {c["code"]: c for c in overview.cards(snap, cat, "en", dt.date(2025, 6, 30))}
    assert vn["teams"]["value"] == "100,000" and vn["teams"]["unit"] == "teams"
    assert vn["share"]["delta"] == "+2.0 pp"


def test_runtime_state_lives_under_one_directory(tmp_path, monkeypatch):
    """The running app wrote into the source tree (data/imports, geo/user, config/.editors.state.json)."""
    import subprocess
    import sys

    from cnscd.store import auth, statedir, warehouse
    from cnscd.ingest import batches

    for var in ("CNSCD_WAREHOUSE", "CNSCD_IMPORTS_DIR", "CNSCD_GEO_USER_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CNSCD_STATE_DIR", str(tmp_path / "state"))
    assert warehouse.path() == tmp_path / "state" / "warehouse.duckdb"
    assert batches.imports_dir() == tmp_path / "state" / "imports"
    assert auth._state_path(tmp_path / "cfg" / "editors.toml").parent == tmp_path / "state" / "auth"
    code = "from geo import layers; print(layers.USER_DIR)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(tmp_path / "state" / "geo")
    monkeypatch.delenv("CNSCD_STATE_DIR")
    assert statedir.path() == ROOT / "var"


def test_state_left_in_its_old_place_is_not_ignored(tmp_path, monkeypatch):
    """Imports still in data/imports would silently drop out of the next build; refuse instead."""
    import pytest

    from cnscd.store import statedir
    from cnscd.ingest import batches

    monkeypatch.delenv("CNSCD_IMPORTS_DIR", raising=False)
    monkeypatch.delenv("CNSCD_WAREHOUSE", raising=False)
    old = tmp_path / "old_imports"
    (old / "batches").mkdir(parents=True)
    (old / "batches" / "x.json").write_text("{}")
    monkeypatch.setitem(statedir.OLD_PLACES, "imports", old)
    monkeypatch.setenv("CNSCD_STATE_DIR", str(tmp_path / "state"))
    with pytest.raises(statedir.StateDirError, match="mv "):
        batches.imports_dir()
    (tmp_path / "state" / "imports").mkdir(parents=True)
    assert batches.imports_dir() == tmp_path / "state" / "imports"
