"""`ingest export`: the corpus, now or as it stood at a point in time, as Parquet or JSON Lines."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.common import (
    CliError,
    add_warehouse_option,
    command,
    console,
    err_console,
    warehouse_path,
)
from warehouse.export import FORMATS, ExportError, export


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `export` subcommand."""
    p = command(
        sub, "export", "write the articles (now or as of a time) to Parquet or JSONL", handle
    )
    p.add_argument("--format", choices=tuple(FORMATS), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write into")
    p.add_argument(
        "--as-of",
        default=None,
        metavar="TIMESTAMP",
        help="the corpus as it stood then, e.g. 2024-05-01 or '2024-05-01 12:00+08' (no zone: local time)",
    )
    p.add_argument(
        "--where",
        default=None,
        metavar="SQL",
        help="only articles matching this SQL condition over the articles columns",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an earlier export in DIR")
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Write the export and say where it went."""
    try:
        result = export(
            warehouse_path(args),
            args.out,
            args.format,
            as_of=args.as_of,
            where=args.where,
            overwrite=args.overwrite,
        )
    except ExportError as exc:
        raise CliError(str(exc)) from None
    moment = f" as of {result.as_of.isoformat()}" if result.as_of else ""
    console().print(
        f"wrote {result.rows} article(s){moment} to {result.file} ({result.manifest.name} beside it)"
    )
    if result.rows == 0 and result.as_of is not None:
        if result.first_seen is None:
            why = "the warehouse holds no versions yet; run `ingest run` first"
        elif result.as_of < result.first_seen:
            why = (
                f"nothing was valid then: the warehouse's first version was seen at "
                f"{result.first_seen.isoformat()}. --as-of goes by when the pipeline saw a page, "
                "not by when it was published (README, *Querying the warehouse*)"
            )
        else:
            why = ""
        if why:
            err_console().print(f"note: {why}")
    return 0
