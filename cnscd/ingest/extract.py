"""Sheets -> observation and target records, with every problem found on the way.

Two passes over the data rows: the first resolves each row's period, boundary version and
unit; rows whose name fits several units wait for the second pass, which narrows them by the
provinces the rest of the file is about. Then the values are parsed and checked per cell:
numbers, ranges, whole counts, rates against their numerator/denominator, duplicates, scope;
a totals row is compared with the sum of the unit rows above it and never imported.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from cnscd.ingest.layout import Layout, find
from cnscd.ingest.normalize import NotANumber, key, parse_number, parse_period, version_for
from cnscd.ingest.problems import ERROR, INFO, WARNING, Problem, short
from cnscd.ingest.read import Sheet, col_letter
from cnscd.ingest.resolve import TOTAL_KEYS, Unit, narrow
from cnscd.ingest.rows import (OTHER, VERSION_LABEL, Context, Extracted, column_label, first_column, cell_value, name_column,
                               province_label, Row)
from cnscd.ingest.values import check_totals, emit_villages, read_values, add_village

__all__ = ["Context", "Extracted", "extract"]


def extract(sheets: list[Sheet], ctx: Context, problems: list[Problem]) -> Extracted:
    out, pending = Extracted(), []
    totals: list[tuple] = []
    found_any = False
    for sheet in sheets:
        layout = find(sheet, ctx.names)
        if layout is None:
            if sheet.rows:
                problems.append(Problem(INFO, "sheet_skipped", file=ctx.file_name, sheet=sheet.name))
            continue
        found_any = True
        _check_unknown_columns(sheet, layout, ctx, problems)
        pending += _first_pass(sheet, layout, ctx, problems, totals)
    if not found_any:
        problems.append(Problem(ERROR, "no_header", file=ctx.file_name))
    resolved = [r for r in pending if len(r.cands) == 1]
    provinces = {r.cands[0].province for r in resolved if r.cands[0].province}
    levels = [lv for lv, _ in Counter(r.cands[0].level for r in resolved).most_common()]
    seen: dict[tuple, int] = {}
    villages: dict[tuple, dict] = {}
    sums: dict[tuple, float] = defaultdict(float)
    for row in pending:
        if len(row.cands) > 1:
            row.cands = narrow(row.cands, provinces, None, levels or None)
        where = {"file": ctx.file_name, "sheet": row.sheet.name, "row": row.r_no}
        if len(row.cands) > 1:
            labels = ", ".join(u.label() for u in row.cands[:4]) + (" …" if len(row.cands) > 4 else "")
            problems.append(Problem(ERROR, "ambiguous_unit", column=column_label(row.layout, name_column(row.layout)),
                                    value=short(row.name), detail={"candidates": labels}, **where))
            continue
        unit = row.cands[0]
        if ctx.allowed is not None and (unit.version, unit.province or "*") not in ctx.allowed:
            problems.append(Problem(ERROR, "out_of_scope", column=column_label(row.layout, name_column(row.layout)),
                                    value=short(row.name or unit.code), detail={"province": province_label(ctx, unit)}, **where))
            continue
        out.data_rows += 1
        if first_column(row.layout, "village") is not None:
            add_village(row, unit, ctx, problems, villages)
        else:
            read_values(row, unit, ctx, problems, out, seen, sums)
    emit_villages(villages, out, seen, ctx, problems)
    # a sheet with refused rows cannot be compared with its totals row: the errors say why already
    failed_sheets = {p.sheet for p in problems if p.severity == ERROR and p.row is not None}
    for sheet, layout, r_no, values, period in totals:
        if sheet.name not in failed_sheets:
            check_totals(sheet, layout, r_no, values, period, ctx, problems, sums)
    out.totals_rows = len(totals)
    return out



def _check_unknown_columns(sheet: Sheet, layout: Layout, ctx: Context, problems: list[Problem]) -> None:
    for idx, col in enumerate(layout.columns):
        if col.kind != "unknown":
            continue
        numeric = False
        for _, values in sheet.rows[layout.first_data_index:]:
            v = cell_value(values, idx)
            try:
                numeric = parse_number(v) is not None
            except NotANumber:
                numeric = False
            if numeric:
                break
        problems.append(Problem(ERROR if numeric else WARNING, "unknown_indicator" if numeric else "ignored_column",
                                file=ctx.file_name, sheet=sheet.name, row=layout.header_row,
                                column=col_letter(idx), value=short(layout.headers[idx])))


def _row_period(layout: Layout, values: list, ctx: Context) -> tuple[dt.date, dt.date] | None:
    """Raises ValueError (with the column index in args[1]) when a period cell cannot be read."""
    def parse(kind):
        idx = first_column(layout, kind)
        v = cell_value(values, idx)
        try:
            return parse_period(v), idx
        except ValueError:
            raise ValueError(v, idx) from None

    p, _ = parse("period")
    if p:
        return p
    (s, _), (e, _) = parse("start"), parse("end")
    if s and e:
        return s[0], e[1]
    year_idx = first_column(layout, "year")
    y = cell_value(values, year_idx)
    if y is not None:
        for kind, fmt in (("month", "{}/{}"), ("quarter", "quy {} {}")):
            idx = first_column(layout, kind)
            v = cell_value(values, idx)
            if v is not None:
                try:
                    return parse_period(fmt.format(str(v).replace("Quý", "").replace("quý", "").strip(), str(y).replace(".0", "")))
                except ValueError:
                    raise ValueError(v, idx) from None
        try:
            return parse_period(y)
        except ValueError:
            raise ValueError(y, year_idx) from None
    return layout.period or ctx.period


def _has_values(layout: Layout, values: list) -> bool:
    n = len(values)
    for i, _ in layout.value_cols:
        if i < n and values[i] is not None:
            return True
    return False


def _first_pass(sheet: Sheet, layout: Layout, ctx: Context, problems: list[Problem], totals: list) -> list[Row]:
    code_i, name_i = first_column(layout, "unit_code"), name_column(layout)
    prov_i = first_column(layout, "province") if layout.columns[name_i or 0].kind != "province" else None
    dist_i = first_column(layout, "district") if name_i is not None and layout.columns[name_i].kind not in ("district", "province") else None
    rows, no_period_reported = [], False
    for r_no, values in sheet.rows[layout.first_data_index:]:
        where = {"file": ctx.file_name, "sheet": sheet.name, "row": r_no}
        name = str(cell_value(values, name_i) or "").strip()
        code = str(cell_value(values, code_i) or "").strip()
        if not _has_values(layout, values):
            continue
        try:
            period = _row_period(layout, values, ctx)
        except ValueError as exc:
            problems.append(Problem(ERROR, "bad_period", column=column_label(layout, exc.args[1]), value=short(exc.args[0]), **where))
            continue
        if name and TOTAL_KEYS.match(key(name)) and not code:
            totals.append((sheet, layout, r_no, values, period))
            problems.append(Problem(INFO, "totals_row", column=column_label(layout, name_i), value=short(name), **where))
            continue
        if period is None:
            if not no_period_reported:
                problems.append(Problem(ERROR, "no_period", **where))
                no_period_reported = True
            continue
        version = version_for(*period)
        if version is None:
            problems.append(Problem(ERROR, "period_straddles", detail={"start": f"{period[0]:%d/%m/%Y}", "end": f"{period[1]:%d/%m/%Y}"}, **where))
            continue
        cands = _resolve(ctx, version, code, name, cell_value(values, prov_i), cell_value(values, dist_i), layout, code_i, name_i, where, problems, period)
        if cands:
            rows.append(Row(sheet, layout, r_no, values, period[0], period[1], version, cands, name or code))
    return rows


def _resolve(ctx, version, code, name, prov, dist, layout, code_i, name_i, where, problems, period) -> list[Unit]:
    units = ctx.units
    if code:
        u = units.by_code_text(version, code)
        if u is None:
            _not_found(ctx, version, code, None, layout, code_i, where, problems, period)
            return []
        if name and key(name) != key(u.name) and u not in units.candidates(version, name):
            problems.append(Problem(ERROR, "code_name_mismatch", column=column_label(layout, code_i), value=short(code),
                                    detail={"code": u.code, "code_name": u.name, "name": short(name, 60)}, **where))
            return []
        return [u]
    if not name:
        refused = any(p.row == where["row"] and p.sheet == where["sheet"] and p.code in ("html", "cell_too_long", "formula")
                      for p in problems)
        if not refused:   # a name cell refused for its content has its own message already
            problems.append(Problem(ERROR, "unknown_unit", column=column_label(layout, name_i), value="",
                                    detail=VERSION_LABEL[version], **where))
        return []
    cands = units.candidates(version, name)
    if not cands:
        _not_found(ctx, version, None, name, layout, name_i, where, problems, period)
        return []
    provs = units.province_codes(version, prov) if prov else None
    dists = {u.code for u in units.candidates(version, str(dist)) if u.level == "district"} if dist else None
    return narrow(cands, provs, dists)


def _not_found(ctx, version, code, name, layout, col, where, problems, period) -> None:
    other = OTHER[version]
    hit = ctx.units.by_code_text(other, code) if code else (ctx.units.candidates(other, name) or [None])[0]
    value = short(code or name)
    if hit is not None and hit.level == "district" and version == "2025":
        problems.append(Problem(ERROR, "district_in_2025", column=column_label(layout, col), value=value, **where))
    elif hit is not None:
        problems.append(Problem(ERROR, "wrong_version", column=column_label(layout, col), value=value,
                                detail={"unit_version": other, "period_version": version,
                                        "start": f"{period[0]:%d/%m/%Y}", "end": f"{period[1]:%d/%m/%Y}"}, **where))
    else:
        problems.append(Problem(ERROR, "unknown_unit", column=column_label(layout, col), value=value,
                                detail=VERSION_LABEL[version], **where))
