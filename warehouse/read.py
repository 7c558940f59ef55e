"""Read-only questions the CLI asks: documents, their versions, recent runs, ad-hoc SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connection import LockPolicy, connection, open_connection


def open_read_only(
    path: str | Path = "data/warehouse.duckdb", wait: float = 30.0
) -> duckdb.DuckDBPyConnection:
    """A read-only connection for your own Python, opened when a run lets go of the file.

    `duckdb.connect(path, read_only=True)` fails at once while a run lands a batch; this
    waits up to `wait` seconds, as `ingest query` does, then raises `WarehouseLocked`
    naming the holder. Close it when done: while it is open, a run waits to land.
    """
    return open_connection(Path(path), read_only=True, policy=LockPolicy(timeout=wait))


class QueryError(Exception):
    """The SQL a user gave could not run; the message says why."""


class NotInWarehouse(LookupError):
    """A name the user gave matches nothing in the warehouse; the message lists what it has."""


@dataclass(frozen=True)
class Table:
    """Column names and rows from a query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class VersionRow:
    """One version of a document with its validity interval."""

    version: int
    valid_from: datetime
    valid_to: datetime | None
    title: str | None
    published: str | None
    content_hash: str
    pipeline_version: str
    text: str


@dataclass(frozen=True)
class Redirect:
    """A document whose fetch ended at another URL, and when it last did."""

    document_id: str
    locator: str
    origin: str
    final_url: str
    last_seen: datetime


_FIND_DOCUMENT = """
SELECT document_id, locator, origin
FROM documents
WHERE document_id = $key OR locator = $key OR origin = $key OR locator = $canonical
   OR origin = $path
ORDER BY (document_id = $key OR locator = $key OR origin = $key) DESC
LIMIT 2
"""

# Documents whose fetch ended at another address than the one they were discovered at: their
# identity stays the discovered URL, and the redirect's target is only in the observations.
_REDIRECTED = """
SELECT o.document_id, d.locator, d.origin, o.final_url, max(o.observed_at) AS last_seen
FROM observation_log o JOIN documents d USING (document_id)
WHERE o.final_url IS NOT NULL AND o.final_url NOT IN (d.locator, d.origin)
  AND starts_with(lower(o.final_url), $prefix)
GROUP BY ALL
ORDER BY last_seen DESC, d.locator
"""

_VERSIONS = """
SELECT version, valid_from, valid_to, title, published, content_hash, pipeline_version, text
FROM article_versions
WHERE document_id = ?
ORDER BY version
"""

_RECENT_RUNS = """
SELECT run_id, flow, started_at, status, elapsed_s, seen, new_documents, new_versions,
       unchanged, not_modified, failed
FROM runs
ORDER BY started_at DESC
LIMIT ?
"""

_FAILURE_REASONS = """
SELECT reason, count(*) AS n
FROM observation_log
WHERE run_id = ? AND outcome = 'failed'
GROUP BY reason
ORDER BY n DESC, reason
"""


def find_document(
    path: Path, key: str, canonical: str, file_path: str, policy: LockPolicy | None = None
) -> list[tuple[str, str, str]]:
    """Documents matching an id, URL or path; more than one means the key is ambiguous."""
    with connection(path, read_only=True, policy=policy) as conn:
        return conn.execute(
            _FIND_DOCUMENT,
            {"key": key, "canonical": canonical, "path": file_path},
        ).fetchall()


def redirected_to(path: Path, prefix: str, policy: LockPolicy | None = None) -> list[Redirect]:
    """Redirects of documents to final URLs that start with `prefix` (case aside), latest first.

    The caller compares the final URLs as it spells URLs (tasks.identity).
    """
    with connection(path, read_only=True, policy=policy) as conn:
        rows = conn.execute(_REDIRECTED, {"prefix": prefix.lower()}).fetchall()
    return [Redirect(*row) for row in rows]


def versions(path: Path, document_id: str, policy: LockPolicy | None = None) -> list[VersionRow]:
    """Every version of a document, oldest first, with validity intervals."""
    with connection(path, read_only=True, policy=policy) as conn:
        return [VersionRow(*row) for row in conn.execute(_VERSIONS, [document_id]).fetchall()]


def recent_runs(path: Path, limit: int = 10, policy: LockPolicy | None = None) -> Table:
    """The latest runs with their counts."""
    with connection(path, read_only=True, policy=policy) as conn:
        result = conn.execute(_RECENT_RUNS, [limit])
        columns = [d[0] for d in result.description]
        return Table(columns, result.fetchall())


def failure_reasons(
    path: Path, run_id: str, policy: LockPolicy | None = None
) -> list[tuple[str, int]]:
    """Failure counts per reason for one run."""
    with connection(path, read_only=True, policy=policy) as conn:
        return conn.execute(_FAILURE_REASONS, [run_id]).fetchall()


def read_moment(value: str | None, what: str, examples: str) -> datetime | None:
    """A time a person gave (ISO 8601), as an instant; None for None, else ValueError.

    A time with a zone or offset is that instant. One without is local time, the machine's
    zone (TZ): the zone `ingest history` and `ingest status` show, and the one a DuckDB
    session reads a zoneless TIMESTAMPTZ in, so a time copied from either means the same.
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{what} {value!r} is not a date or time; write it like {examples}"
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def run_query(path: Path, sql: str, policy: LockPolicy | None = None) -> Table:
    """Run user SQL on a read-only connection, on whatever DuckDB file it is given."""
    with connection(path, read_only=True, policy=policy, schema=False) as conn:
        try:
            result = conn.execute(sql)
        except duckdb.Error as exc:
            raise QueryError(str(exc).strip()) from None
        if result is None or result.description is None:  # no statement, or one without rows
            return Table([], [])
        return Table([d[0] for d in result.description], result.fetchall())
