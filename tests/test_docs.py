"""Docs as tests: every SQL file is used, every page is in the README, the README's commands exist."""
from __future__ import annotations

import re
from pathlib import Path

import queries

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ["app.py", "pages", "cnscd", "data", "geo", "bench"]


def _code_text() -> str:
    parts = []
    for d in CODE_DIRS:
        p = ROOT / d
        files = [p] if p.is_file() else sorted(p.rglob("*.py"))
        parts += [f.read_text(encoding="utf-8") for f in files]
    return "\n".join(parts)


def test_every_sql_file_is_used():
    code = _code_text()
    unused = [n for n in queries.names() if not n.startswith("check_") and f'"{n}"' not in code and f"'{n}'" not in code]
    assert unused == [], f"SQL files no code runs: {unused}"


def test_every_page_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "pages").glob("*.py")):
        assert f"pages/{page.name}" in readme, f"{page.name} missing from README's page table"


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for script in re.findall(r"bash (scripts/\S+\.sh)", readme):
        assert (ROOT / script).is_file(), script
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci
