"""Crash and resume: `ingest run` killed with SIGKILL while it lands; the warehouse opens cleanly,
holds only whole batches, and the next run lands the rest without a duplicate version."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from conftest import run_cli, write_sources
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from processes import gone, holding, ingest
from support import article_pages, warehouse_rows

from warehouse.spool import pending, spool_dir

DOCS = 100
BATCH = 4
# The kill comes up to 0.3 s after batch KILL_AFTER[1] lands. Landing a batch of four takes tens
# of milliseconds, so at least 17 batches must still be to come, or the run may finish first.
KILL_AFTER = (2, 8)


def setup(root: Path) -> Path:
    """DOCS small articles on disk and a sources file; returns the warehouse path."""
    article_pages(root, DOCS)
    write_sources(root / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    return root / "data" / "warehouse.duckdb"


def run_args(warehouse: Path) -> tuple[str, ...]:
    return ("run", "--batch-size", str(BATCH), "--warehouse", str(warehouse), "--json")


def assert_whole_and_unique(warehouse: Path) -> None:
    """Every document once, at version 1; (document, version) unique; batches whole."""
    assert warehouse_rows(
        warehouse, "select count(*), count(distinct document_id), max(version) from versions"
    ) == [(DOCS, DOCS, 1)]
    assert warehouse_rows(
        warehouse,
        "select count(*) from (select document_id, version from versions group by all having count(*) > 1)",
    ) == [(0,)]
    assert warehouse_rows(
        warehouse,
        """select count(*) from (
             select content_hash = lag(content_hash) over (partition by document_id order by version) as same
             from versions) where same""",
    ) == [(0,)]
    check = run_cli("check", "--warehouse", str(warehouse))
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("moment", ["after a random batch", "while a landing transaction is open"])
def test_killed_run_leaves_whole_batches_and_the_next_run_lands_the_rest(
    moment: str, tmp_path: Path, prefect_api: str, ledger: Ledger
) -> None:
    warehouse = setup(tmp_path)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    batch = rng.randint(*KILL_AFTER)
    env = {"PREFECT_API_URL": prefect_api}
    with ingest(*run_args(warehouse), cwd=tmp_path, env=env) as run:
        run.wait_for(rf"batch {batch} landed")
        workers = run.children()
        wal = warehouse.with_name(warehouse.name + ".wal")
        if moment == "after a random batch":
            time.sleep(rng.uniform(0, 0.3))
        else:
            deadline = time.monotonic() + 30
            while not wal.exists() and time.monotonic() < deadline:
                time.sleep(0.0005)
            assert wal.exists(), "no landing transaction was seen to open"
        wal_at_kill = wal.exists()
        run.kill()
        assert run.proc.returncode == -9
    assert gone(workers) == [], "extraction workers must exit when their run is killed"

    # The file opens cleanly (replaying its WAL if it has one) and holds only whole batches.
    [(observations, batches, recorded)] = warehouse_rows(
        warehouse,
        "select (select count(*) from observation_log), count(*), coalesce(sum(observations), 0)"
        " from landed_batches",
    )
    [(status,)] = warehouse_rows(warehouse, "select status from runs")
    assert observations == recorded == batches * BATCH, "a partial batch is visible"
    assert batches >= batch and status == "unfinished"
    check = run_cli("check", "--warehouse", str(warehouse))
    assert check.returncode == 0, check.stdout

    resume = run_cli(*run_args(warehouse), cwd=tmp_path, env=env)
    assert resume.returncode == 0, resume.stderr
    summary = json.loads(resume.stdout)
    assert summary["new"] == DOCS - observations and summary["unchanged"] == observations
    assert_whole_and_unique(warehouse)
    ledger.add(
        "faults",
        f"SIGKILL {moment}",
        f"`ingest run` over {DOCS} documents in batches of {BATCH}, killed after batch "
        f"{batch} (seed {seed}; WAL {'present' if wal_at_kill else 'absent'} at the kill)",
        f"{batches} whole batches visible, no partial one; the next run landed the other "
        f"{DOCS - observations}",
        message="",
        documents=DOCS,
        kept=DOCS,
    )


def test_run_killed_while_batches_wait_in_the_spool_loses_none(
    tmp_path: Path, prefect_api: str, ledger: Ledger
) -> None:
    warehouse = setup(tmp_path)
    env = {"PREFECT_API_URL": prefect_api, "INGEST_LOCK_TIMEOUT": "1"}
    with holding(warehouse, 120):
        with ingest(*run_args(warehouse), cwd=tmp_path, env=env) as run:
            run.wait_for(r"batch 3 spooled")
            workers = run.children()
            run.kill()
        spooled = len(pending(spool_dir(warehouse)))
        assert spooled >= 3
    assert gone(workers) == []
    resume = run_cli(*run_args(warehouse), cwd=tmp_path, env=env)
    assert resume.returncode == 0, resume.stderr
    summary = json.loads(resume.stdout)
    assert summary["recovered_from_spool"] == spooled * BATCH
    assert summary["new"] + summary["recovered_from_spool"] == DOCS
    assert pending(spool_dir(warehouse)) == []
    assert_whole_and_unique(warehouse)
    ledger.add(
        "faults",
        "SIGKILL while batches wait in the spool",
        "a process holds the file read-write; `ingest run` (lock budget 1 s) spools three "
        "batches and is killed; the holder exits; the next run starts",
        f"the next run landed the {spooled} spooled batches first, then the rest",
        message="",
        documents=DOCS,
        kept=DOCS,
    )
