"""prefect.yaml as the project ships it, its loader, and `ingest run --deployment` / `ingest serve`
when there is no server. The real server, worker and UI are in tests/integration/."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from flows.deployments import DeploymentSpec, load_deployments, load_flow, runner_deployment
from flows.trigger import TriggerError, parse_params
from tasks.sources import ConfigError, load_sources

DEPLOYMENTS = load_deployments(ROOT / "prefect.yaml")


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=[d.name for d in DEPLOYMENTS])
def test_every_deployment_entrypoint_imports_a_flow_that_takes_its_parameters(
    spec: DeploymentSpec,
) -> None:
    from prefect.flows import Flow

    flow = load_flow(spec, ROOT)
    assert isinstance(flow, Flow)
    accepted = set(flow.parameters.properties)
    assert set(spec.parameters) <= accepted, (
        f"{spec.name}: unknown {set(spec.parameters) - accepted}"
    )


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=[d.name for d in DEPLOYMENTS])
def test_every_deployment_runs_one_at_a_time_and_queues_the_next(spec: DeploymentSpec) -> None:
    # All of them land in the one warehouse, and DuckDB takes one writer.
    assert spec.concurrency is not None
    assert (spec.concurrency.limit, spec.concurrency.collision_strategy) == (1, "ENQUEUE")
    assert spec.work_pool


def test_ingest_deployments_select_groups_that_exist_in_sources_yaml() -> None:
    ingest = [d for d in DEPLOYMENTS if d.entrypoint == "flows/ingest.py:ingest"]
    assert ingest, "prefect.yaml has no ingest deployment"
    for spec in ingest:
        sources = load_sources(ROOT / spec.parameters["sources_file"]).sources
        assert spec.parameters["group"] in {s.group for s in sources}, spec.name
        for schedule in spec.schedules:
            assert schedule.cron and schedule.timezone == "Asia/Shanghai"


def test_served_deployment_has_the_schedule_parameters_and_limit_written_in_the_file() -> None:
    spec = next(d for d in DEPLOYMENTS if d.schedules)
    served = runner_deployment(spec, load_flow(spec, ROOT))
    assert served.name == spec.name
    assert served.parameters == dict(spec.parameters)
    cron = served.schedules[0].schedule
    assert (cron.cron, cron.timezone) == (spec.schedules[0].cron, spec.schedules[0].timezone)
    assert served.concurrency_limit == 1
    assert served.concurrency_options.collision_strategy.value == "ENQUEUE"


def test_prefect_yaml_mistakes_name_the_line_and_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "prefect.yaml"
    bad.write_text(
        "deployments:\n"
        "  - name: nightly\n"
        "    entrypoint: flows/ingest.py:ingest\n"
        "    schedules:\n"
        "      - cron: '30 2 * * *'\n"
        "  - name: broken\n"
        "    entrypoint: flows/ingest.py\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_deployments(bad)
    assert caught.value.problems == [
        f"{bad} line 2: deployment 'nightly', schedule 1: no 'timezone'. Add one, e.g. "
        "'timezone: Asia/Shanghai'.",
        f"{bad} line 6: deployment 'broken': 'entrypoint' must be path/to/file.py:flow_function.",
    ]


def test_param_values_are_json_when_they_parse_else_text() -> None:
    assert parse_params(
        ["limit=5", "group=samples", 'sources=["a", "b"]', "warehouse=/tmp/w.duckdb", "x=null"]
    ) == {
        "limit": 5,
        "group": "samples",
        "sources": ["a", "b"],
        "warehouse": "/tmp/w.duckdb",
        "x": None,
    }
    assert parse_params(["title=a=b"]) == {"title": "a=b"}
    with pytest.raises(TriggerError, match="not NAME=VALUE"):
        parse_params(["limit"])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "command", [["run", "--deployment", "ingest/samples", "--watch"], ["serve"]]
)
def test_without_a_server_the_cli_says_how_to_start_one(command: list[str], tmp_path: Path) -> None:
    env = {"PREFECT_API_URL": "", "PREFECT_HOME": str(tmp_path / "prefect")}
    result = run_cli(*command, env=env)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "PREFECT_API_URL is not set" in message and "`uv run prefect server start`" in message
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # one sentence, wrapped at most once


def test_unreachable_server_is_one_sentence_with_the_fix(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    env = {"PREFECT_API_URL": url, "PREFECT_HOME": str(tmp_path / "prefect")}
    result = run_cli("run", "--deployment", "ingest/samples", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot reach the Prefect server at {url}" in result.stderr
    assert "`uv run prefect server start`" in " ".join(result.stderr.split())


def test_in_process_options_are_refused_with_a_deployment() -> None:
    result = run_cli("run", "--deployment", "ingest/samples", "--limit", "3")
    assert result.returncode == 2
    assert "--limit is for runs in this process" in result.stderr
    assert "--param limit=5" in result.stderr


def test_param_and_watch_need_a_deployment() -> None:
    result = run_cli("run", "--watch")
    assert result.returncode == 2 and "--param and --watch go with --deployment" in result.stderr


def test_a_deployment_whose_flow_does_not_exist_yet_says_so(tmp_path: Path) -> None:
    spec = DeploymentSpec(
        name="manual",
        entrypoint="flows/not_written_yet.py:reprocess",
        parameters={},
        schedules=(),
        concurrency=None,
        description=None,
        tags=(),
        work_pool=None,
        file="prefect.yaml",
        line=70,
    )
    with pytest.raises(ConfigError) as caught:
        load_flow(spec, ROOT)
    (problem,) = caught.value.problems
    assert problem.startswith("prefect.yaml line 70: deployment 'manual': cannot load")
    assert "comment the deployment out until its flow exists" in problem
