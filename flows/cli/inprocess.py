"""Running a flow from the command line in this process, and printing what it did."""

from __future__ import annotations

import argparse
import json
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
from rich.table import Table

from flows.cli.common import CliError, console, err_console
from flows.cli.temporary_server import ServerFailed, TemporaryServer
from tasks.settings import MEMORY_ENV
from tasks.summary import LABELS, OUTCOMES


def add_flow_options(p: argparse.ArgumentParser) -> None:
    """--batch-size, --workers and --json, which a flow-running command takes."""
    p.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="documents per batch (default 100 per worker, at most 400); `ingest run` makes later "
        "batches up to 8 times bigger while they find nothing to extract",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="extraction processes, at most two per usable core; one per core is fastest (default: $INGEST_WORKERS or 1)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


@contextmanager
def prefect_here(name: str) -> Iterator[LocalFlow]:
    """Prefect for running a flow in this process: PREFECT_API_URL's server, or a temporary one.

    Enter it before importing the flow: without PREFECT_API_URL a temporary server starts at
    once and boots while the flow's modules load. It is stopped on the way out, so print what
    the run did inside the block.
    """
    try:
        server = None if os.environ.get("PREFECT_API_URL") else TemporaryServer()
    except ServerFailed as exc:
        raise CliError(str(exc)) from None
    local = LocalFlow(name, server)
    try:
        yield local
    finally:
        if local.server is not None:
            local.drain()
            local.server.stop()


class LocalFlow:
    """Runs a flow here, reporting to the configured Prefect server or to our temporary one."""

    def __init__(self, name: str, server: TemporaryServer | None):
        self.name = name
        self.server = server
        self.settings: dict[str, object] = {}
        self.ran = False

    def run(self, run_flow: Callable[[], dict[str, object]]) -> dict[str, object]:
        """Call `run_flow` (which calls the flow) and turn a failure into a CliError."""
        self.settings = self._api()
        self.ran = True
        try:
            with _settings(self.settings):
                return run_flow()
        except BaseException as exc:
            _forget_locals(exc)
            if not isinstance(exc, Exception):
                raise
            server = self.server.ended_early() if self.server is not None else ""
            raise CliError(
                f"the {self.name} run failed: {type(exc).__name__}: {exc}{_next_step(exc)}{server}",
                exit_code=1,
            ) from None

    def drain(self) -> None:
        """Send the logs and events Prefect still holds, while the server can take them."""
        if not self.ran or (self.server is not None and self.server.ended_early()):
            return  # (Ctrl-C reaches the server too)
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        with _settings(self.settings):
            APILogWorker.drain_all(timeout=5)
            EventsWorker.drain_all(timeout=5)

    def _api(self) -> dict[str, object]:
        """The settings the run needs: none for a configured server, ours for the temporary one."""
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            PREFECT_UI_URL,
        )

        from flows.server import api_url

        if self.server is None:
            return {}
        if api_url():
            # A Prefect profile or prefect.toml names a server: the run reports there.
            self.server.stop()
            self.server = None
            return {}
        err_console().print(
            f"Prefect: a temporary server on 127.0.0.1:{self.server.port} records this run "
            "(set PREFECT_API_URL to report to a server you keep)"
        )
        try:
            self.server.wait_ready()
        except ServerFailed as exc:
            raise CliError(str(exc), exit_code=1) from None
        # The server ends with this command, so nothing is left to watch for missing
        # heartbeats; Prefect joins its heartbeat thread as a run ends, up to 1 s later. The UI
        # is off in a temporary server: no "View at" link.
        return {
            PREFECT_API_URL: self.server.api_url,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
            PREFECT_UI_URL: "",
        }


def _forget_locals(exc: BaseException) -> None:
    """Drop the local variables of the finished frames an exception's tracebacks hold.

    Prefect keeps a crashed or failed run's state, exception and traceback included, until the
    interpreter exits; the frames would keep the landing's DuckDB connection alive past
    DuckDB's module, and nanobind then prints a hundred "leaked …" lines at exit. The
    traceback itself, and what it prints, stays.
    """
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        stack += [current.__cause__, current.__context__]


@contextmanager
def _settings(updates: dict[str, object]) -> Iterator[None]:
    """Prefect settings for this process's runs (Prefect read the environment at import)."""
    from prefect.settings import temporary_settings

    with temporary_settings(updates=updates):  # type: ignore[arg-type]
        yield


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
