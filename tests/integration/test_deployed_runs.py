"""prefect.yaml deployed to a real Prefect server, run by a real worker, triggered from the CLI."""

from __future__ import annotations

import duckdb
import pytest
from conftest import ROOT, run_cli

from flows.deployments import prefect_schedule
from flows.report import PROGRESS_KEY, SUMMARY_KEY

from .conftest import Deployed, WatchedRun

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SAMPLES = sorted(
    [*(ROOT / "samples" / "pages").glob("*.html"), *(ROOT / "samples" / "texts").glob("*.txt")]
)


def test_deployment_on_the_server_has_the_schedule_parameters_and_limit_of_prefect_yaml(
    deployed: Deployed,
) -> None:
    spec = deployed.ingest
    deployment = deployed.server.get(f"/deployments/{deployed.ingest_id}")
    assert deployment["work_pool_name"] == spec.work_pool
    assert deployment["parameters"] == dict(spec.parameters)
    written = [prefect_schedule(s) for s in spec.schedules]
    served = [d["schedule"] for d in deployment["schedules"]]
    assert [(s["cron"], s["timezone"]) for s in served] == [(w.cron, w.timezone) for w in written]
    assert deployment["global_concurrency_limit"]["limit"] == spec.concurrency.limit == 1
    assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    # The worker finds the code through the pull step: the directory deployed from.
    steps = deployment["pull_steps"]
    assert steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]


def test_cli_triggers_the_deployment_and_watches_it_complete(watched_run: WatchedRun) -> None:
    result = watched_run.result
    assert result.returncode == 0, result.stderr[-4000:]
    assert watched_run.report["state_type"] == "COMPLETED"
    # --watch followed the run: its states and the flow's own log lines came through.
    assert "state: Running" in result.stderr and "state: Completed" in result.stderr
    assert "batch 1 landed" in result.stderr
    # The run's log lines in order, its final state after the last of them (the flow's own
    # last line among them), however late the run's process sent them to the server.
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("state: Completed"), lines[-8:]
    assert sum(line.startswith("state: Completed") for line in lines) == 1
    assert any("Finished in state Completed()" in line for line in lines), lines[-8:]
    outcomes = {
        r["outcome"]: r["documents"] for r in watched_run.report["tables"]["ingest-outcomes"]
    }
    assert outcomes["new documents"] == len(SAMPLES)


def test_deployed_run_lands_the_samples_in_the_warehouse_it_was_given(
    watched_run: WatchedRun,
) -> None:
    assert watched_run.warehouse.exists(), "the --param warehouse override did not reach the run"
    with duckdb.connect(str(watched_run.warehouse), read_only=True) as conn:
        locators = [row[0] for row in conn.execute("select locator from articles").fetchall()]
        runs = conn.execute("select status, seen from runs").fetchall()
    expected = {f"samples:{p.relative_to(ROOT / 'samples').as_posix()}" for p in SAMPLES}
    assert set(locators) == expected
    assert runs == [("completed", len(SAMPLES))]


def test_run_summary_and_progress_artifacts_can_be_read_back_from_the_api(
    deployed: Deployed, watched_run: WatchedRun
) -> None:
    flow_run_id = watched_run.report["flow_run_id"]
    artifacts = deployed.server.post(
        "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
    )
    by_key = {a["key"]: a for a in artifacts}
    summary = by_key[SUMMARY_KEY]
    assert summary["type"] == "markdown"
    assert f"| new documents | {len(SAMPLES)} |" in summary["data"]
    assert (
        "## New versions" in summary["data"]
        and "| title | publisher | published |" in (summary["data"])
    )
    assert by_key[PROGRESS_KEY]["type"] == "progress" and by_key[PROGRESS_KEY]["data"] == 100.0
    run = deployed.server.get(f"/flow_runs/{flow_run_id}")
    assert run["deployment_id"] == deployed.ingest_id and run["state_type"] == "COMPLETED"


def test_serve_refuses_a_deployment_that_a_work_pool_already_runs(deployed: Deployed) -> None:
    result = run_cli("serve", env=deployed.server.env, timeout=120)
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert result.returncode == 2 and "Traceback" not in message
    assert f"{deployed.ingest_name} is already deployed to work pool" in message
    assert f"prefect deployment delete {deployed.ingest_name}" in message


def test_watch_exits_non_zero_with_the_reason_when_the_run_fails(deployed: Deployed) -> None:
    result = run_cli(
        "run",
        "--deployment",
        deployed.ingest_name,
        "--param",
        "sources_file=no-such-sources.yaml",
        "--watch",
        env=deployed.server.env,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert "state: Failed" in result.stderr
    assert "no-such-sources.yaml: no such file" in " ".join(result.stderr.split())
    assert result.stdout.strip().endswith(": Failed")


def test_a_parameter_out_of_range_is_refused_before_a_run_exists(deployed: Deployed) -> None:
    runs_before = deployed.server.post("/flow_runs/count", {})
    result = run_cli(
        "run",
        "--deployment",
        deployed.ingest_name,
        "--param",
        "workers=0",
        env=deployed.server.env,
        timeout=120,
    )
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "Traceback" not in message, message
    assert f"the server refused to start {deployed.ingest_name}" in message
    assert "workers" in message and "minimum of 1" in message
    assert deployed.server.post("/flow_runs/count", {}) == runs_before
    # The UI's Run form checks its values with this endpoint, against the same schema.
    schema = deployed.server.get(f"/deployments/{deployed.ingest_id}")["parameter_openapi_schema"]
    checked = deployed.server.post(
        "/ui/schemas/validate", {"schema": schema, "values": {"workers": 0}}
    )
    assert not checked["valid"] and "workers" in str(checked["errors"]), checked
