"""Full-text search over current articles: a jieba term table and BM25 ranking in SQL.

DuckDB's `fts` extension is not used: `INSTALL fts` downloads a binary at run
time, which fails on machines without internet, and its tokenizer does not
segment Chinese anyway. The index is two plain tables (migrations/003):
`search_docs` (which version of each document is indexed, and its length)
and `search_terms` (term, document, count). `refresh_index` brings them up to
date for documents whose current version is not the indexed one; flows call
it at the end of every run, and it never re-reads unchanged documents. Hits
show the indexed version, so score, snippet and text always agree; current
versions not yet indexed are counted in `SearchResult.unindexed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from tasks.segment import Snippet, index_terms, query_terms, segmenter, snippet
from warehouse.connection import LockPolicy, connection
from warehouse.read import read_moment

INDEX_CHUNK = 500
# BM25 as Lucene does it; idf = ln(1 + (N - df + 0.5) / (df + 0.5)) is never negative.
K1 = 1.2
B = 0.75

_STALE = """
SELECT v.document_id, max(v.version) AS version, any_value(s.document_id IS NOT NULL) AS indexed
FROM versions v
LEFT JOIN search_docs s USING (document_id)
GROUP BY v.document_id
HAVING any_value(s.version) IS DISTINCT FROM max(v.version)
    OR any_value(s.segmenter) IS DISTINCT FROM ?
ORDER BY v.document_id
"""

_TEXTS = """
SELECT v.document_id, v.version, v.title, v.text
FROM versions v
JOIN (SELECT unnest(?::VARCHAR[]) AS document_id, unnest(?::INTEGER[]) AS version) k
  USING (document_id, version)
"""

# Deleting scans the term table, so it runs only for chunks that replace earlier entries.
_UNINDEX = (
    "DELETE FROM search_terms WHERE document_id IN (SELECT document_id FROM new_docs)",
    "DELETE FROM search_docs WHERE document_id IN (SELECT document_id FROM new_docs)",
)
_INSERT = (
    "INSERT INTO search_docs SELECT document_id, version, segmenter, length FROM new_docs",
    "INSERT INTO search_terms SELECT term, document_id, tf FROM new_terms",
)

_SEARCH = """
WITH q AS (SELECT DISTINCT unnest($terms::VARCHAR[]) AS term),
matches AS MATERIALIZED (
    SELECT term, document_id, tf FROM search_terms WHERE term IN (SELECT term FROM q)
),
stats AS (SELECT count(*)::DOUBLE AS n, avg(length) AS avgdl FROM search_docs),
df AS (SELECT term, count(*) AS df FROM matches GROUP BY term),
scored AS (
    SELECT m.document_id,
           sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
               * m.tf * ($k1 + 1)
               / (m.tf + $k1 * (1 - $b + $b * d.length / stats.avgdl))) AS score,
           count(*) AS matched,
           any_value(d.version) AS version
    FROM matches m
    JOIN df USING (term)
    JOIN search_docs d USING (document_id)
    CROSS JOIN stats
    GROUP BY m.document_id
    HAVING count(*) >= $needed
),
filtered AS (
    SELECT s.document_id, s.version, s.score, s.matched, v.title, v.publisher, v.published,
           doc.first_seen, v.locator, v.url, v.text
    FROM scored s
    JOIN article_versions v USING (document_id, version)
    JOIN documents doc USING (document_id)
    WHERE ($publisher IS NULL OR contains(lower(v.publisher), lower($publisher)))
      AND ($since IS NULL OR coalesce(v.published_at, doc.first_seen::TIMESTAMP) >= $since)
)
SELECT document_id, version, title, publisher, published, first_seen, locator, url, score,
       matched, text, count(*) OVER () AS total
FROM filtered
ORDER BY score DESC, document_id
LIMIT $limit
"""

_UNINDEXED = """
SELECT count(*)
FROM articles a
LEFT JOIN search_docs s USING (document_id)
WHERE s.document_id IS NULL OR s.version <> a.version OR s.segmenter <> ?
"""

_DOCS_SCHEMA = pa.schema(
    [
        ("document_id", pa.string()),
        ("version", pa.int32()),
        ("segmenter", pa.string()),
        ("length", pa.int32()),
    ]
)
_TERMS_SCHEMA = pa.schema([("term", pa.string()), ("document_id", pa.string()), ("tf", pa.int32())])


class SearchError(ValueError):
    """A search that cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class Hit:
    """One article that matched, with its score and a snippet around the matches."""

    document_id: str
    version: int
    title: str | None
    publisher: str | None
    published: str | None
    first_seen: datetime
    locator: str
    url: str | None
    score: float
    matched: int  # how many of the query's terms it contains
    snippet: Snippet


@dataclass(frozen=True)
class SearchResult:
    """The terms searched for, the best hits, how many matched, and how current the index is."""

    terms: tuple[str, ...]
    hits: list[Hit]
    total: int
    unindexed: int  # current articles not (yet) in the index


def refresh_index(path: Path, policy: LockPolicy | None = None) -> int:
    """Index every current article whose indexed version is missing or old; return how many."""
    if not path.exists():
        return 0
    with connection(path, policy=policy) as conn:
        stale = conn.execute(_STALE, [segmenter()]).fetchall()
    for start in range(0, len(stale), INDEX_CHUNK):
        _index(path, stale[start : start + INDEX_CHUNK], policy)
    return len(stale)


def _index(path: Path, chunk: Sequence[tuple[str, int, bool]], policy: LockPolicy | None) -> None:
    """Segment one chunk outside any connection, then swap its rows in one transaction."""
    ids = [c[0] for c in chunk]
    numbers = [c[1] for c in chunk]
    # Read-write even to read: a read-only open in a process that writes the file elsewhere fails.
    with connection(path, policy=policy) as conn:
        rows = conn.execute(_TEXTS, [ids, numbers]).fetchall()
    docs: dict[str, list] = {name: [] for name in _DOCS_SCHEMA.names}
    terms: dict[str, list] = {name: [] for name in _TERMS_SCHEMA.names}
    for document_id, version, title, text in rows:
        counts = index_terms(title, text)
        docs["document_id"].append(document_id)
        docs["version"].append(version)
        docs["segmenter"].append(segmenter())
        docs["length"].append(sum(counts.values()))
        for term, tf in counts.items():
            terms["term"].append(term)
            terms["document_id"].append(document_id)
            terms["tf"].append(tf)
    with connection(path, policy=policy) as conn:
        conn.register("new_docs", pa.Table.from_pydict(docs, schema=_DOCS_SCHEMA))
        conn.register("new_terms", pa.Table.from_pydict(terms, schema=_TERMS_SCHEMA))
        conn.execute("BEGIN TRANSACTION")
        try:
            replacing = _UNINDEX if any(indexed for _, _, indexed in chunk) else ()
            for statement in (*replacing, *_INSERT):
                conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def search(
    path: Path,
    query: str,
    *,
    limit: int = 20,
    publisher: str | None = None,
    since: str | None = None,
    any_term: bool = False,
    policy: LockPolicy | None = None,
) -> SearchResult:
    """Current articles matching every term of `query` (or any, with any_term), best first."""
    terms = query_terms(query)
    if not terms:
        raise SearchError(f"the query {query!r} has no words to search for")
    if limit < 1:
        raise SearchError(f"--limit must be at least 1, got {limit}")
    try:
        moment = read_moment(
            since,
            "--since",
            "2022-07-01, '2022-07-01 08:00' (local time) or '2022-07-01 08:00+08:00'",
        )
    except ValueError as exc:
        raise SearchError(str(exc)) from None
    # Compared as local wall-clock time: a page states its date without a zone, and the
    # session casts first_seen to TIMESTAMP in the local zone.
    since_ts = moment.astimezone().replace(tzinfo=None) if moment else None
    with connection(path, read_only=True, policy=policy) as conn:
        rows = conn.execute(
            _SEARCH,
            {
                "terms": terms,
                "k1": K1,
                "b": B,
                "needed": 1 if any_term else len(terms),
                "publisher": publisher,
                "since": since_ts,
                "limit": limit,
            },
        ).fetchall()
        unindexed = conn.execute(_UNINDEXED, [segmenter()]).fetchall()[0][0]
    hits = [
        Hit(*row[:10], snippet=snippet(row[10], terms))  # type: ignore[misc]
        for row in rows
    ]
    return SearchResult(tuple(terms), hits, rows[0][-1] if rows else 0, unindexed)
