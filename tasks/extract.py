"""Main-text extraction from HTML with trafilatura, its `None` turned into a reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from tasks.records import Extracted, Rejected


@cache
def _quiet_extractor_logs() -> None:
    # trafilatura logs every discarded page; the observation records the reason instead.
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """trafilatura's knobs, chosen by measuring on the bundled samples (bench/extract_options.py).

    Tables are off because old Chinese government sites lay whole pages out in
    tables: with tables on, trafilatura returns navigation and body as one
    markdown table; with them off it still finds the body text inside the cells.
    Date search is restricted to markup: htmldate's extensive search picks up
    crawl stamps and dates in related-article links.
    """

    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = False
    min_chars: int = 20  # fewer characters of text than this is an empty extraction


def extract_html(html: str, url: str | None, options: ExtractOptions) -> Extracted:
    """Extract main text and metadata from one HTML page; raise Rejected when there is none."""
    from trafilatura import bare_extraction

    _quiet_extractor_logs()
    try:
        doc = bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=options.include_tables,
            include_images=False,
            include_links=False,
            favor_precision=options.favor_precision,
            favor_recall=options.favor_recall,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (RecursionError, ValueError, TypeError) as exc:
        raise Rejected(
            "extract", "parse_error", f"the HTML could not be parsed ({type(exc).__name__}: {exc})"
        ) from None
    if doc is None:
        raise Rejected(
            "extract",
            "empty_extraction",
            "trafilatura found no main text (the page may be empty, all navigation, or script-rendered)",
        )
    text = (doc.text or "").strip()
    if len(text) < options.min_chars:
        raise Rejected(
            "extract",
            "empty_extraction",
            f"the main text is only {len(text)} characters long; nothing worth keeping",
        )
    return Extracted(
        text=text,
        title=_clean(doc.title),
        published=_clean(doc.date),
        author=_clean(doc.author),
        publisher=_clean(doc.sitename),
        language=_clean(doc.language),
        is_html=True,
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
