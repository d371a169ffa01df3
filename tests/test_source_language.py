"""One language at a time (issue 11 §3): a source's title is stored per language (core_source.title,
title_en) and every chart footer, caption, exported table and the Sources page show the one of the UI
language, never "Dữ liệu minh hoạ tổng hợp / synthetic demo data".

The titles to look for are read by this file's own SQL over core_source."""
from __future__ import annotations

import pytest

from tests import numbers as nb

# every page with sources, as shared links: the nation, a province of 2025 and one before the reform
LINKS = [("overview", {}), ("overview", {"unit": "2025:82"}), ("map", {}),
         ("map", {"unit": "87", "period": "2024-06"}), ("compare", {}),
         ("districts", {"unit": "87", "period": "2024-06"}), ("targets", {}), ("sources", {})]
SOURCE_COLUMNS = {"source_title", "title"}


def _titles(con) -> tuple[set[str], set[str]]:
    """(Vietnamese titles, English titles) of the sources whose two titles differ."""
    rows = con.execute("SELECT title, title_en FROM core_source WHERE title_en IS NOT NULL AND title_en <> title").fetchall()
    return {r[0] for r in rows}, {r[1] for r in rows}


def _shown(at, downloads) -> list[tuple[str, str]]:
    """(where, text) of every source line a page shows or exports: chart footers, captions, the ChartMeta
    source of every download menu, source columns of every exported table and of every table on screen."""
    out = []
    for f in nb.figures(at):
        out += [("footer", a["text"]) for a in f["layout"].get("annotations", [])
                if a.get("text", "").startswith(("Nguồn", "Source"))]
    out += [("caption", c.value) for c in at.caption]
    for key, (_, meta) in downloads.menus.items():
        out.append((f"meta {key}", meta.source))
        for col in SOURCE_COLUMNS & set(meta.data.columns):
            out += [(f"export {key}.{col}", v) for v in meta.data[col].drop_nulls().unique().to_list()]
        out += [(f"csv {key}", c) for row in nb.csv_rows(meta) for c in row.values() if isinstance(c, str)]
    for df in at.dataframe:
        frame = df.value.data if hasattr(df.value, "data") else df.value
        for col in frame.columns:
            if frame[col].dtype == object:
                out += [(f"table {col}", v) for v in {x for x in frame[col].dropna() if isinstance(x, str)}]
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page,params", LINKS, ids=[f"{p}-{'-'.join(v.values()) or 'VN'}" for p, v in LINKS])
def test_sources_shown_in_one_language(warehouse_env, con, lang, page, params):
    vi_titles, en_titles = _titles(con)
    assert "Dữ liệu minh hoạ tổng hợp" in vi_titles and "Synthetic demo data" in en_titles
    mp = pytest.MonkeyPatch()
    try:
        downloads = nb.Downloads.install(mp)
        at = nb.ok(nb.open_page(page, lang=lang, **params))
    finally:
        mp.undo()
    shown = _shown(at, downloads)
    assert shown, (page, "nothing to check")
    other = en_titles if lang == "vi" else vi_titles
    wrong = [(w, s[:120], o) for w, s in shown for o in other if o in s]
    assert not wrong, wrong
    sources = [(w, s[:120]) for w, s in shown if w.startswith(("footer", "meta", "export"))
               or s.startswith(("Nguồn", "Source"))]
    bilingual = [(w, s) for w, s in sources if " / " in s]
    assert not bilingual, bilingual
    if page != "sources":   # every chart of the demo names the demo source, in the page's language
        demo = "Dữ liệu minh hoạ tổng hợp" if lang == "vi" else "Synthetic demo data"
        assert any(demo in s for w, s in shown if w.startswith("footer")), (page, shown[:5])


def test_no_stored_title_holds_two_languages(con):
    rows = con.execute("SELECT source_id, title, title_en FROM core_source "
                       "WHERE title LIKE '% / %' OR title_en LIKE '% / %'").fetchall()
    assert not rows, rows
