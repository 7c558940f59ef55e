"""Worker processes: a document that hangs, kills its process or raises costs itself only."""

from __future__ import annotations

import os
import signal
import time

from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)

from tasks.workers import Lost, WorkerPool, claim, dismiss, stand_by


def work(item: str) -> str:
    """Stand-in for extraction: misbehaves on request, in the worker process."""
    if item == "hang":
        time.sleep(600)
    elif item == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    elif item == "raise":
        raise ValueError("no such element")
    return item.upper()


def ready() -> None:
    """Nothing to warm up."""


def test_hang_crash_and_error_each_cost_one_item(ledger: Ledger) -> None:
    pool: WorkerPool[str, str] = WorkerPool(2, work, ready, (), time_limit=2.0)
    try:
        items = ["a", "hang", "b", "die", "c", "raise", "d"]
        started = time.monotonic()
        results = pool.map(items)
        seconds = time.monotonic() - started
        assert [r for r in results if isinstance(r, str)] == ["A", "B", "C", "D"]
        hang, die, err = results[1], results[3], results[5]
        assert isinstance(hang, Lost) and hang.reason == "timeout"
        assert isinstance(die, Lost) and die.reason == "crashed" and "SIGKILL" in die.detail
        assert isinstance(err, Lost) and err.reason == "error" and "ValueError" in err.detail
        assert seconds < 30
        assert pool.map(["e", "f"]) == ["E", "F"], "the pool recovers for the next batch"
    finally:
        pool.close()
    ledger.add(
        "faults",
        "extraction worker hangs, dies, raises",
        "in a batch of 7: one item sleeps 600 s, one SIGKILLs its worker, one raises",
        "each of the three recorded against its own item; the other four processed; "
        f"the batch took {seconds:.0f} s against a 2 s per-item limit",
        message=die.detail,
        documents=7,
        kept=7,
    )


def test_closing_the_pool_ends_its_processes() -> None:
    pool: WorkerPool[str, str] = WorkerPool(2, work, ready, (), time_limit=5.0)
    pool.start()
    processes = [w.process for w in pool._workers]
    assert pool.map(["x"]) == ["X"]
    pool.close()
    assert all(not p.is_alive() for p in processes)


def test_a_pool_on_standby_goes_to_the_first_caller_with_its_configuration() -> None:
    standing: WorkerPool[str, str] = WorkerPool(1, work, ready, (), time_limit=5.0)
    stand_by(standing)
    started = [w.process for w in standing._workers]
    try:
        assert started and all(p.is_alive() for p in started), "its workers start at once"
        other: WorkerPool[str, str] = WorkerPool(2, work, ready, (), time_limit=5.0)
        assert claim(other.configuration) is None, "another size is another pool"
        same: WorkerPool[str, str] = WorkerPool(1, work, ready, (), time_limit=5.0)
        claimed = claim(same.configuration)
        assert claimed is standing
        assert claimed.map(["x"]) == ["X"]
        assert [w.process for w in claimed._workers] == started, "no worker started anew"
        assert claim(same.configuration) is None, "a pool is claimed once"
    finally:
        standing.close()


def test_a_pool_nobody_claims_is_closed_with_its_processes() -> None:
    standing: WorkerPool[str, str] = WorkerPool(2, work, ready, (), time_limit=5.0)
    stand_by(standing)
    processes = [w.process for w in standing._workers]
    dismiss(standing)
    assert processes and all(not p.is_alive() for p in processes)
    assert claim(standing.configuration) is None


def test_dismissing_a_claimed_pool_leaves_it_to_its_new_owner() -> None:
    standing: WorkerPool[str, str] = WorkerPool(1, work, ready, (), time_limit=5.0)
    stand_by(standing)
    try:
        claimed = claim(standing.configuration)
        assert claimed is standing
        dismiss(standing)
        assert claimed.map(["y"]) == ["Y"], "still running for whoever claimed it"
    finally:
        standing.close()


def test_what_a_worker_held_behind_a_lost_item_is_processed_by_its_replacement() -> None:
    """A worker holds the next item while it works; losing the worker must not lose that one."""
    pool: WorkerPool[str, str] = WorkerPool(1, work, ready, (), time_limit=2.0)
    try:
        results = pool.map(["hang", "a", "die", "b", "raise", "c"])
    finally:
        pool.close()
    assert [r if isinstance(r, str) else r.reason for r in results] == [
        "timeout", "A", "crashed", "B", "error", "C",
    ]  # fmt: skip


def test_pages_larger_than_the_pipe_go_both_ways_without_a_stall() -> None:
    """Several megabytes each way at once, with the next item already on its way."""
    pool: WorkerPool[str, str] = WorkerPool(1, work, ready, (), time_limit=30.0)
    items = [f"{i}" + "x" * 6_000_000 for i in range(4)]
    try:
        started = time.monotonic()
        results = pool.map(items)
    finally:
        pool.close()
    assert results == [item.upper() for item in items]
    assert time.monotonic() - started < 30
