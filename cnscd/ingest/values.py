"""Per-cell checks of a resolved row: numbers, ranges, whole counts, duplicates, a rate against its
numerator and denominator; the totals-row comparison; the village-register sums per commune."""
from __future__ import annotations

from collections import defaultdict

from cnscd.fmt import neutral as _fmt
from cnscd.ingest.normalize import NotANumber, key, parse_number
from cnscd.ingest.problems import ERROR, Problem, short
from cnscd.ingest.read import col_letter
from cnscd.ingest.resolve import Unit
from cnscd.ingest.rows import Context, Extracted, column_label, first_column, cell_value, Row


def _check_value(meta: dict, v: float, is_target: bool) -> tuple[str, dict] | None:
    if is_target and v <= 0:
        return "target_not_positive", {"parsed": _fmt(v)}
    if v < 0:
        return "negative", {}
    if meta["unit_of_measure"] == "%":
        return ("rate_range", {"parsed": _fmt(v)}) if v > 100 else None
    if meta["aggregation"] == "sum" and not float(v).is_integer():
        return "not_integer", {"parsed": _fmt(v)}
    return None


def read_values(row: Row, unit: Unit, ctx: Context, problems, out: Extracted, seen: dict, sums: dict) -> None:
    layout, sheet, values = row.layout, row.sheet, row.values
    parsed: dict[tuple[str, bool], tuple[float, int]] = {}
    n = len(values)
    for idx, col in layout.value_cols:
        raw = values[idx] if idx < n else None
        if raw is None:
            continue
        try:
            v = parse_number(raw)
        except NotANumber:
            problems.append(Problem(ERROR, "not_a_number", value=short(raw), **_where(ctx, row, idx)))
            continue
        if v is None:
            continue
        is_target = col.kind == "target"
        bad = _check_value(ctx.indicators[col.indicator], v, is_target)
        if bad:
            problems.append(Problem(ERROR, bad[0], value=short(raw), detail=bad[1], **_where(ctx, row, idx)))
            continue
        k = (unit.code, unit.version, col.indicator, row.start, row.end, is_target)
        if k in seen:
            problems.append(Problem(ERROR, "duplicate", value=short(raw), detail={"other_row": seen[k]}, **_where(ctx, row, idx)))
            continue
        seen[k] = row.r_no
        parsed[(col.indicator, is_target)] = (v, idx)
        if not is_target:
            sums[(sheet.name, idx, row.start, row.end)] += v
    if ctx.ratios:
        _ratios(row, unit, ctx, problems, parsed, seen)
    for (code, is_target), (v, idx) in parsed.items():
        rec = (unit.code, unit.version, code, row.start, row.end, v, sheet.name, row.r_no, col_letter(idx) if idx >= 0 else "")
        (out.targets if is_target else out.observations).append(rec)


def _where(ctx: Context, row: Row, idx: int) -> dict:
    return {"file": ctx.file_name, "sheet": row.sheet.name, "row": row.r_no, "column": column_label(row.layout, idx)}


def _ratios(row: Row, unit: Unit, ctx: Context, problems, parsed: dict, seen: dict) -> None:
    """A rate next to its numerator and denominator must agree with them (to rounding); it is then
    stored as the exact ratio, and derived when the row has the two parts but not the rate."""
    for code, meta in ctx.ratios:
        num, den = parsed.get((meta["numerator_code"], False)), parsed.get((meta["denominator_code"], False))
        if not num or not den or den[0] <= 0:
            continue
        computed = 100.0 * num[0] / den[0]
        given = parsed.get((code, False))
        if given is not None:
            if abs(given[0] - computed) > 0.1:
                problems.append(Problem(ERROR, "ratio_mismatch", file=ctx.file_name, sheet=row.sheet.name, row=row.r_no,
                                        column=column_label(row.layout, given[1]), value=_fmt(given[0]),
                                        detail={"value": _fmt(given[0]), "computed": f"{computed:.2f}"}))
                del parsed[(code, False)]
                continue
            parsed[(code, False)] = (computed, given[1])
        elif computed <= 100:
            parsed[(code, False)] = (computed, -1)
            seen[(unit.code, unit.version, code, row.start, row.end, False)] = row.r_no


def check_totals(sheet, layout, r_no, values, period, ctx, problems, sums) -> None:
    if period is None:
        return
    for idx, col in enumerate(layout.columns):
        if col.kind != "indicator" or ctx.indicators[col.indicator]["aggregation"] != "sum":
            continue
        raw = cell_value(values, idx)
        try:
            total = parse_number(raw)
        except NotANumber:
            problems.append(Problem(ERROR, "not_a_number", file=ctx.file_name, sheet=sheet.name, row=r_no,
                                    column=column_label(layout, idx), value=short(raw)))
            continue
        computed = sums.get((sheet.name, idx, period[0], period[1]))
        if total is not None and computed is not None and abs(total - computed) > 0.5:
            problems.append(Problem(ERROR, "totals_mismatch", file=ctx.file_name, sheet=sheet.name, row=r_no,
                                    column=column_label(layout, idx), value=short(raw),
                                    detail={"total": _fmt(total), "computed": _fmt(computed)}))


def add_village(row: Row, unit: Unit, ctx: Context, problems, acc: dict) -> None:
    """A village team register: one row per thôn/tổ dân phố, summed per commune and period."""
    layout = row.layout
    v_idx = first_column(layout, "village")
    name = key(cell_value(row.values, v_idx) or "")
    k = (unit.code, unit.version, row.start, row.end)
    entry = acc.setdefault(k, {"sheet": row.sheet.name, "row": row.r_no, "names": {}, "sums": defaultdict(float)})
    where = {"file": ctx.file_name, "sheet": row.sheet.name, "row": row.r_no}
    if name:
        if name in entry["names"]:
            problems.append(Problem(ERROR, "duplicate", column=column_label(layout, v_idx), value=short(cell_value(row.values, v_idx)),
                                    detail={"other_row": entry["names"][name]}, **where))
            return
        entry["names"][name] = row.r_no
    for idx, col in enumerate(layout.columns):
        if col.kind != "indicator":
            continue
        raw = cell_value(row.values, idx)
        try:
            v = parse_number(raw)
        except NotANumber:
            problems.append(Problem(ERROR, "not_a_number", column=column_label(layout, idx), value=short(raw), **where))
            continue
        if v is None:
            continue
        bad = _check_value(ctx.indicators[col.indicator], v, False)
        if bad:
            problems.append(Problem(ERROR, bad[0], column=column_label(layout, idx), value=short(raw), detail=bad[1], **where))
            continue
        entry["sums"][col.indicator] += v


def emit_villages(acc: dict, out: Extracted, seen: dict, ctx: Context, problems) -> None:
    for (code, version, start, end), e in acc.items():
        values = dict(e["sums"])
        if e["names"]:
            values["teams_village"] = float(len(e["names"]))
            values["villages_with_team"] = float(len(e["names"]))
        for ind, v in values.items():
            if ind not in ctx.indicators:
                continue
            k = (code, version, ind, start, end, False)
            if k in seen:
                problems.append(Problem(ERROR, "duplicate", file=ctx.file_name, sheet=e["sheet"], row=e["row"],
                                        value=f"{v:g}", detail={"other_row": seen[k]}))
                continue
            seen[k] = e["row"]
            out.observations.append((code, version, ind, start, end, v, e["sheet"], e["row"], ""))
