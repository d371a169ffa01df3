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


# A string literal that opens with a statement keyword is SQL written in Python: it belongs in queries/*.sql
# and runs through queries.run / queries.write (STYLE.md "one query gateway").
_SQL_START = re.compile(r"^\s*(SELECT|INSERT|CREATE|DELETE|UPDATE|DROP|ALTER|CHECKPOINT|WITH|BEGIN|COMMIT|ROLLBACK"
                        r"|ATTACH|DETACH|COPY|PRAGMA|INSTALL|LOAD|TRUNCATE|MERGE|EXPORT|IMPORT|VACUUM|DESCRIBE|SUMMARIZE)"
                        r"\b(?:\s+\S|\s*;?\s*$)")


def sql_strings_outside_queries() -> list[str]:
    import ast

    hits = []
    for d in CODE_DIRS:
        p = ROOT / d
        for f in [p] if p.is_file() else sorted(p.rglob("*.py")):
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"), filename=str(f))):
                if isinstance(node, ast.JoinedStr):   # an f-string: its opening text
                    first = node.values[0] if node.values else None
                    text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                else:
                    continue
                if _SQL_START.match(text):
                    hits.append(f"{f.relative_to(ROOT)}:{node.lineno}: {text.strip()[:60]!r}")
    return hits


def test_no_sql_string_outside_queries():
    hits = sql_strings_outside_queries()
    assert hits == [], "SQL written as Python strings (move it to queries/*.sql):\n" + "\n".join(hits)


def test_every_sql_file_has_a_header():
    for path in sorted(queries.QUERY_DIR.glob("*.sql")):
        head = [line for line in path.read_text(encoding="utf-8").splitlines()[:12] if line.startswith("--")]
        assert head and head[0].startswith(f"-- {path.stem}: "), f"{path.name}: first line '-- {path.stem}: purpose'"
        if path.stem != "schema":
            assert any(re.match(r"--\s*(params:|takes no parameters)", line) for line in head), \
                f"{path.name}: header must say '-- params: …' or '-- takes no parameters'"


def test_pages_import_only_cnscd_and_streamlit():
    """Pages are widgets and calls: no data, database or geometry library (docs/design.md)."""
    import ast

    banned = {"duckdb", "polars", "pandas", "shapely", "geopandas", "queries"}
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = ast.parse(page.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not names & banned, f"{page.name} imports {sorted(names & banned)}"
