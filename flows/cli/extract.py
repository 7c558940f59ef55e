"""`ingest extract`: the record the pipeline would land for one page, without touching the warehouse."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli.common import CliError, command, console
from tasks.normalise import STEPS

if TYPE_CHECKING:
    from tasks.records import Article


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `extract` subcommand."""
    p = command(sub, "extract", "print the record one page would become (no warehouse)", handle)
    p.add_argument("target", help="a URL or a local .html/.htm/.txt file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--no-robots", action="store_true", help="do not consult robots.txt")
    p.add_argument(
        "--skip-step",
        action="append",
        default=[],
        choices=[name for name, _ in STEPS],
        metavar="STEP",
        help="leave out one normalisation step, to see what it does (repeatable): "
        + ", ".join(name for name, _ in STEPS),
    )


def handle(args: argparse.Namespace) -> int:
    """Fetch or load the page, run extraction and normalisation, print the result."""
    # Imported here, not with the command line: fetching pulls in requests (see flows/cli).
    from tasks.extract import ExtractOptions
    from tasks.fetch import Fetcher
    from tasks.identity import file_locator, is_web_address, url_locator
    from tasks.load import load_file
    from tasks.process import page_article
    from tasks.records import Failure, NotModified, Rejected
    from tasks.sources import FetchConfig
    from tasks.version import user_agent

    target: str = args.target
    config = FetchConfig()
    if is_web_address(target):
        locator = url_locator("cli", target)
        with Fetcher(config, user_agent(os.environ.get("INGEST_CONTACT"))) as fetcher:
            result = fetcher.fetch(locator, robots=not args.no_robots)
    else:
        path = Path(target).expanduser()
        if not path.is_file():
            raise CliError(f"{target} is neither an http(s) URL nor an existing file")
        result = load_file(file_locator("cli", path.parent, path), config.max_bytes)
    if isinstance(result, NotModified):
        raise CliError(f"{target} answered 304 Not Modified to an unconditional request")
    if isinstance(result, Failure):
        return _failed(
            args, target, result.stage, result.error_class, result.reason, result.message
        )
    url = result.final_url or (target if result.locator.kind == "http" else None)
    try:
        article = page_article(
            result.body,
            media_type=result.media_type,
            declared_charset=result.declared_charset,
            skip_steps=frozenset(args.skip_step),
            url=url,
            options=ExtractOptions(),
        )
    except Rejected as exc:
        return _failed(args, target, exc.stage, exc.error_class, exc.reason, exc.message)
    if args.json:
        print(json.dumps(article.as_json(), ensure_ascii=False, indent=2))
    else:
        _show(article)
    return 0


def _failed(
    args: argparse.Namespace, target: str, stage: str, error_class: str, reason: str, message: str
) -> int:
    if args.json:
        error = {"stage": stage, "class": error_class, "reason": reason, "message": message}
        print(json.dumps({"url": target, "error": error}, ensure_ascii=False, indent=2))
        return 1
    raise CliError(f"{target}: {reason} ({error_class}, at {stage}): {message}", exit_code=1)


def _show(article: Article) -> None:
    out = console()
    fields = [
        ("title", article.title),
        ("published", article.published),
        ("publisher", article.publisher),
        ("authors", ", ".join(article.authors)),
        ("editors", ", ".join(article.editors)),
        ("url", article.url),
        ("language", article.language),
        ("script", article.source_script),
        ("charset", article.charset),
        ("flags", ", ".join(article.flags)),
        ("content hash", article.content_hash),
    ]
    for name, value in fields:
        out.print(f"[bold]{name:>12}[/]  {value or '—'}")
    out.print()
    out.print(article.text, markup=False)
