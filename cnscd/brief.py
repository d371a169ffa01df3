"""A province's monthly briefing pack, PDF or PPTX, for its steering committee:

    python -m cnscd.brief --province 82 --month 2026-10 [--version 2025|legacy] [--lang vi|en] --out FILE.pdf|.pptx

A province is (boundary version, code): `82` at 2026-10 is 2025 Đồng Tháp, at a month up to 2025-06 legacy
Tiền Giang; `2025:82` / `legacy:87` name the version. The frames come from the page builders
(cnscd/views/brief.py), the charts from cnscd/charts with one ChartMeta each, the file from cnscd/export
(pack.py, slides.build_pack, report.build_pack). `build(query, ...)` takes any `query(name, **params)`:
a read-only connection here, the app's reader behind the overview's button (cnscd/ui/downloads.py).
Bad input exits 2 with a message in both languages naming the argument; the file appears whole or not
at all (temp file in the target folder, then a rename). No Streamlit here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

import polars as pl

from cnscd import fmt, months, unitref
from cnscd.charts import maps, progress_bars
from cnscd.charts.meta import ChartMeta
from cnscd.export import pack as P, report, slides
from cnscd.text import CHILDREN_KEYS, both, in_lang, pick, t, word
from cnscd.unitref import UnitRef, UnitRefError
from cnscd.views import brief as views, mapdata
from cnscd.views.common import Query, version_at

FORMATS = {".pdf": "pdf", ".pptx": "pptx"}
RANKING_ENDS = 10     # the ranking chart shows the best and the worst 10 (the table has every unit)


class BriefError(ValueError):
    """Bad input to the pack, with a message in Vietnamese and English naming what and where."""


# ---- what the arguments mean ---------------------------------------------------------------------------
def resolve(query: Query, province: str, month: str, version: str | None = None, where: str = "") -> tuple[UnitRef, dt.date]:
    """(the province, the month's last day) of `--province`, `--month`, `--version`; BriefError otherwise."""
    try:
        period = months.from_key(month)
        if months.key(period) != month.strip()[:7]:
            raise ValueError(month)
    except (ValueError, TypeError):
        raise BriefError(both("brief_err_month_format", value=month)) from None
    have = query("month_periods")["period_end"]
    if period not in have.to_list():
        raise BriefError(both("brief_err_month", value=month, where=where, first=months.key(have.min()),
                              last=months.key(have.max())))
    in_force = version_at(query, period)
    try:
        ref = UnitRef.parse(province, version or in_force)
    except UnitRefError:
        raise BriefError(both("brief_err_province_format", value=province)) from None
    if version and ref.version != version:
        raise BriefError(both("brief_err_version", value=province, version=version))
    if ref.is_nation or ref.version != in_force:
        raise BriefError(both("brief_err_month_version", value=province, month=month, version=in_force))
    units = query("unit_list").filter((pl.col("boundary_version") == ref.version) & (pl.col("unit_code") == ref.code)
                                      & (pl.col("unit_level") == "province"))
    if units.height == 0:
        raise BriefError(both("brief_err_province", value=province, version=ref.version, where=where))
    return ref, period


def file_name(ref: UnitRef, period: dt.date, lang: str, kind: str) -> str:
    return f"ban-tin_{ref.version}-{ref.code}_{months.key(period)}_{lang}.{kind}"


# ---- the pack ----------------------------------------------------------------------------------------------
def _cap(text: str) -> str:
    """A title that starts with a lower-case word ("districts ranked ...", "các xã ...") capitalised."""
    return text[:1].upper() + text[1:]


def _cell(value, lang: str, decimals: int = 0, pct: bool = False) -> str:
    if value is None:
        return "–"
    return fmt.pct(value, lang, 1) if pct else fmt.number(value, lang, decimals)


def _card_parts(cards: list[dict], period: dt.date, lang: str) -> P.Cards:
    prev, year_ago = fmt.month(months.back(period, 1), lang), fmt.month(months.back(period, 12), lang)
    out = []
    for c in cards:
        lines = [f"{c['delta'] or '–'} {t('change_vs_prev', lang, period=prev)}",
                 f"{c['delta_year'] or '–'} {t('change_vs_prev', lang, period=year_ago)}"]
        if c["target"]:
            lines.append(c["target"])
        out.append(P.Card(c["label"], c["value"], c["unit"], tuple(lines)))
    note = t("brief_cards_note", lang, prev=prev, year=year_ago)
    if all(c["delta_year"] is None for c in cards):
        note += " " + t("brief_no_year", lang, year=year_ago)
    return P.Cards(t("brief_cards", lang), tuple(out), note)


def _map(query: Query, ref: UnitRef, period: dt.date, lang: str, ind: dict, place: str, boundary: str) -> P.Chart:
    level = mapdata.CHILD_LEVEL[ref.version]
    frame, classes = mapdata.map_frame(query, indicator=ind["indicator_code"], period_end=period, version=ref.version,
                                       level=level, province=ref.code, higher_is_better=bool(ind["higher_is_better"]))
    layer = maps.layer_for(level, ref.version, ref.code)
    frame = in_lang(frame, "source_title", lang)
    flags = mapdata.meta_flags(frame, lang)
    uom = pick(ind, "unit_of_measure", lang)
    meta = ChartMeta(
        title_vi=t("map_chart_title", "vi", ind=ind["name_vi"], area=place, period=fmt.month(period, "vi")),
        title_en=t("map_chart_title", "en", ind=ind["name_en"], area=place, period=fmt.month(period, "en")),
        unit=uom, period=fmt.month(period, lang), boundary_version=boundary, source=", ".join(flags["sources"]) or "–",
        is_demo=flags["is_demo"], is_approximate_boundaries=layer.is_approximate, lang=lang,
        data=frame.select("unit_code", "display_name_full", "value", "rank", "target_value", "pct_target"),
        name=f"brief_map_{ref.version}_{ref.code}")
    fig = maps.choropleth(layer, frame, classes, meta, measure_unit=uom, value_unit=uom,
                          decimals=fmt.decimals_for(ind["unit_of_measure"]),
                          labels=maps.island_labels(ref.version, ref.code, lang),
                          higher_is_better=bool(ind["higher_is_better"]))
    return P.Chart(fig, meta)


def _ranking(rank: pl.DataFrame, ref: UnitRef, period: dt.date, lang: str, ind: dict, place: str,
             boundary: str) -> tuple[P.Chart, P.Table]:
    ranked = rank.filter(pl.col("rank").is_not_null())
    shown = ranked if ranked.height <= 2 * RANKING_ENDS else pl.concat([ranked.head(RANKING_ENDS),
                                                                       ranked.tail(RANKING_ENDS)])
    shown = shown.select("unit_code", label="display_name", pct="pct_target", value="value",
                         target_value="target_value", is_demo="is_demo")
    children = lambda lg: word(CHILDREN_KEYS, ref.version, lg)  # noqa: E731
    ends = t("brief_ranking_ends", lang, n=RANKING_ENDS) if shown.height < ranked.height else ""
    meta = ChartMeta.of(rank, lang=lang, title=lambda lg: _cap(t("brief_ranking", lg, children=children(lg),
                                                                     ind=pick(ind, "name", lg), place=place)),
                        data=shown, unit=" · ".join(x for x in (t("measure_pct_target", lang), ends) if x),
                        period=fmt.month(period, lang), boundary_version=boundary, name=f"brief_rank_{ref.code}")
    fig = progress_bars(shown, meta, threshold=views.BEHIND_PCT, decimals=fmt.decimals_for(ind["unit_of_measure"]))
    dec = fmt.decimals_for(ind["unit_of_measure"])
    rows = tuple((str(r["rank"]) if r["rank"] is not None else "–", r["display_name"], _cell(r["value"], lang, dec),
                  _cell(r["target_value"], lang, dec), _cell(r["pct_target"], lang, pct=True))
                 for r in rank.iter_rows(named=True))
    table = P.Table(_cap(t("brief_ranking", lang, children=children(lang), ind=pick(ind, "name", lang), place=place)),
                    (t("rank", lang), t("unit_col", lang), t("value", lang), t("target", lang),
                     t("measure_pct_target", lang)), rows, (True, False, True, True, True))
    return P.Chart(fig, meta), table


def _behind(rank: pl.DataFrame, ref: UnitRef, lang: str, ind: dict) -> P.Table:
    dec = fmt.decimals_for(ind["unit_of_measure"])
    late = views.behind(rank)
    rows = tuple((r["display_name"], _cell(r["value"], lang, dec), _cell(r["target_value"], lang, dec),
                  _cell(r["pct_target"], lang, pct=True), _cell(r["target_value"] - r["value"], lang, dec))
                 for r in late.iter_rows(named=True))
    missing = views.not_reported(rank)
    note = " ".join(x for x in (t("targets_none_below", lang) if not rows else "",
                                t("brief_not_reported", lang, n=len(missing), names=", ".join(missing)) if missing else "")
                    if x)
    thr = fmt.pct(views.BEHIND_PCT, lang, 0)
    return P.Table(_cap(t("brief_behind", lang, children=word(CHILDREN_KEYS, ref.version, lang), thr=thr,
                          ind=pick(ind, "name", lang))),
                   (t("unit_col", lang), t("value", lang), t("target", lang), t("measure_pct_target", lang),
                    t("brief_gap", lang)), rows, (False, True, True, True, True), note)


def _dti(query: Query, ref: UnitRef, lang: str) -> P.Table:
    hist = views.dti_history(query, unit_code=ref.code, version=ref.version, lang=lang)
    rows = tuple((str(r["year"]), r["unit"], r["rank_text"], r["goal_text"], r["status"]) for r in hist.iter_rows(named=True))
    return P.Table(t("brief_dti", lang), (t("col_year", lang), t("unit_col", lang), t("col_rank", lang),
                                          t("col_goal", lang), t("col_status", lang)), rows,
                   (True, False, True, True, False), t("dti_goals_note", lang) if rows else t("brief_dti_none", lang))


def memo(query: Query) -> Query:
    """`query` remembering its answers for one pack: the builders ask for the same frames several times
    (every overview snapshot reads the targets in force)."""
    seen: dict = {}

    def run(name: str, **params):
        key = (name, tuple(sorted(params.items())))
        if key not in seen:
            seen[key] = query(name, **params)
        return seen[key]
    return run


def pack(query: Query, ref: UnitRef, period: dt.date, lang: str = "vi") -> P.Pack:
    """The parts of the pack, every number written once, in `lang`."""
    query = memo(query)
    cat = query("indicator_catalogue")
    ind = cat.filter(pl.col("indicator_code") == views.MAIN).row(0, named=True)
    name = query("unit_list").filter((pl.col("boundary_version") == ref.version) & (pl.col("unit_code") == ref.code)
                                     )["short_name"][0]
    place = unitref.place_name(unitref.lineage(query, version=ref.version, code=ref.code), name, lang)
    bv = query("boundary_versions").filter(pl.col("boundary_version") == ref.version).row(0, named=True)
    boundary = pick(bv, "label", lang)
    info = dict(query("build_info").iter_rows())
    stamp = dt.datetime.fromisoformat(info["built_at"])
    # figures imported after the build: the pack is dated by the last import still in force, and says so
    batches = query("ingest_batches").filter(pl.col("status") == "active")
    imported = batches["loaded_at"].max() if batches.height else None
    stamp = max(stamp, imported) if imported is not None else stamp

    cards = views.cards(query, unit_code=ref.code, version=ref.version, period=period, lang=lang)
    rank = views.ranking(query, unit_code=ref.code, version=ref.version, period=period)
    the_map = _map(query, ref, period, lang, ind, place, boundary)
    chart, table = _ranking(rank, ref, period, lang, ind, place, boundary)
    sentences = P.Sentences(t("what_changed", lang),
                            tuple(views.what_changed(query, unit_code=ref.code, period=period, lang=lang, place=place))
                            or (t("no_data", lang),))
    parts = (_card_parts(cards, period, lang), sentences, the_map, chart, _behind(rank, ref, lang, ind), table,
             _dti(query, ref, lang))
    is_demo = any(c["is_demo"] for c in cards) or the_map.meta.is_demo or chart.meta.is_demo
    sources = list(dict.fromkeys([*slides.sources_of([(c.fig, c.meta) for c in (the_map, chart)]),
                                  *(t("sources_word", lang, src=s) for s in
                                    views.snapshot_sources(query, unit_code=ref.code, period=period, lang=lang)),
                                  *(t("sources_word", lang, src=s) for s in
                                    views.dti_sources(query, unit_code=ref.code, version=ref.version, lang=lang))]))
    sources.append(t("build_info", lang, built=fmt.date(dt.datetime.fromisoformat(info["built_at"]).date(), lang),
                     seed=info.get("demo_seed", "–")))
    title = t("brief_title", lang, period=fmt.month(period, lang), place=place)
    cover = (t("boundary_word", lang, label=boundary), t("brief_cover_unit", lang, unit=str(ref)),
             t("brief_cover_period", lang, period=fmt.month(period, lang)),
             t("brief_cover_built", lang, date=fmt.date(dt.datetime.fromisoformat(info["built_at"]).date(), lang)),
             *([t("brief_cover_imported", lang, date=fmt.date(imported.date(), lang))] if imported is not None else []))
    return P.Pack(title=title, cover_lines=cover, parts=parts, sources=tuple(sources),
                  notice=t("demo_banner", lang) if is_demo else "", stamp=stamp, lang=lang, footer=title)


def build(query: Query, ref: UnitRef, period: dt.date, lang: str = "vi", kind: str = "pdf") -> bytes:
    """The pack's file bytes: kind 'pdf' or 'pptx'."""
    p = pack(query, ref, period, lang)
    return report.build_pack(p) if kind == "pdf" else slides.build_pack(p)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file in the same folder and a rename: whole or nothing."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _out_path(text: str) -> tuple[Path, str]:
    path = Path(text)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise BriefError(both("brief_err_suffix", value=text))
    folder = path.resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise BriefError(both("brief_err_dir", value=text, folder=str(folder)))
    return path, kind


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cnscd.brief", description=__doc__.split("\n\n")[0])
    ap.add_argument("--province", required=True, help="82, 2025:82, legacy:87")
    ap.add_argument("--month", required=True, help="YYYY-MM")
    ap.add_argument("--version", choices=("2025", "legacy"))
    ap.add_argument("--lang", choices=("vi", "en"), default="vi")
    ap.add_argument("--out", required=True, help="FILE.pdf | FILE.pptx")
    ap.add_argument("--warehouse", help="another warehouse file (default CNSCD_WAREHOUSE or var/)")
    args = ap.parse_args(argv)

    import queries
    from cnscd.store import warehouse

    try:
        out, kind = _out_path(args.out)
        reader = warehouse.Reader(Path(args.warehouse) if args.warehouse else None)
        query = partial(queries.run, reader.connection())
        ref, period = resolve(query, args.province, args.month, args.version, where=str(reader.path))
    except (BriefError, warehouse.WarehouseError) as err:
        print(err, file=sys.stderr)
        return 2
    import time

    from cnscd.export import ExportError

    start = time.perf_counter()
    try:
        data = build(query, ref, period, args.lang, kind)
    except ExportError as err:   # no chromium, a missing font: said in both languages, nothing written
        print(err, file=sys.stderr)
        return 1
    write_atomically(out, data)
    print(f"{out} ({len(data) / 1024:.0f} KiB, {time.perf_counter() - start:.1f} s): "
          f"{ref} {months.key(period)} {args.lang}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
