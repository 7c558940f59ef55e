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


# <meta> names and properties that declare a field, best first. Chinese government
# sites use ArticleTitle / PubDate / ContentSource (the 来源) and SiteName.
DECLARED = {
    "title": ("articletitle", "og:title", "twitter:title"),
    "published": (
        "pubdate", "publishdate", "publish_date", "article:published_time", "dc.date.issued",
        "dc.date", "firstpublishedtime",
    ),
    "publisher": ("contentsource", "source", "sitename", "og:site_name"),
    "author": ("author", "article:author", "dc.creator"),
}  # fmt: skip


def declared_metadata(tree) -> dict[str, str]:
    """What the page's <meta> tags declare, by field: the first non-empty name in DECLARED order."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return {
        field: next(found[name] for name in names if name in found)
        for field, names in DECLARED.items()
        if any(name in found for name in names)
    }


def extract_html(html: str, url: str | None, options: ExtractOptions) -> Extracted:
    """Extract main text and metadata from one HTML page; raise Rejected when there is none.

    Metadata is what the markup declares: <meta> tags that name the field outright
    (DECLARED) first, then what trafilatura infers. Normalisation takes the text's
    own statements over either.
    """
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    _quiet_extractor_logs()
    try:
        tree = load_html(html)
        declared = declared_metadata(tree) if tree is not None else {}
        doc = bare_extraction(
            tree if tree is not None else html,  # a tree is copied, so ours stays whole
            url=url,
            with_metadata=False,
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
    page_title = tree.findtext(".//title") if tree is not None else None
    return Extracted(
        text=text,
        title=_clean(declared.get("title") or page_title),
        published=_clean(declared.get("published")),
        author=_clean(declared.get("author")),
        publisher=_clean(declared.get("publisher")),
        is_html=True,
        infer=(lambda: inferred_metadata(tree, url, text)) if tree is not None else None,
    )


def inferred_metadata(tree, url: str | None, text: str) -> Extracted:
    """What trafilatura infers from the markup: title, date (htmldate), author, site name."""
    from trafilatura.metadata import extract_metadata

    _quiet_extractor_logs()
    doc = extract_metadata(tree, url, {"extensive_search": False, "original_date": True})
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
