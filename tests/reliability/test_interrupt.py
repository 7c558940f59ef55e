"""Ctrl-C and kill -9 on `ingest run` with its own temporary Prefect server: the command stops
promptly, says so, and leaves no process behind; the warehouse stays whole for the next run."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli, write_sources
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from processes import gone, ingest
from support import article_pages, warehouse_rows

DOCS = 60
BATCH = 2


def setup(root: Path) -> tuple[Path, dict[str, str]]:
    """Pages on disk, a sources file, and an environment without a Prefect server to report to."""
    article_pages(root, DOCS)
    write_sources(root / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return root / "data" / "warehouse.duckdb", env


def args(warehouse: Path) -> tuple[str, ...]:
    return ("run", "--batch-size", str(BATCH), "--warehouse", str(warehouse))


def test_ctrl_c_stops_the_run_and_its_temporary_server(tmp_path: Path, ledger: Ledger) -> None:
    # Before, Ctrl-C reached the temporary server too; the run then retried every API call
    # against the dead server, fetching and landing on for minutes, and a second Ctrl-C or a
    # SIGTERM did not stop it.
    warehouse, env = setup(tmp_path)
    with ingest(*args(warehouse), cwd=tmp_path, env=env, terminal=True) as run:
        run.wait_for(r"batch 2 landed")
        children = run.children()  # the server and the extraction worker
        assert len(children) >= 2, run.output
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


def test_a_killed_run_takes_its_temporary_server_with_it(tmp_path: Path) -> None:
    warehouse, env = setup(tmp_path)
    with ingest(*args(warehouse), cwd=tmp_path, env=env, terminal=True) as run:
        run.wait_for(r"batch 2 landed")
        children = run.children()
        assert len(children) >= 2, run.output
        run.kill()
    assert gone(children) == [], "the temporary server must not outlive a killed command"
