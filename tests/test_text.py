"""The one text catalogue (cnscd/text/): every key in both languages, every key used in code exists,
every key in the catalogue is used, one `t()` and one `pick()`, a missing key never shows as itself."""
from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest

from cnscd import text
from cnscd.text import TEXT, MissingText, column, pick, t

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "cnscd" / "text"
# every module and page that may show text: the catalogue's own data modules define keys, they do not use them
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"),
                  *(p for p in (ROOT / "cnscd").rglob("*.py") if p.parent != CATALOGUE),
                  CATALOGUE / "__init__.py"])
LOOKUPS = {"t", "both"}   # text.t / t / text.both / both


def _trees() -> dict[Path, ast.AST]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in SOURCES}


def _lookups(tree: ast.AST):
    """(line, first argument) of every call of t() / both()."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in LOOKUPS:
                yield node.lineno, node.args[0]


def _literal_keys(arg: ast.AST) -> list[str] | None:
    """The keys a lookup's first argument can be when they are written in the call; None when it is a name."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        a, b = _literal_keys(arg.body), _literal_keys(arg.orelse)
        return None if a is None or b is None else a + b
    return None


# ---- the catalogue ------------------------------------------------------------------------------------
def test_every_key_has_both_languages_and_the_same_placeholders():
    for key, (vi, en) in TEXT.items():
        assert vi.strip() and en.strip(), key
        # a placeholder may come in each language's own form ({version_vi} / {version_en})
        same = [{re.sub(r"_(vi|en)$", "", p) for p in re.findall(r"{(\w+)", s)} for s in (vi, en)]
        assert same[0] == same[1], f"placeholders differ in {key}"


def test_a_key_in_two_areas_stops_the_load():
    with pytest.raises(ValueError, match="level_province"):
        text._load({"app": {"level_province": ("Tỉnh", "Province")},
                    "imports": {"level_province": ("Tỉnh (tất cả tỉnh)", "Province (all provinces)")}})
    with pytest.raises(ValueError, match="two texts"):
        text._load({"app": {"x": ("chỉ tiếng Việt",)}})


def test_one_language_at_a_time():
    """Interface text shows the UI language only: no entry carries the other language beside it
    ("Tải bộ slide / Download slides"). Error messages get both through text.both()."""
    for key, (vi, en) in TEXT.items():
        if vi != en and len(en) > 3 and len(vi) > 3:
            assert en.lower() not in vi.lower() and vi.lower() not in en.lower(), (key, vi, en)
    assert t("export_deck", "vi") == "Tải bộ slide" and t("export_deck", "en") == "Download slides"
    assert t("demo_note", "en") == "Demo data" and t("approx_note", "vi") == "Ranh giới gần đúng"


def test_level_province_has_one_text():
    assert t("level_province", "vi") == "Tỉnh" and t("level_province", "en") == "Province"
    assert [k for k, v in TEXT.items() if k.endswith("level_province")] == ["level_province"]
    assert text.level("district", "en") == "District (legacy boundaries)"


# ---- t() --------------------------------------------------------------------------------------------
def test_t_fills_and_falls_back_to_vietnamese():
    assert t("badge_latest", "vi", date="30/06/2025") == "Số liệu mới nhất: 30/06/2025"
    assert t("badge_latest", "en", date="30/06/2025") == "Latest data: 30/06/2025"
    assert t("badge_latest", "fr", date="x") == "Số liệu mới nhất: x"  # unknown language -> vi
    assert text.both("upload_too_big", size=3, limit=2) == (
        "Tệp 3 MB vượt giới hạn 2 MB; không đọc. / The file is 3 MB, over the 2 MB limit; not read.")


def test_a_missing_key_raises_in_tests(monkeypatch):
    with pytest.raises(MissingText, match="no_such_key"):
        t("no_such_key", "vi")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setenv("CNSCD_TEXT_STRICT", "1")
    with pytest.raises(MissingText):
        t("no_such_key", "en")


def test_a_missing_key_in_the_app_logs_and_shows_a_neutral_text(monkeypatch, caplog):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("CNSCD_TEXT_STRICT", raising=False)
    with caplog.at_level(logging.ERROR, logger="cnscd.text"):
        shown = t("no_such_key", "vi")
    assert shown == text.MISSING and "no_such_key" not in shown
    assert "no_such_key" in caplog.text


# ---- pick() -----------------------------------------------------------------------------------------
def test_pick_chooses_the_language_and_falls_back_to_vietnamese():
    row = {"name_vi": "Tổ CNSCĐ", "name_en": "Teams", "unit_of_measure": "tổ", "unit_of_measure_en": "teams",
           "label_vi": "Sau sáp nhập", "label_en": None}
    assert pick(row, "name", "vi") == "Tổ CNSCĐ" and pick(row, "name", "en") == "Teams"
    assert pick(row, "unit_of_measure", "vi") == "tổ" and pick(row, "unit_of_measure", "en") == "teams"
    assert pick(row, "label", "en") == "Sau sáp nhập"
    assert column("name", "en") == "name_en" and column("unit_of_measure", "vi") == "unit_of_measure"


def test_no_module_chooses_a_language_column_by_hand():
    hand = re.compile(r"""["'](\w+)_en["']\]?\s+if\s+(lang\s*==\s*["']en["']|en)\s+else""")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if hand.search(line)]
    assert found == [], found


# ---- every key used exists, every key is used ---------------------------------------------------------
def test_every_key_used_in_code_exists_and_is_written_out():
    missing, dynamic = [], []
    for path, tree in _trees().items():
        for line, arg in _lookups(tree):
            if isinstance(arg, ast.JoinedStr):
                dynamic.append(f"{path.relative_to(ROOT)}:{line}")
            for key in _literal_keys(arg) or []:
                if key not in TEXT:
                    missing.append(f"{path.relative_to(ROOT)}:{line} {key}")
        # tables of text keys (name ending in _KEYS, and ui.downloads.ITEMS): every value is a key
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                name = getattr(target, "id", "")
                if name.endswith("_KEYS") or (name == "ITEMS" and path.name == "downloads.py"):
                    for v in node.value.values:
                        assert isinstance(v, ast.Constant), f"{path.name}:{name} holds a computed key"
                        if v.value not in TEXT:
                            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {name} {v.value}")
    assert dynamic == [], f"text keys built at run time cannot be checked; write them out: {dynamic}"
    assert missing == [], missing


def test_every_key_in_the_catalogue_is_used():
    used = {node.value for tree in _trees().values() for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    unused = sorted(set(TEXT) - used)
    assert unused == [], f"keys nothing uses (remove them from cnscd/text/): {unused}"


def test_the_old_tables_are_gone():
    old = sorted(p.name for p in (ROOT / "cnscd").glob("i18*.py"))   # the two old modules and any like them
    assert old == [], old
    tables = re.compile(r"^(TEXT|WORDS|[A-Z_]*NOTE|[A-Z_]*WORD)\s*(:[^=]*)?=\s*\{", re.M)
    found = [str(p.relative_to(ROOT)) for p in SOURCES if p.parent != CATALOGUE and tables.search(p.read_text())]
    assert found == [], f"text tables outside cnscd/text/: {found}"


# ---- the sources page shows words, not codes ---------------------------------------------------------
def test_sources_tables_show_words_not_codes():
    import polars as pl

    from cnscd.views import sources

    cat = pl.DataFrame({"indicator_code": ["teams", "villages_pct", "villages"],
                        "name_vi": ["Tổ", "Tỷ lệ thôn", "Thôn"],
                        "name_en": ["Teams", "Villages with a team", "Villages"],
                        "description_vi": ["a", "b", "c"], "description_en": ["A", "B", "C"],
                        "unit_of_measure": ["tổ", "%", "thôn"], "unit_of_measure_en": ["teams", "%", "villages"],
                        "aggregation": ["sum", "ratio", "sum"], "numerator_code": [None, "teams", None],
                        "denominator_code": [None, "villages", None], "temporal": ["cumulative", "rate", "stock"],
                        "is_core": [True, True, False]})
    en = sources.indicator_table(cat, "en")
    assert en.columns == ["indicator_code", "name", "description", "unit", "aggregation", "numerator",
                          "denominator", "temporal", "is_core"]
    assert en["aggregation"].to_list() == ["summed", "ratio, recomputed from numerator and denominator", "summed"]
    assert en["temporal"].to_list() == ["cumulative", "rate", "stock at the end of the period"]
    assert en["numerator"][1] == "Teams" and en["name"][0] == "Teams" and en["unit"][2] == "villages"
    vi = sources.indicator_table(cat, "vi")
    assert vi["aggregation"][0] == "cộng" and vi["temporal"][0] == "luỹ kế" and vi["denominator"][1] == "Thôn"
    kinds = sources.source_table(pl.DataFrame({"source_kind": ["article", "reference", "demo", "estimate",
                                                               "package"]}), "vi")["source_kind"].to_list()
    assert kinds == ["bài báo", "tài liệu tham chiếu", "minh hoạ", "ước tính", "gói phần mềm"]
    versions = pl.DataFrame({"label_vi": ["34 tỉnh"], "label_en": ["34 provinces"], "valid_from_date": [None],
                             "valid_to_date": [None], "levels": ["nation,province,commune"], "source_title": ["x"],
                             "source_url": ["y"]})
    assert sources.boundary_table(versions, "en")["levels"][0] == "Nation, Province, Commune/ward"
