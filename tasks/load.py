"""Loading local files: the same Payload a fetch would give, from disk."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from tasks.records import Failure, Locator, Payload
from tasks.sniff import refuse_body

MEDIA_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
}


def load_file(locator: Locator, max_bytes: int) -> Payload | Failure:
    """Read one local file, refusing ones that are missing, unreadable or over the size cap."""
    started = time.monotonic()
    path = Path(locator.address)
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        return Failure(
            locator,
            "load",
            "terminal",
            "unsupported_type",
            f"{path.name}: only .html, .htm, .xhtml and .txt files are ingested",
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Failure(
                locator,
                "load",
                "terminal",
                "too_large",
                f"{path.name} is {size:,} bytes, over the {max_bytes:,}-byte cap "
                "(fetch.max_bytes in sources.yaml)",
            )
        body = path.read_bytes()
    except FileNotFoundError:
        return Failure(locator, "load", "terminal", "missing_file", f"{path} no longer exists")
    except OSError as exc:
        return Failure(
            locator,
            "load",
            "transient",
            "unreadable_file",
            f"could not read {path}: {exc.strerror}",
        )
    refusal = refuse_body(body, f"a {path.suffix} file")
    if refusal is not None:
        return Failure(locator, "load", "terminal", refusal[0], f"{path.name}: {refusal[1]}")
    return Payload(
        locator=locator,
        body=body,
        fetched_at=datetime.now(UTC),
        media_type=media_type,
        elapsed_ms=(time.monotonic() - started) * 1000,
    )
