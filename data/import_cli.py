"""`python -m data import FILE [--dry-run] [--user NAME] ...` and `python -m data rollback BATCH_ID`.

Exit codes: 0 the file is accepted (imported, or would be with --dry-run); 1 refused (the
problems are printed, and written in full with --report FILE.csv); 2 wrong arguments.
`--user NAME` applies that editor's province scope from config/editors.toml; without it the
shell user is recorded and every province is allowed (whoever runs the command can already
write the warehouse file). `python -m data build` replays the imported batches (cnscd.ingest.replay_batches).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

MAX_PRINTED = 60


def _user_and_scope(name: str | None) -> tuple[str, list[str] | None]:
    from cnscd.store import auth

    if not name:
        return f"{getpass.getuser()} (cli)", None
    return name, auth.scope_of(name)


def _parser(prog: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, exit_on_error=False)


def _print_problems(plan, lang: str) -> None:
    from cnscd.ingest.problems import short

    shown = [p for p in plan.problems if p.severity != "info"][:MAX_PRINTED]
    for p in shown:
        place = ", ".join(x for x in (p.file, f"sheet '{p.sheet}'" if p.sheet else "", f"row {p.row}" if p.row else "",
                                      f"col {p.column}" if p.column else "", f"value '{short(p.value, 40)}'" if p.value else "") if x)
        msg = p.message(lang) if lang in ("vi", "en") else f"{p.message('vi')} / {p.message('en')}"
        print(f"[{p.severity}] {place}: {msg}")
    rest = len([p for p in plan.problems if p.severity != "info"]) - len(shown) + plan.dropped_problems
    if rest > 0:
        print(f"… {rest} more / còn {rest} vấn đề nữa (--report FILE.csv)")


def _period(text: str | None):
    if not text:
        return None
    from cnscd.ingest.normalize import parse_period

    try:
        return parse_period(text)
    except ValueError:
        raise SystemExit(f"--period: không hiểu / not understood: {text!r} (03/2024, Q1/2024, 2024)") from None


def main_import(argv: list[str]) -> int:
    from cnscd.store import auth, warehouse
    from cnscd.ingest import BatchError, commit, conflict_key, prepare, to_csv_bytes

    ap = _parser("python -m data import")
    ap.add_argument("file", type=Path)
    ap.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    ap.add_argument("--user", help="editor name (config/editors.toml) whose province scope applies")
    ap.add_argument("--period", help="reporting period when the file has none (03/2024, Q1/2024, 2024)")
    ap.add_argument("--on-conflict", choices=["skip", "replace"], default="skip",
                    help="stored non-demo figures that differ: keep them (skip, default) or replace them")
    ap.add_argument("--report", type=Path, help="write every problem to this CSV")
    ap.add_argument("--lang", choices=["vi", "en", "both"], default="both")
    try:
        args = ap.parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            return 0  # --help
        print(f"Tham số sai / wrong arguments: {exc}. Xem / see: python -m data import --help", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"Không có tệp / no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        user, scope = _user_and_scope(args.user)
        period = _period(args.period)
    except (auth.AuthError, SystemExit) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from cnscd.ingest.guard import Limits

    limits = Limits.from_env()
    if args.file.stat().st_size > limits.max_bytes:   # before reading it into memory
        data = b"\0" * (limits.max_bytes + 1)
    else:
        data = args.file.read_bytes()
    con = warehouse.Reader().connection()
    plan = prepare(data, args.file.name, con, scope=scope, period=period, limits=limits)
    _print_problems(plan, args.lang)
    if args.report:
        args.report.write_bytes(to_csv_bytes(plan.problems))
        print(f"→ {args.report}")
    c = plan.counts()
    print(f"{c['observations']} observations, {c['targets']} targets, {c['conflicts']} conflicts "
          f"({args.on_conflict}), {c['unchanged']} unchanged, {c['errors']} errors")
    if not plan.ok:
        print("TỪ CHỐI / REFUSED: không ghi gì / nothing written", file=sys.stderr)
        return 1
    if args.dry_run:
        print("HỢP LỆ / ACCEPTED (--dry-run: không ghi / nothing written)")
        return 0
    keys = [conflict_key(r) for r in plan.conflicts.iter_rows(named=True)]
    try:
        m = commit(plan, user, policy=args.on_conflict,
                   replace=keys if args.on_conflict == "replace" else [], skip=keys if args.on_conflict == "skip" else [])
    except BatchError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"ĐÃ NHẬP / IMPORTED batch {m['batch_id']}: {m['rows_observation']} observations, {m['rows_target']} targets")
    return 0


def main_rollback(argv: list[str]) -> int:
    from cnscd.store import auth
    from cnscd.ingest import BatchError, rollback

    ap = _parser("python -m data rollback")
    ap.add_argument("batch_id")
    ap.add_argument("--user", help="editor name whose province scope applies")
    try:
        args = ap.parse_args(argv)
        user, scope = _user_and_scope(args.user)
    except (argparse.ArgumentError, SystemExit, auth.AuthError) as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            return 0  # --help
        print(f"Tham số sai / wrong arguments: {exc}", file=sys.stderr)
        return 2
    try:
        m = rollback(args.batch_id, user, scope)
    except BatchError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"ĐÃ HUỶ / ROLLED BACK batch {m['batch_id']} ({m['file_name']})")
    return 0
