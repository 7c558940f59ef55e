"""`ingest check`: verify the warehouse and name every problem found."""

from __future__ import annotations

import argparse
import json

from flows.cli.common import (
    add_wait_option,
    add_warehouse_option,
    command,
    console,
    err_console,
    wait_policy,
    warehouse_path,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `check` subcommand."""
    p = command(
        sub, "check", "verify the warehouse's integrity; exit 1 naming each problem", handle
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    add_wait_option(p)
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Run every check read-only; print one line per check; exit 1 if any failed."""
    from warehouse.check import check_warehouse  # pulls in pyarrow (see flows/cli)

    path = warehouse_path(args)
    findings = check_warehouse(path, wait_policy(args))
    failed = [f for f in findings if not f.ok]
    if args.json:
        print(
            json.dumps(
                {
                    "warehouse": str(path),
                    "ok": not failed,
                    "findings": [
                        {"check": f.check, "ok": f.ok, "detail": f.detail} for f in findings
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        out = console()
        out.print(f"checked {path}")
        for f in findings:
            mark = "[green]ok  [/]" if f.ok else "[bold red]FAIL[/]"
            out.print(f"  {mark}  {f.check:<18} {f.detail}", soft_wrap=True)
    if failed:
        err_console().print(
            f"[bold red]{len(failed)} problem(s)[/] in {path}: "
            + ", ".join(f.check for f in failed)
        )
        return 1
    return 0
