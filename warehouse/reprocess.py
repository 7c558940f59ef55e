"""What re-processing reads: each document's latest stored payload, chosen by source or by SQL.

A `--where` condition is SQL over one row per document with a stored payload:
every column of the `articles` view (null for a document that never produced
a version), plus `kind` and `processed_by`, the pipeline version of the run
that last processed the payload. It runs on a read-only connection, so it can
select but never change anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tasks.reprocess import StoredRef
from warehouse.connection import LockPolicy, connection
from warehouse.read import NotInWarehouse, QueryError

_CANDIDATES = """
WITH stored AS (
    SELECT o.document_id, o.raw_hash, o.media_type, o.declared_charset, o.final_url, o.run_id
    FROM observation_log o
    WHERE o.document_id IS NOT NULL
      AND o.raw_hash IN (SELECT raw_hash FROM raw_payloads)
    QUALIFY row_number() OVER (PARTITION BY o.document_id ORDER BY o.observed_at DESC) = 1
),
candidates AS (
    SELECT d.document_id, d.locator, d.source, d.kind,
           a.* EXCLUDE (document_id, locator, source),
           r.pipeline_version AS processed_by,
           d.origin AS _origin, s.raw_hash AS _raw_hash, s.media_type AS _media_type,
           s.declared_charset AS _declared_charset, s.final_url AS _final_url
    FROM stored s
    JOIN documents d USING (document_id)
    JOIN run_log r USING (run_id)
    LEFT JOIN articles a USING (document_id)
)
SELECT document_id, locator, source, kind, _origin, _raw_hash, _media_type, _declared_charset,
       _final_url, processed_by IS NOT DISTINCT FROM $pipeline AS current
FROM candidates
WHERE (len($sources::VARCHAR[]) = 0 OR list_contains($sources::VARCHAR[], source))
  AND ({where}
)
ORDER BY document_id
"""

_CONTENT = """
SELECT raw_hash, compression, content
FROM raw_payloads
WHERE raw_hash IN (SELECT unnest(?::VARCHAR[]))
"""

_SOURCES = "SELECT DISTINCT source FROM documents ORDER BY source"


@dataclass(frozen=True)
class Selection:
    """The stored payloads a run will process, and how many selected ones were already current."""

    todo: list[StoredRef]
    current: int  # selected, but already processed by this pipeline (and not forced)


def select_stored(
    path: Path,
    pipeline: str,
    sources: Sequence[str] = (),
    where: str | None = None,
    force: bool = False,
    policy: LockPolicy | None = None,
) -> Selection:
    """Documents to re-process: by source, by SQL condition, and not yet at this pipeline."""
    sql = _CANDIDATES.format(where=where or "true")
    with connection(path, read_only=True, policy=policy) as conn:
        if sources:
            known = {row[0] for row in conn.execute(_SOURCES).fetchall()}
            unknown = sorted(set(sources) - known)
            if unknown:
                names = ", ".join(map(repr, unknown))
                has = (
                    f"it has documents from {', '.join(sorted(known))} only. Name one of those, or"
                    if known
                    else "it has no documents yet:"
                )
                raise NotInWarehouse(
                    f"the warehouse has no stored pages from the source {names} to re-process; "
                    f"{has} ingest {names} first (`ingest run --source {unknown[0]}`)"
                )
        try:
            rows = conn.execute(sql, {"pipeline": pipeline, "sources": list(sources)}).fetchall()
        except duckdb.Error as exc:
            raise QueryError(f"--where {where!r}: {str(exc).strip()}") from None
    todo = [StoredRef(*row[:9]) for row in rows if force or not row[9]]
    return Selection(todo, len(rows) - len(todo))


def stored_content(
    path: Path, raw_hashes: Sequence[str], policy: LockPolicy | None = None
) -> dict[str, tuple[str, bytes]]:
    """(compression, compressed bytes) of each stored payload, by raw hash."""
    # Read-write even to read: a read-only open in a process that writes the file elsewhere fails.
    with connection(path, policy=policy) as conn:
        rows = conn.execute(_CONTENT, [list(set(raw_hashes))]).fetchall()
    return {raw_hash: (compression, content) for raw_hash, compression, content in rows}
