"""The `ingest` flow: sources → batches → fetch and process → land, with a report for the UI."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.lifecycle import Handoff, land_in_order, recorded_run
from flows.report import RunReport
from tasks.batch import Item, Runner
from tasks.process import ProcessOptions
from tasks.progress import expected
from tasks.records import Locator, Observed, Prior
from tasks.settings import AtLeastOne, Settings, ZeroOrMore, build_settings
from tasks.summary import RunSummary
from tasks.version import pipeline_version
from warehouse.land import RunInfo
from warehouse.lander import Lander


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    runner: Runner, batch: list[Item], lander: Lander
) -> Handoff[tuple[list[Observed], dict[str, Prior]]]:
    """Look up what is known, fetch or load, extract and normalise one batch.

    The batch comes in inside `quote` and goes out inside a `Handoff`, so that Prefect
    neither walks its elements nor holds on to it (see Handoff).
    """
    ids = [item.document_id for item in batch if isinstance(item, Locator)]
    known = lander.known(ids)
    if known is None:
        get_run_logger().warning(
            "The warehouse is locked by %s; this batch is fetched without conditional requests "
            "and unchanged pages are extracted again.",
            lander.holder,
        )
    return Handoff((runner.process(batch, known or {}), known or {}))


@flow(name="ingest", log_prints=False)
def ingest(
    sources_file: str = "sources.yaml",
    warehouse: str | None = None,
    sources: list[str] | None = None,
    group: str | None = None,
    batch_size: AtLeastOne | None = None,
    limit: ZeroOrMore | None = None,
    workers: AtLeastOne | None = None,
) -> dict[str, object]:
    """Discover, fetch or load, extract, normalise and land every enabled source.

    Args:
        sources_file: The sources file (YAML).
        warehouse: DuckDB file to land in; default data/warehouse.duckdb or $INGEST_WAREHOUSE.
        sources: Only these source names (default: every enabled source).
        group: Only sources of this group.
        batch_size: Documents per batch task and per landing transaction (default 100 per
            worker, at most 400); while batches find nothing to extract, later ones grow to
            up to 8 times this.
        limit: Stop after this many documents, those no earlier run attempted first.
        workers: Extraction processes, at most twice the usable cores (default $INGEST_WORKERS or 1).
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
    report = RunReport(expected(settings))
    with (
        recorded_run(settings.warehouse, run, summary, report, settings.lock_timeout) as lander,
        Runner(settings, ProcessOptions(run.pipeline_version)) as runner,
    ):
        land_in_order(
            (
                process_batch.submit(runner, quote(batch), lander)
                for batch in runner.batches(lander.attempted)
            ),
            settings.workers + 1,
            lander,
            summary,
            report,
            started,
            settled=runner.size.settle,
        )
    return summary.as_dict()
