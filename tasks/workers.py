"""Worker processes with a time limit per item: an overrun or a crash costs that item only.

Extraction runs C code (lxml) that no thread can interrupt, and some markup
makes it take minutes (half a million inline tags on one line: 105 s for one
6.5 MB page, measured). So each document goes to a child process on its own;
the parent waits on all of them at once, kills a child that overruns its
limit, records the overrun for that document alone, and starts a replacement.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")
STARTUP_LIMIT = 120.0  # seconds a new worker may take to import and warm up
MAX_FAILED_STARTS = 3


@dataclass(frozen=True, slots=True)
class Lost:
    """An item that produced no result: its worker overran the limit, died, or raised."""

    reason: Literal["timeout", "crashed", "error"]
    seconds: float
    detail: str


class WorkerFailure(RuntimeError):
    """Workers cannot start at all, so no item can be processed."""


class WorkerPool(Generic[T, R]):
    """`size` spawned processes applying `fn` to one item at a time, each within `time_limit`."""

    def __init__(
        self,
        size: int,
        fn: Callable[[T], R],
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        time_limit: float,
    ):
        self.size = max(1, size)
        self.time_limit = time_limit
        self._target = (fn, initializer, initargs)
        # spawn, not fork: the parent runs Prefect's threads, which a fork would copy mid-lock.
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._failed_starts = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers now, so their warm-up overlaps with whatever the caller does next."""
        with self._lock:
            while len(self._workers) < self.size:
                self._workers.append(self._spawn())

    def map(self, items: Sequence[T]) -> list[R | Lost]:
        """Results in the order of `items`; one call at a time (concurrent callers queue)."""
        with self._lock:
            return self._map(items)

    def close(self) -> None:
        """Ask the workers to exit, and end those that do not."""
        with self._lock:
            for worker in self._workers:
                worker.stop()
            self._workers.clear()

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(theirs, *self._target), daemon=True, name="extract-worker"
        )
        process.start()
        theirs.close()  # so the parent sees EOF when the child dies
        return _Worker(process, ours, time.monotonic())

    def _map(self, items: Sequence[T]) -> list[R | Lost]:
        results: list[Any] = [None] * len(items)
        pending = deque(range(len(items)))
        while pending or any(w.index is not None for w in self._workers):
            while len(self._workers) < self.size:
                self._workers.append(self._spawn())
            for worker in self._workers:
                if pending and worker.ready and worker.index is None:
                    worker.assign(pending.popleft(), items)
            ready = wait([w.conn for w in self._workers], self._next_deadline())
            for worker in list(self._workers):
                if worker.conn in ready:
                    self._receive(worker, results)
            self._enforce_limits(results)
        return results

    def _next_deadline(self) -> float | None:
        """Seconds until the nearest time limit of a busy or starting worker."""
        now = time.monotonic()
        ends = [
            w.started + (self.time_limit if w.ready else STARTUP_LIMIT) - now
            for w in self._workers
            if w.index is not None or not w.ready
        ]
        return max(0.0, min(ends)) + 0.01 if ends else None

    def _receive(self, worker: _Worker, results: list[Any]) -> None:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker, results, "crashed", worker.death())
            return
        if kind == "ready":
            worker.ready, worker.started = True, time.monotonic()
            self._failed_starts = 0
        elif kind == "init_failed":
            self._retire(worker, results, "crashed", value)
        elif worker.index is not None:
            seconds = time.monotonic() - worker.started
            results[worker.index] = value if kind == "ok" else Lost("error", seconds, value)
            worker.index = None

    def _enforce_limits(self, results: list[Any]) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.ready and worker.index is not None:
                if now - worker.started > self.time_limit:
                    self._retire(
                        worker, results, "timeout", f"still working after {self.time_limit:g} s"
                    )
            elif not worker.ready and now - worker.started > STARTUP_LIMIT:
                self._retire(worker, results, "crashed", f"not ready after {STARTUP_LIMIT:g} s")

    def _retire(self, worker: _Worker, results: list[Any], reason: str, detail: str) -> None:
        """Kill a worker; charge the item it held, or count a failed start."""
        worker.kill()
        self._workers.remove(worker)
        if worker.index is not None:
            seconds = time.monotonic() - worker.started
            results[worker.index] = Lost(reason, seconds, detail)  # type: ignore[arg-type]
        elif not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= MAX_FAILED_STARTS:
                raise WorkerFailure(f"extraction workers fail to start: {detail}")


class _Worker:
    """One child process and the parent's end of its pipe."""

    def __init__(self, process: Any, conn: Connection, started: float):
        self.process = process
        self.conn = conn
        self.started = started
        self.ready = False
        self.index: int | None = None

    def assign(self, index: int, items: Sequence[Any]) -> None:
        self.index, self.started = index, time.monotonic()
        # If the child died, wait() reports its pipe as readable and recv() sees EOF.
        with contextlib.suppress(OSError, EOFError):
            self.conn.send(items[index])

    def death(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"the worker process was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"the worker process was killed by signal {-code}"
        return f"the worker process exited (code {code})"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(5)
        self.kill()


def _serve(
    conn: Connection, fn: Callable[[Any], Any], initializer: Callable[..., None], initargs: tuple
) -> None:
    """The child's loop: warm up, then apply `fn` to each item received until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        initializer(*initargs)
    except BaseException as exc:
        conn.send(("init_failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if item is None:
            return
        try:
            conn.send(("ok", fn(item)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
