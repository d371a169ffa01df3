"""The Sources page (pages/7_Nguon.py) after a planner's import and after its rollback: each source's figures and
targets are the rows of core_observation / core_target citing it (own SQL), the imported file is listed with
its kind in words ("tệp báo cáo nhập vào" / "imported report file"; before, the bare code "import" in both
languages), and every source a chart's footer names after the import is a title the page lists.
"""
from __future__ import annotations

import re

import duckdb
import pytest

from tests import numbers as nb
from tests.ingest_fixtures import demo_copy, dry

KIND = {"vi": "tệp báo cáo nhập vào", "en": "imported report file"}
WORDS = {"vi": {"bài báo", "tài liệu tham chiếu", "minh hoạ", "ước tính", "gói phần mềm"},
         "en": {"article", "reference", "demo", "estimate", "software package"}}


def own_counts(path) -> dict[str, tuple[str, int, int]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.sql("""SELECT s.source_id, coalesce(s.title_en, s.title), s.title,
                                 (SELECT count(*) FROM core_observation o WHERE o.source_id = s.source_id),
                                 (SELECT count(*) FROM core_target t WHERE t.source_id = s.source_id)
                          FROM core_source s""").fetchall()
    finally:
        con.close()
    return {sid: (title_en, title_vi, n, m) for sid, title_en, title_vi, n, m in rows}


def listed(lang):
    """{title: (kind, figures, targets)} of the page's source table."""
    at = nb.ok(nb.open_page("sources", lang=lang))
    frame = nb.frames(at)[0]
    return {str(r.iloc[0]): (str(r.iloc[1]), int(nb.none(r.iloc[5]) or 0), int(nb.none(r.iloc[6]) or 0))
            for _, r in frame.iterrows()}


def check(path, lang, imported: str | None, rolled_back: str = ""):
    want = own_counts(path)
    got = listed(lang)
    assert len(got) == len(want), (len(got), len(want))
    for sid, (title_en, title_vi, n, m) in want.items():
        title = title_en if lang == "en" else title_vi
        assert got[title][1:] == (n, m), (sid, got[title], n, m)
    if imported:
        assert got[imported] == (KIND[lang], 1 + 0, 0), got[imported]
    words = WORDS[lang] | ({KIND[lang]} if imported or rolled_back in got else set())
    assert {k for k, *_ in got.values()} == words, sorted({k for k, *_ in got.values()})   # every kind in words
    return got


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sources_after_an_import_and_its_rollback(warehouse_file, tmp_path, monkeypatch, truth, lang):
    from cnscd.ingest import commit, rollback

    target = demo_copy(warehouse_file, tmp_path, monkeypatch)
    day = truth.latest_month()
    data = f"Mã đơn vị;Tên đơn vị;Kỳ báo cáo;Tổng số tổ CNSCĐ\n82;Tỉnh Đồng Tháp;{day:%m/%Y};3000\n".encode()
    plan = dry(target, data, "dong-thap-t10.csv")
    batch = commit(plan, "audit7", policy="replace")["batch_id"]
    titles = check(target, lang, "dong-thap-t10.csv")
    # every source a chart's footer names is listed on the page
    downloads = nb.Downloads.install(monkeypatch)
    for page, params in ((None, dict(unit="2025:82")), ("map", dict(ind="teams_total")), ("targets", {}),
                         ("compare", dict(units="82"))):
        nb.ok(nb.open_page(page, period=f"{day:%Y-%m}", lang=lang, **params))
    footers = [meta.source for _, meta in downloads.menus.values()]
    assert any("dong-thap-t10.csv" in f for f in footers), footers
    for footer in footers:     # each footer is listed titles and separators ("+1 nguồn khác": the rest, untold)
        rest = re.sub(r"\+\d+ [^;,]+$", "", footer)
        for title in sorted(titles, key=len, reverse=True):
            rest = rest.replace(title, "")
        assert not rest.strip(" ;,"), (footer, rest)
    rollback(batch, "audit7")
    after = check(target, lang, None, "dong-thap-t10.csv")
    if "dong-thap-t10.csv" in after:     # a rolled-back file may stay listed, citing nothing
        assert after["dong-thap-t10.csv"][1:] == (0, 0)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_article_figures_table_is_every_article_figure_and_target(warehouse_env, truth, lang):
    """Every figure and target an article gave (core_observation / core_target of an article source, not demo,
    not imported), with its unit, period and number (own SQL). Found right at this audit."""
    want = truth.sql("""
        SELECT u.short_name, f.period_end, f.value, s.title, coalesce(s.title_en, s.title)
        FROM (SELECT unit_code, boundary_version, period_end, value, source_id FROM core_observation
              WHERE NOT is_demo AND batch_id IS NULL
              UNION ALL
              SELECT unit_code, boundary_version, period_end, target_value, source_id FROM core_target
              WHERE NOT is_demo AND batch_id IS NULL) f
        JOIN core_source s ON s.source_id = f.source_id AND s.source_kind = 'article'
        JOIN core_unit u ON u.boundary_version = f.boundary_version AND u.unit_code = f.unit_code""")
    at = nb.ok(nb.open_page("sources", lang=lang))
    (table,) = [f for f in nb.frames(at) if len(f) == len(want) and len(f.columns) == 9]
    got = sorted((str(r.iloc[0]), nb.as_date(r.iloc[3]), nb.parse_number(str(r.iloc[4]), lang), str(r.iloc[7]))
                 for _, r in table.iterrows())
    expected = sorted((name, day, value, en if lang == "en" else vi) for name, day, value, vi, en in want)
    assert len(got) == len(expected) > 50
    for g, e in zip(got, expected):
        assert g[:2] == e[:2] and g[3] == e[3] and nb.close(g[2], e[2], abs_=0.006), (g, e)
