"""Writing a plan as one batch, rolling it back, and replaying kept batches onto a fresh build.

A batch is all-or-nothing: its rows, its core_source and core_batch rows and the stored rows it
replaces change inside one `warehouse.write_transaction()` (a copy swapped in atomically), so
readers see all of it or none. The original file, its sha256 and a batch.json manifest go to
imports_dir()/<batch_id>/; the manifest is 'pending' until the swap succeeded, then 'active'
(or later 'rolled_back'). `python -m data build` starts from scratch and calls
`replay_batches(con)` so imports survive rebuilds.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl

import queries
from cnscd.store import statedir, warehouse
from cnscd.ingest.plan import KEY, Plan, compare, conflict_key, expand_scope, prepare
from cnscd.ingest.problems import short

BATCH_ID = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{8}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class BatchError(RuntimeError):
    """A batch operation refused, with a message in Vietnamese and English."""


def imports_dir() -> Path:
    """CNSCD_IMPORTS_DIR, else `imports/` beside the warehouse (the state directory's for the live one)."""
    if os.environ.get("CNSCD_IMPORTS_DIR"):
        return Path(os.environ["CNSCD_IMPORTS_DIR"])
    beside = warehouse.path().parent
    return statedir.part("imports") if beside == statedir.path() else beside / "imports"


def new_batch_id(sha256: str, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return f"{now:%Y%m%dT%H%M%S}-{sha256[:8]}"


def _manifest_path(batch_id: str) -> Path:
    if not BATCH_ID.match(batch_id or ""):
        raise BatchError(f"Mã lô không hợp lệ / not a batch id: {short(batch_id, 40)!r}")
    return imports_dir() / batch_id / "batch.json"


def read_manifest(batch_id: str) -> dict:
    p = _manifest_path(batch_id)
    if not p.is_file():
        raise BatchError(f"Không có lô {batch_id} / no batch {batch_id} in {imports_dir()}")
    return json.loads(p.read_text(encoding="utf-8"))


def _write_manifest(m: dict) -> None:
    p = _manifest_path(m["batch_id"])
    tmp = p.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(m, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, p)


def _rows(frame: pl.DataFrame, batch_id: str, value_col: str) -> pl.DataFrame:
    from cnscd.ingest.normalize import granularity

    out = frame.select(*KEY, pl.col("value").alias(value_col)).with_columns(
        source_id=pl.lit(f"import:{batch_id}"), quote_vi=pl.lit(None, pl.String),
        is_demo=pl.lit(False), batch_id=pl.lit(batch_id))
    if value_col == "value":
        grans = [granularity(s, e) for s, e in zip(out["period_start"], out["period_end"])]
        out = out.with_columns(granularity=pl.Series(grans, dtype=pl.String))
    return out


def _source(m: dict) -> pl.DataFrame:
    """The core_source row of a batch (kind 'import', title = the file name)."""
    return pl.DataFrame({
        "source_id": [f"import:{m['batch_id']}"], "source_kind": ["import"], "title": [m["file_name"]],
        "publisher": [m["loaded_by"]], "url": [None], "published_date": [dt.date.fromisoformat(m["loaded_at"][:10])],
        "licence": [None], "note": [f"sha256 {m['file_sha256']}"]}, schema_overrides={"url": pl.String, "licence": pl.String})


def _apply(con, plan: Plan, manifest: dict, batch_dir: Path | None) -> tuple[int, int]:
    """Write the plan's rows into `con` (already inside a transaction). Returns row counts."""
    batch_id = manifest["batch_id"]
    dup = queries.write(con, "ingest_batch_by_sha", sha256=manifest["file_sha256"])
    if dup.height and batch_dir is not None:   # a second click, or another session, got there first
        raise BatchError(f"Tệp này đã được nhập (lô {dup['batch_id'][0]}). / This file was already imported (batch {dup['batch_id'][0]}).")
    compare(plan, con)   # the warehouse may have changed since the dry run
    decisions = manifest.get("decisions", {})
    replace_keys = set(decisions.get("replace", []))
    policy = decisions.get("policy", "skip")
    conf = plan.conflicts.with_columns(ckey=pl.Series([conflict_key(r) for r in plan.conflicts.iter_rows(named=True)], dtype=pl.String))
    undecided = set(conf["ckey"]) - replace_keys - set(decisions.get("skip", []))
    if undecided and policy == "ask":
        raise BatchError(f"{len(undecided)} xung đột mới chưa được quyết định (thay thế/bỏ qua); chạy lại bước kiểm tra. / "
                         f"{len(undecided)} new conflicts have no replace/skip decision; run the check again.")
    replace = conf.filter(pl.col("ckey").is_in(list(replace_keys)) | (pl.col("ckey").is_in(list(undecided)) & pl.lit(policy == "replace")))
    skip = conf.join(replace.select("ckey"), on="ckey", how="anti")
    obs = plan.observations.join(skip.filter(pl.col("kind") == "observation").select(KEY), on=KEY, how="anti")
    tgt = plan.targets.join(skip.filter(pl.col("kind") == "target").select(KEY), on=KEY, how="anti")
    if replace.height:
        keys = replace.select("kind", *KEY)
        queries.write(con, "ingest_replace_keys_create")
        queries.insert(con, "tmp_ingest_replace", keys)
        old = queries.write(con, "ingest_replaced_rows")
        if batch_dir is not None:
            old.write_parquet(batch_dir / "replaced.parquet")
        queries.write(con, "ingest_delete_replaced")
        queries.write(con, "ingest_delete_replaced_targets")
        queries.write(con, "ingest_replace_keys_drop")
    queries.insert(con, "core_source", _source(manifest))
    queries.insert(con, "core_observation", _rows(obs, batch_id, "value"))
    queries.insert(con, "core_target", _rows(tgt, batch_id, "target_value"))
    queries.insert(con, "core_batch", pl.DataFrame({
        "batch_id": [batch_id], "loaded_at": [dt.datetime.fromisoformat(manifest["loaded_at"])],
        "loaded_by": [manifest["loaded_by"]], "file_name": [manifest["file_name"]], "file_sha256": [manifest["file_sha256"]],
        "rows_observation": [obs.height], "rows_target": [tgt.height], "status": ["active"]}))
    return obs.height, tgt.height


def commit(plan: Plan, user: str, *, policy: str = "skip", replace: list[str] | None = None,
           skip: list[str] | None = None, now: dt.datetime | None = None) -> dict:
    """Write an error-free plan as one batch; return its manifest. `policy` decides conflicts not
    listed in `replace`/`skip` ('skip', 'replace', or 'ask' = refuse if any appeared since the dry run)."""
    if not plan.ok:
        raise BatchError(f"Tệp còn {len(plan.errors)} lỗi; sửa rồi nhập lại. / The file still has {len(plan.errors)} errors; fix them and import again.")
    now = now or dt.datetime.now().replace(microsecond=0)
    batch_id = new_batch_id(plan.sha256, now)
    batch_dir = imports_dir() / batch_id
    try:
        batch_dir.mkdir(parents=True, exist_ok=False)
    except FileExistsError:   # same content, same second: the same batch
        raise BatchError(f"Tệp này đã được nhập (lô {batch_id}). / This file was already imported (batch {batch_id}).") from None
    ext = Path(plan.file_name).suffix.lower()
    stored = "original" + (ext if ext in (".xlsx", ".csv", ".txt") else ".bin")
    (batch_dir / stored).write_bytes(plan.data)
    (batch_dir / "original.sha256").write_text(f"{plan.sha256}  {stored}\n")
    manifest = {"batch_id": batch_id, "file_name": plan.file_name, "stored_file": stored, "file_sha256": plan.sha256,
                "loaded_at": now.isoformat(), "loaded_by": user, "status": "pending",
                "period": [str(d) for d in plan.period] if plan.period else None,
                "decisions": {"policy": policy, "replace": sorted(replace or []), "skip": sorted(skip or [])},
                "rows_observation": None, "rows_target": None, "rolled_back_at": None, "rolled_back_by": None}
    _write_manifest(manifest)
    try:
        with warehouse.write_transaction() as con:
            n_obs, n_tgt = _apply(con, plan, manifest, batch_dir)
            refresh_rollup(con)
    except BaseException:
        shutil.rmtree(batch_dir, ignore_errors=True)
        raise
    manifest.update(status="active", rows_observation=n_obs, rows_target=n_tgt)
    _write_manifest(manifest)
    return manifest


def refresh_rollup(con) -> None:
    """Remake derived_rollup (how far real figures move the demo figures above them; queries/rollup_fill.sql,
    then the demo rates whose parts moved, queries/rollup_rates.sql) inside the caller's transaction: after
    every import, rollback and build."""
    queries.write(con, "rollup_clear")
    queries.write(con, "rollup_fill")
    queries.write(con, "rollup_rates")


def rollback(batch_id: str, user: str, scope: list[str] | None = None, now: dt.datetime | None = None) -> dict:
    """Remove a batch's rows and restore the rows it had replaced, in one transaction."""
    manifest = read_manifest(batch_id)
    now = now or dt.datetime.now().replace(microsecond=0)
    with warehouse.write_transaction() as con:
        found = queries.write(con, "ingest_batch_status", batch_id=batch_id)
        status = found["status"][0] if found.height else None
        if status != "active":
            raise BatchError(f"Lô {batch_id} không ở trạng thái đang dùng / batch {batch_id} is not active "
                             f"({status or 'not in the warehouse'}).")
        allowed = expand_scope(con, scope)
        if allowed is not None:
            touched = queries.write(con, "ingest_batch_scope", batch_id=batch_id)
            outside = [f"{v}:{p}" for v, p in touched.iter_rows() if (v, p) not in allowed]
            if outside:
                raise BatchError(f"Bạn không có quyền huỷ lô này (tỉnh {', '.join(outside)}). / "
                                 f"You may not roll back this batch (provinces {', '.join(outside)}).")
        queries.write(con, "ingest_delete_batch", batch_id=batch_id)
        queries.write(con, "ingest_delete_batch_targets", batch_id=batch_id)
        _restore_replaced(con, imports_dir() / batch_id / "replaced.parquet")
        queries.write(con, "ingest_mark_rolled_back", batch_id=batch_id, at=now, by=user)
        refresh_rollup(con)
    manifest.update(status="rolled_back", rolled_back_at=now.isoformat(), rolled_back_by=user)
    _write_manifest(manifest)
    return manifest


def _restore_replaced(con, path: Path) -> None:
    if not path.is_file():
        return
    old = pl.read_parquet(path)
    known = set(queries.write(con, "ingest_source_ids")["source_id"].to_list())
    old = old.filter(pl.col("source_id").is_in(list(known)))
    obs = old.filter(pl.col("kind") == "observation").drop("kind")
    tgt = old.filter(pl.col("kind") == "target").drop("kind", "granularity").rename({"value": "target_value"})
    for kind, table, frame in (("observation", "core_observation", obs), ("target", "core_target", tgt)):
        if frame.height:
            present = queries.write(con, "ingest_stored_keys", kind=kind)
            frame = frame.join(present, on=[*KEY, "source_id"], how="anti")
            queries.insert(con, table, frame)


def manifests() -> list[dict]:
    root = imports_dir()
    if not root.is_dir():
        return []
    out = []
    for p in sorted(root.glob("*/batch.json")):
        if BATCH_ID.match(p.parent.name):
            try:
                out.append(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
    return sorted(out, key=lambda m: (m.get("loaded_at", ""), m["batch_id"]))


def replay_batches(con: duckdb.DuckDBPyConnection, log=print) -> list[str]:
    """Re-apply every kept batch, oldest first, onto a freshly built warehouse connection.
    Rolled-back batches come back as history rows only. Returns the ids applied."""
    applied = []
    for m in manifests():
        bid, status = m["batch_id"], m.get("status")
        if status not in ("active", "rolled_back"):
            log(f"  import {bid}: status {status}, not replayed")
            continue
        try:
            if status == "rolled_back":
                _history_row(con, m)
                continue
            data = (imports_dir() / bid / m["stored_file"]).read_bytes()
            import hashlib

            if hashlib.sha256(data).hexdigest() != m["file_sha256"]:
                log(f"  import {bid}: stored file changed (sha256 differs), not replayed")
                continue
            period = tuple(dt.date.fromisoformat(d) for d in m["period"]) if m.get("period") else None
            plan = prepare(data, m["file_name"], con, period=period, check_duplicate_file=False)
            if not plan.ok:
                log(f"  import {bid}: no longer valid ({len(plan.errors)} errors, first: "
                    f"{plan.errors[0].message('en') if plan.errors else 'no rows'}), not replayed")
                continue
            _apply(con, plan, m, None)
            applied.append(bid)
        except Exception as exc:  # a bad kept batch must not stop the build
            log(f"  import {bid}: replay failed ({short(exc, 200)})")
    if applied:
        log(f"  replayed {len(applied)} import batch(es)")
    return applied


def _history_row(con, m: dict) -> None:
    queries.insert(con, "core_source", _source(m))
    queries.insert(con, "core_batch", pl.DataFrame({
        "batch_id": [m["batch_id"]], "loaded_at": [dt.datetime.fromisoformat(m["loaded_at"])], "loaded_by": [m["loaded_by"]],
        "file_name": [m["file_name"]], "file_sha256": [m["file_sha256"]], "rows_observation": [m.get("rows_observation") or 0],
        "rows_target": [m.get("rows_target") or 0], "status": ["rolled_back"],
        "rolled_back_at": [dt.datetime.fromisoformat(m["rolled_back_at"]) if m.get("rolled_back_at") else None],
        "rolled_back_by": [m.get("rolled_back_by")]}))


def list_batches(con) -> pl.DataFrame:
    return queries.run(con, "ingest_batches")
