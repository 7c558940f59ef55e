"""Exporting the corpus, now or as it stood at a point in time, to Parquet or JSON Lines.

DuckDB writes both (`COPY … TO` with the parquet and json extensions its wheel
ships), streaming, so an export never holds the corpus in Python. The point in
time is the `articles_as_of(ts)` macro: each document's version whose validity
interval contains `ts`, which is what `articles` showed at that moment.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.connection import LockPolicy, connection
from warehouse.read import read_moment

FORMATS = {
    "parquet": ("articles.parquet", "FORMAT parquet, COMPRESSION zstd"),
    "jsonl": ("articles.jsonl", "FORMAT json"),
}
MANIFEST = "manifest.json"
# What tells an empty --as-of export apart: a moment before the pipeline first saw anything.
_FIRST_SEEN = "SELECT min(valid_from) FROM article_versions"


class ExportError(ValueError):
    """An export that cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class Exported:
    """Where an export went and what it holds."""

    file: Path
    manifest: Path
    rows: int
    as_of: datetime | None
    first_seen: datetime | None  # when the warehouse's first version was seen, if any


def _earlier_export(out_dir: Path) -> str | None:
    """The file of an export already in out_dir (by its manifest, or by name), if any."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"--out {out_dir} is a file; name a directory to write the export into")
    try:
        return str(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["file"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return next((name for name, _ in FORMATS.values() if (out_dir / name).exists()), None)


# DuckDB's JSON writer prints its own text form (`2026-11-22 10:00:00+00`); readers of JSON
# expect ISO 8601. The session's zone is UTC, so a TIMESTAMPTZ's offset is always +00:00; a
# TIMESTAMP has no zone (`published_at`: the page's own wall-clock time) and gets none.
_SECONDS = "strftime({c}, '%Y-%m-%dT%H:%M:%S')"
_FRACTION = "CASE WHEN epoch_us({c}) % 1000000 <> 0 THEN strftime({c}, '.%f') ELSE '' END"
_ISO = {
    "TIMESTAMP WITH TIME ZONE": f"{_SECONDS} || {_FRACTION} || '+00:00'",
    "TIMESTAMP": f"{_SECONDS} || {_FRACTION}",
}


def _iso_times(conn: duckdb.DuckDBPyConnection, select: str) -> str:
    """`select` with its timestamp columns as ISO 8601 text (dates already print as YYYY-MM-DD)."""
    columns = conn.execute(f"DESCRIBE {select}").fetchall()
    if not any(kind in _ISO for _, kind, *_ in columns):
        return select
    items = []
    for name, kind, *_ in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        form = _ISO.get(kind)
        items.append(f"{form.format(c=quoted)} AS {quoted}" if form else quoted)
    return f"SELECT {', '.join(items)} FROM ({select})"


def export(
    path: Path,
    out_dir: Path,
    fmt: str,
    *,
    as_of: str | None = None,
    where: str | None = None,
    overwrite: bool = False,
    policy: LockPolicy | None = None,
) -> Exported:
    """Write the articles (current, or valid at `as_of`) matching `where` into out_dir."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    name, options = FORMATS[fmt]
    try:
        moment = read_moment(
            as_of,
            "--as-of",
            "2024-05-01, '2024-05-01 12:00' (local time) or '2024-05-01 12:00+08:00'",
        )
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    target = out_dir / name
    partial = out_dir / f".{name}.partial"
    with connection(path, read_only=True, policy=policy) as conn:
        conn.execute("SET TimeZone = 'UTC'")  # timestamps in the files read the same anywhere
        earlier = _earlier_export(out_dir)
        if earlier is not None and not overwrite:
            raise ExportError(
                f"{out_dir} already holds an export ({earlier}); pass --overwrite to replace it "
                "or choose another --out"
            )
        created = not out_dir.exists()
        out_dir.mkdir(parents=True, exist_ok=True)
        source = f"articles_as_of(TIMESTAMPTZ '{moment.isoformat()}')" if moment else "articles"
        select = f"SELECT * FROM {source} WHERE ({where or 'true'}\n) ORDER BY document_id"
        literal = str(partial).replace("'", "''")
        try:
            written = _iso_times(conn, select) if fmt == "jsonl" else select
            rows = conn.execute(f"COPY ({written}) TO '{literal}' ({options})").fetchall()[0][0]
            pipelines = [
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT pipeline_version FROM ({select}) ORDER BY 1"
                ).fetchall()
            ]
            columns = [d[0] for d in conn.execute(f"{select} LIMIT 0").description]
            first_seen = conn.execute(_FIRST_SEEN).fetchone()[0]  # type: ignore[index]
        except duckdb.Error as exc:
            partial.unlink(missing_ok=True)
            if created:
                out_dir.rmdir()  # a failed export leaves nothing behind
            blame = f" (--where {where!r})" if where else ""
            raise ExportError(f"the export failed{blame}: {str(exc).strip()}") from None
    if earlier is not None and earlier != name:
        (out_dir / earlier).unlink(missing_ok=True)  # an export in the other format, replaced
    os.replace(partial, target)
    manifest = out_dir / MANIFEST
    manifest.write_text(
        json.dumps(
            {
                "file": name,
                "format": fmt,
                "rows": rows,
                "as_of": moment.isoformat() if moment else None,
                "where": where,
                "exported_at": datetime.now(UTC).isoformat(),
                "warehouse": str(path),
                "pipeline_versions": pipelines,
                "columns": columns,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return Exported(target, manifest, rows, moment, first_seen)
