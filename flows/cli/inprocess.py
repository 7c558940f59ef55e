"""Running a flow from the command line in this process, and printing what it did."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable

import duckdb
from rich.table import Table

from flows.cli.common import CliError, console, err_console
from tasks.settings import MEMORY_ENV
from tasks.summary import LABELS, OUTCOMES

# Prefect's temporary in-process server is chatty at exit and phones home by default, and
# gives up after 20 s, which a busy 2-core machine exceeds (measured: 21 s under load 4-5).
QUIET_EPHEMERAL = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def add_flow_options(p: argparse.ArgumentParser, batch_size_default: int | None = 100) -> None:
    """--batch-size, --workers and --json, which a flow-running command takes."""
    p.add_argument(
        "--batch-size",
        type=int,
        default=batch_size_default,
        help="documents per batch (default 100); `ingest run` makes later batches up to 8 times "
        "bigger while they find nothing to extract",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="extraction processes (default: $INGEST_WORKERS or 1)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def in_process(name: str, run_flow: Callable[[], dict[str, object]]) -> dict[str, object]:
    """Run a flow here, starting Prefect's temporary API unless PREFECT_API_URL names a server."""
    from prefect.settings import temporary_settings

    ephemeral = {}
    if not os.environ.get("PREFECT_API_URL"):
        # Prefect read its settings when it was imported: set ours in a settings context
        # (for this process) and in the environment (for the server's subprocess). A value
        # the user set in the environment wins.
        ephemeral = {
            key: os.environ.setdefault(key, value) for key, value in QUIET_EPHEMERAL.items()
        }
        err_console().print(
            "Starting Prefect in this process (set PREFECT_API_URL to report to a server); "
            "this takes a few seconds…"
        )
    try:
        with temporary_settings(updates=ephemeral):
            return run_flow()
    except Exception as exc:
        raise CliError(
            f"the {name} run failed: {type(exc).__name__}: {exc}{_next_step(exc)}", exit_code=1
        ) from None


def _next_step(exc: Exception) -> str:
    """What to do about a failure a setting fixes, as a sentence to append."""
    # A commit that cannot allocate comes as a TransactionException, so the words count too.
    if isinstance(exc, duckdb.OutOfMemoryException) or "failed to allocate" in str(exc):
        return (
            f"\nDuckDB reached its memory cap for writing the warehouse: set {MEMORY_ENV} "
            "higher (e.g. 2GB) and run again. Nothing that landed was touched."
        )
    return ""


def show_summary(summary: dict[str, object], as_json: bool) -> None:
    """The run summary as JSON or as a table, and a note when batches wait in the spool."""
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)
    if summary.get("spool_entries"):
        err_console().print(
            f"[yellow]note:[/] the warehouse stayed locked, so {summary['spool_entries']} "
            f"entries wait in {summary['warehouse']}.spool/; the next `ingest run` lands them "
            "first. Close whatever holds the file (an open `duckdb` shell does)."
        )


def print_summary(summary: dict[str, object]) -> None:
    """The run summary as a table."""
    table = Table(
        title=f"{summary.get('flow', 'ingest')} run {summary['run_id']}", show_header=False
    )
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
