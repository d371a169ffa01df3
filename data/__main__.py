"""`python -m data build|export|check|import|rollback`: the warehouse from the command line.

Errors a user can fix end in a one-line message (Vietnamese / English) and a non-zero exit,
never a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise CliError(f"Tham số sai / wrong arguments: {message}. Xem / see: {self.prog} --help")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày YYYY-MM-DD / is not a date YYYY-MM-DD") from None


def _csv_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def parser() -> Parser:
    p = Parser(prog="python -m data", description="CNSCĐ warehouse: build, export, check, import.")
    p.add_argument("--warehouse", type=Path, help="warehouse file (default $CNSCD_WAREHOUSE, else var/warehouse.duckdb)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("build", help="build the warehouse from scratch (atomic)")
    sub.add_parser("check", help="run the integrity checks")
    e = sub.add_parser("export", help="write observations to .csv or .xlsx")
    e.add_argument("--out", type=Path, required=True, help="output file, .csv or .xlsx")
    e.add_argument("--unit", type=_csv_list, default=[], help="unit codes, comma separated (e.g. 87,70)")
    e.add_argument("--indicator", type=_csv_list, default=[], help="indicator codes, comma separated")
    e.add_argument("--from", dest="period_from", type=_date, help="period end on or after YYYY-MM-DD")
    e.add_argument("--to", dest="period_to", type=_date, help="period start on or before YYYY-MM-DD")
    # import and rollback have their own parsers (data/import_cli.py); listed here for --help.
    sub.add_parser("import", help="import a report file (.xlsx/.csv): python -m data import --help")
    sub.add_parser("rollback", help="roll back an import batch: python -m data rollback --help")
    return p


DELEGATED = {"import": "main_import", "rollback": "main_rollback"}


def _split_global(argv: list[str]) -> tuple[list[str], list[str]]:
    """Leading global options (--warehouse PATH) and the rest."""
    head: list[str] = []
    rest = list(argv)
    while rest and (rest[0] == "--warehouse" or rest[0].startswith("--warehouse=")):
        take = 1 if "=" in rest[0] else 2
        head, rest = head + rest[:take], rest[take:]
    return head, rest


def _reader():
    from cnscd.store import warehouse

    return warehouse.Reader().connection()


def cmd_build(args) -> int:
    from data.build import build

    print("Đang xây dựng kho dữ liệu / building the warehouse…", flush=True)
    result = build(args.warehouse)
    for table, n in result.row_counts.items():
        print(f"  {table:<24} {n:>10,} rows")
    if result.failures:
        print(f"Kiểm tra thất bại, kho cũ giữ nguyên / checks failed, the existing warehouse is unchanged "
              f"({len(result.failures)}):", file=sys.stderr)
        for f in result.failures:
            print(f"  - {f}", file=sys.stderr)
        return EXIT_FAIL
    print(f"Xong / built {result.path} in {result.seconds:.1f} s")
    return EXIT_OK


def cmd_check(args) -> int:
    from data.checks import check_names, run_all

    failures = run_all(_reader())
    for f in failures:
        print(f"FAIL {f}")
    print(f"{len(check_names())} checks, {len(failures)} failures")
    return EXIT_FAIL if failures else EXIT_OK


def cmd_export(args) -> int:
    from data import export

    if args.out.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError(f"Tệp xuất phải là .csv hoặc .xlsx / --out must end in .csv or .xlsx: {args.out}")
    if not args.out.parent.is_dir():
        raise CliError(f"Không có thư mục / no such folder: {args.out.parent}")
    frame = export.observations(_reader(), args.unit, args.indicator, args.period_from, args.period_to)
    export.write(frame, args.out)
    print(f"{frame.height:,} observations → {args.out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    from cnscd.store.warehouse import WarehouseError

    import os

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        head, rest = _split_global(argv)
        if rest and rest[0] in DELEGATED:
            args = parser().parse_args(head + ["check"])  # validates the global options only
            if args.warehouse:
                os.environ["CNSCD_WAREHOUSE"] = str(args.warehouse.resolve())
            from data import import_cli

            return getattr(import_cli, DELEGATED[rest[0]])(rest[1:])
        args = parser().parse_args(argv)
        if args.warehouse:
            os.environ["CNSCD_WAREHOUSE"] = str(args.warehouse.resolve())
        return {"build": cmd_build, "check": cmd_check, "export": cmd_export}[args.command](args)
    except (CliError, WarehouseError) as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, CliError) else EXIT_FAIL
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
