"""Ctrl-C and kill -9 on `ingest run` with its own temporary Prefect server: the command stops
promptly, says so, and leaves no process behind; the warehouse stays whole for the next run."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import run_cli, write_sources
from httpsite import Site
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from processes import gone, ingest
from support import PARAGRAPH, warehouse_rows

from bench.corpus import build

DOCS = 40
BATCH = 2
# One request at a time, 0.25 s apart: the run takes 10 s or more however fast the machine,
# so Ctrl-C after the second batch always finds it running.
SLOW = {"delay": 0.25, "concurrency": 1}


def setup(root: Path, site: Site) -> tuple[Path, dict[str, str]]:
    """Pages on a local server, a sources file, and no Prefect server to report to."""
    urls = [
        site.page(
            f"/n/{i}.html",
            f"<html><head><title>第{i}号通知</title></head><body><article><h1>第{i}号通知</h1>"
            f"<p>{PARAGRAPH}</p><p>这是第{i}篇文章的正文，编号{i * 7919}。</p></article></body></html>",
        )
        for i in range(DOCS)
    ]
    write_sources(
        root / "sources.yaml", [{"name": "web", "kind": "urls", "urls": urls, "politeness": SLOW}]
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return root / "data" / "warehouse.duckdb", env


def args(warehouse: Path) -> tuple[str, ...]:
    return ("run", "--batch-size", str(BATCH), "--warehouse", str(warehouse))


def test_ctrl_c_stops_the_run_and_its_temporary_server(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    # Before, Ctrl-C reached the temporary server too; the run then retried every API call
    # against the dead server, fetching and landing on for minutes, and a second Ctrl-C or a
    # SIGTERM did not stop it.
    warehouse, env = setup(tmp_path, site)
    with ingest(*args(warehouse), cwd=tmp_path, env=env, terminal=True) as run:
        run.wait_for(r"batch 2 landed")
        children = run.children()  # the server and the extraction worker
        assert len(children) >= 2, run.output
        assert run.proc.poll() is None, "the run ended before Ctrl-C"
        run.ctrl_c()
        code = run.finish(timeout=60)
    assert code == 130, run.output
    assert "interrupted" in run.output
    assert gone(children) == [], "the temporary server and the workers must end with the command"
    [(status, message)] = warehouse_rows(warehouse, "select status, message from runs")
    assert status == "interrupted" and "Ctrl-C" in message
    check = run_cli("check", "--warehouse", str(warehouse))
    assert check.returncode == 0, check.stdout
    resume = run_cli(*args(warehouse), "--json", cwd=tmp_path, env=env)
    assert resume.returncode == 0, resume.stderr
    summary = json.loads(resume.stdout)
    assert summary["new"] + summary["unchanged"] == DOCS
    ledger.add(
        "faults",
        "Ctrl-C during `ingest run` (temporary Prefect server)",
        f"SIGINT to the command's process group after 2 of {DOCS // BATCH} batches landed",
        "exit 130, the run recorded as interrupted, no process left; the next run lands the rest",
        message=message,
        documents=DOCS,
        kept=warehouse_rows(warehouse, "select count(*) from versions")[0][0],
    )


def test_a_killed_run_takes_its_temporary_server_with_it(tmp_path: Path, site: Site) -> None:
    warehouse, env = setup(tmp_path, site)
    with ingest(*args(warehouse), cwd=tmp_path, env=env, terminal=True) as run:
        run.wait_for(r"batch 2 landed")
        children = run.children()
        assert len(children) >= 2, run.output
        assert run.proc.poll() is None, "the run ended before it could be killed"
        run.kill()
    assert gone(children) == [], "the temporary server must not outlive a killed command"


def test_ctrl_c_while_a_batch_lands_is_an_interruption(tmp_path: Path, ledger: Ledger) -> None:
    # Before, DuckDB turned the KeyboardInterrupt of a Ctrl-C that came during one of the
    # landing statements into RuntimeError('Query interrupted'): exit 1, the run recorded as
    # failed, two tracebacks, then a hundred lines of "nanobind: leaked …" at exit.
    pages, batch = 400, 100
    corpus = build(pages, tmp_path / "corpus")
    warehouse = tmp_path / "warehouse.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    run_args = ("run", "--sources", str(corpus / "sources.yaml"), "--warehouse", str(warehouse))
    # The statement that indexes a batch's terms for search is the longest of its landing.
    inside = ("land_tables", "conn.execute(_INDEX_TERMS)", 2)
    with ingest(
        *run_args, "--batch-size", str(batch), cwd=tmp_path, env=env, ctrl_c_inside=inside
    ) as run:
        run.wait_for(r"Ctrl-C pressed inside land_tables")
        code = run.finish(timeout=60)
    assert code == 130, run.output
    assert run.lines[-1].strip() == "interrupted", run.output
    for noise in ("Traceback", "RuntimeError", "Query interrupted", "nanobind", "leaked"):
        assert noise not in run.output, run.output
    [(status, message)] = warehouse_rows(warehouse, "select status, message from runs")
    assert status == "interrupted" and "Ctrl-C" in message
    # The batch being landed rolled back whole; the two before it are all there.
    so_far = [int(m) for m in re.findall(r"batch \d+ landed: (\d+) documents so far", run.output)]
    [(kept, observed)] = warehouse_rows(
        warehouse, "select (select count(*) from versions), (select count(*) from observations)"
    )
    assert so_far and kept == observed == so_far[-1] == 2 * batch, run.output
    check = run_cli("check", "--warehouse", str(warehouse))
    assert check.returncode == 0, check.stdout
    resume = run_cli(*run_args, "--json", cwd=tmp_path, env=env)
    assert resume.returncode == 0, resume.stderr
    summary = json.loads(resume.stdout)
    assert summary["new"] == pages - kept and summary["failed"] == 0, summary
    [(accounted,)] = warehouse_rows(warehouse, "select count(*) from versions")
    assert accounted == pages
    ledger.add(
        "faults",
        "Ctrl-C while `ingest run` lands a batch",
        f"SIGINT to the command's process group during a landing statement of batch 3 of "
        f"{pages // batch}",
        "exit 130, the run recorded as interrupted, the batch rolled back whole, no traceback; "
        "the next run lands the rest",
        message=message,
        documents=pages,
        kept=accounted,  # after the next run: the interrupted batch's pages land then
    )
