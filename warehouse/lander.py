"""Landing a run's batches without losing one: wait out a locked file, spool, land the spool first.

A person with `duckdb warehouse.duckdb` open, or another run landing, holds the
file. The Lander waits for it with backoff up to the lock budget; when the
budget runs out the batch goes to the spool (see `warehouse.spool`) and the run
carries on fetching, trying only briefly (BRIEF) until the file is free again,
so one holder costs the run one whole budget, not one per batch. The end of the
run waits the whole budget once more to land the spool and record the run's end
(and past that leaves both in the spool). Every landing first lands what waits in
the spool, oldest first, so the next batch or the next run makes the warehouse
whole. Re-landing an entry is harmless: batch ids are recorded in the same
transaction as the rows.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from tasks.records import Observed, Prior
from tasks.segment import segmenter
from warehouse.connection import Lease, LockPolicy, WarehouseLocked, connection
from warehouse.land import (
    Landed,
    RunInfo,
    attempted,
    finish_run,
    land,
    land_tables,
    priors,
    record_end,
    start_run,
    to_arrow,
)
from warehouse.spool import (
    Entry,
    SpoolError,
    pending,
    put,
    reject,
    reject_path,
    remove,
    scan,
    spool_dir,
    tidy,
)

# Once a batch has spooled, later ones try this long only, so fetching is not held up.
BRIEF = 0.5
# Looking up what is known before fetching is worth a short wait, not the whole lock budget.
LOOKUP = 5.0


@dataclass(frozen=True)
class Drained:
    """What landing the spool did: batches landed, run ends recorded, entries set aside."""

    landed: list[Landed] = field(default_factory=list)
    runs_ended: int = 0
    rejected: list[str] = field(default_factory=list)


class Lander:
    """Lands one run's batches into one warehouse, spooling those the lock keeps out."""

    def __init__(self, path: Path, run: RunInfo, lock_timeout: float = 30.0):
        self.path = path
        self.run = run
        self.spool = spool_dir(path)
        self.lock_timeout = lock_timeout
        self.holder: str | None = None  # who held the file when it was last found locked
        self.spooling = False  # landing gave up on the lock; later batches only try briefly
        # Why the last batch was spooled, in words; the run's log says it.
        self.why_spooled: str | None = None
        self._recorded = False  # the run's row is in the file, so batches need not add it
        self._waited_for: str | None = None  # what last waited the whole budget in vain
        self._patient = LockPolicy(timeout=lock_timeout)
        self._lookup = LockPolicy(timeout=min(lock_timeout, LOOKUP))
        self._brief = LockPolicy(timeout=min(lock_timeout, BRIEF))
        self._lease = Lease(path)  # batches landing back to back share one open file

    def start(self, on_locked: Callable[[str], None] | None = None) -> Drained:
        """Land anything spooled and record the run's start; a locked file only delays both.

        Both wait one lock budget between them; `on_locked` hears who holds the file when
        that wait starts.
        """
        policy = replace(self._patient, on_locked=on_locked).budget()
        try:
            with self._lease.use():
                drained = self._drain(policy)
                start_run(self.path, self.run, policy)
        except WarehouseLocked as exc:
            self.holder, self.spooling = exc.holder, True
            self._waited_for = "the run's start"
            return Drained()
        self._recorded = True
        return drained

    def known(self, document_ids: Sequence[str]) -> dict[str, Prior] | None:
        """What the warehouse knows about these documents, or None when it cannot be read now.

        Without it a batch fetches unconditionally and re-extracts unchanged pages, which is
        safe: the landing rule compares content inside the landing transaction.
        """
        policy = self._brief if self.spooling else self._lookup
        try:
            with self._lease.use():
                return priors(self.path, document_ids, policy)
        except WarehouseLocked as exc:
            self.holder = exc.holder  # landing keeps its own, longer patience
            return None

    def attempted(self, document_ids: Sequence[str]) -> set[str] | None:
        """Which of these documents earlier runs attempted, or None when it cannot be read now."""
        try:
            with self._lease.use():
                policy = self._brief if self.spooling else self._lookup
                return attempted(self.path, document_ids, policy)
        except WarehouseLocked as exc:
            self.holder = exc.holder
            return None

    def land(
        self, observed: Sequence[Observed], priors_used: dict[str, Prior]
    ) -> tuple[Landed, Drained]:
        """Land the spool and then this batch, or spool the batch if the file stays locked."""
        batch_id = uuid.uuid4().hex
        policy = self._brief if self.spooling else self._patient
        drained = Drained()
        try:
            with self._lease.use():
                drained = self._drain(policy)
                landed = land(
                    self.path, self.run, observed, priors_used, policy, batch_id, self._recorded
                )
        except WarehouseLocked as exc:
            self._spooled(exc, policy)
            batch, raw = to_arrow(observed, priors_used)
            put(
                self.spool,
                "batch",
                batch_id,
                len(observed),
                {"run": self.run.as_json(), "segmenter": segmenter()},
                {"batch": batch, "raw": raw},
            )
            return Landed(Counter(), [], batch_id, self.run.run_id, spooled=True), drained
        self.spooling = False
        self._recorded = self._recorded or bool(observed)  # landing a batch records the run
        return landed, drained

    def finish(
        self, status: str, message: str | None, on_locked: Callable[[str], None] | None = None
    ) -> tuple[Drained, int]:
        """Land the spool and record the run's end (spooled too if still locked).

        However briefly the last batches tried, this waits the whole lock budget again (both
        steps together): what the run spooled should land before it ends if it can.
        `on_locked` hears who holds the file when that wait starts. Returns what was drained and how many entries
        still wait in the spool.
        """
        finished_at = datetime.now(UTC)
        drained = Drained()
        policy = replace(self._patient, on_locked=on_locked).budget()
        try:
            with self._lease.use():
                drained = self._drain(policy)
                finish_run(self.path, self.run.run_id, status, message, policy, finished_at)
        except WarehouseLocked as exc:
            self.holder = exc.holder
            info = {
                "run_id": self.run.run_id,
                "status": status,
                "message": message,
                "finished_at": finished_at.isoformat(),
            }
            put(self.spool, "run_end", uuid.uuid4().hex, 0, info)
        finally:
            self._lease.release()
        return drained, len(pending(self.spool))

    def _spooled(self, exc: WarehouseLocked, policy: LockPolicy) -> None:
        """Note that this batch goes to the spool, and say why in the run's own terms."""
        self.holder, self.spooling = exc.holder, True
        if policy is self._patient or self._brief.timeout >= self.lock_timeout:
            self._waited_for = "an earlier batch"
            self.why_spooled = (
                f"the warehouse stayed locked by {exc.holder} for the whole "
                f"{self.lock_timeout:g} s lock budget; the run fetches on, later batches try "
                f"{self._brief.timeout:g} s each until the file is free, and the run's end "
                f"waits up to {self.lock_timeout:g} s again to land the spool"
            )
        else:
            self.why_spooled = (
                f"the warehouse is still locked by {exc.holder}; spooled after "
                f"{self._brief.timeout:g} s, not the whole {self.lock_timeout:g} s lock budget "
                f"again (it stayed locked that long for {self._waited_for})"
            )

    def _drain(self, policy: LockPolicy) -> Drained:
        """Land every spool entry, oldest first, each in its own transaction."""
        entries, unreadable = scan(self.spool)
        if not entries and not unreadable:
            return Drained()
        landed: list[Landed] = []
        ended = 0
        rejected = []
        with connection(self.path, policy=policy) as conn:
            for path, why in unreadable:
                reject_path(path, why)
                rejected.append(f"{path.name}: {why}")
            tidy(self.spool)
            for entry in entries:
                try:
                    if entry.kind == "run_end":
                        record_end(conn, *_run_end(entry))
                        ended += 1
                    else:
                        run = RunInfo.from_json(entry.info["run"])
                        batch, raw = entry.table("batch"), entry.table("raw")
                        # Entries from before the segmenter was recorded get a name that
                        # is nobody's, so their terms are cut again.
                        terms_by = str(entry.info.get("segmenter", "unrecorded"))
                        landed.append(
                            land_tables(
                                conn,
                                run,
                                entry.batch_id,
                                batch,
                                raw,
                                entry.spooled_at,
                                terms_by=terms_by,
                            )
                        )
                except (SpoolError, KeyError, ValueError, TypeError, pa.ArrowException) as exc:
                    why = f"cannot land this spool entry: {type(exc).__name__}: {exc}"
                    rejected.append(f"{reject(entry, why).name}: {why}")
                    continue
                remove(entry)  # before the connection closes, so no other process re-reads it
        return Drained(landed, ended, rejected)


def _run_end(entry: Entry) -> tuple[str, str, str | None, datetime]:
    info = entry.info
    return (
        str(info["run_id"]),
        str(info["status"]),
        info.get("message"),
        datetime.fromisoformat(str(info["finished_at"])),
    )
