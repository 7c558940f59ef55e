"""Concurrent access: two runs at once, a person holding the file read-write for 20 s, and
`ingest query` during a run. Everyone finishes and every batch lands."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import run_cli, write_sources
from httpsite import Site
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from processes import holding, ingest
from support import PARAGRAPH, article_pages, warehouse_rows

from warehouse.connection import WarehouseLocked, connection
from warehouse.read import open_read_only
from warehouse.spool import pending, spool_dir

HOLD = 20.0


def web_pages(site: Site, count: int) -> list[str]:
    """`count` distinct article pages on the local server."""
    return [
        site.page(
            f"/news/{i}.html",
            f"<html><head><title>第{i}号通知</title></head><body><article><h1>第{i}号通知</h1>"
            f"<p>{PARAGRAPH}</p><p>这是第{i}篇文章的正文，编号{i * 7919}。</p></article></body></html>",
        )
        for i in range(count)
    ]


def slow_web_run(root: Path, site: Site, count: int, delay: float) -> Path:
    """A sources file whose run takes about count × delay seconds; returns the warehouse path."""
    urls = web_pages(site, count)
    write_sources(
        root / "sources.yaml",
        [
            {
                "name": "web",
                "kind": "urls",
                "urls": urls,
                "politeness": {"delay": delay, "concurrency": 1},
            }
        ],
    )
    return root / "data" / "warehouse.duckdb"


def counts(warehouse: Path) -> tuple[int, int, int]:
    """(versions, distinct documents with a version, observations)."""
    [row] = warehouse_rows(
        warehouse,
        "select (select count(*) from versions), (select count(distinct document_id) from versions),"
        " (select count(*) from observation_log)",
    )
    return row


def checked(warehouse: Path) -> None:
    result = run_cli("check", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_runs_at_once_land_everything_once(
    tmp_path: Path, prefect_api: str, ledger: Ledger
) -> None:
    article_pages(tmp_path, 60)
    write_sources(tmp_path / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    args = ("run", "--batch-size", "5", "--warehouse", str(warehouse), "--json")
    env = {"PREFECT_API_URL": prefect_api}
    with (
        ingest(*args, cwd=tmp_path, env=env) as first,
        ingest(*args, cwd=tmp_path, env=env) as second,
    ):
        codes = (first.finish(), second.finish())
        outputs = (first.output, second.output)
    assert codes == (0, 0), outputs
    summaries = [json.loads(o[o.index("{\n") :]) for o in outputs]
    assert sum(s["new"] for s in summaries) == 60
    assert sum(s["new"] + s["unchanged"] for s in summaries) == 120
    assert counts(warehouse) == (60, 60, 120)
    checked(warehouse)
    ledger.add(
        "faults",
        "two `ingest run` at once",
        "two processes ingest the same 60 documents into one warehouse, batches of 5",
        "both finish; each document has one version; 120 observations",
        message="",
        documents=60,
        kept=counts(warehouse)[1],
    )


def test_file_held_read_write_for_20_s_during_a_run_costs_a_wait_not_data(
    tmp_path: Path, site: Site, prefect_api: str, ledger: Ledger
) -> None:
    warehouse = slow_web_run(tmp_path, site, 30, 0.2)
    env = {"PREFECT_API_URL": prefect_api}
    with ingest(
        "run", "--batch-size", "5", "--warehouse", str(warehouse), "--json", cwd=tmp_path, env=env
    ) as run:
        run.wait_for(r"batch 2 landed")
        started = time.monotonic()
        with holding(warehouse, HOLD) as holder:
            holder.wait(HOLD + 30)
        code = run.finish()
        waited = time.monotonic() - started
    assert code == 0, run.output
    assert counts(warehouse)[:2] == (30, 30)
    assert not re.search(r"batch \d+ spooled", run.output), "within the budget a batch waits"
    summary = json.loads(run.output[run.output.index("{\n") :])
    assert summary["new"] == 30 and summary["spooled"] == 0
    assert waited >= HOLD - 1
    assert pending(spool_dir(warehouse)) == []
    checked(warehouse)
    ledger.add(
        "faults",
        f"file held read-write for {HOLD:g} s (lock budget 30 s)",
        "after batch 2, another process opens the warehouse read-write, as `duckdb FILE` does",
        f"landing waited with backoff and went on when the holder let go ({waited:.0f} s)",
        message="",
        documents=30,
        kept=30,
    )


def test_lock_outlasting_the_budget_spools_and_the_next_batch_lands_the_spool(
    tmp_path: Path, site: Site, prefect_api: str, ledger: Ledger
) -> None:
    warehouse = slow_web_run(tmp_path, site, 60, 0.5)
    env = {"PREFECT_API_URL": prefect_api, "INGEST_LOCK_TIMEOUT": "2"}
    with ingest(
        "run", "--batch-size", "5", "--warehouse", str(warehouse), "--json", cwd=tmp_path, env=env
    ) as run:
        run.wait_for(r"batch 2 landed")
        with holding(warehouse, HOLD) as holder:
            first = int(run.wait_for(r"batch (\d+) spooled", timeout=HOLD).group(1))
            # later batches try briefly, and say so rather than seeming to ignore the budget
            then = int(run.wait_for(r"batch (\d+) spooled", timeout=HOLD).group(1))
        run.wait_for(r"Landed \d+ spooled batch")
        code = run.finish()
    assert code == 0, run.output
    log = " ".join(run.output.split())
    assert re.search(
        rf"batch {first} spooled to \S+: the warehouse stayed locked by \S+ \(PID {holder.pid}"
        r".{0,300}? for the whole 2 s lock budget",
        log,
    ), log
    assert re.search(
        rf"batch {then} spooled to \S+: the warehouse is still locked by \S+ "
        rf"\(PID {holder.pid}.{{0,300}}?; spooled after 0.5 s, not the whole 2 s lock budget "
        r"again \(it stayed locked that long for an earlier batch\)",
        log,
    ), log
    summary = json.loads(run.output[run.output.index("{\n") :])
    assert summary["spooled"] == 0 and summary["new"] == 60
    [(spooled_batches,)] = warehouse_rows(
        warehouse, "select count(*) from landed_batches where spooled_at is not null"
    )
    assert spooled_batches >= 1
    assert counts(warehouse) == (60, 60, 60)
    assert pending(spool_dir(warehouse)) == []
    checked(warehouse)
    ledger.add(
        "faults",
        f"file held for {HOLD:g} s against a 2 s lock budget",
        "INGEST_LOCK_TIMEOUT=2; another process holds the warehouse read-write for 20 s mid-run",
        f"{spooled_batches} batch(es) spooled to disk and landed by the first batch after the holder "
        "let go, in the same run",
        message="",
        documents=60,
        kept=counts(warehouse)[1],
    )


def test_spool_left_at_the_end_of_a_run_lands_on_the_next_run(
    tmp_path: Path, prefect_api: str, ledger: Ledger
) -> None:
    article_pages(tmp_path, 20)
    write_sources(tmp_path / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    args = ("run", "--batch-size", "5", "--warehouse", str(warehouse), "--json")
    env = {"PREFECT_API_URL": prefect_api, "INGEST_LOCK_TIMEOUT": "1"}
    with holding(warehouse, 120) as holder:
        locked = run_cli(*args, cwd=tmp_path, env=env)
        assert locked.returncode == 0, locked.stderr
        first = json.loads(locked.stdout)
        assert first["spooled"] == 20 and first["spool_entries"] >= 4
        log = " ".join(locked.stderr.split())
        assert "the next `ingest run` lands them" in log
    # Every wait is bounded by the 1 s budget, the end of the run's too, and says what it is.
    assert first["elapsed_s"] < 20, first["elapsed_s"]
    held_by = rf"locked by \S+ \(PID {holder.pid}"
    assert re.search(
        held_by + r".{0,300}?; spooled after 0.5 s, not the whole 1 s lock budget again "
        r"\(it stayed locked that long for the run's start\)",
        log,
    ), log
    assert re.search(
        held_by + r".{0,300}?; bringing search and signatures up to date waits up to 1 s", log
    ), log
    assert "Search and signatures not brought up to date" in log
    assert re.search(held_by + r".{0,300}?; the run's end waits up to 1 s for it", log), log
    assert "for the whole 1 s the run's end waited" in log
    second = json.loads(run_cli(*args, cwd=tmp_path, env=env).stdout)
    assert second["recovered_from_spool"] == 20 and second["unchanged"] == 20
    assert pending(spool_dir(warehouse)) == []
    statuses = warehouse_rows(warehouse, "select status from runs order by started_at")
    assert statuses == [("completed",), ("completed",)], "the first run's end was spooled too"
    checked(warehouse)
    ledger.add(
        "faults",
        "lock held for a whole run",
        "a process holds the warehouse for the whole of a 20-document run (lock budget 1 s)",
        "all 4 batches and the run's end spooled; the next run landed them first",
        message="",
        documents=20,
        kept=20,
    )


def test_query_during_a_run_gets_in(
    tmp_path: Path, site: Site, prefect_api: str, ledger: Ledger
) -> None:
    warehouse = slow_web_run(tmp_path, site, 20, 0.3)
    env = {"PREFECT_API_URL": prefect_api}
    seen = []
    with ingest(
        "run", "--batch-size", "2", "--warehouse", str(warehouse), cwd=tmp_path, env=env
    ) as run:
        run.wait_for(r"batch 1 landed")
        while run.proc.poll() is None:
            result = run_cli(
                "query",
                "select count(*) from observations",
                "--format",
                "csv",
                "--warehouse",
                str(warehouse),
            )
            assert result.returncode == 0, result.stderr
            seen.append(int(result.stdout.split()[1]))
        assert run.finish() == 0
    assert len(seen) >= 3 and seen == sorted(seen)
    ledger.add(
        "faults",
        "`ingest query` during a run",
        f"{len(seen)} queries in a row while a 20-document run lands batches of 2",
        "every query got in (read-only, retrying while a batch landed)",
        message="",
        documents=20,
        kept=counts(warehouse)[1],
    )


def test_query_gives_up_naming_who_holds_the_file(tmp_path: Path, ledger: Ledger) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with holding(warehouse, 60) as holder:
        started = time.monotonic()
        result = run_cli("query", "select 1", "--wait", "2", "--warehouse", str(warehouse))
        seconds = time.monotonic() - started
    assert result.returncode == 3
    message = " ".join(result.stderr.split())
    assert f"PID {holder.pid}" in message and "python" in message and "duckdb" in message
    waited = float(re.search(r"gave up after ([0-9.]+) s", message)[1])
    assert 1.5 <= waited <= 2.5 and seconds < 15
    ledger.add(
        "faults",
        "`ingest query` while a shell holds the file",
        "a process holds the warehouse read-write; `ingest query --wait 2`",
        "retried for 2 s, then exit 3 naming the holder",
        message=message.removeprefix("error: "),
        documents=0,
        kept=0,
    )


def test_query_waits_out_a_short_hold(tmp_path: Path, prefect_api: str) -> None:
    article_pages(tmp_path, 3)
    write_sources(tmp_path / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert (
        run_cli(
            "run", "--warehouse", str(warehouse), cwd=tmp_path, env={"PREFECT_API_URL": prefect_api}
        ).returncode
        == 0
    )
    with holding(warehouse, 4):
        started = time.monotonic()
        result = run_cli(
            "query",
            "select count(*) from articles",
            "--format",
            "csv",
            "--warehouse",
            str(warehouse),
        )
    assert result.returncode == 0 and result.stdout.split()[1] == "3"
    assert time.monotonic() - started > 2


def test_python_opens_the_file_read_only_once_its_holder_lets_go(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with connection(warehouse):
        pass  # made and migrated
    with holding(warehouse, 2):
        with pytest.raises(WarehouseLocked, match="locked by"):
            open_read_only(warehouse, wait=0.3)
        started = time.monotonic()
        conn = open_read_only(warehouse, wait=30)
    try:
        assert time.monotonic() - started > 1
        assert conn.execute("select count(*) from articles").fetchone() == (0,)
    finally:
        conn.close()
