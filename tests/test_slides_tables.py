"""A long table in the briefing deck (a province's 102 communes were 9 slides of 12 rows): two tables side
by side of up to 17 rows at 11 pt, in order, read down the left one first, within the slide; a short
table stays one table at 12 pt on one slide."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation
from pptx.util import Pt

from cnscd.export import slides
from cnscd.export.pack import Pack, Table


def _deck(n: int) -> Presentation:
    rows = tuple((str(i), f"Xã Số {i}", f"{10 * i:,}".replace(",", "."), "20", f"{i},0 %") for i in range(1, n + 1))
    table = Table("Xếp hạng", ("Thứ hạng", "Đơn vị", "Giá trị", "Mục tiêu", "% mục tiêu"), rows,
                  (True, False, True, True, True), note="Ghi chú cuối bảng")
    pack = Pack("Bản tin", ("T10/2026",), (table,), ("nguồn",), "", dt.datetime(2026, 10, 31), "vi", "chân trang")
    return Presentation(io.BytesIO(slides.build_pack(pack)))


def _tables(slide):
    return [s for s in slide.shapes if s.has_table]


@pytest.mark.parametrize("n, pages", [(102, 3), (34, 1), (35, 2), (13, 1), (47, 2)])
def test_a_long_table_takes_two_blocks_a_slide(n, pages):
    deck = _deck(n)
    body = list(deck.slides)[1:-1]                      # the cover and the sources slide around it
    assert len(body) == pages
    names = []
    for k, slide in enumerate(body, start=1):
        tables = _tables(slide)
        assert 1 <= len(tables) <= 2
        texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert (f"({k}/{pages})" in texts) == (pages > 1)
        assert ("Ghi chú cuối bảng" in texts) == (k == pages)      # the note once, on the last slide
        for shape in tables:
            assert shape.left >= 0 and shape.left + shape.width <= deck.slide_width
            assert shape.top + sum(r.height for r in shape.table.rows) <= 0.86 * deck.slide_height
            rows = list(shape.table.rows)
            assert [c.text for c in rows[0].cells][0] == "Thứ hạng"            # each block has the header
            assert len(rows) - 1 <= slides.DENSE_ROWS
            for row in rows[1:]:
                names.append(row.cells[1].text)
                assert all(r.font.size >= Pt(11) for c in row.cells for p in c.text_frame.paragraphs for r in p.runs)
    assert names == [f"Xã Số {i}" for i in range(1, n + 1)]            # every row once, in order


def test_a_short_table_is_one_table_at_12_pt():
    deck = _deck(12)
    body = list(deck.slides)[1:-1]
    assert len(body) == 1 and len(_tables(body[0])) == 1
    cell = _tables(body[0])[0].table.cell(1, 1)
    assert cell.text == "Xã Số 1" and cell.text_frame.paragraphs[0].runs[0].font.size == Pt(12)
