"""The spool: what could not land because the warehouse stayed locked, kept on disk until it can.

It lives beside the warehouse file, e.g. `data/warehouse.duckdb.spool/`:

    <spooled_ns>-<pid>-<batch_id>/   one entry; appears by rename only when complete
        entry.json                   {"format": 1, "kind": "batch" | "run_end", "batch_id",
                                      "spooled_at", "rows", "info": {…what landing needs…}}
        batch.arrow, raw.arrow       Arrow IPC files (a batch entry's tables)
    .tmp-<uuid>/                     an entry being written (left only by a process that died)
    rejected/                        entries that could not be read, kept for a person to inspect

Entries sort by name, which is the order they were spooled in. Each file is
fsynced before the directory is renamed into place, so a reader never sees a
partial entry and a crash loses none that was reported as spooled. This module
knows files only; `warehouse.land` decides what an entry means.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

FORMAT = 1
STALE_TMP_SECONDS = 3600.0
EntryKind = Literal["batch", "run_end"]


class SpoolError(Exception):
    """An entry that cannot be read back; it is moved to `rejected/`."""


@dataclass(frozen=True)
class Entry:
    """One spooled item: a batch and its raw payloads, or the end of a run."""

    path: Path
    kind: EntryKind
    batch_id: str
    spooled_at: datetime
    rows: int
    info: dict[str, Any]  # the JSON the writer stored, decoded by warehouse.land

    def table(self, name: str) -> pa.Table:
        """One of the entry's Arrow tables, e.g. 'batch' or 'raw'."""
        try:
            with pa.OSFile(str(self.path / f"{name}.arrow")) as source:
                return pa.ipc.open_file(source).read_all()
        except (OSError, pa.ArrowInvalid) as exc:
            raise SpoolError(f"{self.path.name}/{name}.arrow: {exc}") from None


def spool_dir(warehouse: Path) -> Path:
    """Where batches wait for a warehouse: a directory beside the file."""
    return warehouse.with_name(warehouse.name + ".spool")


def put(
    directory: Path,
    kind: EntryKind,
    batch_id: str,
    rows: int,
    info: dict[str, Any],
    tables: dict[str, pa.Table] | None = None,
) -> Path:
    """Write one entry atomically and durably; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    spooled_at = datetime.now(UTC)
    tmp = directory / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        for name, table in (tables or {}).items():
            path = tmp / f"{name}.arrow"
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
                out.write_table(table)
            _fsync(tmp / f"{name}.arrow")
        header = {
            "format": FORMAT,
            "kind": kind,
            "batch_id": batch_id,
            "spooled_at": spooled_at.isoformat(),
            "rows": rows,
            "info": info,
        }
        (tmp / "entry.json").write_text(
            json.dumps(header, ensure_ascii=False, default=str), encoding="utf-8"
        )
        _fsync(tmp / "entry.json")
        _fsync(tmp)
        final = directory / f"{time.time_ns():020d}-{os.getpid()}-{batch_id}"
        tmp.rename(final)
        _fsync(directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def scan(directory: Path) -> tuple[list[Entry], list[tuple[Path, str]]]:
    """Complete entries, oldest first, and the (path, problem) of each that cannot be read."""
    if not directory.is_dir():
        return [], []
    entries, unreadable = [], []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".tmp-") or path.name == "rejected" or not path.is_dir():
            continue
        try:
            entries.append(_read_header(path))
        except SpoolError as exc:
            unreadable.append((path, str(exc)))
    return entries, unreadable


def pending(directory: Path) -> list[Entry]:
    """Complete entries, oldest first."""
    return scan(directory)[0]


def tidy(directory: Path) -> None:
    """Remove temporaries left by writers that died mid-write (after an hour, so none is live)."""
    if not directory.is_dir():
        return
    for path in directory.glob(".tmp-*"):
        if time.time() - path.stat().st_mtime > STALE_TMP_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def remove(entry: Entry) -> None:
    """Delete an entry that has landed (another process may have deleted it already)."""
    shutil.rmtree(entry.path, ignore_errors=True)


def reject(entry: Entry, why: str) -> Path:
    """Move an entry that cannot land to `rejected/`, with a note saying why."""
    return reject_path(entry.path, why)


def reject_path(path: Path, why: str) -> Path:
    """Move a spool directory to `rejected/`, with a note saying why."""
    target = path.parent / "rejected" / path.name
    target.parent.mkdir(exist_ok=True)
    try:
        path.rename(target)
    except FileNotFoundError:
        return target  # another process got to it first
    (target / "REJECTED.txt").write_text(why + "\n", encoding="utf-8")
    return target


def _read_header(path: Path) -> Entry:
    try:
        header = json.loads((path / "entry.json").read_text(encoding="utf-8"))
        if header.get("format") != FORMAT:
            raise SpoolError(f"{path.name}: spool format {header.get('format')!r}, not {FORMAT}")
        return Entry(
            path=path,
            kind=header["kind"],
            batch_id=header["batch_id"],
            spooled_at=datetime.fromisoformat(header["spooled_at"]),
            rows=int(header["rows"]),
            info=header["info"],
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpoolError(f"{path.name}/entry.json is unreadable: {exc}") from None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
