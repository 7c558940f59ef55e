"""The `ingest` flow: sources → batches → fetch and process → land, with a report for the UI."""

from __future__ import annotations

import time
import uuid
from collections import deque
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run

from tasks.batch import Item, Runner
from tasks.process import ProcessOptions
from tasks.records import Locator, Observed, Prior
from tasks.settings import Settings, build_settings
from tasks.summary import LABELS, OUTCOMES, RunSummary
from tasks.version import pipeline_version
from warehouse.land import Landed, RunInfo
from warehouse.lander import Drained, Lander


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    runner: Runner, batch: list[Item], lander: Lander
) -> tuple[list[Observed], dict[str, Prior]]:
    """Look up what is known, fetch or load, extract and normalise one batch."""
    ids = [item.document_id for item in batch if isinstance(item, Locator)]
    known = lander.known(ids)
    if known is None:
        get_run_logger().warning(
            "The warehouse is locked (%s); this batch is fetched without conditional requests "
            "and unchanged pages are extracted again.",
            lander.holder,
        )
    return runner.process(batch, known or {}), known or {}


@task(name="land-batch", cache_policy=NO_CACHE)
def land_batch(
    lander: Lander, observed: list[Observed], known: dict[str, Prior]
) -> tuple[Landed, Drained]:
    """Land one processed batch in one transaction, or spool it while the warehouse is locked."""
    return lander.land(observed, known)


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
    lander = Lander(settings.warehouse, run, settings.lock_timeout)
    _note_drained(lander.start(), summary, run)
    status, message = "failed", None
    try:
        with Runner(settings, ProcessOptions(run.pipeline_version)) as runner:
            inflight: deque[tuple[PrefectFuture, float]] = deque()
            for batch in runner.batches():
                inflight.append((process_batch.submit(runner, batch, lander), time.monotonic()))
                # Keep the extractor busy with the next batch while this one lands.
                while len(inflight) > settings.workers:
                    _land_next(inflight, lander, summary, started)
            while inflight:
                _land_next(inflight, lander, summary, started)
        status = "completed"
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.elapsed_s = time.monotonic() - started
        drained, waiting = lander.finish(status, message)
        _note_drained(drained, summary, run)
        summary.spool_entries = waiting
        if waiting:
            logger.warning(
                "%d entries wait in %s because the warehouse stayed locked (%s); "
                "the next run lands them first.",
                waiting,
                lander.spool,
                lander.holder,
            )
        _report(summary)
    logger.info(
        "Done in %.1f s: %s",
        summary.elapsed_s,
        ", ".join(f"{summary.outcomes.get(k, 0)} {LABELS[k]}" for k in OUTCOMES),
    )
    return summary.as_dict()


def _land_next(
    inflight: deque[tuple[PrefectFuture, float]],
    lander: Lander,
    summary: RunSummary,
    started: float,
) -> None:
    future, submitted = inflight.popleft()
    observed, known = future.result()
    landed, drained = land_batch(lander, observed, known)
    _note_drained(drained, summary, lander.run)
    summary.add(observed, landed.outcomes, time.monotonic() - submitted, spooled=landed.spooled)
    summary.note_new(landed.new)
    rate = summary.seen / max(time.monotonic() - started, 1e-9)
    logger = get_run_logger()
    if landed.spooled:
        logger.warning("batch %d spooled to %s: %s", summary.batches, lander.spool, lander.holder)
    else:
        logger.info(
            "batch %d landed: %d documents so far (%s), %.0f docs/s",
            summary.batches,
            summary.seen,
            ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())),
            rate,
        )


def _note_drained(drained: Drained, summary: RunSummary, run: RunInfo) -> None:
    """Count spooled batches that have now landed, this run's own and earlier runs'."""
    logger = get_run_logger()
    for landed in drained.landed:
        summary.recover(landed.outcomes, own=landed.run_id == run.run_id, already=landed.already)
        summary.note_new(landed.new)
    if drained.landed:
        logger.info(
            "Landed %d spooled batch(es) (%d documents)",
            len(drained.landed),
            sum(sum(d.outcomes.values()) for d in drained.landed),
        )
    for problem in drained.rejected:
        logger.error("Set aside an unreadable spool entry: %s", problem)


def _report(summary: RunSummary) -> None:
    """Publish the run report as Prefect artifacts."""
    create_markdown_artifact(
        key="ingest-summary", markdown=summary.markdown(), description="Ingest run summary"
    )
    create_table_artifact(
        key="ingest-outcomes",
        table=[{"outcome": LABELS[k], "documents": summary.outcomes.get(k, 0)} for k in OUTCOMES],
        description="Documents by outcome",
    )
