"""`ingest reprocess`: run the reprocess flow in this process over stored payloads, no network."""

from __future__ import annotations

import argparse

from flows.cli.common import add_warehouse_option, command, console, err_console
from flows.cli.inprocess import add_flow_options, prefect_here, show_summary
from tasks.reprocess import build_reprocess_settings
from tasks.version import pipeline_version
from warehouse.reprocess import select_stored


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `reprocess` subcommand."""
    p = command(
        sub,
        "reprocess",
        "extract and normalise stored pages again with the current pipeline (no fetching)",
        handle,
    )
    add_warehouse_option(p)
    p.add_argument(
        "--source",
        dest="sources",
        action="append",
        default=None,
        metavar="NAME",
        help="only documents of this source (repeatable)",
    )
    p.add_argument(
        "--where",
        default=None,
        metavar="SQL",
        help="only documents matching this SQL condition over the articles columns, "
        "plus kind and processed_by, e.g. \"list_contains(flags, 't2s')\"",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="also redo documents the current pipeline version already processed",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="only say how many documents would be processed"
    )
    add_flow_options(p)


def handle(args: argparse.Namespace) -> int:
    """Check the selection without Prefect, then run the flow (unless there is nothing to do)."""
    settings = build_reprocess_settings(
        args.warehouse, args.sources, args.where, args.force, args.batch_size, args.workers
    )
    pipeline = pipeline_version()
    selection = select_stored(
        settings.warehouse, pipeline, settings.sources, settings.where, settings.force
    )
    plan = (
        f"{len(selection.todo)} document(s) to process with pipeline {pipeline}; "
        f"{selection.current} already processed by it"
        + ("" if settings.force else " (--force redoes those)")
    )
    if args.dry_run or not selection.todo:
        console().print(plan if selection.todo else f"nothing to do: {plan}")
        return 0
    err_console().print(plan)

    with prefect_here("reprocess") as here:
        from flows.reprocess import reprocess

        summary = here.run(
            lambda: reprocess(
                warehouse=str(settings.warehouse),
                sources=list(settings.sources) or None,
                where=settings.where,
                force=settings.force,
                batch_size=settings.batch_size,
                workers=settings.workers,
            )
        )
        show_summary(summary, args.json)
    return 0
