"""Landing a batch: one transaction that decides new / changed / unchanged in SQL.

The batch goes in through Arrow (DuckDB appends from Arrow about fifty times
faster than row by row). The comparison with each document's latest version is
made inside the transaction, against what is in the file at that moment, so two
processes landing the same document cannot both append the same version.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tasks.records import TERM_SEPARATOR, Derived, Observed, Prior
from tasks.segment import segmenter
from tasks.signature import SCHEME as SIGNATURE_SCHEME
from warehouse.connection import LockPolicy, connection

_STR = pa.string()
_TS = pa.timestamp("us", tz="UTC")
BATCH_SCHEMA = pa.schema(
    [
        ("document_id", _STR),
        ("source", _STR),
        ("locator", _STR),
        ("kind", _STR),
        ("origin", _STR),
        ("observed_at", _TS),
        ("status", _STR),
        ("expected_version", pa.int32()),
        ("http_status", pa.int32()),
        ("final_url", _STR),
        ("etag", _STR),
        ("last_modified", _STR),
        ("media_type", _STR),
        ("raw_hash", _STR),
        ("elapsed_ms", pa.float64()),
        ("stage", _STR),
        ("error_class", _STR),
        ("reason", _STR),
        ("message", _STR),
        ("content_hash", _STR),
        ("title", _STR),
        ("text", _STR),
        ("published", _STR),
        ("publisher", _STR),
        ("authors", pa.list_(_STR)),
        ("editors", pa.list_(_STR)),
        ("url", _STR),
        ("language", _STR),
        ("source_script", _STR),
        ("charset", _STR),
        ("flags", pa.list_(_STR)),
        ("flag_details", pa.list_(_STR)),
        ("declared_charset", _STR),
        ("signature", pa.list_(pa.uint32())),
        ("terms", pa.list_(_STR)),
        ("term_counts", pa.list_(pa.int32())),
    ]
)
RAW_SCHEMA = pa.schema([("raw_hash", _STR), ("size", pa.int32()), ("content", pa.binary())])

# Each row of the batch beside the document's latest version, and what the row amounts to.
_DECIDE = """
WITH latest AS (
    SELECT document_id, max(version) AS version
    FROM versions
    WHERE document_id IN (SELECT document_id FROM batch)
    GROUP BY document_id
)
SELECT
    b.*,
    l.version AS prev_version,
    lv.content_hash AS prev_hash,
    CASE
        WHEN b.status = 'failed' THEN 'failed'
        WHEN b.status = 'not_modified' THEN 'not_modified'
        WHEN b.status = 'raw_unchanged' AND l.version IS NOT DISTINCT FROM b.expected_version
            THEN 'unchanged'
        WHEN b.status = 'raw_unchanged' THEN 'failed'
        WHEN l.version IS NULL THEN 'new'
        WHEN lv.content_hash = b.content_hash THEN 'unchanged'
        ELSE 'changed'
    END AS outcome
FROM batch b
LEFT JOIN latest l USING (document_id)
LEFT JOIN versions lv ON lv.document_id = l.document_id AND lv.version = l.version
"""
# Batches with new texts read the decision several times; the rest read it once, in place.
# The search terms stay out of it: copying them is most of what materialising would cost,
# and they are written from `postings`, a flat view of the same Arrow columns.
_LANDING = f"""
CREATE TEMP TABLE landing AS
SELECT * EXCLUDE (terms, term_counts), terms IS NOT NULL AS indexed,
       coalesce(list_sum(term_counts), 0) AS term_total
FROM ({_DECIDE})
"""

_INSERT_DOCUMENTS = """
INSERT INTO documents
SELECT document_id, arg_min(locator, observed_at), arg_min(kind, observed_at),
       arg_min(source, observed_at), arg_min(origin, observed_at), min(observed_at)
FROM batch
WHERE document_id IS NOT NULL
GROUP BY document_id
ON CONFLICT DO NOTHING
"""

_INSERT_RAW = """
INSERT INTO raw_payloads
SELECT raw_hash, any_value(size), 'zlib', any_value(content), ?
FROM raw_batch
GROUP BY raw_hash
ON CONFLICT DO NOTHING
"""

_INSERT_VERSIONS = """
INSERT INTO versions
SELECT document_id, coalesce(prev_version, 0) + 1, content_hash, title, text, published,
       publisher, authors, editors, url, language, source_script, charset, flags, flag_details,
       raw_hash, ?, ?, observed_at
FROM landing
WHERE outcome IN ('new', 'changed')
"""

_OBSERVE = """
INSERT INTO observation_log (
    run_id, document_id, source, locator, observed_at, outcome, version, stage, error_class,
    reason, message, http_status, final_url, etag, last_modified, media_type, raw_hash,
    elapsed_ms, pipeline_version, batch_id, declared_charset)
SELECT $run_id, document_id, source, locator, observed_at, outcome,
       CASE WHEN outcome IN ('new', 'changed') THEN coalesce(prev_version, 0) + 1
            ELSE prev_version END,
       CASE WHEN status = 'raw_unchanged' AND outcome = 'failed' THEN 'land' ELSE stage END,
       CASE WHEN status = 'raw_unchanged' AND outcome = 'failed' THEN 'transient' ELSE error_class END,
       CASE WHEN status = 'raw_unchanged' AND outcome = 'failed' THEN 'concurrent_change' ELSE reason END,
       CASE WHEN status = 'raw_unchanged' AND outcome = 'failed'
            THEN 'another run landed a new version of this document meanwhile; the next run will re-check it'
            ELSE message END,
       http_status, final_url, etag, last_modified, media_type, raw_hash, elapsed_ms,
       CASE WHEN status IN ('extracted', 'raw_unchanged') THEN $pipeline_version END,
       $batch_id, declared_charset
FROM {landing}
RETURNING outcome, document_id, raw_hash, pipeline_version, etag, last_modified
"""

_INSERT_SIGNATURES = """
INSERT INTO signatures
SELECT document_id, coalesce(prev_version, 0) + 1, ?, signature
FROM landing
WHERE outcome IN ('new', 'changed') AND signature IS NOT NULL
"""

_ANY_CHANGED = "SELECT count(*) FROM landing WHERE outcome = 'changed' AND indexed"

_ALREADY_LANDED = "SELECT count(*) FROM landed_batches WHERE batch_id = ?"

# A new version's search entry lands with it. A changed document's old entry goes first;
# deleting scans the term table, so it runs only for batches with changed documents.
_UNINDEX_CHANGED = (
    """DELETE FROM search_terms WHERE document_id IN
       (SELECT document_id FROM landing WHERE outcome = 'changed' AND indexed)""",
    """DELETE FROM search_docs WHERE document_id IN
       (SELECT document_id FROM landing WHERE outcome = 'changed' AND indexed)""",
)
_INDEX_DOCS = """
INSERT INTO search_docs
SELECT document_id, coalesce(prev_version, 0) + 1, ?, term_total
FROM landing WHERE outcome IN ('new', 'changed') AND indexed
"""
_INDEX_TERMS = """
INSERT INTO search_terms
SELECT term, document_id, tf
FROM postings
WHERE document_id IN (SELECT document_id FROM landing WHERE outcome IN ('new', 'changed'))
"""

_INSERT_OBSERVATIONS = _OBSERVE.format(landing="landing")
_OBSERVE_IN_PLACE = _OBSERVE.format(landing=f"({_DECIDE}) AS landing")

_INSERT_BATCH = """
INSERT INTO landed_batches (batch_id, run_id, landed_at, observations, spooled_at)
VALUES (?, ?, ?, ?, ?)
"""

_NEW_SAMPLE = """
SELECT title, publisher, published, locator
FROM landing
WHERE outcome IN ('new', 'changed')
ORDER BY observed_at
LIMIT 50
"""

_INSERT_RUN = """
INSERT INTO run_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
"""

_FINISH_RUN = """
INSERT INTO run_ends VALUES (?, ?, ?, ?)
ON CONFLICT DO NOTHING
"""

# A batch's changes to fetch_state (see 004_fetch_state.sql): a value it does not set (null)
# leaves the stored one.
_REMEMBER_FETCH = """
INSERT INTO fetch_state
SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
       unnest(?::VARCHAR[])
ON CONFLICT (document_id) DO UPDATE SET
    raw_hash = coalesce(excluded.raw_hash, fetch_state.raw_hash),
    pipeline_version = coalesce(excluded.pipeline_version, fetch_state.pipeline_version),
    etag = coalesce(excluded.etag, fetch_state.etag),
    last_modified = coalesce(excluded.last_modified, fetch_state.last_modified)
"""
_LANDS_VERSION = frozenset({"new", "changed"})
_CONTENT = _LANDS_VERSION | {"unchanged"}

_PRIORS = """
WITH q AS (SELECT unnest(?::VARCHAR[]) AS document_id),
lv AS (
    SELECT document_id, max(version) AS version, arg_max(content_hash, version) AS content_hash
    FROM versions
    WHERE document_id IN (SELECT document_id FROM q)
    GROUP BY document_id
)
SELECT q.document_id, lv.version, lv.content_hash, f.raw_hash, f.pipeline_version,
       f.etag, f.last_modified
FROM q
LEFT JOIN lv USING (document_id)
LEFT JOIN fetch_state f USING (document_id)
"""


@dataclass(frozen=True)
class RunInfo:
    """Identity and parameters of one flow run, as the warehouse records it."""

    run_id: str
    flow: str
    started_at: datetime
    pipeline_version: str
    parameters: dict[str, object] = field(default_factory=dict)
    flow_run_id: str | None = None
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)

    def row(self) -> list[object]:
        """The run_log row."""
        return [
            self.run_id,
            self.flow,
            self.started_at,
            self.pipeline_version,
            json.dumps(self.parameters, default=str, ensure_ascii=False),
            self.flow_run_id,
            self.host,
            self.pid,
        ]

    def as_json(self) -> dict[str, object]:
        """The run as JSON-ready data, for the spool."""
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "started_at": self.started_at.isoformat(),
            "pipeline_version": self.pipeline_version,
            "parameters": json.loads(json.dumps(self.parameters, default=str)),
            "flow_run_id": self.flow_run_id,
            "host": self.host,
            "pid": self.pid,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RunInfo:
        """The run as `as_json` wrote it."""
        return cls(
            run_id=str(data["run_id"]),
            flow=str(data["flow"]),
            started_at=datetime.fromisoformat(str(data["started_at"])),
            pipeline_version=str(data["pipeline_version"]),
            parameters=dict(data.get("parameters") or {}),  # type: ignore[call-overload]
            flow_run_id=data.get("flow_run_id"),  # type: ignore[arg-type]
            host=str(data.get("host") or ""),
            pid=int(data.get("pid") or 0),  # type: ignore[call-overload]
        )


def start_run(path: Path, run: RunInfo, policy: LockPolicy | None = None) -> None:
    """Record that a run started."""
    with connection(path, policy=policy) as conn:
        conn.execute(_INSERT_RUN, run.row())


def finish_run(
    path: Path,
    run_id: str,
    status: str,
    message: str | None = None,
    policy: LockPolicy | None = None,
    finished_at: datetime | None = None,
) -> None:
    """Record how a run ended (once: a second record of the same end changes nothing)."""
    with connection(path, policy=policy) as conn:
        record_end(conn, run_id, status, message, finished_at or datetime.now(UTC))


def record_end(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    message: str | None,
    finished_at: datetime,
) -> None:
    """Record how a run ended, on an open connection."""
    conn.execute(_FINISH_RUN, [run_id, finished_at, status, message])


_ATTEMPTED = """
SELECT document_id FROM documents WHERE document_id IN (SELECT unnest(?::VARCHAR[]))
"""


def attempted(
    path: Path, document_ids: Sequence[str], policy: LockPolicy | None = None
) -> set[str]:
    """Which of these documents the warehouse has any observation of (a `documents` row)."""
    if not document_ids or not path.exists():
        return set()
    with connection(path, policy=policy) as conn:
        return {row[0] for row in conn.execute(_ATTEMPTED, [list(document_ids)]).fetchall()}


def priors(
    path: Path, document_ids: Sequence[str], policy: LockPolicy | None = None
) -> dict[str, Prior]:
    """What the warehouse knows about each document: latest version, last raw hash, validators."""
    if not document_ids or not path.exists():
        return {}
    with connection(path, policy=policy) as conn:
        rows = conn.execute(_PRIORS, [list(document_ids)]).fetchall()
    return {
        doc: Prior(version, content, raw, pipeline, etag, modified)
        for doc, version, content, raw, pipeline, etag, modified in rows
        if version is not None or raw is not None or etag is not None or modified is not None
    }


@dataclass(frozen=True)
class Landed:
    """What landing one batch did: counts per outcome and a sample of the new versions."""

    outcomes: Counter[str]
    new: list[tuple[str, str, str, str]]  # title, publisher, published, locator
    batch_id: str = ""
    run_id: str = ""
    spooled: bool = False  # the warehouse stayed locked: the batch waits in the spool
    already: bool = False  # the batch had landed before (a spool entry landed twice)


def land(
    path: Path,
    run: RunInfo,
    observed: Sequence[Observed],
    priors_used: dict[str, Prior] | None = None,
    policy: LockPolicy | None = None,
    batch_id: str | None = None,
    run_recorded: bool = False,
) -> Landed:
    """Land one batch in one transaction; raise WarehouseLocked if the file stays locked.

    `run_recorded` says the run's row is already in the file, which saves a statement.
    """
    batch_id = batch_id or uuid.uuid4().hex
    if not observed:
        return Landed(Counter(), [], batch_id, run.run_id)
    batch, raw = to_arrow(observed, priors_used or {})
    with connection(path, policy=policy) as conn:
        return land_tables(
            conn, run, batch_id, batch, raw, run_recorded=run_recorded, priors_used=priors_used
        )


def land_tables(
    conn: duckdb.DuckDBPyConnection,
    run: RunInfo,
    batch_id: str,
    batch: pa.Table,
    raw: pa.Table,
    spooled_at: datetime | None = None,
    run_recorded: bool = False,
    terms_by: str | None = None,
    priors_used: dict[str, Prior] | None = None,
) -> Landed:
    """Land a batch already in Arrow form, once: a spooled batch that has landed before is skipped.

    `terms_by` names the segmenter that cut the batch's search terms, when it is not this
    process's (a spooled batch's were cut by whatever release spooled it); a name other
    than the current one has the end-of-run refresh cut them again. `priors_used` is what
    the batch's lookup found, so that `fetch_state` is written only where it changes.

    A statement costs a few milliseconds even with nothing to do, so those that cannot
    change anything are left out: most of a re-run is batches of pages that had not changed.
    Only a spooled batch can come twice (a fresh batch id is new), only a document without
    a prior version can lack its `documents` row, and only new texts need the rest.
    """
    now = datetime.now(UTC)
    batch = conform(batch, BATCH_SCHEMA)
    conn.register("batch", batch)
    if raw.num_rows:  # registering costs what a statement does; most re-run batches have none
        conn.register("raw_batch", conform(raw, RAW_SCHEMA))
    texts = batch.num_rows - batch.column("content_hash").null_count
    if texts:
        conn.register("postings", _postings(batch))
    conn.execute("BEGIN TRANSACTION")
    try:
        if spooled_at is not None and conn.execute(_ALREADY_LANDED, [batch_id]).fetchall()[0][0]:
            conn.execute("ROLLBACK")
            return Landed(Counter(), [], batch_id, run.run_id, already=True)
        if not run_recorded:
            conn.execute(_INSERT_RUN, run.row())
        # A spooled batch's priors came from the file as it was then, which may since have
        # been replaced or restored from a backup: only a fresh batch's priors are current.
        if spooled_at is not None or _any_unknown(batch):
            conn.execute(_INSERT_DOCUMENTS)
        if raw.num_rows:
            conn.execute(_INSERT_RAW, [now])
        if texts:
            conn.execute(_LANDING)
            conn.execute(_INSERT_VERSIONS, [run.pipeline_version, run.run_id])
            conn.execute(_INSERT_SIGNATURES, [SIGNATURE_SCHEME])
            if conn.execute(_ANY_CHANGED).fetchall()[0][0]:
                for statement in _UNINDEX_CHANGED:
                    conn.execute(statement)
            conn.execute(_INDEX_DOCS, [terms_by or segmenter()])
            conn.execute(_INDEX_TERMS)
        observations = conn.execute(
            _INSERT_OBSERVATIONS if texts else _OBSERVE_IN_PLACE,
            {"run_id": run.run_id, "pipeline_version": run.pipeline_version, "batch_id": batch_id},
        ).fetchall()
        if changes := _fetch_changes(observations, priors_used):
            conn.execute(_REMEMBER_FETCH, changes)
        conn.execute(_INSERT_BATCH, [batch_id, run.run_id, now, len(observations), spooled_at])
        new = []
        if texts:
            new = conn.execute(_NEW_SAMPLE).fetchall()
            conn.execute("DROP TABLE landing")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.unregister("batch")
        if raw.num_rows:
            conn.unregister("raw_batch")
        if texts:
            conn.unregister("postings")
    return Landed(Counter(row[0] for row in observations), new, batch_id, run.run_id)


def _fetch_changes(
    observations: list[tuple], priors_used: dict[str, Prior] | None
) -> list[list[str | None]] | None:
    """The fetch_state rows a batch's observations change, as columns; None if it changes none.

    An observation that was new, changed or unchanged sets the raw hash and pipeline, and
    one that was not a failure sets the validators it carries. One that landed no version
    and sets what the batch's lookup found (`priors_used`) is left out, so a re-run over
    unchanged pages writes none; one that landed a version is always written, since
    another run may have landed one since the lookup. Without a lookup (a spooled
    batch), every row that sets something is written.
    """
    changes: dict[str, list[str | None]] = {}
    for outcome, document_id, raw, pipeline, etag, modified in observations:
        content, answered = outcome in _CONTENT, outcome != "failed"
        new = [
            raw if content else None,
            pipeline if content else None,
            etag if answered else None,
            modified if answered else None,
        ]
        if document_id is None or all(value is None for value in new):
            continue
        if (
            outcome not in _LANDS_VERSION
            and priors_used is not None
            and (prior := priors_used.get(document_id)) is not None
        ):
            stored = (prior.raw_hash, prior.pipeline_version, prior.etag, prior.last_modified)
            if all(n is None or n == o for n, o in zip(new, stored, strict=True)):
                continue
        before = changes.get(document_id, [None] * 4)
        changes[document_id] = [n if n is not None else b for n, b in zip(new, before, strict=True)]
    if not changes:
        return None
    return [list(changes), *(list(column) for column in zip(*changes.values(), strict=True))]


def _postings(batch: pa.Table) -> pa.Table:
    """The batch's search terms as rows (term, document_id, tf), without copying a string.

    The terms are the list column's own values, and each row's document id an index into
    the batch's ids (a dictionary array, which DuckDB reads as text).
    """
    terms = batch.column("terms").combine_chunks()
    counts = batch.column("term_counts").combine_chunks()
    owners = pc.list_parent_indices(terms).cast(pa.int32())
    ids = batch.column("document_id").combine_chunks()
    return pa.table(
        {
            "term": pc.list_flatten(terms),
            "document_id": pa.DictionaryArray.from_arrays(owners, ids),
            "tf": pc.list_flatten(counts),
        }
    )


def _any_unknown(batch: pa.Table) -> bool:
    """Whether a row may be a document the warehouse has no row for: one landed without a prior."""
    documents = batch.column("document_id")
    known = batch.column("expected_version")
    return bool(pc.any(pc.and_(pc.is_valid(documents), pc.is_null(known))).as_py())


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly the columns of `schema`: missing ones null, extra ones dropped.

    A spooled batch was written by whatever version of the pipeline ran then; this lets a
    newer one land it after a column was added to the batch.
    """
    if table.schema.equals(schema):
        return table
    columns = [
        table.column(f.name).cast(f.type)
        if f.name in table.column_names
        else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def to_arrow(observed: Sequence[Observed], prior: dict[str, Prior]) -> tuple[pa.Table, pa.Table]:
    """The batch and its new raw payloads as Arrow tables."""
    cols: dict[str, list] = {name: [] for name in BATCH_SCHEMA.names}
    raw_cols: dict[str, list] = {name: [] for name in RAW_SCHEMA.names}
    packed: list[Derived | None] = []
    for o in observed:
        loc, art, fail, derived = o.locator, o.article, o.failure, o.derived
        discover_failure = fail is not None and fail.stage == "discover"
        p = prior.get(loc.document_id)
        values = {
            "document_id": None if discover_failure or not loc.document_id else loc.document_id,
            "source": loc.source,
            "locator": loc.canonical,
            "kind": loc.kind,
            "origin": loc.address,
            "observed_at": o.observed_at,
            "status": o.status,
            "expected_version": p.version if p else None,
            "http_status": o.http_status,
            "final_url": o.final_url,
            "etag": o.etag,
            "last_modified": o.last_modified,
            "media_type": o.media_type,
            "raw_hash": o.raw_hash,
            "elapsed_ms": o.elapsed_ms,
            "stage": fail.stage if fail else None,
            "error_class": fail.error_class if fail else None,
            "reason": fail.reason if fail else None,
            "message": fail.message if fail else None,
            "content_hash": art.content_hash if art else None,
            "title": art.title if art else None,
            "text": art.text if art else None,
            "published": art.published if art else None,
            "publisher": art.publisher if art else None,
            "authors": list(art.authors) if art else None,
            "editors": list(art.editors) if art else None,
            "url": art.url if art else None,
            "language": art.language if art else None,
            "source_script": art.source_script if art else None,
            "charset": art.charset if art else None,
            "flags": art.flag_names if art else None,
            "flag_details": list(art.flags) if art else None,
            "declared_charset": o.declared_charset,
            "signature": list(derived.signature) if derived else None,
        }
        for name, value in values.items():
            cols[name].append(value)
        packed.append(derived)
        if o.raw_compressed is not None and o.raw_hash:
            raw_cols["raw_hash"].append(o.raw_hash)
            raw_cols["size"].append(o.raw_size or 0)
            raw_cols["content"].append(o.raw_compressed)
    cols["terms"], cols["term_counts"] = _term_columns(packed)
    return (
        pa.Table.from_pydict(cols, schema=BATCH_SCHEMA),
        pa.Table.from_pydict(raw_cols, schema=RAW_SCHEMA),
    )


def _term_columns(packed: Sequence[Derived | None]) -> tuple[pa.ListArray, pa.ListArray]:
    """The `terms` and `term_counts` list columns, unpacked in Arrow rather than term by term.

    Every row's terms are split out of one string, and every row's counts read from one
    buffer; a row without a `Derived` gets null lists, one with no terms empty ones.
    """
    present = [d for d in packed if d is not None]
    offsets = [0]
    for d in packed:
        offsets.append(offsets[-1] + (d.size if d else 0))
    text = TERM_SEPARATOR.join(d.packed_terms for d in present if d.size)
    terms = pc.split_pattern(pa.array([text]), TERM_SEPARATOR).values
    if not offsets[-1]:  # no terms at all: the split of "" would hold one
        terms = pa.array([], _STR)
    counts = pa.Array.from_buffers(
        pa.int32(), offsets[-1], [None, pa.py_buffer(b"".join(d.packed_counts for d in present))]
    )
    mask = pa.array([d is None for d in packed], pa.bool_())
    where = pa.array(offsets, pa.int32())
    return (
        pa.ListArray.from_arrays(where, terms, mask=mask),
        pa.ListArray.from_arrays(where, counts, mask=mask),
    )
