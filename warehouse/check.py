"""Integrity checks over a warehouse: every rule landing keeps, verified from the data.

Each check reads the file (read-only) and says in one sentence what it found,
with a few examples and the query to see the rest, so a person can tell
damage from a bug and find the rows involved.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tasks.records import content_hash, raw_hash
from warehouse.connection import LockPolicy, connection, migrations
from warehouse.spool import scan, spool_dir

EXAMPLES = 5
FETCH_ROWS = 2000


@dataclass(frozen=True)
class Finding:
    """The result of one check: what was checked, whether it held, and the sentence to read."""

    check: str
    ok: bool
    detail: str


_ORPHAN_OBSERVATIONS = """
SELECT o.document_id, any_value(o.locator), count(*)
FROM observation_log o
LEFT JOIN documents d USING (document_id)
WHERE o.document_id IS NOT NULL AND d.document_id IS NULL
GROUP BY o.document_id ORDER BY 3 DESC, 1
"""

_UNIDENTIFIED_OBSERVATIONS = """
SELECT locator, coalesce(stage, 'none'), count(*)
FROM observation_log
WHERE document_id IS NULL AND stage IS DISTINCT FROM 'discover'
GROUP BY ALL ORDER BY 3 DESC, 1
"""

_ORPHAN_VERSIONS = """
SELECT v.document_id, count(*)
FROM versions v LEFT JOIN documents d USING (document_id)
WHERE d.document_id IS NULL
GROUP BY 1 ORDER BY 2 DESC, 1
"""

_VERSION_GAPS = """
SELECT document_id, list(version ORDER BY version)
FROM versions
GROUP BY document_id
HAVING min(version) <> 1 OR max(version) <> count(*) OR count(DISTINCT version) <> count(*)
ORDER BY 1
"""

_REPEATED_CONTENT = """
SELECT document_id, version
FROM (
    SELECT document_id, version, content_hash,
           lag(content_hash) OVER (PARTITION BY document_id ORDER BY version) AS previous
    FROM versions
)
WHERE content_hash = previous
ORDER BY 1, 2
"""

_DANGLING_VERSION_REFS = """
SELECT o.document_id, o.version, count(*)
FROM observation_log o
LEFT JOIN versions v ON v.document_id = o.document_id AND v.version = o.version
WHERE o.version IS NOT NULL AND v.document_id IS NULL
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
"""

_DANGLING_RAW = """
SELECT r.raw_hash, r.kind, count(*)
FROM (
    SELECT raw_hash, 'version' AS kind FROM versions WHERE raw_hash IS NOT NULL
    UNION ALL
    SELECT raw_hash, 'observation' FROM observation_log WHERE raw_hash IS NOT NULL
) r
LEFT JOIN raw_payloads p USING (raw_hash)
WHERE p.raw_hash IS NULL
GROUP BY 1, 2 ORDER BY 3 DESC, 1
"""

_UNKNOWN_RUNS = """
SELECT o.run_id, count(*)
FROM observation_log o LEFT JOIN run_log r USING (run_id)
WHERE r.run_id IS NULL
GROUP BY 1 ORDER BY 2 DESC, 1
"""

_PARTIAL_BATCHES = """
WITH counted AS (
    SELECT batch_id, count(*) AS n FROM observation_log WHERE batch_id IS NOT NULL GROUP BY 1
)
SELECT coalesce(b.batch_id, c.batch_id), b.observations, coalesce(c.n, 0)
FROM landed_batches b
FULL OUTER JOIN counted c USING (batch_id)
WHERE b.observations IS DISTINCT FROM c.n
ORDER BY 1
"""

# The bytes and pipeline fetch_state names for a document must be those that gave its latest
# version: the next run skips extracting those bytes and calls the page unchanged.
_STALE_FETCH_STATE = """
WITH latest AS (SELECT document_id, max(version) AS version FROM versions GROUP BY 1)
SELECT l.document_id, l.version, f.raw_hash
FROM latest l
LEFT JOIN fetch_state f USING (document_id)
WHERE NOT EXISTS (
    SELECT 1 FROM observation_log o
    WHERE o.document_id = l.document_id AND o.version = l.version
      AND o.outcome IN ('new', 'changed', 'unchanged')
      AND o.raw_hash IS NOT DISTINCT FROM f.raw_hash
      AND o.pipeline_version IS NOT DISTINCT FROM f.pipeline_version
)
ORDER BY 1
"""


def check_warehouse(path: Path, policy: LockPolicy | None = None) -> list[Finding]:
    """Run every check on the warehouse at `path`, read-only (its schema among them)."""
    with connection(path, read_only=True, policy=policy, schema=False) as conn:
        findings = [_migrations(conn)]
        if not findings[0].ok and "no schema_migrations" in findings[0].detail:
            return findings
        applied = {n for (n,) in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        findings += [
            _documents(conn),
            _versions(conn),
            _repeated(conn),
            _hashes(conn),
            _raw(conn),
            _runs(conn),
        ]
        if 2 in applied:
            findings.append(_batches(conn))
        if 4 in applied:
            findings.append(_fetch_state(conn))
    findings.append(_spool(path))
    return findings


def _migrations(conn: duckdb.DuckDBPyConnection) -> Finding:
    shipped = {number: name for number, name, _ in migrations()}
    try:
        rows = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    except duckdb.CatalogException:
        return Finding(
            "migrations",
            False,
            "there is no schema_migrations table: this file was not created by `ingest run`",
        )
    applied = [n for (n,) in rows]
    missing = sorted(set(shipped) - set(applied))
    unknown = sorted(set(applied) - set(shipped))
    problems = []
    if missing:
        names = ", ".join(f"{n:03d}_{shipped[n]}" for n in missing)
        problems.append(
            f"not applied: {names}; `ingest run` applies pending migrations when it opens the file"
        )
    if unknown:
        problems.append(
            f"recorded but not shipped with this version: {', '.join(f'{n:03d}' for n in unknown)}; "
            "the file was written by a newer zh-corpus, upgrade before using it"
        )
    if problems:
        return Finding("migrations", False, "; ".join(problems))
    return Finding("migrations", True, f"all {len(applied)} applied")


def _documents(conn: duckdb.DuckDBPyConnection) -> Finding:
    orphans = conn.execute(_ORPHAN_OBSERVATIONS).fetchall()
    unidentified = conn.execute(_UNIDENTIFIED_OBSERVATIONS).fetchall()
    lost_versions = conn.execute(_ORPHAN_VERSIONS).fetchall()
    problems = []
    if orphans:
        problems.append(
            f"{sum(r[2] for r in orphans)} observation(s) of {len(orphans)} document(s) missing "
            f"from `documents`: {_examples(f'{d} ({loc})' for d, loc, _ in orphans)}"
        )
    if unidentified:
        problems.append(
            f"{sum(r[2] for r in unidentified)} observation(s) without a document id that are "
            f"not discovery failures: {_examples(f'{loc} (stage {s})' for loc, s, _ in unidentified)}"
        )
    if lost_versions:
        problems.append(
            f"versions of {len(lost_versions)} document(s) missing from `documents`, so the "
            f"articles view hides them: {_examples(d for d, _ in lost_versions)}"
        )
    if problems:
        return Finding("documents", False, "; ".join(problems))
    (n,) = conn.execute("SELECT count(*) FROM observation_log").fetchall()[0]
    return Finding("documents", True, f"every one of {n:,} observations has its document")


def _versions(conn: duckdb.DuckDBPyConnection) -> Finding:
    gaps = conn.execute(_VERSION_GAPS).fetchall()
    dangling = conn.execute(_DANGLING_VERSION_REFS).fetchall()
    problems = []
    if gaps:
        problems.append(
            f"{len(gaps)} document(s) whose version numbers are not 1, 2, 3, … without gaps "
            f"or repeats: {_examples(f'{d} has {list(v)}' for d, v in gaps)}"
        )
    if dangling:
        problems.append(
            f"{sum(r[2] for r in dangling)} observation(s) name a version that does not exist: "
            f"{_examples(f'{d} version {v}' for d, v, _ in dangling)}"
        )
    if problems:
        return Finding("versions", False, "; ".join(problems))
    (docs, n) = conn.execute(
        "SELECT count(DISTINCT document_id), count(*) FROM versions"
    ).fetchall()[0]
    return Finding("versions", True, f"{n:,} versions of {docs:,} documents, numbered without gaps")


def _rule(
    conn: duckdb.DuckDBPyConnection,
    check: str,
    sql: str,
    problem: Callable[[list[tuple]], str],
    ok: str,
) -> Finding:
    """A check that holds when `sql` finds no rows; otherwise `problem` describes them."""
    rows = conn.execute(sql).fetchall()
    return Finding(check, False, problem(rows)) if rows else Finding(check, True, ok)


def _repeated(conn: duckdb.DuckDBPyConnection) -> Finding:
    return _rule(
        conn,
        "duplicate versions",
        _REPEATED_CONTENT,
        lambda rows: (
            f"{len(rows)} version(s) repeat the content of the version before them "
            f"(the landing rule forbids it): {_examples(f'{d} version {v}' for d, v in rows)}"
        ),
        "no version repeats the one before it",
    )


def _hashes(conn: duckdb.DuckDBPyConnection) -> Finding:
    rows = _stream(conn, "SELECT document_id, version, title, text, content_hash FROM versions")
    wrong = [
        f"{doc} version {version}"
        for doc, version, title, text, stored in rows
        if content_hash(title, text) != stored
    ]
    if wrong:
        return Finding(
            "content hashes",
            False,
            f"{len(wrong)} version(s) whose text no longer matches their content hash (the text "
            f"was changed after landing): {_examples(wrong)}",
        )
    return Finding("content hashes", True, "every stored hash matches its title and text")


def _raw(conn: duckdb.DuckDBPyConnection) -> Finding:
    dangling = conn.execute(_DANGLING_RAW).fetchall()
    problems = []
    if dangling:
        problems.append(
            f"{sum(r[2] for r in dangling)} reference(s) to {len(dangling)} raw payload(s) that "
            f"are not stored: {_examples(f'{h} (from {kind}s)' for h, kind, _ in dangling)}"
        )
    corrupt = list(_corrupt_payloads(conn))
    if corrupt:
        problems.append(
            f"{len(corrupt)} raw payload(s) that do not decompress to the bytes their hash "
            f"names: {_examples(corrupt)}"
        )
    if problems:
        return Finding("raw payloads", False, "; ".join(problems))
    (n,) = conn.execute("SELECT count(*) FROM raw_payloads").fetchall()[0]
    return Finding(
        "raw payloads", True, f"every reference resolves; {n:,} payloads read back intact"
    )


def _corrupt_payloads(conn: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for digest, size, compression, content in _stream(
        conn, "SELECT raw_hash, size, compression, content FROM raw_payloads"
    ):
        try:
            body = zlib.decompress(content) if compression == "zlib" else None
        except zlib.error as exc:
            yield f"{digest} ({exc})"
            continue
        if body is None:
            yield f"{digest} (unknown compression {compression!r})"
        elif len(body) != size or raw_hash(body) != digest:
            yield f"{digest} (size or hash differs)"


def _runs(conn: duckdb.DuckDBPyConnection) -> Finding:
    return _rule(
        conn,
        "runs",
        _UNKNOWN_RUNS,
        lambda rows: (
            f"{sum(r[1] for r in rows)} observation(s) belong to run(s) missing from "
            f"run_log: {_examples(r for r, _ in rows)}"
        ),
        "every observation belongs to a recorded run",
    )


def _batches(conn: duckdb.DuckDBPyConnection) -> Finding:
    return _rule(
        conn,
        "batches",
        _PARTIAL_BATCHES,
        lambda rows: (
            f"{len(rows)} batch(es) whose observations differ from what landing "
            "recorded (a partial batch): "
            + _examples(f"{b} recorded {want} has {have}" for b, want, have in rows)
        ),
        "every landed batch is whole",
    )


def _fetch_state(conn: duckdb.DuckDBPyConnection) -> Finding:
    return _rule(
        conn,
        "fetch state",
        _STALE_FETCH_STATE,
        lambda rows: (
            f"{len(rows)} document(s) whose fetch_state row names a raw page that no "
            "observation shows gave their latest version, so the next run could call a "
            "changed page unchanged: "
            + _examples(f"{d} version {v} (fetch_state has {h})" for d, v, h in rows)
            + "; delete those rows from fetch_state and the next run extracts the pages again"
        ),
        "every document's fetch state names the page behind its latest version",
    )


def _spool(path: Path) -> Finding:
    directory = spool_dir(path)
    entries, unreadable = scan(directory)
    rejected = sorted((directory / "rejected").glob("*")) if directory.is_dir() else []
    if unreadable or rejected:
        names = [p.name for p, _ in unreadable] + [p.name for p in rejected]
        return Finding(
            "spool",
            False,
            f"{len(names)} spool entr(ies) cannot be landed and wait for a person in "
            f"{directory}: {_examples(names)} (see REJECTED.txt in each)",
        )
    if entries:
        return Finding(
            "spool",
            True,
            f"{len(entries)} entr(ies) wait in {directory} for the warehouse to be free; "
            "the next `ingest run` lands them first",
        )
    return Finding("spool", True, "empty")


def _stream(conn: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    result = conn.execute(sql)
    while rows := result.fetchmany(FETCH_ROWS):
        yield from rows


def _examples(items: Iterable[object]) -> str:
    """The first few items, and how many more there are."""
    shown: list[str] = []
    total = 0
    for item in items:
        total += 1
        if len(shown) < EXAMPLES:
            shown.append(str(item))
    more = f" and {total - len(shown)} more" if total > len(shown) else ""
    return ", ".join(shown) + more
