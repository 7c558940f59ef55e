"""Re-processing: its settings, and stored raw bytes turned back into the payloads ingest makes.

A re-processing run fetches nothing. For each selected document it takes the
latest raw payload the warehouse stored, with the transport facts extraction
depends on (media type, the HTTP charset, the final URL), and hands it to the
same `process` a fetch would; landing then decides new version or unchanged.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tasks.records import Failure, Locator, LocatorKind, Payload
from tasks.settings import BATCH_PER_WORKER, batch_size_for, run_limits, warehouse_file
from tasks.sources import ConfigError


@dataclass(frozen=True)
class ReprocessSettings:
    """What one re-processing run covers and how it runs."""

    warehouse: Path
    sources: tuple[str, ...] = ()  # empty: every source
    where: str | None = None  # SQL condition over the candidates (see warehouse/reprocess.py)
    force: bool = False  # also redo documents the current pipeline already processed
    batch_size: int = BATCH_PER_WORKER
    workers: int = 1
    extract_timeout: float = 60.0  # seconds one document may spend in extraction
    lock_timeout: float = 30.0  # seconds to wait for a locked warehouse before spooling a batch


@dataclass(frozen=True, slots=True)
class StoredRef:
    """A document's latest stored payload and the facts needed to process it again."""

    document_id: str
    locator: str
    source: str
    kind: LocatorKind
    origin: str
    raw_hash: str
    media_type: str | None
    declared_charset: str | None
    final_url: str | None


def build_reprocess_settings(
    warehouse: str | Path | None = None,
    sources: Sequence[str] | None = None,
    where: str | None = None,
    force: bool = False,
    batch_size: int | None = None,
    workers: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> ReprocessSettings:
    """Settings from parameters, then INGEST_* environment variables, then defaults."""
    env = os.environ if environ is None else environ
    if where is not None and not where.strip():
        raise ConfigError(["--where is empty; give a SQL condition such as \"source = 'x'\"."])
    n_workers, extract_timeout, lock_timeout = run_limits(env, workers)
    batch_size = batch_size_for(batch_size, n_workers)
    return ReprocessSettings(
        warehouse=warehouse_file(warehouse, env),
        sources=tuple(sources or ()),
        where=where,
        force=force,
        batch_size=batch_size,
        workers=n_workers,
        extract_timeout=extract_timeout,
        lock_timeout=lock_timeout,
    )


def payload_from_store(
    ref: StoredRef, stored: tuple[str, bytes] | None, processed_at: datetime
) -> Payload | Failure:
    """The payload as the fetch or load that stored it saw it, observed now; or why it cannot be."""
    locator = Locator(
        source=ref.source,
        kind=ref.kind,
        address=ref.origin,
        canonical=ref.locator,
        document_id=ref.document_id,
        via="store",
    )
    if stored is None:
        return _unreadable(locator, f"raw payload {ref.raw_hash} is no longer in raw_payloads")
    compression, content = stored
    if compression != "zlib":
        return _unreadable(locator, f"raw payload {ref.raw_hash} uses unknown {compression!r}")
    try:
        body = zlib.decompress(content)
    except zlib.error as exc:
        return _unreadable(locator, f"raw payload {ref.raw_hash} does not decompress: {exc}")
    return Payload(
        locator=locator,
        body=body,
        fetched_at=processed_at,
        media_type=ref.media_type,
        declared_charset=ref.declared_charset,
        final_url=ref.final_url,
    )


def _unreadable(locator: Locator, message: str) -> Failure:
    return Failure(locator, "load", "terminal", "stored_payload_unreadable", message)
