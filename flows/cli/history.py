"""`ingest history`: the versions of one document, with validity intervals and diffs."""

from __future__ import annotations

import argparse
import difflib
import itertools
from pathlib import Path
from urllib.parse import urlsplit

from rich.table import Table

from flows.cli.common import (
    CliError,
    add_warehouse_option,
    command,
    console,
    shown_time,
    warehouse_path,
)
from tasks.identity import canonical_url, is_web_address
from warehouse.read import Redirect, find_document, redirected_to, versions

MAX_LISTED = 20  # documents named when several were redirected to the URL asked about


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
    redirect = None
    if not matches and is_web_address(key):
        redirect = _reached_by_redirect(path, key, canonical)
        matches = [(redirect.document_id, redirect.locator, redirect.origin)] if redirect else []
    if not matches:
        raise CliError(
            f"no document matches {key!r}; give a document id, a URL as ingested, or a local file path "
            '(see `ingest query "select document_id, locator from document_status"`)'
        )
    document_id, locator, origin = matches[0]
    rows = versions(path, document_id)
    out = console()
    out.print(f"[bold]{locator}[/]  (document {document_id})\n{origin}")
    if redirect:
        when = shown_time(redirect.last_seen)
        out.print(f"redirected to {redirect.final_url} (last seen there {when})", markup=False)
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
            shown_time(v.valid_from),
            shown_time(v.valid_to) if v.valid_to else "current",
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


def _reached_by_redirect(path: Path, key: str, canonical: str) -> Redirect | None:
    """The one document whose fetch was redirected to this URL; a CliError naming them if several."""
    parts = urlsplit(canonical)
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    found: dict[str, Redirect] = {}
    for redirect in redirected_to(path, f"{parts.scheme}://{host}"):
        if redirect.final_url == key or canonical_url(redirect.final_url) == canonical:
            found.setdefault(redirect.document_id, redirect)  # latest first
    if len(found) > 1:
        shown = list(found.values())[:MAX_LISTED]
        listed = "\n".join(f"  {r.origin}  (document {r.document_id})" for r in shown)
        more = f"\n  … and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
        raise CliError(
            f"{len(found)} documents were redirected to {key!r}, most recently first; "
            f"give one of their URLs or ids:\n{listed}{more}"
        )
    return next(iter(found.values()), None)


def _lines(title: str | None, text: str) -> list[str]:
    return [f"# {title or ''}", *text.split("\n")]
