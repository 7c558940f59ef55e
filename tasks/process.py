"""One document from payload to observation: decode, extract, normalise, hash.

`page_article` is the pure core shared by ingest, `ingest extract` and
re-processing; `process` wraps it with the skip-if-unchanged rule and the
bookkeeping landing needs.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from tasks.charset import UndecodableError, decode
from tasks.extract import ExtractOptions, extract_html
from tasks.normalise import normalise
from tasks.records import (
    Article,
    Derived,
    Extracted,
    Failure,
    NotModified,
    Observed,
    Payload,
    Prior,
    Rejected,
    raw_hash,
)
from tasks.segment import index_terms
from tasks.signature import minhash
from tasks.triage import explain_empty, soft_404

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
COMPRESSION = "zlib"


@dataclass(frozen=True, slots=True)
class ProcessOptions:
    """What processing needs besides the payload; picklable for worker processes."""

    pipeline_version: str
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    compress_level: int = 3
    skip_steps: frozenset[str] = frozenset()  # normalisation steps left out (see normalise())
    derive: bool = True  # sign and index new texts here; else landing does (with_derived)


def page_article(
    body: bytes,
    *,
    media_type: str | None,
    declared_charset: str | None,
    url: str | None,
    options: ExtractOptions,
    skip_steps: frozenset[str] = frozenset(),
) -> Article:
    """Turn raw page bytes into a normalised Article; raise Rejected with the reason if not."""
    is_html = _is_html(media_type, body)
    try:
        decoded = decode(body, declared_charset, markup=is_html)
    except UndecodableError as exc:
        raise Rejected("decode", "undecodable", f"the bytes are not readable text: {exc}") from None
    if is_html:
        try:
            extracted = extract_html(decoded.text, url, options)
        except Rejected as rejection:
            raise explain_empty(decoded.text, rejection) from None
    else:
        extracted = Extracted(text=decoded.text, is_html=False)
    if (error_page := soft_404(extracted.title, extracted.text)) is not None:
        raise error_page
    return normalise(
        extracted, url=url, charset=decoded.charset, flags=decoded.flags, skip=skip_steps
    )


def process(payload: Payload, prior: Prior | None, options: ProcessOptions) -> Observed:
    """Process one payload into what landing needs; a bad page becomes a failed observation."""
    digest = raw_hash(payload.body)
    base = _observed(payload, digest)
    if already_processed(prior, digest, options):
        return Observed(status="raw_unchanged", **base)  # type: ignore[arg-type]
    compressed = None
    if not prior or prior.raw_hash != digest:
        compressed = zlib.compress(payload.body, options.compress_level)
    url = payload.final_url or (payload.locator.address if payload.locator.kind == "http" else None)
    try:
        article = page_article(
            payload.body,
            media_type=payload.media_type,
            declared_charset=payload.declared_charset,
            url=url,
            options=options.extract,
            skip_steps=options.skip_steps,
        )
    except Rejected as rejection:
        failure = rejection.failure(payload.locator, payload.http_status, payload.final_url)
        return Observed(status="failed", failure=failure, raw_compressed=compressed, **base)  # type: ignore[arg-type]
    derived = None
    if options.derive and (prior is None or article.content_hash != prior.content_hash):
        derived = derive(article)
    return Observed(
        status="extracted", article=article, raw_compressed=compressed, derived=derived, **base
    )  # type: ignore[arg-type]


def derive(article: Article) -> Derived:
    """The near-duplicate signature and search terms of a new version."""
    counts = index_terms(article.title, article.text)
    return Derived.of(minhash(article.text), counts)


def with_derived(observed: Sequence[Observed], known: dict[str, Prior]) -> list[Observed]:
    """The batch with signature and search terms added to every text that may be a new version.

    A text equal to the document's latest version gets none: it lands as `unchanged`.
    Texts the workers already signed are left as they are (see Extractor).
    """
    out = []
    for o in observed:
        prior = known.get(o.locator.document_id)
        if (
            o.article is not None
            and o.derived is None
            and (prior is None or prior.content_hash != o.article.content_hash)
        ):
            # Should a text defeat the signature or the segmenter, its version still lands:
            # the end-of-run catch-up signs and indexes what lacks it, and says how many.
            with contextlib.suppress(Exception):
                o = replace(o, derived=derive(o.article))
        out.append(o)
    return out


def already_processed(prior: Prior | None, digest: str, options: ProcessOptions) -> bool:
    """True when this pipeline already turned these exact bytes into the document's version."""
    return bool(
        prior and prior.raw_hash == digest and prior.pipeline_version == options.pipeline_version
    )


def skip_if_processed(
    payload: Payload, prior: Prior | None, options: ProcessOptions
) -> Observed | None:
    """The observation for bytes this pipeline already processed, or None when there is work.

    Cheap (a hash), so callers use it before handing a payload to a worker process.
    """
    if prior is None:
        return None
    digest = raw_hash(payload.body)
    if not already_processed(prior, digest, options):
        return None
    return Observed(status="raw_unchanged", **_observed(payload, digest))  # type: ignore[arg-type]


def _observed(payload: Payload, digest: str) -> dict[str, object]:
    """The fields of an observation that come from the payload itself."""
    return dict(
        locator=payload.locator,
        observed_at=payload.fetched_at,
        http_status=payload.http_status,
        final_url=payload.final_url,
        etag=payload.etag,
        last_modified=payload.last_modified,
        media_type=payload.media_type,
        declared_charset=payload.declared_charset,
        raw_hash=digest,
        raw_size=len(payload.body),
        elapsed_ms=payload.elapsed_ms,
    )


def observe(result: Failure | NotModified) -> Observed:
    """The observation for an attempt that produced no payload: a failure or a 304."""
    if isinstance(result, NotModified):
        return Observed(
            locator=result.locator,
            observed_at=result.fetched_at,
            status="not_modified",
            http_status=304,
            final_url=result.final_url,
            etag=result.etag,
            last_modified=result.last_modified,
            elapsed_ms=result.elapsed_ms,
        )
    assert result.locator is not None
    return Observed(
        locator=result.locator,
        observed_at=datetime.now(UTC),
        status="failed",
        failure=result,
        http_status=result.http_status,
        final_url=result.final_url,
    )


def _is_html(media_type: str | None, body: bytes) -> bool:
    if media_type in HTML_TYPES:
        return True
    if media_type == "text/plain":
        return False
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<meta", b"<body"))
