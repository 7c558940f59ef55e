"""The lease: batches landing back to back share one open file, and other processes still get in.

A run keeps the warehouse open between uses that follow each other closely (see
`warehouse.connection.Lease`). What a person relies on is that this never keeps them out
for long: the file is let go when the run pauses, and at the latest after a few seconds of
back-to-back landing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT
from processes import holding, knocker
from support import warehouse_rows

from warehouse.connection import Lease, LockPolicy, WarehouseLocked, connection


def made(tmp_path: Path) -> Path:
    warehouse = tmp_path / "w.duckdb"
    with connection(warehouse) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (n INTEGER)")
    return warehouse


def test_the_file_stays_open_between_close_uses_and_is_let_go_when_idle(tmp_path: Path) -> None:
    warehouse = made(tmp_path)
    lease = Lease(warehouse, idle=1.5)
    try:
        with knocker(warehouse) as other:
            with lease.use(), connection(warehouse) as conn:
                conn.execute("INSERT INTO notes VALUES (1)")
            other.go()
            seen = other.result()
    finally:
        lease.release()
    # Held after the use (a second use now would cost no open), let go once idle.
    assert seen["first_locked"] and seen["waited"] < 1.5 + 2.0, seen
    assert warehouse_rows(warehouse, "SELECT count(*) FROM notes") == [(1,)]


def test_back_to_back_uses_let_go_after_the_hold_so_others_get_in(tmp_path: Path) -> None:
    warehouse = made(tmp_path)
    lease = Lease(warehouse, idle=30, hold=0.5, rest=0.5)
    landed = 0
    try:
        with knocker(warehouse) as other:
            with lease.use():
                other.go()  # the file is held now; never idle from here on
            started = time.monotonic()
            while other.proc.poll() is None and time.monotonic() - started < 15:
                with lease.use(), connection(warehouse) as conn:
                    conn.execute("INSERT INTO notes VALUES (1)")
                    landed += 1
            seen = other.result()
    finally:
        lease.release()
    assert seen["first_locked"] and seen["waited"] < 5, seen
    assert warehouse_rows(warehouse, "SELECT count(*) FROM notes") == [(landed,)]


def test_a_use_that_finds_the_file_taken_waits_with_its_own_patience(tmp_path: Path) -> None:
    # A landing waiting out a locked file must not hold up a lookup that only tries briefly.
    warehouse = made(tmp_path)
    lease = Lease(warehouse)
    try:
        with holding(warehouse, 60):
            started = time.monotonic()  # before the use: taking the file must not wait
            with (
                lease.use(),
                pytest.raises(WarehouseLocked),
                connection(warehouse, policy=LockPolicy(timeout=0.3)),
            ):
                pass
            assert time.monotonic() - started < 2
    finally:
        lease.release()


def test_a_read_only_open_in_the_process_holding_the_lease_joins_it(tmp_path: Path) -> None:
    # DuckDB refuses a read-only open of a file the same process has open read-write.
    warehouse = made(tmp_path)
    lease = Lease(warehouse)
    try:
        with lease.use():
            with connection(warehouse) as conn:
                conn.execute("INSERT INTO notes VALUES (7)")
            with connection(warehouse, read_only=True) as conn:
                assert conn.execute("SELECT n FROM notes").fetchall() == [(7,)]
    finally:
        lease.release()


def _memory_limit(conn: duckdb.DuckDBPyConnection) -> str:
    return conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def _as_duckdb_says(size: str) -> str:
    reference = duckdb.connect()
    reference.execute(f"SET memory_limit = '{size}'")
    return _memory_limit(reference)


def test_writing_connections_cap_duckdb_memory_and_readers_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's connections carry $INGEST_DUCKDB_MEMORY; a person's read-only query keeps DuckDB's own.

    Without a cap a checkpoint that merges row groups took 600 MB more at 20,000 documents
    (see warehouse.connection.memory_cap).
    """
    monkeypatch.setenv("INGEST_DUCKDB_MEMORY", "300MB")
    default = _memory_limit(duckdb.connect())
    assert _as_duckdb_says("300MB") != default
    path = tmp_path / "w.duckdb"
    with connection(path) as conn:
        assert _memory_limit(conn) == _as_duckdb_says("300MB")
    with connection(path, read_only=True) as conn:
        assert _memory_limit(conn) == default


def test_the_default_cap_grows_with_the_keys_the_warehouse_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB must hold primary-key indexes under the cap, and they grow with the corpus: so does it."""
    monkeypatch.delenv("INGEST_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "w.duckdb"
    with connection(path) as conn:
        empty = _memory_limit(conn)
        conn.execute(
            "INSERT INTO documents SELECT md5(range::VARCHAR), 'l', 'file', 's', 'o', now() "
            "FROM range(100000)"
        )
    assert empty == _as_duckdb_says("128MiB")
    with connection(path) as conn:
        grown = _memory_limit(conn)
    assert grown == _as_duckdb_says(f"{(128 * 2**20 + 100_000 * 300) // 2**20}MiB")


# Opens the warehouse as `ingest query` and `open_read_only` do (polling every 0.05–0.25 s,
# not every 10 ms as a knocker does) and says how long it took.
READER = """
import json, sys, time
from warehouse.read import open_read_only
print("ready", flush=True)
sys.stdin.readline()
started = time.monotonic()
open_read_only(sys.argv[1], wait=float(sys.argv[2])).close()
print(json.dumps({"waited": time.monotonic() - started}))
"""


def test_a_reader_gets_in_between_long_overlapping_uses(tmp_path: Path) -> None:
    # A first run: one batch lands while the next one's lookup already runs, each for a
    # while, so some use is always under way. The rest after the hold must still leave
    # the file free for a reader polling at the product's own pace.
    warehouse = made(tmp_path)
    lease = Lease(warehouse, idle=30, hold=0.5, rest=0.5)
    stop = threading.Event()

    def user(offset: float) -> None:
        time.sleep(offset)
        while not stop.is_set():
            with lease.use(), connection(warehouse) as conn:
                conn.execute("INSERT INTO notes VALUES (1)")
                time.sleep(1.0)  # a batch's statements and commit, longer than the rest

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), "8"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    threads = [threading.Thread(target=user, args=(d,)) for d in (0.0, 0.5)]
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
        for thread in threads:
            thread.start()
        time.sleep(0.2)
        out, err = reader.communicate("go\n", timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        lease.release()
        if reader.poll() is None:
            reader.kill()  # by its PID: the process this test started
            reader.wait()
    assert reader.returncode == 0, err  # not WarehouseLocked after 8 s
    # The hold (0.5 s), the uses under way (1 s each), then the rest: well inside 8 s.
    assert json.loads(out)["waited"] < 4, out
