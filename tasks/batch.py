"""Batches: discovery into bounded batches, then fetch (threads) and process (cores) per batch.

A `Runner` owns the per-run machinery, one HTTP session and the extraction
workers, so flows only decide what to run and when. Nothing here knows Prefect.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tasks.discover import discover
from tasks.fetch import Fetcher
from tasks.load import load_file
from tasks.process import ProcessOptions, observe, process
from tasks.records import Failure, Locator, Observed, Payload, Prior
from tasks.settings import Settings
from tasks.sources import Source

Item = Locator | Failure


class Runner:
    """One run's HTTP session and extraction workers; use as a context manager."""

    def __init__(self, settings: Settings, options: ProcessOptions):
        self.settings = settings
        self.options = options
        self._sources = {s.name: s for s in settings.sources}
        self.fetcher = Fetcher(
            settings.fetch, settings.user_agent, pool_size=self._max_concurrency()
        )
        self._threads = ThreadPoolExecutor(self._max_concurrency(), thread_name_prefix="fetch")
        self._gates = {
            s.name: threading.BoundedSemaphore(s.politeness.concurrency) for s in settings.sources
        }
        self._extractor = Extractor(settings.workers, options)

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

    def batches(self) -> Iterator[list[Item]]:
        """Discovered items in batches of one source each, deduplicated, up to the run's limit."""
        seen: set[str] = set()
        remaining = self.settings.limit
        for source in self.settings.sources:
            items = discover(source, self.settings.base_dir, self.fetcher)
            unique = self._dedupe(items, seen)
            while remaining is None or remaining > 0:
                size = self.settings.batch_size
                if remaining is not None:
                    size = min(size, remaining)
                batch = self._take(unique, size)
                if not batch:
                    break
                if remaining is not None:
                    remaining -= sum(isinstance(i, Locator) for i in batch)
                yield batch
            if remaining == 0:
                return

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
                allow_private=source.allow_private or locator.via == "list",
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
    """Runs `process` over payloads: in this process for one worker, else in a process pool."""

    def __init__(self, workers: int, options: ProcessOptions):
        self.workers = workers
        self.options = options
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent runs Prefect's threads, which a fork would copy mid-lock.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
            )
        return self._pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, items: Sequence[tuple[Payload, Prior | None]]) -> list[Observed]:
        """Process payloads, keeping their order; a crash or bug costs only the document behind it."""
        if not items:
            return []
        if self.workers <= 1:
            return process_chunk(list(items), self.options)
        size = max(1, -(-len(items) // (self.workers * 2)))
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        futures = [self._executor().submit(process_chunk, chunk, self.options) for chunk in chunks]
        out: list[Observed] = []
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                out.extend(future.result())
            except BrokenProcessPool:
                out.extend(self._isolate(chunk))
        return out

    def _isolate(self, chunk: list[tuple[Payload, Prior | None]]) -> list[Observed]:
        """After a worker died, redo a chunk one document at a time to find the one that kills it."""
        self.close()
        out = []
        for payload, prior in chunk:
            try:
                out.extend(
                    self._executor()
                    .submit(process_chunk, [(payload, prior)], self.options)
                    .result()
                )
            except BrokenProcessPool:
                self.close()
                failure = Failure(
                    payload.locator,
                    "extract",
                    "terminal",
                    "extractor_crashed",
                    "the extraction worker process died on this page (likely a parser crash)",
                )
                out.append(observe(failure))
        return out


def process_chunk(
    items: list[tuple[Payload, Prior | None]], options: ProcessOptions
) -> list[Observed]:
    """Process payloads one by one; an unexpected error becomes that document's failure."""
    out = []
    for payload, prior in items:
        try:
            out.append(process(payload, prior, options))
        except Exception as exc:  # a bug must cost one document, not the batch
            failure = Failure(
                payload.locator,
                "extract",
                "terminal",
                "internal_error",
                f"unexpected {type(exc).__name__}: {exc}",
            )
            out.append(observe(failure))
    return out


def _warm_up() -> None:
    """Load the extractor and converters once per worker process, not per page."""
    import trafilatura  # noqa: F401

    from tasks.charset import common_han
    from tasks.normalise.script import _script_patterns, converter

    common_han()
    converter()
    _script_patterns()
