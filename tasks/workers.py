"""Worker processes with a time limit per item: an overrun or a crash costs that item only.

Extraction runs C code (lxml) that no thread can interrupt, and some markup
makes it take minutes (half a million inline tags on one line: 105 s for one
6.5 MB page, measured). So each document goes to a child process on its own;
the parent waits on all of them at once, kills a child that overruns its
limit, records the overrun for that document alone, and starts a replacement.

Each worker holds the next document while it works on the current one (AHEAD),
so it never waits for the parent: a parent busy landing or indexing a batch can
take 5 ms to get Python's interpreter lock back, a quarter of a 20 ms document,
measured. A thread per worker does the sending, because parent and child each
writing a message larger than the pipe's buffer to the other would wait on each
other forever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")
STARTUP_LIMIT = 120.0  # seconds a new worker may take to import and warm up
MAX_FAILED_STARTS = 3
AHEAD = 2  # documents a worker holds at once: the one it works on and the next


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

    @property
    def configuration(self) -> tuple[Any, ...]:
        """What makes two pools interchangeable."""
        return (self.size, *self._target, self.time_limit)

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
        with _main_not_inherited():
            process.start()
        theirs.close()  # so the parent sees EOF when the child dies
        return _Worker(process, ours, time.monotonic())

    def _map(self, items: Sequence[T]) -> list[R | Lost]:
        results: list[Any] = [None] * len(items)
        pending = deque(range(len(items)))
        while pending or any(w.held for w in self._workers):
            while len(self._workers) < self.size:
                self._workers.append(self._spawn())
            for worker in self._workers:
                while pending and worker.ready and len(worker.held) < AHEAD:
                    worker.assign(pending.popleft(), items)
            ready = wait([w.conn for w in self._workers], self._next_deadline())
            for worker in list(self._workers):
                if worker.conn in ready:
                    pending.extendleft(reversed(self._receive(worker, results)))
            pending.extendleft(reversed(self._enforce_limits(results)))
        return results

    def _next_deadline(self) -> float | None:
        """Seconds until the nearest time limit of a busy or starting worker."""
        now = time.monotonic()
        ends = [
            w.started + (self.time_limit if w.ready else STARTUP_LIMIT) - now
            for w in self._workers
            if w.held or not w.ready
        ]
        return max(0.0, min(ends)) + 0.01 if ends else None

    def _receive(self, worker: _Worker, results: list[Any]) -> list[int]:
        """Take one message from a worker; return the items to hand to another if it died."""
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            return self._retire(worker, results, "crashed", worker.death())
        if kind == "ready":
            worker.ready, worker.started = True, time.monotonic()
            self._failed_starts = 0
        elif kind == "init_failed":
            return self._retire(worker, results, "crashed", value)
        elif worker.held:
            now = time.monotonic()
            index = worker.held.popleft()
            results[index] = value if kind == "ok" else Lost("error", now - worker.started, value)
            worker.started = now  # the next item it holds starts now
        return []

    def _enforce_limits(self, results: list[Any]) -> list[int]:
        """Retire workers over their time limit; return the items they held but had not begun."""
        now = time.monotonic()
        orphans = []
        for worker in list(self._workers):
            if worker.ready and worker.held:
                if now - worker.started > self.time_limit:
                    orphans += self._retire(
                        worker, results, "timeout", f"still working after {self.time_limit:g} s"
                    )
            elif not worker.ready and now - worker.started > STARTUP_LIMIT:
                orphans += self._retire(
                    worker, results, "crashed", f"not ready after {STARTUP_LIMIT:g} s"
                )
        return orphans

    def _retire(self, worker: _Worker, results: list[Any], reason: str, detail: str) -> list[int]:
        """Kill a worker; charge the item it was working on, or count a failed start.

        Returns the items it held besides, which it had not begun: they go to another worker.
        """
        worker.kill()
        self._workers.remove(worker)
        if worker.held:
            seconds = time.monotonic() - worker.started
            results[worker.held.popleft()] = Lost(reason, seconds, detail)  # type: ignore[arg-type]
        elif not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= MAX_FAILED_STARTS:
                raise WorkerFailure(f"extraction workers fail to start: {detail}")
        return list(worker.held)


# Pools started ahead of the run that will use them (the command line starts one while
# Prefect's server boots, so the workers' 1 s warm-up is done when the flow begins),
# handed to the first caller that asks for the same configuration.
_standby: list[WorkerPool[Any, Any]] = []
_standby_lock = threading.Lock()


def stand_by(pool: WorkerPool[Any, Any]) -> None:
    """Start `pool`'s workers now and keep it for `claim`."""
    pool.start()
    with _standby_lock:
        _standby.append(pool)


def claim(configuration: tuple[Any, ...]) -> WorkerPool[Any, Any] | None:
    """A pool on standby with this configuration, now the caller's to close; else None."""
    with _standby_lock:
        for pool in _standby:
            if pool.configuration == configuration:
                _standby.remove(pool)
                return pool
    return None


def dismiss(pool: WorkerPool[Any, Any]) -> None:
    """Close `pool` if it is still on standby (nobody claimed it); a claimed one is not ours."""
    with _standby_lock:
        waiting = any(p is pool for p in _standby)
        _standby[:] = [p for p in _standby if p is not pool]
    if waiting:
        pool.close()


@contextlib.contextmanager
def _main_not_inherited() -> Iterator[None]:
    """Start a spawned child without it re-running the parent's main script.

    multiprocessing's spawn runs the parent's `__main__` file again in every child, in
    case the target was defined there. Ours never is, and for `ingest` that file imports
    the CLI and Prefect: 0.6 s of a worker's 1.8 s start, measured. Without a `__file__`
    on `__main__` while the child is launched, spawn leaves it out.
    """
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        if path is not None:
            main.__file__ = path


_HANG_UP = object()  # tells a worker's sending thread to end


class _Worker:
    """One child process, the parent's end of its pipe, and the thread that feeds it."""

    def __init__(self, process: Any, conn: Connection, started: float):
        self.process = process
        self.conn = conn
        self.started = started  # when it began starting up, or began its current item
        self.ready = False
        self.held: deque[int] = deque()  # items sent, in the order it works on them
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, daemon=True, name="worker-feed")
        self._sender.start()

    def assign(self, index: int, items: Sequence[Any]) -> None:
        if not self.held:
            self.started = time.monotonic()
        self.held.append(index)
        self._outbox.put(items[index])

    def _send_all(self) -> None:
        while (item := self._outbox.get()) is not _HANG_UP:
            try:
                self.conn.send(item)
            except (OSError, EOFError, ValueError):
                # The child died: wait() reports its pipe readable and recv() sees EOF.
                return
            except Exception:  # an item that cannot be pickled: it runs into its time limit
                continue

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
        self._outbox.put(_HANG_UP)
        self._sender.join(5)  # a send to the dead child fails at once
        self.conn.close()

    def stop(self) -> None:
        self._outbox.put(None)  # the child's sign to exit, after whatever it still holds
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
