"""Charts that read at a glance (issue 11 §2): Vietnamese alphabetical order everywhere names are
listed; Compare provinces' colours keyed by (version, code), the nation on its own axis for counts,
an index whose base is 0 said so; scatter labels that do not pile up; the targets chart with every bar
labelled in PNG and PDF and the nation as a reference line, not a bar. Expectations come from SQL
written here over the core tables (or from the page's own URL), never through cnscd."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import queries
from cnscd import collate
from cnscd.charts import bump, districts, progress, series
from cnscd.charts.meta import ChartMeta
from cnscd.views import compare, districtdata
from tests import numbers as nb


def meta(**kw) -> ChartMeta:
    base = dict(title_vi="Tổng số Tổ CNSCĐ", title_en="Teams, total", unit="tổ", period="T3/2022 – T10/2026",
                boundary_version="34 tỉnh", source="Dữ liệu minh hoạ", is_demo=True, lang="vi", name="t")
    return ChartMeta(**(base | kw))


@pytest.fixture(scope="module")
def query(con):
    return lambda name, **p: queries.run(con, name, **p)


# ---- Vietnamese alphabetical order -------------------------------------------------------------------------
def province_names(con, version: str) -> list[str]:
    return [n for (n,) in con.execute("SELECT short_name FROM core_unit WHERE unit_level = 'province' "
                                      "AND boundary_version = ?", [version]).fetchall()]


@pytest.mark.parametrize("version,n", [("legacy", 63), ("2025", 34)])
def test_province_names_in_vietnamese_order(con, version, n):
    names = province_names(con, version)
    assert len(names) == n
    got = collate.sorted_names(names)
    # the same order as DuckDB's own ICU collation in SQL (ORDER BY … COLLATE vi)
    sql = [r for (r,) in con.execute("SELECT short_name FROM core_unit WHERE unit_level = 'province' AND "
                                     "boundary_version = ? ORDER BY short_name COLLATE vi", [version]).fetchall()]
    assert got == sql
    pos = {x: i for i, x in enumerate(got)}

    def before(a, b):
        assert pos[a] < pos[b], (a, b, got)
    before("Cà Mau", "Cao Bằng")
    before("Hà Nội", "Huế")
    before("Cần Thơ", "Đà Nẵng")            # Đ after D (and after C)
    before("Đồng Tháp", "Gia Lai")           # … and before E/G
    if version == "legacy":
        for a, b in [("Bạc Liêu", "Bến Tre"), ("Bến Tre", "Bình Định"), ("Bình Dương", "Bình Định"),
                     ("Bạc Liêu", "Bắc Giang"), ("Bà Rịa - Vũng Tàu", "Bạc Liêu"), ("Yên Bái", "Yên Bái")]:
            if a != b:
                before(a, b)
        assert got[:6] == ["An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh"]
        assert got[-1] == "Yên Bái"
    # a plain string sort gets it wrong (the reason for the collation)
    assert sorted(names) != got


def test_collate_sort_frame_and_keys():
    f = pl.DataFrame({"name": ["Huế", "Hà Nội", None, "Đà Nẵng", "Cao Bằng", "Cà Mau"], "code": list("abcdef")})
    assert collate.sort(f, "name")["name"].to_list() == ["Cà Mau", "Cao Bằng", "Đà Nẵng", "Hà Nội", "Huế", None]
    assert sorted(["Huế", "Hà Nội"], key=collate.key) == ["Hà Nội", "Huế"]


def test_selectors_and_table_in_vietnamese_order(warehouse_env, con):
    """The province picker of Compare provinces and the table under its chart."""
    at = nb.ok(nb.open_page("compare", units="82,01,79,48"))
    (picker,) = [m for m in at.multiselect if len(m.options) == 34]
    options = list(picker.options)
    assert options == collate.sorted_names(province_names(con, "2025")) and len(options) == 34
    assert options.index("Cà Mau") < options.index("Cao Bằng") and options.index("Hà Nội") < options.index("Huế")
    (table,) = nb.frames(at)
    cols = list(table.columns[1:])
    assert cols[0].startswith("Toàn quốc")
    assert cols[1:] == collate.sorted_names(cols[1:])
    assert cols.index("Đà Nẵng") > cols.index("Bình Dương (63 tỉnh)")   # Đ after B…, whatever the choice order


# ---- Compare provinces -------------------------------------------------------------------------------------
def colours_of(fig) -> dict[str, str]:
    return {tr.meta["key"]: tr.line.color for tr in fig.data if tr.meta and "key" in tr.meta}


def build(query, codes, mode, measure="abs", indicator="teams_total", base=""):
    bundle = compare.all_provinces(query, indicator=indicator, mode=mode, measure=measure, base=base)
    sel = compare.select(bundle, query, codes, mode, "Toàn quốc", "(63 tỉnh)")
    lines = compare.lines(sel["series"])
    fig = series.time_series(lines, meta(), nation_panel=compare.nation_apart("sum", measure),
                             undefined=compare.base_zero_labels(sel["series"]))
    return sel, fig, bump.rank_chart(compare.ranks(sel["series"]), meta())


def test_a_province_keeps_its_colour_across_modes_selections_and_charts(query):
    seen: dict[str, set[str]] = {}
    for codes in (["82", "01"], ["01", "79", "82"], ["79", "82", "01", "48", "31"]):
        for mode in compare.MODES:
            _, fig, rank = build(query, codes, mode)
            for key, c in colours_of(fig).items():
                if not key.startswith("VN|"):
                    seen.setdefault(key, set()).add(c)
            # the rank chart uses the same colour as the series for each line
            rank_colours = {tr.name: tr.line.color for tr in rank.data}
            for tr in fig.data:
                if tr.meta and tr.name in rank_colours:
                    assert rank_colours[tr.name] == tr.line.color, tr.name
            # chosen provinces never share a colour within one chart
            chosen = [colours_of(fig)[f"{c}|2025"] for c in codes]
            assert len(set(chosen)) == len(chosen), (codes, mode, chosen)
    for key in ("82|2025", "01|2025", "79|2025"):
        assert len(seen[key]) == 1, (key, seen[key])


def test_nation_on_its_own_axis_for_counts_and_legend_fits(query):
    sel, fig, _ = build(query, ["82", "01", "79"], "reported")
    nation = [tr for tr in fig.data if tr.meta and tr.meta["key"].startswith("VN|")]
    assert nation and {tr.yaxis for tr in nation} == {"y2"} and "trục riêng" in nation[0].name
    provinces = [tr for tr in fig.data if tr.meta and not tr.meta["key"].startswith("VN|")]
    assert {tr.yaxis for tr in provinces} == {"y"}
    # provinces are on a scale of their own: the top axis is not stretched to the nation
    top = max(v for tr in provinces for v in tr.y if v is not None)
    nat = max(v for tr in nation for v in tr.y if v is not None)
    assert nat > 5 * top
    # one legend entry per colour (Đồng Tháp and Đồng Tháp (63 tỉnh) share one), plot tall enough for all
    entries = [tr for tr in fig.data if tr.showlegend is not False]
    assert len({tr.legendgroup for tr in entries}) == len(entries)
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b >= 23 * len(entries)
    # shares and % of target keep one axis with the provinces
    _, fig2, _ = build(query, ["82"], "today", measure="pct_target")
    assert {tr.yaxis for tr in fig2.data} <= {None, "y"}


def test_index_with_a_zero_base_says_so(query, con):
    base = "2022-03"
    sel, fig, _ = build(query, ["82", "01"], "reported", measure="index", base=base)
    # own SQL: lines whose value at the base month (their first month at or after it) is 0
    zero = {(c, v) for c, v in con.execute("""
        SELECT unit_code, boundary_version FROM core_observation
        WHERE indicator_code = 'teams_total' AND granularity = 'month' AND period_end >= DATE '2022-03-31'
          AND unit_code IN ('82', '01', '87', '53')
        QUALIFY row_number() OVER (PARTITION BY unit_code, boundary_version ORDER BY period_end, is_demo) = 1
            AND value = 0""").fetchall()}
    assert zero, "no line with a zero base in the sample"
    labels = set(compare.base_zero_labels(sel["series"]))
    assert len(labels) == len(zero)
    for tr in fig.data:
        if not tr.meta:
            continue
        code, version = tr.meta["key"].split("|")
        if (code, version) in zero:
            assert all(v is None for v in tr.y), tr.name       # no line jumping from 0
    (note,) = [a for a in fig.layout.annotations if a.name == "index_base_zero"]
    assert note.text.startswith("Kỳ gốc = 0: chỉ số không xác định") and all(lab in note.text for lab in labels)


# ---- scatter labels ----------------------------------------------------------------------------------------
def test_scatter_names_a_few_and_hovers_all(query, con):
    (period,) = con.execute("SELECT max(period_end) FROM core_observation WHERE boundary_version = '2025' "
                            "AND granularity = 'month'").fetchone()
    pair = districtdata.pair(query, x="members", y="villages_with_team_pct", period_end=period, version="2025",
                             province="82")
    assert pair.height > 40
    fig = districts.scatter(pair, meta(), x_title="x", y_title="y", highlight=[pair["unit_code"][5]])
    tr = fig.data[0]
    named = [n for n in tr.text if n]
    assert 2 <= len(named) <= 9, named
    assert list(tr.hovertext) == pair["display_name"].to_list()          # every point on hover
    by_code = dict(zip(tr.customdata, tr.text))
    assert by_code[pair["unit_code"][5]]                                  # the highlighted unit is named
    top_x = pair.sort(["x", "unit_code"])["unit_code"][-1]
    assert by_code[top_x], "the largest x is named"


# ---- targets chart -----------------------------------------------------------------------------------------
def test_targets_bars_labelled_in_png_and_pdf_and_nation_is_a_line(query, chromium):
    import subprocess
    import tempfile

    from cnscd.export import images
    from cnscd.views import targets

    frame = targets.progress(query, indicator="teams_total", period="2024-06-30")
    nation = targets.nation(query, indicator="teams_total", period="2024-06-30")
    assert "VN" not in frame["unit_code"].to_list() and frame.height == 63
    fig = progress.progress_bars(frame, meta(), threshold=80, reference=(nation["pct"], "Toàn quốc: x"))
    assert sum(len(tr.y) for tr in fig.data) == 63
    assert [s for s in fig.layout.shapes if s.name == "nation"][0].x0 == pytest.approx(nation["pct"])
    png = images.to_image(fig, meta(), "png", "slide_720")
    w, h = images.png_size(png)
    assert h >= 22 * 63, (w, h)                       # tall enough for a readable label per bar
    pdf = images.to_image(fig, meta(), "pdf", "slide_720")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout
    labels = [ln for ln in text.splitlines() if ln.strip().endswith(" %") and "," in ln]
    assert len(labels) >= 63, len(labels)
    for p in frame["pct"].to_list()[:: 7]:
        assert f"{p:.1f}".replace(".", ",") + " %" in text


def test_national_pct_of_target_is_pooled_over_provinces_with_targets(query, con):
    """Σ value / Σ target of the provinces with a target, computed here in SQL, for every month where
    any province has one; ewallet June 2024 is where a real article target replaced a demo one."""
    rows = con.execute("""
        WITH o AS (SELECT * FROM out_observation WHERE indicator_code = 'ewallet_installs'),
             t AS (SELECT * FROM out_target_in_force WHERE indicator_code = 'ewallet_installs')
        SELECT o.period_end, 100 * sum(o.value) / sum(t.target_value)
        FROM o JOIN core_unit u USING (unit_code, boundary_version)
        JOIN t USING (unit_code, boundary_version, period_end)
        WHERE u.unit_level = 'province' AND t.target_value > 0
        GROUP BY 1 ORDER BY 1""").fetchall()
    expected = dict(rows)
    for mode in compare.MODES:
        s = compare.all_provinces(query, indicator="ewallet_installs", mode=mode, measure="pct_target", base="")["series"]
        nat = dict(s.filter(pl.col("unit_level") == "nation").select("period_end", "shown").iter_rows())
        assert set(nat) == set(expected), mode
        for d, v in expected.items():
            assert nat[d] == pytest.approx(v), (mode, d)
    assert dt.date(2024, 6, 30) in expected
