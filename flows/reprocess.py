"""The `reprocess` flow: stored raw payloads → extract and normalise again → land, no network.

It shares ingest's run lifecycle and landing task (flows/lifecycle.py), so the landing
rule is the same: a document
whose output did not change gets an observation and no version; one whose
output changed gets version n+1 recording the pipeline version that made it.
Documents the current pipeline already processed are skipped unless forced,
so running it twice does nothing the second time.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.lifecycle import Handoff, land_in_order, recorded_run
from flows.report import RunReport
from tasks.batch import Extractor
from tasks.process import ProcessOptions, observe
from tasks.progress import Expected
from tasks.records import Observed, Payload, Prior
from tasks.reprocess import (
    ReprocessSettings,
    StoredRef,
    build_reprocess_settings,
    payload_from_store,
)
from tasks.settings import AtLeastOne
from tasks.summary import RunSummary
from tasks.version import pipeline_version
from warehouse.land import RunInfo
from warehouse.lander import Lander
from warehouse.reprocess import select_stored, stored_content


@task(name="reprocess-batch", cache_policy=NO_CACHE)
def reprocess_batch(
    extractor: Extractor, batch: list[StoredRef], lander: Lander, force: bool
) -> Handoff[tuple[list[Observed], dict[str, Prior]]]:
    """Read one batch's stored payloads and what is known of them; extract and normalise again."""
    known = lander.known([ref.document_id for ref in batch]) or {}
    content = stored_content(lander.path, [ref.raw_hash for ref in batch])
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
    return Handoff((observed, known))  # as in ingest's process_batch


@flow(name="reprocess", log_prints=False)
def reprocess(
    warehouse: str | None = None,
    sources: list[str] | None = None,
    where: str | None = None,
    force: bool = False,
    batch_size: AtLeastOne | None = None,
    workers: AtLeastOne | None = None,
) -> dict[str, object]:
    """Extract and normalise stored raw payloads again with the current pipeline; fetch nothing.

    Args:
        warehouse: DuckDB file; default data/warehouse.duckdb or $INGEST_WAREHOUSE.
        sources: Only documents of these sources (default: all).
        where: SQL condition over the `articles` columns plus `kind` and `processed_by`.
        force: Also redo documents the current pipeline version already processed.
        batch_size: Documents per batch task and per landing transaction (default 100 per
            worker, at most 400).
        workers: Extraction processes, at most twice the usable cores (default $INGEST_WORKERS or 1).
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
    total = len(selection.todo)
    logger.info(
        "Run %s: %d stored payload(s) to process with pipeline %s; %d already current",
        run.run_id,
        total,
        run.pipeline_version,
        selection.current,
    )
    report = RunReport(
        Expected(total, 1, f"Documents done out of the {total} stored payloads selected."),
        flow="reprocess",
    )
    extractor = Extractor(settings.workers, options, settings.extract_timeout)
    with recorded_run(settings.warehouse, run, summary, report, settings.lock_timeout) as lander:
        try:
            land_in_order(
                (
                    reprocess_batch.submit(
                        extractor,
                        quote(selection.todo[start : start + settings.batch_size]),
                        lander,
                        settings.force,
                    )
                    for start in range(0, total, settings.batch_size)
                ),
                settings.workers + 1,
                lander,
                summary,
                report,
                started,
            )
        finally:
            extractor.close()
    return {**summary.as_dict(), "already_current": selection.current}
