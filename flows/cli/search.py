"""`ingest search`: full-text search over current articles, best matches first, with snippets."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from rich.text import Text

from flows.cli.common import (
    CliError,
    add_wait_option,
    add_warehouse_option,
    at_least_one,
    command,
    console,
    err_console,
    wait_policy,
    warehouse_path,
)

if TYPE_CHECKING:
    from warehouse.search import Hit


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `search` subcommand."""
    p = command(sub, "search", "full-text search over current articles (jieba + BM25)", handle)
    p.add_argument("query", nargs="+", help="words to find, e.g. 疫情防控")
    p.add_argument(
        "--limit", type=at_least_one, default=20, help="show at most this many hits (20)"
    )
    p.add_argument("--publisher", default=None, help="only publishers whose name contains this")
    p.add_argument(
        "--since",
        default=None,
        metavar="DATE",
        help="only articles published on or after DATE, local time (first seen, where no date is stated)",
    )
    p.add_argument(
        "--any", dest="any_term", action="store_true", help="match any term, not every term"
    )
    p.add_argument("--json", action="store_true", help="print hits as JSON")
    p.add_argument(
        "--update-index",
        action="store_true",
        help="first index current articles the index lacks (runs do this; writes the warehouse)",
    )
    add_wait_option(p)
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Search, then print the hits as a list or JSON."""
    from warehouse.search import SearchError, refresh_index, search  # pyarrow

    path, policy = warehouse_path(args), wait_policy(args)
    if args.update_index:
        indexed = refresh_index(path, policy)
        err_console().print(f"indexed {indexed} article(s)")
    try:
        result = search(
            path,
            " ".join(args.query),
            limit=args.limit,
            publisher=args.publisher,
            since=args.since,
            any_term=args.any_term,
            policy=policy,
        )
    except SearchError as exc:
        raise CliError(str(exc)) from None
    if result.unindexed:
        err_console().print(
            f"note: {result.unindexed} current article(s) are not in the search index yet "
            "(a run was interrupted?); add --update-index to index them first"
        )
    if args.json:
        print(json.dumps([_as_json(h) for h in result.hits], ensure_ascii=False, indent=2))
        return 0
    out = console()
    out.print(
        f"{len(result.hits)} of {result.total} article(s) matching "
        f"{' '.join(result.terms)}" + (" (any term)" if args.any_term else "")
    )
    for rank, hit in enumerate(result.hits, start=1):
        out.print()
        out.print(Text(f"{rank}. {hit.title or '(untitled)'}", style="bold"))
        facts = [hit.publisher or "—", hit.published or "no date", f"score {hit.score:.2f}"]
        out.print(Text("   " + " · ".join(facts), style="dim"))
        out.print(Text("   " + (hit.url or hit.locator), style="dim"))
        out.print(Text("   ") + _highlighted(hit, plain=not out.is_terminal))
    return 0


def _highlighted(hit: Hit, plain: bool) -> Text:
    """The snippet with matches styled on a terminal, and bracketed when piped."""
    if plain:
        return Text(hit.snippet.marked())
    text = Text(hit.snippet.text)
    for start, end in hit.snippet.spans:
        text.stylize("bold black on yellow", start, end)
    return text


def _as_json(hit: Hit) -> dict[str, object]:
    return {
        "document_id": hit.document_id,
        "version": hit.version,
        "title": hit.title,
        "publisher": hit.publisher,
        "published": hit.published,
        "first_seen": hit.first_seen.isoformat(),
        "locator": hit.locator,
        "url": hit.url,
        "score": round(hit.score, 4),
        "matched_terms": hit.matched,
        "snippet": hit.snippet.text,
        "highlights": [list(span) for span in hit.snippet.spans],
    }
