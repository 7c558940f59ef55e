"""`ingest history`: the versions of one document, with validity intervals and diffs."""

from __future__ import annotations

import argparse
import difflib
import itertools
from pathlib import Path

from rich.table import Table

from flows.cli.common import CliError, add_warehouse_option, command, console, warehouse_path
from tasks.identity import canonical_url, is_web_address
from warehouse.read import find_document, versions


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `history` subcommand."""
    p = command(sub, "history", "list the versions of one document", handle)
    p.add_argument("document", help="document id, URL, or path of a local file")
    p.add_argument(
        "--diff", action="store_true", help="show a unified diff between consecutive versions"
    )
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Resolve the document, then print its versions and, with --diff, what changed."""
    path = warehouse_path(args)
    key = args.document
    canonical = canonical_url(key) if is_web_address(key) else key
    matches = find_document(path, key, canonical, str(Path(key).expanduser().resolve()))
    if not matches:
        raise CliError(
            f"no document matches {key!r}; give a document id, a URL as ingested, or a local file path "
            '(see `ingest query "select document_id, locator from document_status"`)'
        )
    document_id, locator, origin = matches[0]
    rows = versions(path, document_id)
    out = console()
    out.print(f"[bold]{locator}[/]  (document {document_id})\n{origin}")
    if not rows:
        out.print("No versions: every attempt at this document failed or was not modified.")
        return 0
    table = Table()
    for name in (
        "version",
        "valid from",
        "valid to",
        "title",
        "published",
        "content hash",
        "pipeline",
    ):
        table.add_column(name)
    for v in rows:
        table.add_row(
            str(v.version),
            f"{v.valid_from:%Y-%m-%d %H:%M:%S}",
            f"{v.valid_to:%Y-%m-%d %H:%M:%S}" if v.valid_to else "current",
            v.title or "—",
            v.published or "—",
            v.content_hash[:12],
            v.pipeline_version,
        )
    out.print(table)
    if args.diff:
        for old, new in itertools.pairwise(rows):
            diff = difflib.unified_diff(
                _lines(old.title, old.text),
                _lines(new.title, new.text),
                fromfile=f"version {old.version}",
                tofile=f"version {new.version}",
                lineterm="",
            )
            out.print("\n".join(diff), markup=False)
    return 0


def _lines(title: str | None, text: str) -> list[str]:
    return [f"# {title or ''}", *text.split("\n")]
