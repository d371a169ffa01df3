"""`prepare()`: everything an import will do, worked out before anything is written (the dry run).

guard (bytes) -> read (cells) -> extract (records + problems) -> compare with the warehouse
(already imported? conflicts with stored non-demo figures? unchanged figures?). The result, a
Plan, is what the page shows, what `--dry-run` prints and what `commit()` writes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import duckdb
import polars as pl

import queries
from cnscd import fmt
from cnscd.ingest import guard, read
from cnscd.ingest.extract import Context, extract
from cnscd.ingest.problems import CONFLICT, ERROR, INFO, Problem, short
from cnscd.ingest.resolve import Units

MAX_PROBLEMS = 5_000
KEY = ["unit_code", "boundary_version", "indicator_code", "period_start", "period_end"]
REC_SCHEMA = {"unit_code": pl.String, "boundary_version": pl.String, "indicator_code": pl.String,
              "period_start": pl.Date, "period_end": pl.Date, "value": pl.Float64,
              "sheet": pl.String, "row": pl.Int64, "column": pl.String}


@dataclass
class Plan:
    file_name: str
    sha256: str
    data: bytes
    problems: list[Problem] = field(default_factory=list)
    observations: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REC_SCHEMA))
    targets: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REC_SCHEMA))
    conflicts: pl.DataFrame = field(default_factory=pl.DataFrame)   # kind, key, sheet/row/column, old/new
    unchanged: int = 0
    totals_rows: int = 0
    data_rows: int = 0
    period: tuple | None = None
    dropped_problems: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors and (self.observations.height + self.targets.height) > 0

    def counts(self) -> dict:
        return {"observations": self.observations.height, "targets": self.targets.height,
                "conflicts": self.conflicts.height, "unchanged": self.unchanged, "errors": len(self.errors),
                "data_rows": self.data_rows, "totals_rows": self.totals_rows}


def indicator_meta(con) -> dict[str, dict]:
    return {r["indicator_code"]: r for r in queries.run(con, "ingest_indicators").iter_rows(named=True)}


def expand_scope(con, entries: list[str] | None) -> set[tuple[str, str]] | None:
    """Editor scope entries -> allowed (version, province_code). '*' = everything (None).
    A plain code is a legacy province and also covers the 2025 province it became;
    '2025:82' names a 2025 province only."""
    if entries is None or "*" in entries:
        return None
    succ = queries.run(con, "ingest_province_successors")
    allowed: set[tuple[str, str]] = set()
    for e in entries:
        e = e.strip()
        if e.startswith("2025:"):
            allowed.add(("2025", e[5:]))
        elif e:
            allowed.add(("legacy", e))
            allowed |= {("2025", t) for t in succ.filter(pl.col("from_code") == e)["to_code"].to_list()}
    return allowed


def prepare(data: bytes, file_name: str, con: duckdb.DuckDBPyConnection, *, scope: list[str] | None = None,
            period: tuple[dt.date, dt.date] | None = None, limits: guard.Limits | None = None,
            check_duplicate_file: bool = True) -> Plan:
    limits = limits or guard.Limits.from_env()
    file_name = short(file_name.replace("/", "_").replace("\\", "_"), 120) or "file"
    plan = Plan(file_name, hashlib.sha256(data).hexdigest(), data, period=period)
    problems: list[Problem] = []
    try:
        kind = guard.check(data, file_name, limits)
        sheets = read.read(data, kind, file_name, limits, problems)
        n_rows = sum(len(s.rows) for s in sheets)
        if n_rows > limits.max_rows:
            raise guard.Refused(Problem(ERROR, "too_many_rows", file=file_name,
                                        detail={"limit": fmt.neutral(limits.max_rows)}))
    except guard.Refused as exc:
        plan.problems = [exc.problem]
        return plan
    except Exception as exc:  # a reader failing on damaged input must not take the app down
        plan.problems = [Problem(ERROR, "corrupt", file=file_name, detail={"reason": short(f"{type(exc).__name__}: {exc}", 120)})]
        return plan
    if check_duplicate_file:
        dup = queries.run(con, "ingest_batch_by_sha", sha256=plan.sha256)
        if dup.height:
            problems.append(Problem(ERROR, "already_imported", file=file_name, detail={"batch_id": dup["batch_id"][0]}))
    ctx = Context(file_name, indicator_meta(con), Units(queries.run(con, "ingest_units")), expand_scope(con, scope), period)
    ex = extract(sheets, ctx, problems)
    plan.observations = pl.DataFrame(ex.observations, schema=REC_SCHEMA, orient="row")
    plan.targets = pl.DataFrame(ex.targets, schema=REC_SCHEMA, orient="row")
    plan.totals_rows, plan.data_rows = ex.totals_rows, ex.data_rows
    compare(plan, con, problems)
    if not any(p.severity == ERROR for p in problems) and plan.observations.height + plan.targets.height + plan.conflicts.height == 0:
        problems.append(Problem(ERROR, "no_rows", file=file_name))
    if len(problems) > MAX_PROBLEMS:
        plan.dropped_problems = len(problems) - MAX_PROBLEMS
        problems = sorted(problems, key=lambda p: p.severity != ERROR)[:MAX_PROBLEMS]
    order = {s.name: i for i, s in enumerate(sheets)}
    plan.problems = sorted(problems, key=lambda p: (p.row is not None, order.get(p.sheet, -1), p.row or 0))
    return plan


def compare(plan: Plan, con, problems: list[Problem] | None = None) -> None:
    """Split the plan's records into new, unchanged (same value stored) and conflicts (another
    non-demo value stored for the same key). Re-run inside the write transaction too."""
    recs = pl.concat([plan.observations.with_columns(kind=pl.lit("observation")),
                      plan.targets.with_columns(kind=pl.lit("target"))])
    if recs.height == 0:
        plan.conflicts = _empty_conflicts()
        return
    existing = queries.run(con, "ingest_existing", unit_codes=recs["unit_code"].unique().to_list(),
                           indicator_codes=recs["indicator_code"].unique().to_list(),
                           period_from=recs["period_start"].min(), period_to=recs["period_end"].max())
    if existing.height == 0:
        plan.conflicts = _empty_conflicts()
        return
    old = existing.group_by(["kind", *KEY]).agg(
        old_value=pl.col("value").first(), old_source_id=pl.col("source_id").first(),
        n_same=(pl.col("value") - pl.col("value").first()).abs().max())
    joined = recs.join(old, on=["kind", *KEY], how="left")
    same = joined.filter(pl.col("old_value").is_not_null() & ((pl.col("old_value") - pl.col("value")).abs() < 1e-9)
                         & (pl.col("n_same") < 1e-9))
    conflict = joined.filter(pl.col("old_value").is_not_null()).join(same.select("kind", *KEY), on=["kind", *KEY], how="anti")
    plan.unchanged = same.height
    keep_out = same.select("kind", *KEY)
    plan.observations = plan.observations.join(keep_out.filter(pl.col("kind") == "observation").drop("kind"), on=KEY, how="anti")
    plan.targets = plan.targets.join(keep_out.filter(pl.col("kind") == "target").drop("kind"), on=KEY, how="anti")
    plan.conflicts = conflict.select("kind", *KEY, "sheet", "row", "column", "old_value", "old_source_id",
                                     pl.col("value").alias("new_value")).sort("sheet", "row", "column")
    if problems is not None:
        if plan.unchanged:
            problems.append(Problem(INFO, "unchanged", file=plan.file_name, value=str(plan.unchanged)))
        for r in plan.conflicts.head(MAX_PROBLEMS).iter_rows(named=True):
            problems.append(Problem(CONFLICT, "conflict", file=plan.file_name, sheet=r["sheet"], row=r["row"],
                                    column=r["column"], value=f"{r['new_value']:g}",
                                    detail={"old": f"{r['old_value']:g}", "new": f"{r['new_value']:g}",
                                            "old_source": r["old_source_id"]}))


def _empty_conflicts() -> pl.DataFrame:
    return pl.DataFrame(schema={"kind": pl.String, **{k: REC_SCHEMA[k] for k in KEY}, "sheet": pl.String,
                                "row": pl.Int64, "column": pl.String, "old_value": pl.Float64,
                                "old_source_id": pl.String, "new_value": pl.Float64})


def conflict_key(r: dict) -> str:
    """A stable text key for a conflict: how the planner's replace/skip choice is remembered."""
    return "|".join([r["kind"], r["unit_code"], r["boundary_version"], r["indicator_code"],
                     str(r["period_start"]), str(r["period_end"])])
