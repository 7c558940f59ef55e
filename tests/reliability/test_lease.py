"""The lease: batches landing back to back share one open file, and other processes still get in.

A run keeps the warehouse open between uses that follow each other closely (see
`warehouse.connection.Lease`). What a person relies on is that this never keeps them out
for long: the file is let go when the run pauses, and at the latest after a few seconds of
back-to-back landing.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
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
