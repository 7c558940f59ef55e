"""Running a flow from the command line in this process, and printing what it did."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable

from flows.cli.common import CliError, err_console
from flows.cli.run import QUIET_EPHEMERAL, print_summary


def add_flow_options(p: argparse.ArgumentParser) -> None:
    """--batch-size, --workers and --json, which a flow-running command takes."""
    p.add_argument("--batch-size", type=int, default=100, help="documents per batch (default 100)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="extraction processes (default: $INGEST_WORKERS or 1)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def in_process(name: str, run_flow: Callable[[], dict[str, object]]) -> dict[str, object]:
    """Run a flow here, starting Prefect's temporary API unless PREFECT_API_URL names a server."""
    if not os.environ.get("PREFECT_API_URL"):
        for key, value in QUIET_EPHEMERAL.items():
            os.environ.setdefault(key, value)
        err_console().print(
            "Starting Prefect in this process (set PREFECT_API_URL to report to a server); "
            "this takes a few seconds…"
        )
    try:
        return run_flow()
    except Exception as exc:
        raise CliError(f"the {name} run failed: {type(exc).__name__}: {exc}", exit_code=1) from None


def show_summary(summary: dict[str, object], as_json: bool) -> None:
    """The run summary as JSON or as a table."""
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)
