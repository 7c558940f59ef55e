"""What every landing flow shares: recording the run, landing batches, reporting, refreshing.

`ingest` and `reprocess` differ in where their batches come from; how a run is
recorded, how a batch lands (or spools while the warehouse is locked), what the
UI shows and how search and signatures are brought up to date is the same, and
lives here once.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Generic, TypeVar

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from flows.report import RunReport
from tasks.process import with_derived
from tasks.records import Observed, Prior
from tasks.summary import LABELS, OUTCOMES, RunSummary
from warehouse.connection import LockPolicy, WarehouseLocked
from warehouse.dupes import sign_missing
from warehouse.land import Landed, RunInfo
from warehouse.lander import Drained, Lander
from warehouse.search import refresh_index

T = TypeVar("T")


class Handoff(Generic[T]):
    """A batch passed out of a task: Prefect neither walks it nor keeps it.

    Prefect walks every element of a task's result looking for futures (2.4 s for one
    batch's search terms, measured), and the flow keeps every task's final state, with
    its result, until the flow ends: 1.7 GB more at 20,000 documents than at 2,000,
    measured. A Handoff is opaque to the walk, and `take()` empties it.
    """

    def __init__(self, value: T):
        self._value: T | None = value

    def take(self) -> T:
        """The value, once; the Handoff Prefect keeps is empty afterwards."""
        value, self._value = self._value, None
        if value is None:
            raise RuntimeError("this batch was already taken")
        return value


@task(name="land-batch", cache_policy=NO_CACHE)
def land_batch(
    lander: Lander, observed: list[Observed], known: dict[str, Prior]
) -> tuple[Landed, Drained]:
    """Sign and index the batch's new texts, then land it in one transaction (or spool it)."""
    return lander.land(with_derived(observed, known), known)


@task(name="refresh-derived", cache_policy=NO_CACHE)
def refresh_derived(warehouse: Path, lock_timeout: float) -> tuple[int, int] | None:
    """Sign versions still lacking a signature and index new versions for search.

    A locked warehouse is waited for up to the run's lock budget, once for both (they open
    the file many times): past it the next run catches up (None), which costs freshness,
    not data.
    """
    logger = get_run_logger()

    def locked(holder: str) -> None:
        logger.info(
            "The warehouse is locked by %s; bringing search and signatures up to date waits "
            "up to %g s for it (the lock budget), then leaves it to the next run.",
            holder,
            lock_timeout,
        )

    policy = LockPolicy(timeout=lock_timeout, on_locked=locked).budget()
    signed = None
    try:
        signed = sign_missing(warehouse, policy)
        return signed, refresh_index(warehouse, policy)
    except WarehouseLocked as exc:
        logger.warning(
            "%s not brought up to date: the warehouse stayed locked by %s past the %g s lock "
            "budget; the next run catches up.",
            "Search" if signed is not None else "Search and signatures",
            exc.holder,
            lock_timeout,
        )
        return None


@contextmanager
def recorded_run(
    warehouse: Path, run: RunInfo, summary: RunSummary, report: RunReport, lock_timeout: float
) -> Iterator[Lander]:
    """Record a run's start and end, land what the spool holds, and publish the report.

    Yields the Lander the run's batches go through. Search and signatures are
    refreshed when the body completes.
    """
    logger = get_run_logger()
    started = time.monotonic()
    lander = Lander(warehouse, run, lock_timeout)

    def locked(moment: str) -> Callable[[str], None]:
        def say(holder: str) -> None:
            logger.info(
                "The warehouse is locked by %s; the run's %s waits up to %g s for it (the lock "
                "budget) to land what waits in the spool and record the run's %s.",
                holder,
                moment,
                lock_timeout,
                moment,
            )

        return say

    note_drained(lander.start(locked("start")), summary, run)
    status, message = "failed", None
    try:
        yield lander
        _refresh(warehouse, lock_timeout)
        status = "completed"
    except KeyboardInterrupt:
        status = "interrupted"
        message = "stopped by Ctrl-C (SIGINT); the next run fetches what this one did not land"
        raise
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        summary.elapsed_s = time.monotonic() - started
        summary.status, summary.message = status, message
        drained, waiting = lander.finish(status, message, locked("end"))
        note_drained(drained, summary, run)
        summary.spool_entries = waiting
        if waiting:
            logger.warning(
                "%d entries wait in %s: the warehouse stayed locked by %s for the whole %g s "
                "the run's end waited; the next run lands them first.",
                waiting,
                lander.spool,
                lander.holder,
                lock_timeout,
            )
        report.finish(summary)
    reasons = ", ".join(f"{reason} {n}" for reason, n in summary.reasons.most_common())
    logger.info(
        "Done in %.1f s: %s%s",
        summary.elapsed_s,
        ", ".join(f"{summary.outcomes.get(k, 0)} {LABELS[k]}" for k in OUTCOMES),
        f" ({reasons})" if reasons else "",
    )


def land_in_order(
    batches: Iterable[PrefectFuture],
    ahead: int,
    lander: Lander,
    summary: RunSummary,
    report: RunReport,
    run_started: float,
    settled: Callable[[list[Observed]], None] | None = None,
) -> None:
    """Land each submitted batch, in order, while up to `ahead` later ones are processed.

    `batches` submits a processing task each time it is advanced, so no more than
    `ahead` + 1 batches are held at once. Landing a batch (which also signs and indexes
    it) takes the flow's own process a while; the batches ahead keep the extraction
    workers busy meanwhile, one more than there are workers so that the next batch is
    loaded and waiting when the workers finish theirs. `settled` hears of each batch once
    it has landed (the ingest flow sizes later batches by it).
    """
    inflight: deque[tuple[PrefectFuture, float]] = deque()

    def land_next() -> None:
        future, submitted = inflight.popleft()
        observed, known = future.result().take()
        land_and_count(lander, observed, known, summary, report, submitted, run_started)
        if settled is not None:
            settled(observed)

    for future in batches:
        inflight.append((future, time.monotonic()))
        while len(inflight) > ahead:
            land_next()
    while inflight:
        land_next()


def land_and_count(
    lander: Lander,
    observed: list[Observed],
    known: dict[str, Prior],
    summary: RunSummary,
    report: RunReport,
    submitted: float,
    run_started: float,
) -> None:
    """Land one batch, fold it into the summary, move the progress bar and log the progress."""
    # quote: Prefect would otherwise walk every element of the batch (see process_batch).
    landed, drained = land_batch(lander, quote(observed), quote(known))
    note_drained(drained, summary, lander.run)
    summary.add(observed, landed.outcomes, time.monotonic() - submitted, spooled=landed.spooled)
    summary.note_new(landed.new)
    report.progress(summary)
    logger = get_run_logger()
    if landed.spooled:
        logger.warning(
            "batch %d spooled to %s: %s", summary.batches, lander.spool, lander.why_spooled
        )
    else:
        logger.info(
            "batch %d landed: %d documents so far (%s), %.0f docs/s",
            summary.batches,
            summary.seen,
            ", ".join(f"{k} {v}" for k, v in sorted(summary.outcomes.items())),
            summary.seen / max(time.monotonic() - run_started, 1e-9),
        )


def note_drained(drained: Drained, summary: RunSummary, run: RunInfo) -> None:
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


def _refresh(warehouse: Path, lock_timeout: float) -> None:
    """Bring search and signatures up to date; failing costs freshness, not data, so it only logs."""
    logger = get_run_logger()
    started = time.monotonic()
    caught_up = refresh_derived(warehouse, lock_timeout)
    if caught_up is None:
        return
    signed, indexed = caught_up
    logger.info(
        "Caught up %d article(s) missing from the search index and %d version(s) "
        "without a signature in %.2f s (new versions land indexed and signed)",
        indexed,
        signed,
        time.monotonic() - started,
    )
