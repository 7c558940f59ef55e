"""Story clusters: documents whose latest versions are near-duplicates, and their signatures.

The grouping itself is SQL (`story_clusters_at` in migrations/003_downstream.sql),
so people get the same answer from `duckdb` as from `ingest dupes`. This module
reads it, and signs versions that landed without a signature of the current
scheme (warehouses older than the signatures, or a scheme change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from tasks.signature import SCHEME, minhash
from warehouse.connection import LockPolicy, connection

SIGN_CHUNK = 500

_CLUSTERS = """
SELECT cluster_id, cluster_size, document_id, version, title, publisher, published,
       first_seen, source, locator, url, closest_similarity
FROM story_clusters_at(coalesce(?::DOUBLE, (SELECT threshold FROM story_cluster_settings)))
ORDER BY cluster_size DESC,
         min(first_seen) OVER (PARTITION BY cluster_id),
         cluster_id,
         coalesce(published_at, first_seen),
         document_id
"""

_UNSIGNED = """
SELECT v.document_id, v.version
FROM versions v
LEFT JOIN signatures s USING (document_id, version)
WHERE s.scheme IS DISTINCT FROM ?
ORDER BY v.document_id, v.version
"""

_TEXTS = """
SELECT v.document_id, v.version, v.text
FROM versions v
JOIN (SELECT unnest(?::VARCHAR[]) AS document_id, unnest(?::INTEGER[]) AS version) k
  USING (document_id, version)
"""

_UPSERT = """
INSERT INTO signatures
SELECT document_id, version, ?, minhash FROM signed
ON CONFLICT (document_id, version) DO UPDATE SET scheme = excluded.scheme, minhash = excluded.minhash
"""

_SIGNED_SCHEMA = pa.schema(
    [("document_id", pa.string()), ("version", pa.int32()), ("minhash", pa.list_(pa.uint32()))]
)


class ThresholdError(ValueError):
    """A similarity threshold outside (0, 1]."""


@dataclass(frozen=True)
class Member:
    """One document of a story, at its latest version."""

    document_id: str
    version: int
    title: str | None
    publisher: str | None
    published: str | None
    first_seen: datetime
    source: str
    locator: str
    url: str | None
    similarity: float  # estimated Jaccard similarity to the closest other member


@dataclass(frozen=True)
class Cluster:
    """Documents that carry one story: the same text on other sites or in the other script."""

    cluster_id: str
    members: tuple[Member, ...]  # earliest published (or first seen) first

    @property
    def title(self) -> str | None:
        """The title of the earliest member that has one."""
        return next((m.title for m in self.members if m.title), None)


def check_threshold(threshold: float) -> float:
    """The threshold itself, or ThresholdError saying what a valid one is."""
    if not 0 < threshold <= 1:
        raise ThresholdError(
            f"the similarity threshold must be above 0 and at most 1, got {threshold:g}"
        )
    return threshold


def default_threshold(path: Path, policy: LockPolicy | None = None) -> float:
    """The threshold `story_clusters` uses (story_cluster_settings)."""
    with connection(path, read_only=True, policy=policy) as conn:
        return float(conn.execute("SELECT threshold FROM story_cluster_settings").fetchall()[0][0])


def story_clusters(
    path: Path, threshold: float | None = None, policy: LockPolicy | None = None
) -> list[Cluster]:
    """Every story with two or more documents, largest first; None uses the stored default."""
    if threshold is not None:
        check_threshold(threshold)
    with connection(path, read_only=True, policy=policy) as conn:
        rows = conn.execute(_CLUSTERS, [threshold]).fetchall()
    clusters: list[Cluster] = []
    members: list[Member] = []
    current = None
    for cluster_id, _, *fields in rows:
        if cluster_id != current and members:
            clusters.append(Cluster(current, tuple(members)))  # type: ignore[arg-type]
            members = []
        current = cluster_id
        members.append(Member(*fields))
    if members:
        clusters.append(Cluster(current, tuple(members)))  # type: ignore[arg-type]
    return clusters


def sign_missing(path: Path, policy: LockPolicy | None = None) -> int:
    """Sign versions that have no signature of the current scheme; return how many were signed."""
    if not path.exists():
        return 0
    with connection(path, policy=policy) as conn:
        missing = conn.execute(_UNSIGNED, [SCHEME]).fetchall()
    for start in range(0, len(missing), SIGN_CHUNK):
        _sign(path, missing[start : start + SIGN_CHUNK], policy)
    return len(missing)


def _sign(path: Path, keys: Sequence[tuple[str, int]], policy: LockPolicy | None) -> None:
    ids = [k[0] for k in keys]
    numbers = [k[1] for k in keys]
    # Read-write even to read: a read-only open in a process that writes the file elsewhere fails.
    with connection(path, policy=policy) as conn:
        texts = conn.execute(_TEXTS, [ids, numbers]).fetchall()
    signed = pa.Table.from_pydict(
        {
            "document_id": [t[0] for t in texts],
            "version": [t[1] for t in texts],
            "minhash": [list(minhash(t[2])) for t in texts],
        },
        schema=_SIGNED_SCHEMA,
    )
    with connection(path, policy=policy) as conn:
        conn.register("signed", signed)
        conn.execute(_UPSERT, [SCHEME])
