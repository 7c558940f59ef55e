"""`ingest dupes`: stories carried by more than one document, with who published them when."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from rich.table import Table

from flows.cli.common import (
    CliError,
    add_warehouse_option,
    at_least_one,
    command,
    console,
    shown_time,
    warehouse_path,
)

if TYPE_CHECKING:
    from warehouse.dupes import Cluster


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `dupes` subcommand."""
    p = command(
        sub, "dupes", "list stories published by more than one document (near-duplicates)", handle
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="estimated Jaccard similarity that makes two documents one story, in (0, 1] "
        "(default: story_cluster_settings, 0.5 as shipped; below 0.5 LSH misses more pairs)",
    )
    p.add_argument(
        "--limit", type=at_least_one, default=20, help="show at most this many stories (20)"
    )
    p.add_argument("--json", action="store_true", help="print every story as JSON")
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Read the clusters and print them, largest first."""
    from warehouse.dupes import ThresholdError, default_threshold, story_clusters  # pyarrow

    path = warehouse_path(args)
    try:
        clusters = story_clusters(path, args.threshold)
    except ThresholdError as exc:
        raise CliError(str(exc)) from None
    threshold = args.threshold if args.threshold is not None else default_threshold(path)
    if args.json:
        print(json.dumps([_as_json(c) for c in clusters], ensure_ascii=False, indent=2))
        return 0
    out = console()
    documents = sum(len(c.members) for c in clusters)
    out.print(
        f"{len(clusters)} stories carried by {documents} documents "
        f"(similarity ≥ {threshold:g})"
        + (f"; showing the {args.limit} largest" if len(clusters) > args.limit else "")
    )
    for number, cluster in enumerate(clusters[: args.limit], start=1):
        table = Table(
            title=f"story {number}: {cluster.title or '(untitled)'}",
            title_justify="left",
            show_lines=False,
        )
        for name in ("publisher", "published", "first seen", "similarity", "document"):
            table.add_column(name, overflow="fold")
        for m in cluster.members:
            table.add_row(
                m.publisher or "—",
                m.published or "—",
                shown_time(m.first_seen),
                f"{m.similarity:.2f}",
                m.locator,
            )
        out.print(table)
    return 0


def _as_json(cluster: Cluster) -> dict[str, object]:
    return {
        "cluster_id": cluster.cluster_id,
        "size": len(cluster.members),
        "title": cluster.title,
        "members": [
            {
                "document_id": m.document_id,
                "version": m.version,
                "title": m.title,
                "publisher": m.publisher,
                "published": m.published,
                "first_seen": m.first_seen.isoformat(),
                "source": m.source,
                "locator": m.locator,
                "url": m.url,
                "similarity": round(m.similarity, 4),
            }
            for m in cluster.members
        ],
    }
