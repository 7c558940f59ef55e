"""Main-text extraction from HTML with trafilatura, its `None` turned into a reason."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from functools import cache

from tasks.info import info_lines
from tasks.jsonld import declared_in_json_ld, json_ld_items, with_json_ld_paragraphs
from tasks.lists import prepare_lists
from tasks.pager import pages_in_tree
from tasks.records import Extracted, Rejected
from tasks.tables import Disclosure, prepare_tables, restore


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
    Data tables are not lost with them: `tasks/tables.py` renders each as lines of
    `cell | cell` before trafilatura runs, and takes an information-disclosure
    table (索引号, 发布机构, 标题 …) out of the text into the metadata.
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
    "headline": ("articletitle",),
    "title": ("og:title", "twitter:title"),
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
    from trafilatura.utils import load_html

    _quiet_extractor_logs()
    try:
        tree = load_html(html)
        declared = declared_metadata(tree) if tree is not None else {}
        json_ld = json_ld_items(html, tree) if tree is not None else []
        declared = declared_in_json_ld(json_ld) | declared  # <meta> tags first, then JSON-LD
        escaped = _escape_ampersands(tree) if tree is not None else []
        # After the escaping: rendered rows copy the cells' text, escaped already.
        disclosure, swaps = prepare_tables(tree) if tree is not None else (None, [])
        # After the tables: a list inside a rendered data table went with its table.
        swaps += prepare_lists(tree) if tree is not None else []
        try:
            doc = _bare_extraction(tree if tree is not None else html, url, options)
        finally:
            _restore(escaped)
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
    # The first paragraph keeps an ideographic indent: it tells a wrapped paragraph's lines
    # apart from the next paragraph's (tasks.normalise.whitespace).
    text = (doc.text or "").rstrip().lstrip(" \t\r\n")
    text = with_json_ld_paragraphs(json_ld, text)
    if len(text.strip()) < options.min_chars:
        raise Rejected(
            "extract",
            "empty_extraction",
            f"the main text is only {len(text.strip())} characters long; nothing worth keeping",
        )
    page_title = tree.findtext(".//title") if tree is not None else None
    # Before the tables go back: a disclosure table, read already, is no info line.
    info = info_lines(tree, text) if tree is not None else ()
    restore(swaps)
    # A disclosure table states the document's own title, date and issuer, where <meta>
    # tags on such sites often carry the site's defaults: the table's values come first.
    stated = disclosure or Disclosure()
    return Extracted(
        text=text,
        title=_clean(declared.get("title") or page_title),
        headline=_clean(stated.title or declared.get("headline")),
        published=_clean(stated.published or declared.get("published")),
        author=_clean(declared.get("author")),
        publisher=_clean(stated.publisher or declared.get("publisher")),
        is_html=True,
        info=info,
        written=_clean(stated.written),
        pages=pages_in_tree(tree) if tree is not None else 1,
        infer=(lambda wanted: inferred_metadata(tree, html, url, text, wanted))
        if tree is not None
        else None,
    )


def _bare_extraction(document, url: str | None, options: ExtractOptions):
    """trafilatura's main-text extraction with our options, metadata left to us."""
    from trafilatura import bare_extraction

    return bare_extraction(
        document,  # a tree is copied, so ours stays whole
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


def _escape_ampersands(tree) -> list[tuple[object, str, str]]:
    """Escape `&` in the tree's text so trafilatura's closing `html.unescape` gives it back.

    The parser has decoded the page's entities already; trafilatura decodes the text
    once more, and with HTML4's legacy names a URL's `&amp;regionId=…&amp;timestamp=`
    comes out as `®ionId=…×tamp=`. Escaped, the second decoding is a no-op; the
    normaliser's markup step decodes what the page really escaped twice (`&amp;nbsp;`).
    Returns what to put back, as (element, attribute, original).
    """
    changed: list[tuple[object, str, str]] = []
    # XPath finds the few text nodes holding `&` in C; walking every element took 0.2 ms a page.
    for node in tree.xpath("//text()[contains(., '&')]"):
        element, attribute = node.getparent(), "text" if node.is_text else "tail"
        value = getattr(element, attribute)
        changed.append((element, attribute, value))
        setattr(element, attribute, value.replace("&", "&amp;"))
    return changed


def _restore(changed: list[tuple[object, str, str]]) -> None:
    """Undo _escape_ampersands, so the metadata inference reads the page as parsed."""
    for element, attribute, value in changed:
        setattr(element, attribute, value)


INFERABLE = frozenset({"title", "published", "author", "publisher"})
_DATE_SEARCH = {"extensive_search": False, "original_date": True}


def inferred_metadata(
    tree, html: str, url: str | None, text: str, wanted: frozenset[str] = INFERABLE
) -> Extracted:
    """What trafilatura infers from the markup for the `wanted` fields: title, date, author, site.

    trafilatura's `extract_metadata`, step for step, but only for the fields asked for and
    without the categories, tags and licence nobody reads: the author search alone copies
    and prunes the whole tree (2 ms of a 3.7 ms call on a 30 KB page), and is now made only
    when the page's markup holds a word the author XPaths look for.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    _quiet_extractor_logs()
    doc = tm.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None
    with contextlib.suppress(Exception):  # as extract_metadata: JSON-LD parsing has bugs
        doc = tm.extract_meta_json(tree, doc)
    headline = None
    if "title" in wanted and not doc.title:
        # extract_title's first two choices name the headline itself; its later ones are
        # parts of <title>, which may carry the site's name.
        h1 = tree.findall(".//h1")
        headline = (len(h1) == 1 and tm.block_text(h1[0])) or tm.extract_metainfo(
            tree, tm.TITLE_XPATHS
        )
        doc.title = None if headline else tm.extract_title(tree)
    if "author" in wanted and not doc.author and _may_name_author(html):
        doc.author = tm.extract_author(tree)
    if "published" in wanted or "publisher" in wanted:
        doc.url = doc.url or tm.extract_url(tree, url)
    if "published" in wanted:
        doc.date = find_date(tree, url=doc.url, **_DATE_SEARCH)
    if "publisher" in wanted:
        if not doc.sitename:
            doc.sitename = tm.extract_sitename(tree)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
            if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
                doc.sitename = doc.sitename.title()
        elif doc.url and (match := tm.META_URL.match(doc.url)):
            doc.sitename = match[1]
    doc.clean_and_trim()
    return Extracted(
        text=text,
        title=_clean(doc.title) if "title" in wanted else None,
        headline=_clean(headline or None),
        published=_clean(doc.date) if "published" in wanted else None,
        author=_clean(doc.author) if "author" in wanted else None,
        publisher=_clean(doc.sitename) if "publisher" in wanted else None,
        language=_clean(doc.language),
        is_html=True,
    )


# Every name, class, id or attribute value trafilatura's AUTHOR_XPATHS can match contains
# one of these words (case aside). A page whose markup has none cannot yield an author there,
# so the search, which costs 1.5 ms even when it finds nothing, is skipped. Markup that spells
# an attribute value with character references (class="&#97;uthor") would slip past.
_AUTHOR_WORDS = (
    "author", "byl", "bbl", "username", "channel-name", "zuozhe", "bianji", "xiaobian",
    "submitted-by", "posted-by", "journalist-name", "screenname", "writer", "<rel",
)  # fmt: skip


def _may_name_author(html: str) -> bool:
    lowered = html.lower()  # substring tests beat one case-blind regex tenfold here
    return any(word in lowered for word in _AUTHOR_WORDS)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
