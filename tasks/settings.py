"""The one settings object: defaults, the sources file, flow parameters and environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from tasks.sources import ConfigError, FetchConfig, Source, load_sources
from tasks.version import user_agent

DEFAULT_SOURCES = Path("sources.yaml")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
# Documents per batch for each extraction worker, unless a batch size is given, up to
# DEFAULT_BATCH_MAX. Every batch costs the flow's process the same (two task runs, a
# transaction, handing pages to a worker), and with two workers that process shares the cores
# with them: 200-document batches took a two-worker run over 2,000 pages 5 % less CPU and
# 7–9 % less time than 100, where one worker ran 2 % slower with 200 (the last batch, signed
# and landed after extraction ends, doubles). Memory holds workers + 2 batches, each up to 8
# times the size after unchanged pages, hence the cap.
BATCH_PER_WORKER = 100
DEFAULT_BATCH_MAX = 400
WORKERS_PER_CORE = 2  # the most extraction processes a run may start for each usable core

# Flow parameters' ranges, in their types, so that a run out of range is refused before it is
# created: the Prefect UI's form marks the field, and the server answers a trigger with the
# parameter and its minimum. build_settings checks the same for the CLI and direct calls.
AtLeastOne = Annotated[int, Field(ge=1)]
ZeroOrMore = Annotated[int, Field(ge=0)]


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, built once and passed down."""

    sources_file: Path
    sources: tuple[Source, ...]
    fetch: FetchConfig
    warehouse: Path
    batch_size: int = BATCH_PER_WORKER
    limit: int | None = None
    workers: int = 1
    user_agent: str = ""
    extract_timeout: float = 60.0  # seconds one document may spend in extraction
    lock_timeout: float = 30.0  # seconds to wait for a locked warehouse before spooling a batch

    @property
    def base_dir(self) -> Path:
        """Directory relative paths in the sources file start from."""
        return self.sources_file.parent


def build_settings(
    sources_file: str | Path | None = None,
    warehouse: str | Path | None = None,
    only: Sequence[str] | None = None,
    group: str | None = None,
    batch_size: int | None = None,
    limit: int | None = None,
    workers: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build settings; parameters win over INGEST_* environment variables, which win over defaults."""
    env = os.environ if environ is None else environ
    sources_path = Path(sources_file or env.get("INGEST_SOURCES") or DEFAULT_SOURCES)
    parsed = load_sources(sources_path)
    known = {s.name for s in parsed.sources}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        raise ConfigError(
            [
                f"{sources_path}: no source named {', '.join(map(repr, unknown))}. "
                f"Known sources: {', '.join(sorted(known))}."
            ]
        )
    groups = {s.group for s in parsed.sources}
    if group is not None and group not in groups:
        raise ConfigError(
            [
                f"{sources_path}: no source is in group {group!r}. "
                f"Groups: {', '.join(sorted(groups)) or 'none, the file has no sources'}."
            ]
        )
    chosen = tuple(
        s
        for s in parsed.sources
        if (s.name in only if only else s.enabled) and (group is None or s.group == group)
    )
    if limit is not None and limit < 0:
        raise ConfigError([f"limit must be zero or more, got {limit}."])
    n_workers, extract_timeout, lock_timeout = run_limits(env, workers)
    batch_size = batch_size_for(batch_size, n_workers)
    return Settings(
        sources_file=sources_path,
        sources=chosen,
        fetch=parsed.fetch,
        warehouse=warehouse_file(warehouse, env),
        batch_size=batch_size,
        limit=limit,
        workers=n_workers,
        user_agent=user_agent(parsed.fetch.contact or env.get("INGEST_CONTACT")),
        extract_timeout=extract_timeout,
        lock_timeout=lock_timeout,
    )


def warehouse_file(warehouse: str | Path | None, env: Mapping[str, str]) -> Path:
    """The warehouse file: the parameter, else $INGEST_WAREHOUSE, else the default."""
    path = Path(warehouse or env.get("INGEST_WAREHOUSE") or DEFAULT_WAREHOUSE)
    if path.is_dir():
        raise ConfigError([directory_given(path)])
    if path.is_file() and not _duckdb_header(path):
        raise ConfigError(
            [
                f"the warehouse {path} is not a DuckDB file; name the warehouse's file, "
                f"e.g. {DEFAULT_WAREHOUSE}, or a path where a new one may be made."
            ]
        )
    return path


def _duckdb_header(path: Path) -> bool:
    """Whether the file starts as a DuckDB database does (a checksum, then `DUCK`)."""
    try:
        with path.open("rb") as file:
            return file.read(12)[8:12] == b"DUCK"
    except OSError:
        return True  # unreadable here: let DuckDB say why


def directory_given(path: Path) -> str:
    """What to say when the warehouse named is a directory."""
    return (
        f"the warehouse {path} is a directory; name the DuckDB file, "
        f"e.g. {path / DEFAULT_WAREHOUSE.name}."
    )


def batch_size_for(batch_size: int | None, workers: int) -> int:
    """The batch size given, or BATCH_PER_WORKER documents per extraction worker, at most 400."""
    if batch_size is None:
        return min(BATCH_PER_WORKER * workers, DEFAULT_BATCH_MAX)
    if batch_size < 1:
        raise ConfigError([f"batch size must be at least 1, got {batch_size}."])
    return batch_size


def run_limits(env: Mapping[str, str], workers: int | None) -> tuple[int, float, float]:
    """Extraction processes, seconds per document, seconds to wait for a locked warehouse.

    Parameters win over $INGEST_WORKERS, $INGEST_EXTRACT_TIMEOUT and $INGEST_LOCK_TIMEOUT.
    """
    duckdb_memory(env)  # checked before any work; applied where the warehouse opens
    return (
        _workers(env, workers),
        _seconds(env, "INGEST_EXTRACT_TIMEOUT", 60.0),
        _seconds(env, "INGEST_LOCK_TIMEOUT", 30.0),
    )


def _workers(env: Mapping[str, str], workers: int | None) -> int:
    """Extraction processes: the parameter, else $INGEST_WORKERS, else 1; or a ConfigError."""
    if workers is not None:
        if workers < 1:
            raise ConfigError([f"workers must be at least 1, got {workers}."])
        return _within_cores(
            workers,
            "--workers (the flow's `workers` parameter)",
            "Give {limit} or fewer, or leave it out for $INGEST_WORKERS or 1.",
        )
    value = env.get("INGEST_WORKERS")
    if not value:
        return 1
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ConfigError([f"$INGEST_WORKERS must be a whole number of at least 1, got {value!r}."])
    return _within_cores(n, "$INGEST_WORKERS", "Set it to {limit} or fewer, or unset it for 1.")


def _within_cores(workers: int, given_as: str, fix: str) -> int:
    """The count when the cores can use that many extraction processes; else a ConfigError.

    Extraction is CPU-bound: past a worker or so per core, each more adds only its memory
    (about 250 MB) and contention. WORKERS_PER_CORE leaves room for a worker that waits on
    a slow page; the limit is the machine the run executes on, so a deployment run on a
    bigger machine may use its cores.
    """
    cores = usable_cores()
    limit = WORKERS_PER_CORE * cores
    if workers > limit:
        raise ConfigError(
            [
                f"{given_as} asks for {workers} extraction processes, but this machine lets the "
                f"run use {cores} core{'s' if cores != 1 else ''}, so at most {limit}; extraction "
                f"is CPU-bound, so processes beyond that add only memory (about 250 MB each). "
                + fix.format(limit=limit)
            ]
        )
    return workers


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment, or a ConfigError that says so."""
    value = env.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ConfigError([f"${name} must be a positive number of seconds, got {value!r}."])
    return seconds


# DuckDB's memory cap for processes that write the warehouse: this when set, else one that
# grows with the keys the warehouse holds (warehouse.connection.memory_cap).
MEMORY_ENV = "INGEST_DUCKDB_MEMORY"
_SIZE = re.compile(r"(\d+(?:\.\d+)?) ?([KMGT]i?B)", re.IGNORECASE)


def duckdb_memory(env: Mapping[str, str] = os.environ) -> str | None:
    """$INGEST_DUCKDB_MEMORY (a size such as 512MB or 2GB), None when unset, or a ConfigError."""
    value = (env.get(MEMORY_ENV) or "").strip()
    size = _SIZE.fullmatch(value)
    if value and not (size and float(size.group(1)) > 0):
        raise ConfigError([f"${MEMORY_ENV} must be a size such as 512MB or 2GB, got {value!r}."])
    return value or None
