"""`ingest run`: run the ingest flow in this process and print what it did."""

from __future__ import annotations

import argparse
import json
import os

from rich.table import Table

from flows.cli.common import CliError, add_warehouse_option, command, console, err_console
from tasks.settings import build_settings
from tasks.summary import LABELS, OUTCOMES

# Prefect's temporary in-process server is chatty at exit and phones home by default.
QUIET_EPHEMERAL = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    p = command(sub, "run", "run the ingest flow over the configured sources", handle)
    p.add_argument(
        "--sources",
        dest="sources_file",
        default=None,
        help="sources file (default: $INGEST_SOURCES or sources.yaml)",
    )
    add_warehouse_option(p)
    p.add_argument(
        "--source",
        dest="only",
        action="append",
        default=None,
        metavar="NAME",
        help="only this source (repeatable)",
    )
    p.add_argument("--group", default=None, help="only sources of this group")
    p.add_argument("--batch-size", type=int, default=100, help="documents per batch (default 100)")
    p.add_argument("--limit", type=int, default=None, help="stop after this many documents")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="extraction processes (default: $INGEST_WORKERS or 1)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def handle(args: argparse.Namespace) -> int:
    """Validate the settings before starting Prefect, run the flow, print the summary."""
    settings = build_settings(
        args.sources_file,
        args.warehouse,
        args.only,
        args.group,
        args.batch_size,
        args.limit,
        args.workers,
    )
    if not os.environ.get("PREFECT_API_URL"):
        for key, value in QUIET_EPHEMERAL.items():
            os.environ.setdefault(key, value)
        err_console().print(
            "Starting Prefect in this process (set PREFECT_API_URL to report to a server); "
            "this takes a few seconds…"
        )
    from flows.ingest import ingest

    try:
        summary = ingest(
            sources_file=str(settings.sources_file),
            warehouse=str(settings.warehouse),
            sources=args.only,
            group=args.group,
            batch_size=settings.batch_size,
            limit=settings.limit,
            workers=settings.workers,
        )
    except Exception as exc:
        raise CliError(f"the ingest run failed: {type(exc).__name__}: {exc}", exit_code=1) from None
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)
    if summary.get("spool_entries"):
        err_console().print(
            f"[yellow]note:[/] the warehouse stayed locked, so {summary['spool_entries']} "
            f"entries wait in {summary['warehouse']}.spool/; the next `ingest run` lands them "
            "first. Close whatever holds the file (an open `duckdb` shell does)."
        )
    return 0


def print_summary(summary: dict[str, object]) -> None:
    """The run summary as a table."""
    table = Table(title=f"ingest run {summary['run_id']}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row("documents seen", str(summary["seen"]))
    for key in OUTCOMES:
        table.add_row(LABELS[key], str(summary[key]))
    if summary.get("spooled"):
        table.add_row("waiting in the spool", str(summary["spooled"]))
    if summary.get("recovered_from_spool"):
        table.add_row("landed from the spool", str(summary["recovered_from_spool"]))
    reasons = summary.get("failed_by_reason") or {}
    for reason, count in reasons.items():  # type: ignore[union-attr]
        table.add_row(f"  failed: {reason}", str(count))
    table.add_row("elapsed", f"{summary['elapsed_s']:.1f} s")
    table.add_row("warehouse", str(summary["warehouse"]))
    console().print(table)
