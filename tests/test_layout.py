"""The map of the house (docs/design.md "Layout"): who may import whom, checked on every import
statement (also those inside functions). A failure names the file and the import."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package (path prefix under cnscd/) -> cnscd packages it must not import
NOT_FROM = {
    "text": {"cnscd.store", "cnscd.views", "cnscd.ui", "cnscd.charts", "cnscd.export", "cnscd.ingest"},
    "store": {"cnscd.views", "cnscd.ui", "cnscd.charts", "cnscd.export"},
    "views": {"cnscd.ui", "cnscd.export"},
    "charts": {"cnscd.store", "cnscd.views", "cnscd.ui", "cnscd.export", "cnscd.ingest"},
    "export": {"cnscd.store", "cnscd.views", "cnscd.ui", "cnscd.ingest"},
    "ingest": {"cnscd.ui", "cnscd.views", "cnscd.charts", "cnscd.export"},
    "fmt.py": {"cnscd.store", "cnscd.views", "cnscd.ui", "cnscd.charts", "cnscd.export", "cnscd.ingest"},
    "months.py": {"cnscd"},
    "collate.py": {"cnscd"},
    "unitref.py": {"cnscd.store", "cnscd.views", "cnscd.ui", "cnscd.charts", "cnscd.export", "cnscd.ingest"},
    "brief.py": {"cnscd.ui", "cnscd.ingest"},   # the pack is built without Streamlit (the button calls it)
}
# Streamlit belongs to the pages, app.py, cnscd/ui/ and the launcher that patches it
STREAMLIT_OK = ("cnscd/ui/", "cnscd/serve.py")


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            out += [a.name for a in n.names]
        elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
            out += [n.module] + [f"{n.module}.{a.name}" for a in n.names]
    return out


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def library_files() -> list[Path]:
    return sorted((ROOT / "cnscd").rglob("*.py"))


def test_packages_import_only_downwards():
    bad = []
    for path in library_files():
        rel = path.relative_to(ROOT / "cnscd").as_posix()
        key = rel.split("/")[0]
        banned = NOT_FROM.get(key, set())
        for name in imports(path):
            hit = [b for b in banned if _under(name, b)]
            if hit:
                bad.append(f"cnscd/{rel} imports {name}")
    assert not bad, "imports against the layout (docs/design.md):\n" + "\n".join(bad)


def test_streamlit_only_in_ui_pages_and_launcher():
    bad = [f"{p.relative_to(ROOT)} imports {n}" for p in library_files()
           if not p.relative_to(ROOT).as_posix().startswith(STREAMLIT_OK)
           for n in imports(p) if _under(n, "streamlit")]
    assert not bad, "\n".join(bad)


def test_pages_import_only_cnscd_streamlit_and_the_standard_library():
    """Pages are widgets and calls: no data, database or geometry library, no geo/, data/ or queries/."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        roots = {n.split(".")[0] for n in imports(page)}
        other = roots - stdlib - {"cnscd", "streamlit"}
        assert not other, f"{page.relative_to(ROOT)} imports {sorted(other)}"


def test_the_top_level_of_cnscd_is_only_what_design_md_lists():
    """New modules go into their role's package; the flat top level holds the shared pure helpers and
    the launchers / command lines (serve, cluster, brief)."""
    top = sorted(p.name for p in (ROOT / "cnscd").iterdir() if p.suffix == ".py" or
                 (p.is_dir() and (p / "__init__.py").exists()))
    assert top == ["__init__.py", "brief.py", "charts", "cluster.py", "collate.py", "export", "fmt.py", "ingest", "months.py",
                   "serve.py", "store", "text", "ui", "unitref.py", "views"], top
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for name in top[1:]:
        assert f"`{name.removesuffix('.py')}" in design or f"`cnscd/{name}" in design, f"docs/design.md does not place {name}"
