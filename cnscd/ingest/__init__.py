"""Report import (issue 6): read, check, write as one reversible batch.

    plan = prepare(data, "bao_cao_T3.xlsx", con, scope=["87"])   # dry run: plan.problems, plan.conflicts
    manifest = commit(plan, user="an", policy="skip")             # one atomic batch
    rollback(manifest["batch_id"], user="an", scope=["87"])

Modules: guard (hostile bytes), read (cells), layout/columns (headers), normalize (text,
numbers, periods), resolve (unit names), extract + rows + values (records + problems), plan (dry run),
batches (write, rollback, replay), templates (Excel templates), problems (messages vi/en),
pagekit (the import page's texts and tables).
"""
from cnscd.ingest.batches import (BatchError, commit, imports_dir, list_batches, manifests, read_manifest,
                                  replay_batches, rollback)
from cnscd.ingest.guard import Limits
from cnscd.ingest.plan import Plan, conflict_key, prepare
from cnscd.ingest.problems import Problem, frame as problems_frame, to_csv_bytes

__all__ = ["BatchError", "Limits", "Plan", "Problem", "commit", "conflict_key", "imports_dir", "list_batches",
           "manifests", "prepare", "problems_frame", "read_manifest", "replay_batches", "rollback", "to_csv_bytes"]
