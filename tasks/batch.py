"""Batches: discovery into bounded batches, then fetch (threads) and process (cores) per batch.

A `Runner` owns the per-run machinery, one HTTP session and the extraction
workers, so flows only decide what to run and when. Nothing here knows Prefect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

from tasks.discover import discover
from tasks.fetch import Fetcher
from tasks.guard import reach_for
from tasks.load import load_file
from tasks.process import ProcessOptions, observe, process, skip_if_processed
from tasks.records import Failure, Locator, Observed, Payload, Prior
from tasks.settings import Settings, usable_cores
from tasks.sources import Source
from tasks.workers import Lost, WorkerPool, claim, dismiss, stand_by

Item = Locator | Failure
# Which of some document ids earlier runs attempted; None when the warehouse cannot say now.
Attempted = Callable[[list[str]], set[str] | None]
CHOOSE_CHUNK = 500  # discovered documents looked up in the warehouse at once, under a limit


class BatchSize:
    """How many documents the next batch takes: the configured size, or more while there is no work.

    A batch whose pages all came back unchanged (the same bytes, or a 304) costs its fixed
    work (two task runs, a lookup and a transaction: some 60 ms at 100 documents) and little
    else, so that is most of what a re-run over an unchanged corpus pays. Each such batch
    doubles the size of the batches formed after it, up to GROWTH times the configured size;
    a batch with a page to extract, or a failure, brings it back at once, so memory and
    progress are the configured size's whenever there is work.
    """

    GROWTH = 8

    def __init__(self, configured: int):
        self.configured = self.current = configured

    def settle(self, observed: Sequence[Observed]) -> None:
        """Size later batches by how the one just landed went."""
        if observed and all(o.status in ("raw_unchanged", "not_modified") for o in observed):
            self.current = min(self.current * 2, self.configured * self.GROWTH)
        else:
            self.current = self.configured


class Runner:
    """One run's HTTP session and extraction workers; use as a context manager."""

    def __init__(self, settings: Settings, options: ProcessOptions):
        self.settings = settings
        self.options = options
        self._sources = {s.name: s for s in settings.sources}
        self.fetcher = Fetcher(
            settings.fetch,
            settings.user_agent,
            pool_size=self._max_concurrency(),
            sources_file=settings.sources_file.name,
        )
        self._threads = ThreadPoolExecutor(self._max_concurrency(), thread_name_prefix="fetch")
        self._gates = {
            s.name: threading.BoundedSemaphore(s.politeness.concurrency) for s in settings.sources
        }
        self._extractor = Extractor(settings.workers, options, settings.extract_timeout)
        self.size = BatchSize(settings.batch_size)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop workers and release connections."""
        self._extractor.close()
        self._threads.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()

    def _max_concurrency(self) -> int:
        return max((s.politeness.concurrency for s in self.settings.sources), default=1)

    def batches(self, attempted: Attempted | None = None) -> Iterator[list[Item]]:
        """Discovered items in batches of one source each, deduplicated, up to the run's limit.

        Each batch takes `size.current` documents as it is formed (see BatchSize). With a
        limit, documents no earlier run attempted come first (`attempted` says which were),
        so that a scheduled run with a limit works through a long list instead of taking
        the same first documents every time; the rest of the limit goes to the first
        attempted ones, in the order they were discovered.
        """
        if self.settings.limit is None:
            seen: set[str] = set()  # one document found by two sources is fetched once
            for source in self.settings.sources:
                yield from self._batched(self._discovered(source, seen))
        else:
            yield from self._batched(iter(self._chosen(self.settings.limit, attempted)))

    def _discovered(self, source: Source, seen: set[str]) -> Iterator[Item]:
        return self._dedupe(discover(source, self.settings.base_dir, self.fetcher), seen)

    def _batched(self, items: Iterator[Item]) -> Iterator[list[Item]]:
        while batch := self._take(items, self.size.current):
            yield batch

    def _chosen(self, limit: int, attempted: Attempted | None) -> list[Item]:
        """Up to `limit` documents, never-attempted ones first, with every discovery failure.

        Discovery stops once `limit` never-attempted documents are found; the attempted
        ones kept meanwhile are at most `limit`, so memory follows the limit, not the list.
        """
        fresh: list[Item] = []
        earlier: list[Locator] = []
        seen: set[str] = set()
        fresh_count = 0
        for source in self.settings.sources:
            items = self._discovered(source, seen)
            while fresh_count < limit and (chunk := self._take(items, CHOOSE_CHUNK)):
                ids = [i.document_id for i in chunk if isinstance(i, Locator)]
                # When the warehouse cannot say (locked), every document counts as new:
                # discovery order, as without a warehouse.
                known = (attempted(ids) if attempted is not None and ids else None) or set()
                for item in chunk:
                    if isinstance(item, Failure):
                        fresh.append(item)
                    elif item.document_id in known:
                        if len(earlier) < limit:
                            earlier.append(item)
                    elif fresh_count < limit:
                        fresh.append(item)
                        fresh_count += 1
            if fresh_count >= limit:
                break
        return fresh + earlier[: limit - fresh_count]

    @staticmethod
    def _dedupe(items: Iterator[Item], seen: set[str]) -> Iterator[Item]:
        for item in items:
            if isinstance(item, Locator):
                if item.document_id in seen:
                    continue
                seen.add(item.document_id)
            yield item

    @staticmethod
    def _take(items: Iterator[Item], size: int) -> list[Item]:
        batch: list[Item] = []
        count = 0
        for item in items:
            batch.append(item)
            if isinstance(item, Locator):
                count += 1
                if count >= size:
                    break
        return batch

    def process(self, batch: Sequence[Item], prior: dict[str, Prior]) -> list[Observed]:
        """Fetch or load every locator in the batch, then extract and normalise the payloads."""
        observed: list[Observed] = []
        pending: list[tuple[Payload, Prior | None]] = []
        futures: list[Future[Payload | Failure | object]] = []
        for item in batch:
            if isinstance(item, Failure):
                observed.append(observe(item))
            elif item.kind == "file":
                self._sort(load_file(item, self.settings.fetch.max_bytes), prior, pending, observed)
            else:
                futures.append(self._threads.submit(self._fetch, item, prior.get(item.document_id)))
        for future in futures:
            self._sort(future.result(), prior, pending, observed)
        observed.extend(self._extractor.run(pending))
        return observed

    def _fetch(self, locator: Locator, prior: Prior | None) -> object:
        source: Source = self._sources[locator.source]
        with self._gates[locator.source]:
            return self.fetcher.fetch(
                locator,
                prior,
                delay=source.politeness.delay,
                robots=source.robots,
                reach=reach_for(source.allow_private, locator.via != "list"),
            )

    @staticmethod
    def _sort(
        result: object,
        prior: dict[str, Prior],
        pending: list[tuple[Payload, Prior | None]],
        observed: list[Observed],
    ) -> None:
        if isinstance(result, Payload):
            pending.append((result, prior.get(result.locator.document_id)))
        else:
            observed.append(observe(result))  # type: ignore[arg-type]


class Extractor:
    """Runs `process` over payloads in worker processes, each document within a time limit.

    Signing and indexing new texts (a third of a worker's time per page) is left to the
    flow's own process, which does it as each batch lands while the workers go on with
    the next, when the machine has a core the workers do not use. With a worker on every
    core the workers do it, since the flow's process would make it a queue of one.
    """

    def __init__(self, workers: int, options: ProcessOptions, time_limit: float = 60.0):
        self.workers = workers
        self.options = replace(options, derive=workers >= usable_cores())
        self.time_limit = time_limit
        self._pool: WorkerPool[tuple[Payload, Prior | None], Observed] | None = None

    def stand_by(self) -> WorkerPool[tuple[Payload, Prior | None], Observed]:
        """Start this extractor's workers for a later one like it to claim (see tasks.workers)."""
        pool = self._new_pool()
        stand_by(pool)
        return pool

    def _workers(self) -> WorkerPool[tuple[Payload, Prior | None], Observed]:
        if self._pool is None:
            pool = self._new_pool()
            self._pool = claim(pool.configuration) or pool
        return self._pool

    def _new_pool(self) -> WorkerPool[tuple[Payload, Prior | None], Observed]:
        return WorkerPool(self.workers, _process_one, warm_up, (self.options,), self.time_limit)

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def run(self, items: Sequence[tuple[Payload, Prior | None]]) -> list[Observed]:
        """Process payloads, keeping their order; a hang, crash or bug costs only its document.

        Bytes this pipeline already processed are settled here, without a worker: a run
        over an unchanged corpus never starts one.
        """
        settled = [skip_if_processed(payload, prior, self.options) for payload, prior in items]
        work = [item for item, done in zip(items, settled, strict=True) if done is None]
        results = iter(self._workers().map(work) if work else ())
        out = []
        for (payload, _), done in zip(items, settled, strict=True):
            if done is None:
                result = next(results)
                done = _lost(payload, result) if isinstance(result, Lost) else result
            out.append(done)
        return out


@contextmanager
def workers_standing_by(settings: Settings, options: ProcessOptions) -> Iterator[WorkerPool]:
    """Start the workers a Runner with these settings will need now; close them if none does.

    For a caller with time to spare before the run (the command line, while Prefect's
    server starts): the workers warm up meanwhile, and the run's Runner claims them.
    """
    pool = Extractor(settings.workers, options, settings.extract_timeout).stand_by()
    try:
        yield pool
    finally:
        dismiss(pool)


def _lost(payload: Payload, lost: Lost) -> Observed:
    size = f"{len(payload.body):,}-byte page"
    if lost.reason == "timeout":
        reason = "extract_timeout"
        message = (
            f"extraction of this {size} took longer than {lost.seconds:.0f} s and was stopped "
            "(INGEST_EXTRACT_TIMEOUT); its markup is too complex for the parser"
        )
    elif lost.reason == "crashed":
        reason = "extractor_crashed"
        message = f"{lost.detail} while extracting this {size} (likely a parser crash)"
    else:
        reason = "internal_error"
        message = f"unexpected {lost.detail}"
    return observe(Failure(payload.locator, "extract", "terminal", reason, message))


# Set in each worker process by warm_up, so options cross the pipe once, not per page.
_OPTIONS: list[ProcessOptions] = []


def _process_one(item: tuple[Payload, Prior | None]) -> Observed:
    payload, prior = item
    return process(payload, prior, _OPTIONS[0])


def warm_up(options: ProcessOptions) -> None:
    """Load the extractor and converters, and the segmenter and signatures if used, once."""
    import trafilatura  # noqa: F401

    from tasks.charset import common_table
    from tasks.normalise.script import converter, script_table

    _OPTIONS[:] = [options]
    common_table()
    converter()
    script_table()
    if options.derive:
        from tasks.segment import index_terms
        from tasks.signature import minhash

        index_terms(None, "预热分词词典")  # loads the segmenter's dictionary
        minhash("预热签名排列表")  # draws the permutations
