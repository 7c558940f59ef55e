"""The spool on its own: entries appear whole, land once however often they are offered, and an
unreadable one is set aside for a person without holding up the rest."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import run_cli
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from processes import holding
from support import warehouse_rows

from tasks.identity import file_locator
from tasks.process import with_derived
from tasks.records import Article, Observed
from tasks.segment import segmenter
from warehouse.check import check_warehouse
from warehouse.connection import LockPolicy, WarehouseLocked, open_connection
from warehouse.land import RunInfo, priors
from warehouse.lander import Lander
from warehouse.search import refresh_index
from warehouse.spool import pending, put, spool_dir

RUN = RunInfo("run-1", "ingest", datetime(2026, 1, 1, tzinfo=UTC), "test")


def batch(root: Path, names: list[str], text: str = "正文内容") -> list[Observed]:
    """Observations of articles named `names`, as a run would hand them to landing."""
    out = []
    for name in names:
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        article = Article(name, f"{text} {name}", None, None, (), (), None, "zh", "hans", "utf-8")
        out.append(
            Observed(
                file_locator("docs", root / "docs", path), datetime.now(UTC), "extracted", article
            )
        )
    return out


def test_locked_batch_is_spooled_whole_and_lands_first_next_time(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=0.5)
    with holding(warehouse, 60):
        landed, _ = lander.land(batch(tmp_path, ["a.txt", "b.txt"]), {})
        assert landed.spooled
    [entry] = pending(spool_dir(warehouse))
    assert {p.name for p in entry.path.iterdir()} == {"entry.json", "batch.arrow", "raw.arrow"}
    assert not list(spool_dir(warehouse).glob(".tmp-*"))
    landed, drained = lander.land(batch(tmp_path, ["c.txt"]), {})
    assert not landed.spooled and [d.outcomes["new"] for d in drained.landed] == [2]
    assert warehouse_rows(warehouse, "select count(*) from versions") == [(3,)]
    first = warehouse_rows(
        warehouse, "select locator from observation_log order by observed_at limit 1"
    )
    assert first == [("docs:a.txt",)]
    assert pending(spool_dir(warehouse)) == []


def test_a_lock_outlasting_the_budget_costs_one_whole_wait_and_each_message_says_which(
    tmp_path: Path,
) -> None:
    # The first batch the lock keeps out waits the whole budget; later ones try only briefly,
    # so fetching goes on, and say so instead of quoting their brief wait as if it were the
    # budget. The run's end waits the whole budget again, telling who it waits for.
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=2.0)
    assert not lander.land(batch(tmp_path, ["a.txt"]), {})[0].spooled
    heard: list[str] = []
    with holding(warehouse, 60) as holder:
        waits, why = [], []
        for name in ("b.txt", "c.txt", "d.txt"):
            started = time.monotonic()
            assert lander.land(batch(tmp_path, [name]), {})[0].spooled
            waits.append(time.monotonic() - started)
            why.append(lander.why_spooled or "")
        started = time.monotonic()
        _, waiting = lander.finish("completed", None, heard.append)
        end_wait = time.monotonic() - started
    assert waits[0] >= 1.5 and max(waits[1:]) < 1.0, waits
    pid = f"(PID {holder.pid}"
    assert pid in why[0] and "stayed locked by" in why[0] and "whole 2 s lock budget" in why[0]
    assert "later batches try 0.5 s each" in why[0] and "waits up to 2 s again" in why[0]
    for later in why[1:]:
        assert later.startswith("the warehouse is still locked by") and pid in later
        assert "spooled after 0.5 s, not the whole 2 s lock budget again" in later
        assert "(it stayed locked that long for an earlier batch)" in later
    assert 1.5 <= end_wait < 3, end_wait  # one budget for the spool and the run's end
    assert len(heard) == 1 and pid in heard[0], heard
    assert waiting == 4  # three batches and the run's end
    _, waiting = lander.finish("completed", None)
    assert waiting == 0
    assert warehouse_rows(warehouse, "select count(*) from versions") == [(4,)]


def test_a_step_that_opens_the_file_again_and_again_waits_one_budget_in_all(
    tmp_path: Path,
) -> None:
    # The end of a run signs and indexes in chunks, one open each: under one budget a holder
    # costs the step the budget once, and the step hears of the lock once.
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    heard: list[str] = []
    policy = LockPolicy(timeout=1.0, on_locked=heard.append).budget()
    with holding(warehouse, 60):
        started = time.monotonic()
        for _ in range(3):
            with pytest.raises(WarehouseLocked):
                open_connection(warehouse, policy=policy).close()
        spent = time.monotonic() - started
    assert 0.7 <= spent < 1.8, spent
    assert len(heard) == 1, heard


def test_a_spool_entry_landed_twice_adds_nothing_the_second_time(
    tmp_path: Path, ledger: Ledger
) -> None:
    # A process that dies after COMMIT but before deleting the entry leaves it behind; the
    # next process offers it again. Simulated exactly: keep a copy, put it back after landing.
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=0.5)
    with holding(warehouse, 60):
        lander.land(batch(tmp_path, ["a.txt", "b.txt", "c.txt"]), {})
    [entry] = pending(spool_dir(warehouse))
    copy = tmp_path / "copy"
    shutil.copytree(entry.path, copy)
    lander.start()
    before = warehouse_rows(warehouse, "select count(*) from observation_log")
    shutil.copytree(copy, entry.path)
    drained = lander.start()
    assert [d.already for d in drained.landed] == [True]
    assert warehouse_rows(warehouse, "select count(*) from observation_log") == before == [(3,)]
    assert warehouse_rows(warehouse, "select count(*) from versions") == [(3,)]
    assert pending(spool_dir(warehouse)) == []
    ledger.add(
        "faults",
        "spooled batch offered twice",
        "a spool entry put back after it landed (a process killed between COMMIT and cleanup)",
        "recognised by its batch id and skipped: no duplicate observation or version",
        message="",
        documents=3,
        kept=3,
    )


def test_a_batch_spooled_before_the_warehouse_was_replaced_lands_whole(tmp_path: Path) -> None:
    # A batch is looked up against the file as it is, and may land much later from the spool:
    # after the file was restored from an older backup, or started afresh. Its priors then
    # name versions the file does not have, and its documents must still get their rows.
    warehouse = tmp_path / "w.duckdb"
    first = Lander(warehouse, RUN, lock_timeout=0.5)
    first.land(batch(tmp_path, ["a.txt", "b.txt"]), {})
    first.finish("completed", None)
    second = Lander(warehouse, replace(RUN, run_id="run-2"), lock_timeout=0.5)
    changed = batch(tmp_path, ["a.txt", "b.txt"], "改过的正文")
    known = priors(warehouse, [o.locator.document_id for o in changed])
    assert len(known) == 2 and all(p.version == 1 for p in known.values())
    with holding(warehouse, 60):
        assert second.land(changed, known)[0].spooled
    for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        leftover.unlink(missing_ok=True)  # started afresh; the spool beside it stays
    drained = Lander(warehouse, replace(RUN, run_id="run-3"), lock_timeout=0.5).start()
    assert [d.outcomes["new"] for d in drained.landed] == [2]
    assert warehouse_rows(warehouse, "select count(*) from documents") == [(2,)]
    assert [f for f in check_warehouse(warehouse) if not f.ok] == []


def test_search_terms_a_spooled_batch_carries_are_cut_again_unless_cut_by_this_segmenter(
    tmp_path: Path,
) -> None:
    # A batch spooled by an older release carries terms its segmenter cut; landing must not
    # label them as this one's, or the end-of-run refresh would never cut them again.
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=0.5)
    with holding(warehouse, 60):
        assert lander.land(with_derived(batch(tmp_path, ["a.txt", "b.txt"]), {}), {})[0].spooled
    [entry] = pending(spool_dir(warehouse))
    assert entry.info["segmenter"] == segmenter()
    older = {k: v for k, v in entry.info.items() if k != "segmenter"}  # as releases before wrote
    tables = {"batch": entry.table("batch"), "raw": entry.table("raw")}
    shutil.rmtree(entry.path)
    put(spool_dir(warehouse), "batch", entry.batch_id, 2, older, tables)
    assert [d.outcomes["new"] for d in lander.start().landed] == [2]
    assert refresh_index(warehouse) == 2
    assert warehouse_rows(warehouse, "select distinct segmenter from search_docs") == [
        (segmenter(),)
    ]


def test_unreadable_spool_entry_is_set_aside_and_the_rest_land(
    tmp_path: Path, ledger: Ledger
) -> None:
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=0.5)
    with holding(warehouse, 60):
        lander.land(batch(tmp_path, ["a.txt"]), {})
        lander.land(batch(tmp_path, ["b.txt"]), {})
    first, _ = pending(spool_dir(warehouse))
    (first.path / "batch.arrow").write_bytes(b"not arrow at all")
    drained = lander.start()
    assert len(drained.rejected) == 1 and "batch.arrow" in drained.rejected[0]
    assert [d.outcomes["new"] for d in drained.landed] == [1]
    rejected = spool_dir(warehouse) / "rejected" / first.path.name
    assert (rejected / "REJECTED.txt").exists()
    check = run_cli("check", "--warehouse", str(warehouse))
    assert check.returncode == 1 and "spool" in check.stdout and first.path.name in check.stdout
    ledger.add(
        "faults",
        "corrupted spool entry",
        "the Arrow file of a spooled batch overwritten with junk",
        "moved to rejected/ with a note; the other entry landed; `ingest check` names it",
        message=drained.rejected[0],
        documents=2,
        kept=2,
    )


def test_entry_spooled_before_a_column_was_added_still_lands(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    lander = Lander(warehouse, RUN, lock_timeout=0.5)
    with holding(warehouse, 60):
        lander.land(batch(tmp_path, ["a.txt"]), {})
    [entry] = pending(spool_dir(warehouse))
    table = entry.table("batch").drop_columns(["language"])
    raw = entry.table("raw")
    shutil.rmtree(entry.path)
    put(spool_dir(warehouse), "batch", entry.batch_id, 1, entry.info, {"batch": table, "raw": raw})
    drained = lander.start()
    assert [d.outcomes["new"] for d in drained.landed] == [1]
    assert warehouse_rows(warehouse, "select locator, language from articles") == [
        ("docs:a.txt", None)
    ]


def test_spool_files_are_plain_arrow_a_person_can_read(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with holding(warehouse, 60):
        Lander(warehouse, RUN, lock_timeout=0.5).land(batch(tmp_path, ["a.txt"]), {})
    [entry] = pending(spool_dir(warehouse))
    with pa.memory_map(str(entry.path / "batch.arrow")) as source:
        table = pa.ipc.open_file(source).read_all()
    assert table.column("locator").to_pylist() == ["docs:a.txt"]
    assert duckdb.sql(
        f"select count(*) from read_json('{entry.path / 'entry.json'}')"
    ).fetchall() == [(1,)]
