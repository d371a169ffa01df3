"""The monthly briefing pack (cnscd/brief.py), opened and read: the text of the PDF (pdftotext) and of the
PPTX (python-pptx) holds the same card numbers, ranking values and units behind target as SQL of our own
over the core tables (tests/numbers.py `Truth`), for a 2025 province (2025:82 Đồng Tháp, 10/2026) and a
legacy one (legacy:87 Đồng Tháp, 06/2024), in Vietnamese and English; every page carries the demo notice;
two builds are byte-identical; bad input exits 2 with both languages and writes nothing.

Set CNSCD_BRIEF_LOOK=1 to keep the files in /tmp/shots-brief/.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
from functools import partial
from pathlib import Path

import pytest

from tests.numbers import months_back, parse_number, ranks, shows

A = ("2025", "82", dt.date(2026, 10, 31))     # Đồng Tháp of the 34 provinces
B = ("legacy", "87", dt.date(2024, 6, 30))    # Đồng Tháp before the merger
BUILDS = [(A, "vi", "pdf"), (A, "en", "pptx"), (B, "en", "pdf"), (B, "vi", "pptx")]
KEYS = [(v, lang, kind) for (v, _, _), lang, kind in BUILDS]
IDS = [f"{v}-{lang}-{kind}" for v, lang, kind in KEYS]
CARDS = ("teams_total", "members", "villages_with_team_pct", "vneid_activations", "ewallet_installs",
         "shops_epayment", "people_guided_dvc", "dossiers_online_pct")
MAIN, BEHIND = "teams_total", 80.0
CHILD = {"2025": "commune", "legacy": "district"}
# section titles the pack prints (what the test reads between)
TITLES = {"vi": {"cards": "Các chỉ tiêu chính", "what": "Điểm đáng chú ý", "rank": "Xếp hạng",
                 "behind": "dưới 80 % mục tiêu", "dti": "Lịch sử xếp hạng"},
          "en": {"cards": "Headline figures", "what": "What changed", "rank": "ranked by % of target",
                 "behind": "below 80% of target", "dti": "DTI rank history"}}
LOOK = Path("/tmp/shots-brief")


def _label(day: dt.date, lang: str) -> str:
    return f"T{day.month}/{day.year}" if lang == "vi" else f"{day.month:02d}/{day.year}"


def _norm(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    f = tmp_path / "pack.pdf"
    f.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", str(f), "-"], capture_output=True, check=True, text=True).stdout
    return [_norm(p) for p in out.split("\f") if p.strip()]


def pptx_pages(data: bytes) -> list[str]:
    from pptx import Presentation

    pages = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
            elif shape.has_text_frame:
                parts.append(shape.text_frame.text)
        pages.append(_norm(" ".join(parts)))
    return pages


@pytest.fixture(scope="module")
def query(con):
    import queries

    return partial(queries.run, con.cursor())


@pytest.fixture(scope="module")
def built(query, chromium):
    from cnscd import brief
    from cnscd.unitref import UnitRef

    out = {}
    for (version, code, day), lang, kind in BUILDS:
        out[(version, lang, kind)] = brief.build(query, UnitRef(version, code), day, lang, kind)
        if os.environ.get("CNSCD_BRIEF_LOOK"):
            LOOK.mkdir(exist_ok=True)
            (LOOK / f"test_{version}-{code}_{lang}.{kind}").write_bytes(out[(version, lang, kind)])
    return out


@pytest.fixture(scope="module")
def pages(built, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("brief")
    return {k: pdf_pages(v, tmp) if k[2] == "pdf" else pptx_pages(v) for k, v in built.items()}


def _case(version):
    return A if version == "2025" else B


def _between(pages: list[str], start: str, end: str | None) -> str:
    """The text from the first page holding `start` up to (not including) the first later page holding `end`."""
    text = " ".join(pages)
    i = text.index(start)
    j = text.index(end, i + len(start)) if end else len(text)
    return text[i:j]


# ---- cards --------------------------------------------------------------------------------------------
def _change(segment: str, since: dt.date, lang: str):
    word = "so với" if lang == "vi" else "vs"
    m = re.search(rf"(–|[+\-−][\d.,]+)(?: \(([+\-−][\d.,]+) ?%\))?(?: (?:đ\.%|pp))? {word} {re.escape(_label(since, lang))}",
                  segment)
    assert m, (since, segment)
    return m.group(1), m.group(2)


@pytest.mark.parametrize("key", KEYS, ids=IDS)
def test_cards_equal_the_warehouse(key, pages, truth):
    version, lang, _ = key
    _, code, day = _case(version)
    cards = _between(pages[key], TITLES[lang]["cards"], TITLES[lang]["what"])
    names = [truth.name(c, lang) for c in CARDS]
    pos = [cards.index(n) for n in names]
    assert pos == sorted(pos), "cards in the pack's order"
    prev, year_ago = months_back(day, 1), months_back(day, 12)
    checked = 0
    for k, c in enumerate(CARDS):
        seg = cards[pos[k] + len(names[k]): pos[k + 1] if k + 1 < len(pos) else len(cards)]
        v = truth.value(version, code, c, day)
        assert shows(seg, v, lang), (c, seg, v)
        for since, (d_text, p_text) in ((prev, _change(seg, prev, lang)), (year_ago, _change(seg, year_ago, lang))):
            then = truth.value(version, code, c, since)
            if then is None:
                assert d_text == "–", (c, since, seg)
                continue
            assert shows(d_text, v - then, lang), (c, since, d_text, v - then)
            if p_text is not None:
                assert shows(p_text, 100 * (v - then) / then, lang), (c, since, p_text)
            checked += 1
        target = truth.targets(version, c, day, [code]).get(code)
        m = re.search(r"([\d.,]+) ?% (?:mục tiêu|of target)", seg)
        assert (m is None) == (target is None), (c, seg, target)
        if target:
            assert shows(m.group(1), 100 * v / target, lang), (c, m.group(1), 100 * v / target)
    assert checked >= 12


# ---- ranking and units behind target ---------------------------------------------------------------------
def _children(truth, version, code, day):
    level = CHILD[version]
    names = truth.units(version, level, code)
    values = truth.values(version, MAIN, day, level=level, province=code)
    targets = truth.targets(version, MAIN, day, list(names))
    pct = {u: 100 * values[u] / targets[u] for u in values if targets.get(u)}
    return names, values, targets, pct


NUM = r"(–|[\d.,]+)"


@pytest.mark.parametrize("key", KEYS, ids=IDS)
def test_ranking_against_target_equals_the_warehouse(key, pages, truth):
    version, lang, _ = key
    _, code, day = _case(version)
    names, values, targets, pct = _children(truth, version, code, day)
    rank = ranks(pct)
    section = _between(pages[key], _ranking_title(pages[key], lang), TITLES[lang]["dti"])
    for u, name in names.items():
        m = re.search(rf"(?:^| )(\d+|–) {re.escape(name)} {NUM} {NUM} (–|[\d.,]+ ?%)", section)
        assert m, (name, section[:300])
        assert m.group(1) == (str(rank[u]) if u in rank else "–"), (name, m.group(1), rank.get(u))
        assert shows(m.group(2), values.get(u), lang) and shows(m.group(3), targets.get(u), lang), (name, m.groups())
        assert shows(m.group(4), pct.get(u), lang), (name, m.group(4), pct.get(u))


def _ranking_title(pages: list[str], lang: str) -> str:
    """The ranking table's title: the second occurrence (the first is the chart, a picture in the PDF and
    its slide's text only in the PPTX notes) of the line starting the ranking's words."""
    text = " ".join(pages)
    word = TITLES[lang]["rank"]
    starts = [m.start() for m in re.finditer(re.escape(word), text)]
    behind = text.index(TITLES[lang]["behind"])
    after = [s for s in starts if s > behind]
    assert after, word
    return text[after[0]: after[0] + len(word)]


@pytest.mark.parametrize("key", KEYS, ids=IDS)
def test_units_behind_target_equal_the_warehouse(key, pages, truth):
    version, lang, _ = key
    _, code, day = _case(version)
    names, values, targets, pct = _children(truth, version, code, day)
    text = " ".join(pages[key])
    start = text.index(TITLES[lang]["behind"])
    section = text[start: text.index(TITLES[lang]["rank"], start)]
    late = {u for u, p in pct.items() if p < BEHIND}
    assert late, "the test needs units behind target"
    for u, name in names.items():
        m = re.search(rf"(?:^| ){re.escape(name)} {NUM} {NUM} ([\d.,]+ ?%) {NUM}", section)
        assert (m is not None) == (u in late), (name, pct.get(u), section[:400])
        if m:
            assert shows(m.group(1), values[u], lang) and shows(m.group(2), targets[u], lang), (name, m.groups())
            assert shows(m.group(3), pct[u], lang) and shows(m.group(4), targets[u] - values[u], lang), (name, m.groups())
    for u, name in names.items():   # units with no report are named under the table
        if u not in values:
            assert re.search(rf"[:,] {re.escape(name)}[,.]", section), name


# ---- the DTI, the cover, the demo notice ----------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS, ids=IDS)
def test_dti_ranks_cover_and_demo_notice(key, pages, truth):
    from cnscd.text import t

    version, lang, kind = key
    _, code, day = _case(version)
    text = " ".join(pages[key])
    dti = text[text.index(TITLES[lang]["dti"]):]
    # published ranks of the province and of its counterparts across the reform, out of the units ranked
    rows = truth.sql("""
        WITH related AS (SELECT ? AS c, ? AS v UNION SELECT from_code, from_version FROM core_crosswalk
                         WHERE unit_level = 'province' AND to_code = ? AND to_version = ?)
        SELECT o.unit_code, o.boundary_version, year(o.period_end), o.value,
               (SELECT count(*) FROM core_unit u WHERE u.boundary_version = o.boundary_version AND u.unit_level = 'province'),
               (SELECT u.short_name FROM core_unit u WHERE u.boundary_version = o.boundary_version
                AND u.unit_level = 'province' AND u.unit_code = o.unit_code)
        FROM core_observation o JOIN related r ON r.c = o.unit_code AND r.v = o.boundary_version
        WHERE o.indicator_code = 'dti_rank' AND o.granularity = 'year' AND NOT o.is_demo""",
                     [code, version, code, version])
    assert rows
    for _, row_version, year, value, n, name in rows:
        # a predecessor's rank names its boundary version: 2025 Đồng Tháp's 2022 "Đồng Tháp" is legacy 87's
        unit = name if row_version == version else f"{name} {t('all_63_provinces', lang)}"
        assert re.search(rf"{year} {re.escape(unit)} (– )?{int(value)}/{n}", dti), (year, unit, value, n, dti[:300])
    label = truth.sql("SELECT label_vi, label_en FROM core_boundary_version WHERE boundary_version = ?", [version])[0]
    cover = pages[key][0]
    assert (label[0] if lang == "vi" else label[1]) in cover and f"{version}:{code}" in cover
    notice = _norm(t("demo_banner", lang))
    assert all(notice in p for p in pages[key]), [i for i, p in enumerate(pages[key]) if notice not in p]


def test_same_inputs_give_the_same_bytes(query, built):
    from cnscd import brief
    from cnscd.unitref import UnitRef

    version, code, day = A
    assert brief.build(query, UnitRef(version, code), day, "vi", "pdf") == built[(version, "vi", "pdf")]
    version, code, day = B
    assert brief.build(query, UnitRef(version, code), day, "vi", "pptx") == built[(version, "vi", "pptx")]


# ---- what the arguments mean, and bad input -------------------------------------------------------------
def test_a_bare_code_is_read_in_the_months_boundaries(query):
    from cnscd import brief
    from cnscd.unitref import UnitRef

    assert brief.resolve(query, "82", "2026-10") == (UnitRef("2025", "82"), dt.date(2026, 10, 31))
    assert brief.resolve(query, "82", "2024-06") == (UnitRef("legacy", "82"), dt.date(2024, 6, 30))
    assert brief.resolve(query, "legacy:87", "2024-06", "legacy")[0] == UnitRef("legacy", "87")


@pytest.mark.parametrize("args, names", [
    (["--province", "99", "--month", "2026-10"], "--province 99"),
    (["--province", "82", "--month", "2021-01"], "--month 2021-01"),
    (["--province", "82", "--month", "10/2026"], "--month 10/2026"),
    (["--province", "2025:82", "--month", "2024-06"], "--province 2025:82"),
    (["--province", "87", "--month", "2026-10", "--version", "legacy"], "--province 87"),
    (["--province", "x", "--month", "2026-10"], "--province x"),
])
def test_bad_input_exits_2_in_both_languages_and_writes_nothing(args, names, warehouse_file, tmp_path, capsys):
    from cnscd import brief

    code = brief.main([*args, "--out", str(tmp_path / "b.pdf"), "--warehouse", str(warehouse_file)])
    err = capsys.readouterr().err
    assert code == 2 and names in err and " / " in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_out_path_exits_2(warehouse_file, tmp_path, capsys):
    from cnscd import brief

    base = ["--province", "82", "--month", "2026-10", "--warehouse", str(warehouse_file)]
    assert brief.main([*base, "--out", str(tmp_path / "b.docx")]) == 2
    assert ".pdf" in capsys.readouterr().err
    assert brief.main([*base, "--out", str(tmp_path / "no" / "such" / "b.pdf")]) == 2
    assert str(tmp_path / "no" / "such") in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_command_writes_the_file_whole(warehouse_file, tmp_path, chromium, capsys):
    from cnscd import brief

    out = tmp_path / "b.pptx"
    assert brief.main(["--province", "87", "--month", "2024-06", "--lang", "en", "--out", str(out),
                       "--warehouse", str(warehouse_file)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["b.pptx"]   # no temp file left beside it
    assert "Monthly brief, 06/2024" in " ".join(pptx_pages(out.read_bytes()))


# ---- the overview's buttons ------------------------------------------------------------------------------
def test_the_overview_offers_the_pack_of_its_province_and_month(warehouse_env, chromium):
    from tests.numbers import ok, open_page

    def buttons(at):
        return {b.proto.label: b for b in at.get("download_button") if b.proto.label.startswith("Bản tin")}

    at = ok(open_page(None, unit="2025:82", period="2026-10"))
    got = buttons(at)
    assert sorted(got) == ["Bản tin tháng của tỉnh (PDF)", "Bản tin tháng của tỉnh (PPTX)"], sorted(got)
    assert not any(b.proto.disabled for b in got.values())
    nation = buttons(ok(open_page(None, period="2026-10")))
    assert nation and all(b.proto.disabled for b in nation.values())
