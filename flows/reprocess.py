"""The `reprocess` flow: stored raw payloads → extract and normalise again → land, no network.

It reuses ingest's landing task, so the landing rule is the same: a document
whose output did not change gets an observation and no version; one whose
output changed gets version n+1 recording the pipeline version that made it.
Documents the current pipeline already processed are skipped unless forced,
so running it twice does nothing the second time.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.ingest import RETRY_WHILE_LOCKED, land_batch, refresh_after_run
from tasks.batch import Extractor
from tasks.process import ProcessOptions, observe
from tasks.records import Observed, Payload, Prior
from tasks.reprocess import (
    ReprocessSettings,
    StoredRef,
    build_reprocess_settings,
    payload_from_store,
)
from tasks.summary import LABELS, OUTCOMES, RunSummary
from tasks.version import pipeline_version
from warehouse.connection import WarehouseLocked
from warehouse.land import RunInfo, finish_run, priors, start_run
from warehouse.reprocess import select_stored, stored_content


@task(name="reprocess-batch", **RETRY_WHILE_LOCKED)
def reprocess_batch(
    extractor: Extractor, batch: list[StoredRef], warehouse: Path, force: bool
) -> tuple[list[Observed], dict[str, Prior]]:
    """Read one batch's stored payloads and what is known of them; extract and normalise again."""
    known = priors(warehouse, [ref.document_id for ref in batch])
    content = stored_content(warehouse, [ref.raw_hash for ref in batch])
    now = datetime.now(UTC)
    observed: list[Observed] = []
    pending: list[tuple[Payload, Prior | None]] = []
    for ref in batch:
        payload = payload_from_store(ref, content.get(ref.raw_hash), now)
        if not isinstance(payload, Payload):
            observed.append(observe(payload))
            continue
        prior = known.get(ref.document_id)
        if force and prior is not None:
            prior = replace(prior, pipeline_version=None)  # never "already processed"
        pending.append((payload, prior))
    observed.extend(extractor.run(pending))
    return observed, known


@flow(name="reprocess", log_prints=False)
def reprocess(
    warehouse: str | None = None,
    sources: list[str] | None = None,
    where: str | None = None,
    force: bool = False,
    batch_size: int = 100,
    workers: int | None = None,
) -> dict[str, object]:
    """Extract and normalise stored raw payloads again with the current pipeline; fetch nothing.

    Args:
        warehouse: DuckDB file; default data/warehouse.duckdb or $INGEST_WAREHOUSE.
        sources: Only documents of these sources (default: all).
        where: SQL condition over the `articles` columns plus `kind` and `processed_by`.
        force: Also redo documents the current pipeline version already processed.
        batch_size: Documents per batch task and per landing transaction.
        workers: Extraction processes (default $INGEST_WORKERS or 1).
    """
    settings = build_reprocess_settings(warehouse, sources, where, force, batch_size, workers)
    return run_reprocess(settings)


def run_reprocess(
    settings: ReprocessSettings, options: ProcessOptions | None = None
) -> dict[str, object]:
    """The body of the reprocess flow; `options` defaults to the current pipeline."""
    logger = get_run_logger()
    started = time.monotonic()
    options = options or ProcessOptions(pipeline_version())
    run = RunInfo(
        run_id=str(uuid.uuid4()),
        flow="reprocess",
        started_at=datetime.now(UTC),
        pipeline_version=options.pipeline_version,
        parameters={
            "sources": list(settings.sources),
            "where": settings.where,
            "force": settings.force,
            "batch_size": settings.batch_size,
            "workers": settings.workers,
        },
        flow_run_id=str(flow_run.get_id() or "") or None,
    )
    summary = RunSummary(
        run.run_id, str(settings.warehouse), flow_run_id=run.flow_run_id, flow="reprocess"
    )
    selection = select_stored(
        settings.warehouse,
        options.pipeline_version,
        settings.sources,
        settings.where,
        settings.force,
    )
    logger.info(
        "Run %s: %d stored payload(s) to process with pipeline %s; %d already current",
        run.run_id,
        len(selection.todo),
        run.pipeline_version,
        selection.current,
    )
    with _recorded(settings.warehouse, run, summary, started):
        extractor = Extractor(settings.workers, options)
        try:
            for start in range(0, len(selection.todo), settings.batch_size):
                batch = selection.todo[start : start + settings.batch_size]
                _process_and_land(extractor, batch, settings, run, summary, len(selection.todo))
        finally:
            extractor.close()
        refresh_after_run(settings.warehouse)
    return {**summary.as_dict(), "already_current": selection.current}


@contextmanager
def _recorded(warehouse: Path, run: RunInfo, summary: RunSummary, started: float) -> Iterator[None]:
    """Record the run's start and end in the warehouse, time it, and publish its report."""
    # The same bookkeeping as run_ingest's; kept apart until the two share one run report.
    logger = get_run_logger()
    start_run(warehouse, run)
    status, message = "failed", None
    try:
        yield
        status = "completed"
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.elapsed_s = time.monotonic() - started
        try:
            finish_run(warehouse, run.run_id, status, message)
        except WarehouseLocked as exc:
            logger.error("Could not record the end of run %s: %s", run.run_id, exc)
        _report(summary)
    logger.info(
        "Done in %.1f s: %s",
        summary.elapsed_s,
        ", ".join(f"{summary.outcomes.get(k, 0)} {LABELS[k]}" for k in OUTCOMES),
    )


def _report(summary: RunSummary) -> None:
    create_markdown_artifact(
        key="reprocess-summary", markdown=summary.markdown(), description="Reprocess run summary"
    )


def _process_and_land(
    extractor: Extractor,
    batch: list[StoredRef],
    settings: ReprocessSettings,
    run: RunInfo,
    summary: RunSummary,
    total: int,
) -> None:
    submitted = time.monotonic()
    observed, known = reprocess_batch(extractor, batch, settings.warehouse, settings.force)
    landed = land_batch(settings.warehouse, run, observed, known)
    summary.add(observed, landed.outcomes, time.monotonic() - submitted)
    summary.note_new(landed.new)
    get_run_logger().info(
        "batch %d landed: %d of %d documents (%s)",
        summary.batches,
        summary.seen,
        total,
        ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())),
    )
