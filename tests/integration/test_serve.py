"""`ingest serve`: the deployments of prefect.yaml run from one process, with no work pool or worker."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.deployments import load_deployments

from .conftest import ARTIFACTS, BIN, ROOT, Server, running_server, start, stop, watch_run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def _wait_for_deployment(server: Server, name: str, serving, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert serving.poll() is None, (server.logs / "serve.log").read_text()[-3000:]
        try:
            return server.get(f"/deployments/name/{name}")
        except httpx.HTTPStatusError:
            time.sleep(0.5)
    raise TimeoutError(f"ingest serve did not register {name} within {timeout:.0f} s")


def test_served_deployment_runs_on_this_process_and_pauses_when_it_stops(
    tmp_path: Path,
) -> None:
    spec = next(s for s in load_deployments(ROOT / "prefect.yaml") if s.schedules)
    name = f"ingest/{spec.name}"
    with running_server(tmp_path / "prefect-home", ARTIFACTS / "prefect-serve") as server:
        serving = start("serve", [str(BIN / "ingest"), "serve"], server.env, server.logs)
        try:
            deployment = _wait_for_deployment(server, name, serving)
            assert deployment["work_pool_name"] is None  # nobody else needed to run it
            schedule = deployment["schedules"][0]["schedule"]
            assert (schedule["cron"], schedule["timezone"]) == (
                spec.schedules[0].cron,
                spec.schedules[0].timezone,
            )
            assert deployment["global_concurrency_limit"]["limit"] == 1
            run = watch_run(server, name, tmp_path / "warehouse.duckdb")
            assert run.result.returncode == 0, run.result.stderr[-3000:]
            assert run.report["state_type"] == "COMPLETED"
            with duckdb.connect(str(run.warehouse), read_only=True) as conn:
                assert conn.execute("select count(*) from articles").fetchall() == [(10,)]
        finally:
            stop(serving)
        # Stopping `ingest serve` pauses the schedules: nothing piles up while nobody serves.
        after = server.get(f"/deployments/name/{name}")
        assert after["paused"] or not any(s["active"] for s in after["schedules"])
