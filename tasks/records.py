"""The typed records that move between pipeline stages.

Each stage boundary has one small frozen dataclass: a `Locator` says where a
document lives, a `Payload` is what fetching or loading returned, an `Article`
is the normalised result, a `Failure` says why a document went no further.
`Observed` is what one attempt at one document hands to the warehouse.
"""

from __future__ import annotations

import array
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ErrorClass = Literal["transient", "terminal"]
LocatorKind = Literal["http", "file"]
Status = Literal["extracted", "not_modified", "raw_unchanged", "failed"]


@dataclass(frozen=True, slots=True)
class Locator:
    """Where one document lives: a URL or a local file, and its stable identity."""

    source: str
    kind: LocatorKind
    address: str  # the URL as discovered, or the absolute file path
    canonical: str  # normalised URL, or "source:relative/path" for files
    document_id: str
    via: str = "list"  # how it was discovered: list, sitemap, feed, glob


@dataclass(frozen=True, slots=True)
class Prior:
    """What the warehouse already knows about a document before this attempt."""

    version: int | None = None
    content_hash: str | None = None
    raw_hash: str | None = None
    pipeline_version: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Payload:
    """Bytes fetched or loaded for a document, with the transport facts about them."""

    locator: Locator
    body: bytes
    fetched_at: datetime
    media_type: str | None = None  # e.g. text/html, from Content-Type or the file suffix
    declared_charset: str | None = None  # charset from the HTTP Content-Type header
    final_url: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: float = 0.0

    @property
    def raw_hash(self) -> str:
        """Hash of the raw bytes, the key they are stored under."""
        return raw_hash(self.body)


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304 to a conditional request."""

    locator: Locator
    fetched_at: datetime
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a document went no further, classified so retries are only spent where they can help."""

    locator: Locator | None
    stage: str  # discover, fetch, decode, extract, normalise
    error_class: ErrorClass
    reason: str  # short stable code, e.g. http_404, timeout, not_html, empty_extraction
    message: str  # a sentence a person can act on
    http_status: int | None = None
    final_url: str | None = None


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from raw bytes, with the charset used and what was doubtful."""

    text: str
    charset: str
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction found in a page, before normalisation. Fields are raw strings.

    The metadata fields are what the markup declares outright (<meta> tags, <title>).
    `infer(fields)` computes what trafilatura infers besides (htmldate, bylines, headings)
    for the named fields (title, published, author, publisher): it costs as much as a third
    of extraction, so normalisation calls it only for the fields that the text and the
    declarations leave empty.
    """

    text: str
    title: str | None = None  # the page's title (<title>, og:title): may carry the site's name
    published: str | None = None
    author: str | None = None
    publisher: str | None = None
    language: str | None = None
    is_html: bool = True
    # A title the markup states is the headline (<meta name="ArticleTitle">, the one <h1>):
    # never cut, as its `——` and `—` are the headline's own punctuation.
    headline: str | None = None
    # Short lines above the article stating its source, date or credits (a `<div class="info">`)
    # that trafilatura's text left out: the metadata step reads them, the text never holds them.
    info: tuple[str, ...] = ()
    # The date the document was written (a disclosure table's 成文日期): taken only when
    # neither the text, the markup nor inference dates the page.
    written: str | None = None
    # The pages the page's pager says the article runs over (`上一页 1 2 3 下一页`): 1 without one.
    pages: int = 1
    infer: Callable[[frozenset[str]], Extracted] | None = field(
        default=None, compare=False, repr=False
    )


@dataclass(frozen=True, slots=True)
class Article:
    """A normalised article: the record a version holds. Field names are a public interface."""

    title: str | None
    text: str
    published: str | None
    publisher: str | None
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    url: str | None
    language: str | None
    source_script: str  # hans, hant or mixed
    charset: str | None
    flags: tuple[str, ...] = field(default=())  # `name` or `name:count` (flag_details)

    @property
    def flag_names(self) -> list[str]:
        """The flags without their counts, as the warehouse's `flags` column holds them."""
        return [f.split(":", 1)[0] for f in self.flags]

    @property
    def content_hash(self) -> str:
        """Hash over what a reader cares about: the normalised title and text."""
        return content_hash(self.title, self.text)

    def as_json(self) -> dict[str, object]:
        """The record as `ingest extract --json` prints it."""
        return {
            "title": self.title,
            "text": self.text,
            "published": self.published,
            "publisher": self.publisher,
            "authors": list(self.authors),
            "editors": list(self.editors),
            "url": self.url,
            "language": self.language,
            "source_script": self.source_script,
            "charset": self.charset,
            "flags": self.flag_names,
            "flag_details": list(self.flags),
            "content_hash": self.content_hash,
        }


# Joins a version's search terms in `Derived`, which drops any term containing it (the
# segmenter makes none: it splits text at control characters).
TERM_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class Derived:
    """What downstream features derive from a new version's text, computed where it is made.

    A version has some 1,250 search terms. They travel packed, as one string and one
    buffer of int32 counts: one Python object at a time, pickling them out of a worker took
    106 ms per 1,000 versions and making their Arrow columns 131 ms; packed, 6 and 39 ms.
    """

    signature: tuple[int, ...]  # MinHash over the text (tasks/signature.py)
    packed_terms: str  # search terms (tasks/segment.py), joined by TERM_SEPARATOR …
    packed_counts: bytes  # … and how often each occurs, as native int32

    @classmethod
    def of(cls, signature: tuple[int, ...], counts: Mapping[str, int]) -> Derived:
        """Pack terms and their counts, dropping terms that contain the separator."""
        joined = TERM_SEPARATOR.join(counts)
        # A term holds the separator when the joined string has more than the joins put there;
        # counting them is C work, where asking each term was 0.45 ms a version.
        if joined.count(TERM_SEPARATOR) > max(len(counts) - 1, 0):
            counts = {t: n for t, n in counts.items() if TERM_SEPARATOR not in t}
            joined = TERM_SEPARATOR.join(counts)
        packed = array.array("i", counts.values()).tobytes()  # int32: a C int
        return cls(signature, joined, packed)

    @property
    def size(self) -> int:
        """How many terms there are."""
        return len(self.packed_counts) // array.array("i").itemsize

    @property
    def terms(self) -> tuple[str, ...]:
        """The search terms, in the order of `counts`."""
        return tuple(self.packed_terms.split(TERM_SEPARATOR)) if self.size else ()

    @property
    def counts(self) -> tuple[int, ...]:
        """How often each term occurs."""
        return tuple(array.array("i", self.packed_counts))


@dataclass(frozen=True, slots=True)
class Observed:
    """One attempt at one document, as landing needs it."""

    locator: Locator
    observed_at: datetime
    status: Status
    article: Article | None = None
    failure: Failure | None = None
    http_status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None
    declared_charset: str | None = None  # from Content-Type; re-processing decodes with it
    raw_hash: str | None = None
    raw_size: int | None = None
    raw_compressed: bytes | None = None  # set only when the raw bytes may be new to the store
    elapsed_ms: float = 0.0
    derived: Derived | None = None  # only when the text differs from the latest version's


def raw_hash(body: bytes) -> str:
    """Hash of raw bytes (BLAKE2b, 128 bits, hex)."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def content_hash(title: str | None, text: str) -> str:
    """Hash of normalised title and text (BLAKE2b, 128 bits, hex)."""
    data = f"{title or ''}\n\n{text}".encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Rejected(Exception):
    """A stage refused a document; carries what becomes its Failure."""

    def __init__(self, stage: str, reason: str, message: str, error_class: ErrorClass = "terminal"):
        super().__init__(message)
        self.stage = stage
        self.reason = reason
        self.message = message
        self.error_class: ErrorClass = error_class

    def failure(
        self, locator: Locator | None, http_status: int | None = None, final_url: str | None = None
    ) -> Failure:
        """The Failure this rejection records for a document."""
        return Failure(
            locator, self.stage, self.error_class, self.reason, self.message, http_status, final_url
        )
