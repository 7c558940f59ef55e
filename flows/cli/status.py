"""`ingest status`: recent runs and their counts."""

from __future__ import annotations

import argparse

from rich.table import Table

from flows.cli.common import (
    add_wait_option,
    add_warehouse_option,
    at_least_one,
    command,
    console,
    shown_time,
    wait_policy,
    warehouse_path,
)
from warehouse.read import failure_reasons, recent_runs


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `status` subcommand."""
    p = command(sub, "status", "show recent runs and their counts", handle)
    add_warehouse_option(p)
    p.add_argument("--limit", type=at_least_one, default=10, help="how many runs (default 10)")
    add_wait_option(p)


def handle(args: argparse.Namespace) -> int:
    """Print recent runs, newest first, with the failure reasons of the latest."""
    path, policy = warehouse_path(args), wait_policy(args)
    runs = recent_runs(path, args.limit, policy)
    out = console()
    if not runs.rows:
        out.print(f"No runs recorded in {path} yet.")
        return 0
    table = Table(title=f"recent runs in {path}")
    for name in (
        "started",
        "flow",
        "status",
        "seconds",
        "seen",
        "new",
        "changed",
        "unchanged",
        "304",
        "failed",
        "run id",
    ):
        table.add_column(
            name, justify="right" if name not in ("flow", "status", "run id") else "left"
        )
    for row in runs.rows:
        r = dict(zip(runs.columns, row, strict=True))
        table.add_row(
            shown_time(r["started_at"]),
            r["flow"],
            r["status"],
            "" if r["elapsed_s"] is None else f"{r['elapsed_s']:.1f}",
            str(r["seen"]),
            str(r["new_documents"]),
            str(r["new_versions"]),
            str(r["unchanged"]),
            str(r["not_modified"]),
            str(r["failed"]),
            r["run_id"][:8],
        )
    out.print(table)
    latest = dict(zip(runs.columns, runs.rows[0], strict=True))
    reasons = failure_reasons(path, latest["run_id"], policy)
    if reasons:
        out.print("failures in the latest run: " + ", ".join(f"{r} {n}" for r, n in reasons))
    if any(
        dict(zip(runs.columns, row, strict=True))["status"] == "unfinished" for row in runs.rows
    ):
        out.print(
            "'unfinished' means the run is still going, or was killed before it could finish."
        )
    return 0
