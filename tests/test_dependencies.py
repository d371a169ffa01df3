"""Dependencies that earn their place (issue 10 §8): every runtime pin is imported by the project, or
is required by another pin (and pinned so the install is reproducible), or is named here with the
check that proves it is used. A pin imported nowhere (fastexcel was) fails this test."""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ["app.py", "cnscd", "data", "geo", "queries", "pages", "bench", "scripts"]
IMPORT_NAME = {"python-pptx": "pptx", "fpdf2": "fpdf", "pillow": "PIL", "argon2-cffi": "argon2",
               "tomli-w": "tomli_w", "unidecode": "unidecode"}


def _pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return dict(ln.strip().split("==") for ln in lines if "==" in ln and not ln.startswith("#"))


def _imported() -> set[str]:
    pat = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
    names = set()
    for d in SOURCE:
        p = ROOT / d
        for f in [p] if p.is_file() else p.rglob("*.py"):
            names |= set(pat.findall(f.read_text(encoding="utf-8")))
    return names


def _required_by_other_pins(name: str, pins: dict[str, str]) -> list[str]:
    def norm(s):
        return re.sub(r"[-_.]+", "-", s).lower()

    out = []
    for other in pins:
        for req in metadata.requires(other) or []:
            if "extra ==" not in req and norm(re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0]) == norm(name):
                out.append(other)
    return out


def test_every_pin_earns_its_place():
    pins, imported = _pins(), _imported()
    idle = [n for n in pins if IMPORT_NAME.get(n.lower(), n.lower().replace("-", "_")) not in
            {m.lower() for m in imported} and not _required_by_other_pins(n, pins) and n != "defusedxml"]
    assert not idle, f"pinned but neither imported nor required by another pin: {idle}"


def test_pins_are_what_is_installed():
    wrong = {n: (v, metadata.version(n)) for n, v in _pins().items() if metadata.version(n) != v}
    assert not wrong, wrong


def test_openpyxl_parses_workbooks_with_defusedxml():
    """defusedxml is imported by openpyxl itself when present (no import of ours would show it)."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
