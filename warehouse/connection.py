"""Opening the warehouse: migrations on connect, and patience while another process holds it.

DuckDB lets one process write a database file at a time, and a read-write
holder also shuts out readers from other processes. Every function here opens
a connection for as short a time as it can and retries with backoff while the
file is locked, so a person running `duckdb` on the file costs the pipeline a
wait, not data.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from tasks.settings import directory_given, duckdb_memory

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")
# DuckDB shares one database instance between the connections of a process. Opening one while
# another thread closes the last (or creates the first) can hand out an instance whose Python
# table functions are not registered yet ("python_arrow_scan does not exist", seen under load),
# and two threads opening a new file at once would both run the migrations ("write-write
# conflict"). Connecting, migrating and closing take this lock; using a connection does not,
# so a thread waiting out another process's lock never stalls the others.
_INSTANCE = threading.Lock()
# Files a Lease in this process holds open (resolved path -> its connection). Any other
# connection to one of them joins the open instance, read-only or not: DuckDB refuses a
# read-only open of a file the same process has open read-write.
_HELD: dict[Path, duckdb.DuckDBPyConnection] = {}


# DuckDB's own memory limit, 80 % of RAM, lets the checkpoint that merges a run's small row
# groups (texts and compressed pages) keep what it reads: +600 MB at 20,000 documents, and
# more as the corpus grows (measured). A fixed cap is no answer either: an insert fails when
# DuckDB cannot hold a table's primary-key index under it (two of 400,000 keys took 90 MB,
# 112 bytes a key, measured). So the cap is a base plus room for every key the file holds.
BASE_MEMORY = 128 * 2**20
MEMORY_PER_KEY = 300
# The keyed tables that grow with the corpus. Counting them costs 2 ms; duckdb_tables(), 10.
_KEYED = ("documents", "versions", "raw_payloads", "signatures", "search_docs", "fetch_state")
_KEYS = "SELECT " + " + ".join(f"(SELECT count(*) FROM {table})" for table in _KEYED)


def memory_cap(conn: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's memory cap for a writing connection: $INGEST_DUCKDB_MEMORY, else 128 MiB + 300 B a key."""
    chosen = duckdb_memory()
    if chosen:
        return chosen
    (keys,) = conn.execute(_KEYS).fetchone() or (0,)
    return f"{(BASE_MEMORY + int(keys) * MEMORY_PER_KEY) // 2**20}MiB"


class WarehouseLocked(Exception):
    """Another process kept the warehouse file locked for longer than we were willing to wait.

    `holder` says who (see `lock_holder`), so a caller can tell the story in its own terms
    (a run spooling a batch, say).
    """

    def __init__(self, message: str, holder: str = "another process"):
        super().__init__(message)
        self.holder = holder


class WarehouseMissing(Exception):
    """There is no warehouse file there: not yet, or a directory stands in its place."""


@dataclass(frozen=True)
class LockPolicy:
    """How long, and how patiently, to wait for a locked warehouse file."""

    timeout: float = 30.0
    first_wait: float = 0.05
    # Short enough to land in the half second a run's lease stays away (see Lease).
    max_wait: float = 0.25
    # Told who holds the file when an open first finds it locked, before it starts waiting,
    # so a wait that may be long can say what it waits for (e.g. the end of a run's).
    on_locked: Callable[[str], None] | None = field(default=None, compare=False)
    # A monotonic time no open under this policy waits past (see `budget`).
    deadline: float | None = None

    def budget(self) -> LockPolicy:
        """This policy as one wait for a step that opens the file several times.

        Every open under it shares one deadline, `timeout` from now, and `on_locked` hears
        of a lock once: a holder that comes and goes between the opens costs the step one
        budget, not one per open.
        """
        heard = self.on_locked
        told: list[str] = []

        def once(holder: str) -> None:
            if heard is not None and not told:
                told.append(holder)
                heard(holder)

        return replace(self, deadline=time.monotonic() + self.timeout, on_locked=once)


def is_lock_error(exc: BaseException) -> bool:
    """True when DuckDB refused to open the file because another process holds it."""
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def lock_holder(exc: BaseException) -> str:
    """Who holds the lock, as DuckDB reported it, e.g. '/usr/bin/duckdb (PID 4242)'.

    Where /proc is readable the holder's command line is added, which tells an
    `ingest run` (that lets go when idle, and at least every 5 s) from a shell someone left open.
    """
    match = _LOCK_HOLDER.search(str(exc))
    if not match:
        return "another process"
    program, pid = match.groups()
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        command = " ".join(a.decode(errors="replace") for a in argv if a)
    except OSError:
        command = ""
    if len(command) > 100:
        command = command[:99] + "…"
    return f"{program} (PID {pid}{': ' + command if command else ''})"


def open_connection(
    path: Path, *, read_only: bool = False, policy: LockPolicy | None = None, schema: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting out locks; apply pending migrations when writable.

    A read checks that the file holds the warehouse's whole schema, unless `schema` is
    False: `ingest query` runs a person's SQL, which may ask any DuckDB file anything.
    """
    policy = policy or LockPolicy()
    if path.is_dir():
        raise WarehouseMissing(directory_given(path))
    if read_only and not path.exists():
        raise WarehouseMissing(
            f"there is no warehouse at {path} yet; run `ingest run` first, or pass --warehouse PATH"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if policy.deadline is None:  # an open on its own is a budget of its own
        policy = policy.budget()
    assert policy.deadline is not None
    wait = policy.first_wait
    while True:
        try:
            with _INSTANCE:
                joined = path.resolve() in _HELD
                writable = not read_only or joined
                conn = duckdb.connect(str(path), read_only=not writable)
            break
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                said = str(exc).strip().splitlines()[0].rstrip(".!")
                raise WarehouseMissing(
                    f"cannot open {path} as the warehouse: {said}. Pass --warehouse PATH with "
                    "the warehouse's DuckDB file (default data/warehouse.duckdb)."
                ) from None
            holder = lock_holder(exc)
            now = time.monotonic()
            if now + wait > policy.deadline:
                # Since the budget began: a later open under a step's budget may give up at once.
                waited = now - (policy.deadline - policy.timeout)
                raise WarehouseLocked(
                    f"{path} is locked by {holder}; gave up after {waited:.1f} s. "
                    "If that is an open `duckdb` shell or a notebook, close it; an `ingest run` "
                    "lets go when idle and at least every 5 s, so trying again (or waiting longer) "
                    "gets in.",
                    holder,
                ) from None
            if policy.on_locked is not None:
                policy.on_locked(holder)  # once a budget (see LockPolicy.budget)
            # Jitter, so two waiting processes do not knock in lock-step.
            time.sleep(wait * (0.5 + random.random() / 2))
            wait = min(policy.max_wait, wait * 2)
    if not writable and schema:
        try:
            _readable_warehouse(conn, path)
        except BaseException:
            with _INSTANCE:
                conn.close()
            raise
    if writable and not joined:  # a held file was capped and migrated when the lease took it
        try:
            with _INSTANCE, interrupts_kept():
                migrate(conn)
                conn.execute(f"SET memory_limit = '{memory_cap(conn)}'")
        except BaseException:
            with _INSTANCE:
                conn.close()
            raise
    return conn


def conn_path(conn: duckdb.DuckDBPyConnection) -> str:
    """The file a connection has open, as DuckDB names it."""
    rows = conn.execute("SELECT path FROM duckdb_databases() WHERE NOT internal").fetchall()
    return next((str(path) for (path,) in rows if path), "the file")


def _readable_warehouse(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise WarehouseMissing unless the file is a warehouse with every shipped migration.

    A read cannot migrate: a DuckDB file of something else, or a warehouse an older
    release made, would fail later on a missing view, with DuckDB's words for it.
    """
    try:
        applied = {
            row[0] for row in conn.execute("SELECT version FROM schema_migrations").fetchall()
        }
    except duckdb.CatalogException:
        raise WarehouseMissing(
            f"{path} is a DuckDB file, but not this pipeline's warehouse (it has no "
            "schema_migrations table). Pass --warehouse PATH with the warehouse's file "
            "(default data/warehouse.duckdb)."
        ) from None
    pending = sorted({number for number, _, _ in migrations()} - applied)
    if pending:
        raise WarehouseMissing(
            f"{path} was made by an older release and lacks migrations "
            f"{', '.join(map(str, pending))}; the next `ingest run` (or `ingest reprocess`) "
            "applies them, then reads work."
        )


@contextmanager
def connection(
    path: Path, *, read_only: bool = False, policy: LockPolicy | None = None, schema: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived warehouse connection, closed on exit (`schema`: see open_connection)."""
    conn = open_connection(path, read_only=read_only, policy=policy, schema=schema)
    try:
        with interrupts_kept():
            yield conn
    finally:
        with _INSTANCE:
            conn.close()


# What DuckDB's Python client raises when a signal's handler raised during a query.
QUERY_INTERRUPTED = "Query interrupted"


@contextmanager
def interrupts_kept() -> Iterator[None]:
    """Let a Ctrl-C that came during a query stay the KeyboardInterrupt it was.

    DuckDB's Python client checks for signals while a query runs and replaces the
    KeyboardInterrupt that SIGINT's handler raises with RuntimeError('Query interrupted').
    A run stopped while landing a batch then ended as `failed` with tracebacks (exit 1), not
    as `interrupted` (130). An open transaction rolls back the same either way.
    """
    try:
        yield
    except RuntimeError as exc:
        if type(exc) is not RuntimeError or str(exc) != QUERY_INTERRUPTED:
            raise
        raise KeyboardInterrupt from None


@cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """(number, name, SQL) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return tuple(sorted(found))


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return the numbers applied."""
    shipped = migrations()
    try:
        # fetchall, not fetchone: DuckDB 2 keeps an unfinished result open, which blocks register().
        rows = conn.execute("SELECT version FROM schema_migrations").fetchall()
    except duckdb.CatalogException:
        if conn.execute("SELECT count(*) FROM duckdb_tables()").fetchall()[0][0]:
            # Someone else's DuckDB file: making the warehouse in it would change their data.
            raise WarehouseMissing(
                f"{conn_path(conn)} is a DuckDB file holding other tables, not this pipeline's "
                "warehouse: nothing was written to it. Pass --warehouse PATH with the "
                "warehouse's file, or a path where a new one may be made."
            ) from None
        conn.execute(
            "CREATE TABLE schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        rows = []
    applied = {row[0] for row in rows}
    # Every shipped number, not just the highest: a migration merged late may be numbered lower.
    if applied >= {number for number, _, _ in shipped}:
        return []
    done = []
    for number, name, sql in shipped:
        if number in applied:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [number, name, datetime.now(UTC)]
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(number)
    return done


class Lease:
    """Keeps the warehouse open in this process while it is used back to back.

    Opening the file costs about 30 ms and the last close a checkpoint: a run landing
    batch after batch (a re-run over unchanged pages) would spend most of its time there.
    While the lease is held, every `connection()` to the file from this process joins the
    open instance for about 1 ms. The lease lets go after `idle` seconds without use. After
    `hold` seconds held it lets go even while in use: no use starts until those under way
    have ended (the last one's close frees the file) and `rest` seconds have passed after
    that, so that others (a `duckdb` shell, `ingest query`, another run) get the file.

    Taking the file is one try: when another process holds it, the use goes on without
    the lease, and its own `connection()` waits with its own patience. Uses must not nest
    in one thread: an inner use could wait for the outer one to end.
    """

    IDLE = 0.25
    HOLD = 5.0
    REST = 0.5

    def __init__(
        self, path: Path, idle: float = IDLE, hold: float = HOLD, rest: float = REST
    ) -> None:
        self.path = path
        self.idle, self.hold, self.rest = idle, hold, rest
        self._key = path.resolve()
        self._state = threading.Condition()
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._taken = 0.0  # when the file was taken
        self._used = 0.0  # when the last use ended
        self._rest_until = 0.0
        # Let go after the hold, with uses still under way: the rest starts once they end,
        # when the file is free, and until then no use starts.
        self._closing = False
        self._watch: threading.Thread | None = None

    @contextmanager
    def use(self) -> Iterator[None]:
        """Hold the file (if another process does not) for one use of it."""
        with self._state:
            # Waiting for the uses under way is capped at one hold: past it this use goes on
            # (a lookup must not wait out a landing that waits for another process) without
            # taking the file, so the rest still follows the uses under way.
            give_up = time.monotonic() + self.hold
            while (self._closing and time.monotonic() < give_up) or (
                not self._closing and (wait := self._rest_until - time.monotonic()) > 0
            ):
                self._state.wait(give_up - time.monotonic() if self._closing else wait)
            if self._conn is None and not self._closing:
                self._take()
            self._users += 1
        try:
            yield
        finally:
            with self._state:
                self._users -= 1
                self._used = time.monotonic()
                if self._closing and self._users == 0:  # the last use's close freed the file
                    self._closing = False
                    self._rest_until = self._used + self.rest
                self._state.notify_all()

    def release(self) -> None:
        """Let go of the file now (at the end of a run)."""
        with self._state:
            self._let_go()
            self._state.notify_all()

    def _take(self) -> None:
        try:
            self._conn = open_connection(self.path, policy=LockPolicy(timeout=0))
        except WarehouseLocked:
            return
        with _INSTANCE:
            _HELD[self._key] = self._conn
        self._taken = time.monotonic()
        if self._watch is None:
            self._watch = threading.Thread(
                target=self._watch_idle, name="warehouse-lease", daemon=True
            )
            self._watch.start()

    def _let_go(self) -> None:
        if self._conn is None:
            return
        with _INSTANCE:
            if _HELD.get(self._key) is self._conn:
                del _HELD[self._key]
            self._conn.close()
        self._conn = None

    def _watch_idle(self) -> None:
        with self._state:
            while self._conn is not None:
                now = time.monotonic()
                if now - self._taken >= self.hold:
                    # Uses under way keep their own connections; the file is free once they
                    # end, and the rest counts from then (a batch landing for 0.6 s used to
                    # eat the whole 0.5 s rest, and readers waited 18 s in a first run).
                    self._let_go()
                    if self._users:
                        self._closing = True
                    else:
                        self._rest_until = time.monotonic() + self.rest  # after the checkpoint
                    break
                if self._users == 0 and now - self._used >= self.idle:
                    self._let_go()
                    break
                wake = self._taken + self.hold
                if self._users == 0:
                    wake = min(wake, self._used + self.idle)
                self._state.wait(max(wake - now, 0.01))
            self._watch = None  # under the lock: the next take starts a new watcher
