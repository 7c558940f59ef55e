"""The `ingest` flow: sources → batches → fetch and process → land, with a report for the UI."""

from __future__ import annotations

import time
import uuid
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run

from flows.report import RunReport
from tasks.batch import Item, Runner
from tasks.process import ProcessOptions
from tasks.records import Locator, Observed, Prior
from tasks.settings import Settings, build_settings
from tasks.summary import LABELS, OUTCOMES, RunSummary
from tasks.version import pipeline_version
from warehouse.connection import WarehouseLocked
from warehouse.dupes import sign_missing
from warehouse.land import Landed, RunInfo, finish_run, land, priors, start_run
from warehouse.search import refresh_index


def _transient(task, task_run, state) -> bool:
    """Retry a batch task only for failures that waiting can fix: a locked warehouse."""
    return isinstance(state.data, WarehouseLocked)


# Task settings for work that waiting can fix: retried only while another process holds the file.
RETRY_WHILE_LOCKED = {
    "cache_policy": NO_CACHE,
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_condition_fn": _transient,
}


@task(name="process-batch", **RETRY_WHILE_LOCKED)
def process_batch(
    runner: Runner, batch: list[Item], warehouse: Path
) -> tuple[list[Observed], dict[str, Prior]]:
    """Look up what is known, fetch or load, extract and normalise one batch."""
    ids = [item.document_id for item in batch if isinstance(item, Locator)]
    known = priors(warehouse, ids)
    return runner.process(batch, known), known


@task(
    name="land-batch",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=[1, 5, 20],
    retry_condition_fn=_transient,
)
def land_batch(
    warehouse: Path, run: RunInfo, observed: list[Observed], known: dict[str, Prior]
) -> Landed:
    """Land one processed batch in one transaction."""
    return land(warehouse, run, observed, known)


@task(name="refresh-derived", **RETRY_WHILE_LOCKED)
def refresh_derived(warehouse: Path) -> tuple[int, int]:
    """Sign versions still lacking a signature and index new versions for search."""
    return sign_missing(warehouse), refresh_index(warehouse)


def refresh_after_run(warehouse: Path) -> None:
    """Bring search and signatures up to date; failing costs freshness, not data, so it only logs."""
    logger = get_run_logger()
    started = time.monotonic()
    try:
        signed, indexed = refresh_derived(warehouse)
    except WarehouseLocked as exc:
        logger.warning("Search index not brought up to date (%s); the next run will.", exc)
        return
    logger.info(
        "Indexed %d article(s) for search and signed %d version(s) in %.2f s",
        indexed,
        signed,
        time.monotonic() - started,
    )


@flow(name="ingest", log_prints=False)
def ingest(
    sources_file: str = "sources.yaml",
    warehouse: str | None = None,
    sources: list[str] | None = None,
    group: str | None = None,
    batch_size: int = 100,
    limit: int | None = None,
    workers: int = 1,
) -> dict[str, object]:
    """Discover, fetch or load, extract, normalise and land every enabled source.

    Args:
        sources_file: The sources file (YAML).
        warehouse: DuckDB file to land in; default data/warehouse.duckdb or $INGEST_WAREHOUSE.
        sources: Only these source names (default: every enabled source).
        group: Only sources of this group.
        batch_size: Documents per batch task and per landing transaction.
        limit: Stop after this many documents.
        workers: Extraction processes.
    """
    settings = build_settings(sources_file, warehouse, sources, group, batch_size, limit, workers)
    return run_ingest(settings)


def run_ingest(settings: Settings) -> dict[str, object]:
    """The body of the ingest flow, callable from any flow that has built its settings."""
    logger = get_run_logger()
    started = time.monotonic()
    run = RunInfo(
        run_id=str(uuid.uuid4()),
        flow="ingest",
        started_at=datetime.now(UTC),
        pipeline_version=pipeline_version(),
        parameters={
            "sources_file": str(settings.sources_file),
            "sources": [s.name for s in settings.sources],
            "batch_size": settings.batch_size,
            "limit": settings.limit,
            "workers": settings.workers,
        },
        flow_run_id=str(flow_run.get_id() or "") or None,
    )
    summary = RunSummary(run.run_id, str(settings.warehouse), flow_run_id=run.flow_run_id)
    if not settings.sources:
        logger.warning("No enabled sources selected in %s; nothing to do.", settings.sources_file)
    logger.info(
        "Run %s: %d source(s) from %s into %s (pipeline %s)",
        run.run_id,
        len(settings.sources),
        settings.sources_file,
        settings.warehouse,
        run.pipeline_version,
    )
    start_run(settings.warehouse, run)
    report = RunReport(settings)
    status, message = "failed", None
    try:
        with Runner(settings, ProcessOptions(run.pipeline_version)) as runner:
            inflight: deque[tuple[PrefectFuture, float]] = deque()
            for batch in runner.batches():
                inflight.append(
                    (process_batch.submit(runner, batch, settings.warehouse), time.monotonic())
                )
                # Keep the extractor busy with the next batch while this one lands.
                while len(inflight) > settings.workers:
                    _land_next(inflight, settings, run, summary, started)
                    report.progress(summary)
            while inflight:
                _land_next(inflight, settings, run, summary, started)
                report.progress(summary)
        refresh_after_run(settings.warehouse)
        status = "completed"
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.elapsed_s = time.monotonic() - started
        summary.status, summary.message = status, message
        try:
            finish_run(settings.warehouse, run.run_id, status, message)
        except WarehouseLocked as exc:
            logger.error("Could not record the end of run %s: %s", run.run_id, exc)
        report.finish(summary)
    logger.info(
        "Done in %.1f s: %s",
        summary.elapsed_s,
        ", ".join(f"{summary.outcomes.get(k, 0)} {LABELS[k]}" for k in OUTCOMES),
    )
    return summary.as_dict()


def _land_next(
    inflight: deque[tuple[PrefectFuture, float]],
    settings: Settings,
    run: RunInfo,
    summary: RunSummary,
    started: float,
) -> None:
    future, submitted = inflight.popleft()
    observed, known = future.result()
    landed = land_batch(settings.warehouse, run, observed, known)
    summary.add(observed, landed.outcomes, time.monotonic() - submitted)
    summary.note_new(landed.new)
    rate = summary.seen / max(time.monotonic() - started, 1e-9)
    get_run_logger().info(
        "batch %d landed: %d documents so far (%s), %.0f docs/s",
        summary.batches,
        summary.seen,
        ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())),
        rate,
    )
