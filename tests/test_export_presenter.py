"""Exports a presenter can hand out (issue 11 §2–3): counts are whole numbers everywhere (legends, axes,
cells, CSV/XLSX), headers are words in the UI language, the footer never overlaps (boxes the browser
measured in the exported SVG), a print PNG says its dpi, a PDF carries the chart's title, and the PDF
report has no page holding only "… và n dòng nữa" and prints subplot titles at 8 pt or more.

Counts in the exports are held against SQL of this file's own over core_observation."""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import openpyxl
import polars as pl
import pytest
from PIL import Image

from cnscd import fmt
from cnscd.charts import maps
from cnscd.charts.classes import add_class, classify
from cnscd.export import restyle, tables
from cnscd.export.sample import bar_chart, sample_meta
from tests import numbers as nb

# every chart page as a shared link: Đồng Tháp's districts in June 2024 (counts below 100, where
# "47,0" crept in), the national map, compare provinces (a rate's per-1,000 too), targets, overview
VIEWS = {"overview": ("overview", {}), "map": ("map", {"unit": "87", "period": "2024-06"}),
         "compare": ("compare", {}), "compare-rate": ("compare", {"ind": "villages_with_team_pct"}),
         "districts": ("districts", {"unit": "87", "period": "2024-06"}), "targets": ("targets", {}),
         "map-per1000": ("map", {"measure": "per1000"})}
INTERNAL = re.compile(r"^[a-z][a-z0-9_]*$")   # a snake_case column name: `unit`, `x`, `is_demo`, `source_id`


def _svg_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(x0, y0, x1, y1, text) of every annotation of a plotly SVG in layout px: the position plotly.js
    gave it and the box the browser measured round its text."""
    out = []
    for g in re.findall(r'<g class="annotation".*?</text>', svg, re.S):
        tx, ty = map(float, re.search(r'class="cursor-pointer" transform="translate\(([-\d.]+),([-\d.]+)\)', g).groups())
        w, h = map(float, re.search(r'<rect class="bg" x="[-\d.]+" y="[-\d.]+" width="([-\d.]+)" '
                                    r'height="([-\d.]+)"', g).groups())
        text = re.sub(r"<[^>]+>", " ", g.split("annotation-text", 1)[1].split(">", 1)[1]).strip()
        out.append((tx, ty, tx + w, ty + h, text[:60]))
    return out


def _problems(boxes, width, height) -> list:
    outside = [b[4] for b in boxes if b[0] < -0.5 or b[2] > width + 0.5 or b[1] < -0.5 or b[3] > height + 0.5]
    overlap = [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    return outside + overlap


# ---- one rule for decimals ---------------------------------------------------------------------------
def test_decimals_follow_the_catalogue():
    teams = {"aggregation": "sum", "unit_of_measure": "tổ"}
    rate = {"aggregation": "ratio", "unit_of_measure": "%"}
    assert fmt.decimals_of_measure(teams, "abs", [23.0, 47.0, 82.0]) == 0      # counts below 100 too
    assert fmt.decimals_of_measure(teams, "change", [-3.0, 5.0]) == 0
    assert fmt.decimals_of_measure(rate) == 1 and fmt.decimals_of_measure(rate, "change") == 1
    assert fmt.decimals_of_measure(teams, "pct_target") == 1 and fmt.decimals_of_measure(teams, "index") == 1
    assert fmt.decimals_of_measure(teams, "per1000", [0.88, 1.07]) == 2
    assert fmt.decimals_of_measure(teams, "per1000", [12.5, 40.0]) == 1
    assert fmt.decimals_of_measure({"aggregation": "none", "unit_of_measure": "hạng"}, "abs", [1.0, 34.0]) == 0
    assert fmt.decimals_of_measure({"aggregation": "none", "unit_of_measure": "điểm (0–1)"}, "abs",
                                   [0.5123, 0.61]) == 4
    assert fmt.decimals_for("tổ", [47.0, 82.0]) == 0     # the old guess: whole values never get a decimal


def test_catalogue_counts_are_the_summed_non_percent_indicators(con):
    cat = {r[0]: r for r in con.execute("SELECT indicator_code, aggregation, unit_of_measure FROM core_indicator")
           .fetchall()}
    counts = {c for c, (_, agg, uom) in cat.items() if fmt.is_count({"aggregation": agg, "unit_of_measure": uom})}
    assert {"teams_total", "members", "vneid_activations", "dossiers_online"} <= counts
    assert not counts & {"villages_with_team_pct", "dossiers_online_pct", "dti_rank", "dti_score"}


def test_count_classes_are_whole_and_name_what_they_hold():
    values = np.array([23, 23, 24, 25, 30, 44, 45, 46, 47, 47, 48, 60, 82], dtype=float)
    for scheme in ("quantiles", "natural_breaks", "equal_interval"):
        classes = classify(values, scheme, 5)
        assert classes.whole and all(e == int(e) for e in classes.edges), (scheme, classes.edges)
        labels = maps.class_labels(classes, 0, "vi")
        assert not any("," in lab for lab in labels), labels          # no "47,0 – 85,0"
        frame = add_class(pl.DataFrame({"measure_value": values}), classes)
        for v, idx in zip(values, frame["class_idx"]):
            lo, _, hi = labels[idx - 1].partition(" – ")
            assert int(lo) <= v <= int(hi or lo), (scheme, v, labels[idx - 1])
    rates = classify(np.array([12.5, 40.25, 71.4, 99.0]), "quantiles", 3)
    assert not rates.whole and "," in maps.class_labels(rates, 1, "vi")[0]


# ---- every chart page: CSV / XLSX headers in words, counts whole and equal to SQL -------------------------
@pytest.fixture(scope="module")
def exported(warehouse_file):
    """{view: {chart key: ChartMeta}} of every chart page opened as a shared link."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    out = {}
    try:
        for name, (page, params) in VIEWS.items():
            downloads = nb.Downloads.install(mp)
            nb.ok(nb.open_page(page, **params))
            out[name] = {k: meta for k, (_, meta) in downloads.menus.items()}
    finally:
        mp.undo()
    return out


def _csv(meta) -> list[list[str]]:
    return list(csv.reader(io.StringIO(tables.to_csv(meta).decode("utf-8-sig"))))


@pytest.mark.parametrize("view", list(VIEWS))
def test_export_headers_are_words(exported, view):
    assert exported[view], view
    for key, meta in exported[view].items():
        header = _csv(meta)[0]
        sheet = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(meta))).worksheets[0]
        assert [c.value for c in sheet[1]] == header, key
        raw = [h for h in header if INTERNAL.match(h)]
        assert not raw, (view, key, raw)
        assert len(set(header)) == len(header), (key, header)
        if "unit_code" in meta.exported_columns:
            assert meta.label("unit_code") == "Mã đơn vị", key
        cells = {c for row in _csv(meta)[1:] for c in row}
        assert not cells & {"True", "False"}, (key, "the demo flag is a word, not a Python bool")
        about = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(meta))).worksheets[1]
        assert not any(INTERNAL.match(str(r[1].value or "")) and r[1].value in meta.data.columns
                       for r in about.iter_rows()), (key, "the About sheet names a raw column")


@pytest.mark.parametrize("view", list(VIEWS))
def test_counts_export_as_integers_and_rates_as_shown(exported, view):
    for key, meta in exported[view].items():
        rows = _csv(meta)
        sheet = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(meta))).worksheets[0]
        for j, col in enumerate(meta.exported_columns):
            d = meta.decimals.get(col)
            if d is None:
                continue
            per_row = [int(x) for x in meta.data[d]] if isinstance(d, str) else [d] * meta.data.height
            for i, row in enumerate(rows[1:]):
                if row[j] == "":
                    continue
                assert nb.decimals_of(row[j], "en") == per_row[i], (view, key, col, row[j], per_row[i])
                cell = sheet.cell(i + 2, j + 1)
                assert cell.number_format == ("#,##0" if per_row[i] == 0 else "#,##0." + "0" * per_row[i]) \
                    or cell.number_format.endswith('"%"'), (key, col, cell.number_format)


def _own_values(con, version, indicator, day, level, province=None) -> dict[str, float]:
    rows = con.execute("""
        SELECT o.unit_code, o.value FROM core_observation o
        JOIN core_unit u USING (boundary_version, unit_code)
        WHERE o.boundary_version = ? AND o.indicator_code = ? AND o.period_end = ? AND u.unit_level = ?
          AND (? IS NULL OR u.province_code = ?)
          AND (o.granularity = 'month' OR (o.granularity = 'date' AND o.period_start = o.period_end))
        QUALIFY row_number() OVER (PARTITION BY o.unit_code ORDER BY o.is_demo, o.granularity = 'month' DESC) = 1
        """, [version, indicator, day, level, province, province]).fetchall()
    return dict(rows)


@pytest.mark.parametrize("view,key", [("map", "map_one_legacy_district_87"), ("districts", "d_rank")])
def test_district_counts_below_100_are_integers_equal_to_sql(exported, con, view, key):
    import datetime as dt

    meta = exported[view][key]
    rows = _csv(meta)
    col = {c: j for j, c in enumerate(meta.exported_columns)}
    own = _own_values(con, "legacy", "teams_total", dt.date(2024, 6, 30), "district", "87")
    assert own and max(own.values()) < 100          # the case that showed "47,0"
    got = {r[col["unit_code"]]: r[col["value"]] for r in rows[1:]}
    for code, value in own.items():
        assert re.fullmatch(r"-?\d+", got[code]), (code, got[code])
        assert int(got[code]) == round(value), (code, got[code], value)


def test_rates_export_rounded_to_their_decimal(exported, con):
    meta = exported["compare-rate"]["compare_series"]
    rows = _csv(meta)
    col = {c: j for j, c in enumerate(meta.exported_columns)}
    shown = [r[col["shown"]] for r in rows[1:] if r[col["shown"]]]
    assert shown and all(re.fullmatch(r"-?\d+\.\d", s) for s in shown), shown[:5]


def test_map_legend_and_axes_of_counts_are_whole(exported, warehouse_file):
    meta = exported["map"]["map_one_legacy_district_87"]
    labels = [t for t in [meta.label("value")]]   # the meta is in words; the figure carries the legend
    assert labels
    mp = pytest.MonkeyPatch()
    mp.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    try:
        at = nb.ok(nb.open_page("map", unit="87", period="2024-06"))
        (fig,) = nb.figures(at)
        ticks = [t for tr in fig["data"] for t in (tr.get("colorbar") or {}).get("ticktext", [])]
        assert len(ticks) > 2 and not any("," in t for t in ticks), ticks
        at = nb.ok(nb.open_page("districts", unit="87", period="2024-06"))
        for f in nb.figures(at):
            for k, ax in f["layout"].items():
                if k.startswith(("xaxis", "yaxis")) and ax.get("tickformat", "").endswith("f"):
                    assert ax["tickformat"] == ",.0f", (f["layout"]["title"]["text"], k, ax["tickformat"])
    finally:
        mp.undo()


# ---- the footer, the PNG's dpi, the PDF's title ----------------------------------------------------------
LONG_SOURCE = ("Những kết quả nổi bật sau 02 năm thực hiện Đề án thí điểm Thành lập Tổ Công nghệ số cộng đồng "
               "trên địa bàn tỉnh Đồng Tháp; Dữ liệu minh hoạ tổng hợp; Tổ công nghệ số và những hạt giống đỏ "
               "chuyển đổi số nông thôn; +2 nguồn khác")


@pytest.mark.parametrize("width,height", [(1280, 720), (1754, 1240), (640, 480)])
def test_footer_wraps_and_nothing_overlaps(chromium, width, height):
    from cnscd.export import images

    meta = sample_meta(source=LONG_SOURCE, is_approximate_boundaries=True)
    out = restyle(bar_chart(meta), width)
    svg = images.engine().render(out, {"format": "svg", "width": width, "height": height, "scale": 1}).decode()
    boxes = _svg_boxes(svg)
    assert any(b[4].startswith("Nguồn") for b in boxes) and any("Dữ liệu minh hoạ" in b[4] for b in boxes)
    assert not _problems(boxes, width, height), _problems(boxes, width, height)
    footer = next(a for a in out.layout.annotations if a.name == "cnscd_footer")
    assert "<br>" in footer.text     # wrapped, not run off the edge


@pytest.mark.parametrize("view,key", [("compare", "compare_series"), ("districts", "d_rank"),
                                      ("overview", "overview_headline"), ("map", "map_one_legacy_district_87")])
def test_page_figures_footer_does_not_overlap(chromium, warehouse_file, view, key):
    from cnscd.export import images

    mp = pytest.MonkeyPatch()
    mp.setenv("CNSCD_WAREHOUSE", str(warehouse_file))
    try:
        downloads = nb.Downloads.install(mp)
        page, params = VIEWS[view]
        nb.ok(nb.open_page(page, **params))
        fig_fn, _ = downloads.menus[key]
    finally:
        mp.undo()
    fig = fig_fn() if callable(fig_fn) else fig_fn
    for width, height in [(1280, 720), (640, 480)]:
        svg = images.engine().render(restyle(fig, width), {"format": "svg", "width": width, "height": height,
                                                           "scale": 1}).decode()
        assert not _problems(_svg_boxes(svg), width, height), (key, width, _problems(_svg_boxes(svg), width, height))


def test_png_carries_its_dpi_and_pdf_its_title(chromium):
    from pypdf import PdfReader

    from cnscd.export import images

    meta = sample_meta()
    fig = bar_chart(meta)
    for preset, dpi in [("print", 300), ("slide_1080", 144), ("slide_720", 96)]:
        img = Image.open(io.BytesIO(images.to_image(fig, meta, "png", preset)))
        assert img.size == images.size(preset)
        assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05), (preset, img.info.get("dpi"))
    pdf = PdfReader(io.BytesIO(images.to_image(fig, meta, "pdf", "slide_720")))
    assert pdf.metadata.title == meta.title and len(pdf.pages) == 1


def test_with_dpi_replaces_an_earlier_phys():
    from cnscd.export.images import with_dpi

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buf, "PNG", dpi=(72, 72))
    once = with_dpi(buf.getvalue(), 300)
    assert once.count(b"pHYs") == 1 and Image.open(io.BytesIO(once)).info["dpi"] == pytest.approx((300, 300), abs=0.05)
    assert Image.open(io.BytesIO(once)).size == (4, 3)


# ---- the PDF report ---------------------------------------------------------------------------------------
def test_report_has_no_lonely_more_rows_page_and_readable_subplot_titles(chromium):
    from pypdf import PdfReader

    from cnscd.charts.sparkline import headline
    from cnscd.export import report

    many = pl.DataFrame({"province_name": [f"Tỉnh số {i} có tên khá dài để xuống dòng" for i in range(90)],
                         "teams_total": [float(100 + i) for i in range(90)],
                         "is_demo": [True] * 90})
    meta = sample_meta(data=many, column_labels={"province_name": "Tỉnh/thành phố", "teams_total": "Số tổ"},
                       decimals={"teams_total": 0})
    import datetime as dt
    trend = pl.DataFrame({"label": ["Tổng số Tổ CNSCĐ"] * 3 + ["Tỷ lệ thôn có tổ"] * 3,
                          "unit": ["tổ"] * 3 + ["%"] * 3, "decimals": [0] * 3 + [1] * 3,
                          "period_end": [dt.date(2025, m, 28) for m in (1, 2, 3)] * 2,
                          "value": [10.0, 11.0, 12.0, 71.42857142857143, 72.0, 73.5], "is_demo": [True] * 6})
    tmeta = sample_meta(data=trend, column_labels={}, decimals={"value": "decimals"})
    charts = [(bar_chart(meta), meta), (headline(trend, tmeta), tmeta)]
    pdf = PdfReader(io.BytesIO(report.build_pdf(charts, "Báo cáo thử", lang="vi")))
    assert pdf.metadata.title == "Báo cáo thử"
    texts = [p.extract_text() for p in pdf.pages]
    for i, text in enumerate(texts):
        body = [ln for ln in text.splitlines() if ln.strip() and "Báo cáo thử ·" not in ln]
        assert not (len(body) <= 1 and any("dòng nữa" in ln for ln in body)), (i, body)
    assert any("dòng nữa" in t for t in texts)   # the table was cut, and says so on its own page
    assert "71,4" in "".join(texts) and "71,42" not in "".join(texts)   # a rate as shown
    # subplot titles (and every other label) of the printed chart at 8 pt or more
    out = restyle(headline(trend, tmeta), report.images.PRESETS["print"][0])
    sizes = [a.font.size for a in out.layout.annotations if a.font and a.font.size]
    assert sizes and min(sizes) * report.points_per_px() >= 8.0, (sizes, report.points_per_px())


def test_tall_targets_chart_prints_its_labels_at_8_pt(warehouse_env, monkeypatch, chromium):
    """The 63 provinces' targets bars (December 2024) in the PDF report: a portrait page the picture fills,
    its text scaled so every bar label, axis label, annotation and the footer prints at 8 pt or more
    (before: the landscape sizes on a 182 mm wide page, ~6 pt)."""
    from pypdf import PdfReader

    from cnscd.export import report

    downloads = nb.Downloads.install(monkeypatch)
    nb.ok(nb.open_page("targets", period="2024-12"))
    fig, meta = downloads.menus["targets_progress"]
    assert sum(len(tr.y) for tr in fig.data if tr.type == "bar") == 63
    height, scale, width_mm = report.tall_page(fig)
    width_px = report.images.PRESETS["print"][0]
    pt_per_px = width_mm / width_px * 72 / 25.4
    out = restyle(fig, width_px, scale)
    bars = [tr for tr in out.data if tr.type == "bar" and tr.text]
    assert bars and all(tr.textfont.size is None for tr in bars)   # bar labels take the chart's font
    sizes = {"font": out.layout.font.size, "subtitle": out.layout.title.subtitle.font.size,
             **{a.name or a.text[:20]: a.font.size for a in out.layout.annotations if a.font and a.font.size}}
    printed = {k: v * pt_per_px for k, v in sizes.items()}
    assert min(printed.values()) >= 8.0, printed
    assert 8.0 * 25.4 / 72 / pt_per_px < sizes["font"] < 1.2 * 8.0 / pt_per_px   # 8 pt, not much more
    # the report: that chart on a portrait page, the picture as wide as the page's text width
    pdf = PdfReader(io.BytesIO(report.build_pdf([(fig, meta)], "Mục tiêu", lang="vi", with_tables=False)))
    page = pdf.pages[1]
    assert page.mediabox.height > page.mediabox.width
    (image,) = page.images
    w, h = image.image.size
    portrait = report._new_pdf("")
    portrait.add_page(orientation="P")
    assert (w, h) == (width_px * 2, height * 2)
    assert h / w == pytest.approx(portrait.eph / portrait.epw, rel=1e-3) and width_mm == portrait.epw


def test_csv_of_sample_rounds_rates_and_keeps_counts():
    meta = sample_meta()
    rows = list(csv.reader(io.StringIO(tables.to_csv(meta).decode("utf-8-sig"))))
    col = {c: j for j, c in enumerate(meta.data.columns)}
    assert rows[2][col["villages_with_team_pct"]] == "87.2"       # 87.25 shown as 87,2 (fmt.number rounding)
    assert rows[1][col["teams_total"]] == "12345"


def test_every_preset_says_its_resolution():
    """A preset without a DPI would fail at export time (KeyError), not here: every one has its own."""
    from cnscd.export import images

    assert set(images.DPI) == set(images.PRESETS)
    for name, (width, _, scale) in images.PRESETS.items():
        if name.startswith("print"):   # A4 landscape is 11.69 in wide
            assert abs(width * scale / images.DPI[name] - 11.69) < 0.05, name
