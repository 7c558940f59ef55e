"""A real Prefect server, the deployments of prefect.yaml, a worker and one watched run, per session.

Every process is started here with its own PREFECT_HOME and stopped by its PID in a finally
block. Their output goes to test-artifacts/prefect-server/ so a failure can be read afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, run_cli

from flows.deployments import DeploymentSpec, load_deployments

BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
SERVER_START_TIMEOUT = 180.0
RUN_TIMEOUT = 300.0


@dataclass(frozen=True)
class Server:
    """A running `prefect server start` and the environment that points at it."""

    api: str  # http://127.0.0.1:PORT/api
    ui: str  # http://127.0.0.1:PORT
    env: dict[str, str]
    logs: Path

    def post(self, path: str, body: dict | None = None) -> list | dict:
        """POST to the server's REST API and return the JSON answer."""
        response = httpx.post(f"{self.api}{path}", json=body or {}, timeout=30)
        response.raise_for_status()
        return response.json()

    def get(self, path: str) -> dict:
        """GET from the server's REST API."""
        response = httpx.get(f"{self.api}{path}", timeout=30)
        response.raise_for_status()
        return response.json()


@dataclass(frozen=True)
class Deployed:
    """The deployments of prefect.yaml on the server, and the ingest deployment the tests run."""

    server: Server
    specs: list[DeploymentSpec]
    ingest: DeploymentSpec
    ingest_name: str  # flow/deployment
    ingest_id: str


@dataclass(frozen=True)
class WatchedRun:
    """`ingest run --deployment … --watch` as a user runs it, and what it printed."""

    result: subprocess.CompletedProcess[str]
    report: dict  # its --json output
    warehouse: Path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run these tests last: their server and worker live until the session ends, and would
    take CPU from every test after them."""
    here = Path(__file__).parent
    items.sort(key=lambda item: here in Path(item.path).parents)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name: str, args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    """Start a process of ours with its output in logs/NAME.log."""
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / f"{name}.log").open("wb") as out:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen) -> None:
    """Stop a process we started, by its PID: politely, then firmly."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def prefect(server: Server, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the `prefect` CLI against the test server, from the project directory."""
    result = subprocess.run(
        [str(BIN / "prefect"), *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"prefect {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _wait_healthy(api: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy after {SERVER_START_TIMEOUT:.0f} s")


@contextmanager
def running_server(home: Path, logs: Path) -> Iterator[Server]:
    """`prefect server start` on 127.0.0.1 and a free port, with its own PREFECT_HOME."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        # The server tells the UI where its API is; clients, workers and runs use it too.
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "INGEST_WAREHOUSE": "",
        # prefect.yaml's pull step resolves {{ $PWD }} when deploying: the project directory.
        "PWD": str(ROOT),
    }
    server = Server(api, f"http://127.0.0.1:{port}", env, logs)
    proc = start(
        "server",
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env,
        logs,
    )
    try:
        _wait_healthy(api, proc, logs / "server.log")
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The Prefect server the deployment, worker and browser tests share."""
    with running_server(
        tmp_path_factory.mktemp("prefect-home"), ARTIFACTS / "prefect-server"
    ) as server:
        yield server


@pytest.fixture(scope="session")
def deployed(prefect_server: Server) -> Iterator[Deployed]:
    """The work pool, `prefect deploy --all` from prefect.yaml, and a worker polling the pool."""
    specs = load_deployments(ROOT / "prefect.yaml")
    ingest = next(s for s in specs if s.entrypoint == "flows/ingest.py:ingest")
    assert ingest.work_pool, "the ingest deployments need a work pool in prefect.yaml"
    prefect(prefect_server, "work-pool", "create", ingest.work_pool, "--type", "process")
    prefect(prefect_server, "deploy", "--all", "--no-prompt", timeout=300)
    name = f"ingest/{ingest.name}"
    deployment = prefect_server.get(f"/deployments/name/{name}")
    worker = start(
        "worker",
        [str(BIN / "prefect"), "worker", "start", "--pool", ingest.work_pool, "--limit", "1"],
        prefect_server.env,
        prefect_server.logs,
    )
    try:
        yield Deployed(prefect_server, specs, ingest, name, deployment["id"])
    finally:
        stop(worker)


@pytest.fixture(scope="session")
def watched_run(deployed: Deployed, tmp_path_factory: pytest.TempPathFactory) -> WatchedRun:
    """One run of the ingest deployment, triggered and watched from the `ingest` CLI."""
    warehouse = tmp_path_factory.mktemp("deployed") / "warehouse.duckdb"
    return watch_run(deployed.server, deployed.ingest_name, warehouse)


def watch_run(server: Server, deployment: str, warehouse: Path) -> WatchedRun:
    """`ingest run --deployment NAME --param warehouse=… --watch --json`, as a user types it."""
    result = run_cli(
        "run",
        "--deployment",
        deployment,
        "--param",
        f"warehouse={warehouse}",
        "--watch",
        "--json",
        env=server.env,
        timeout=RUN_TIMEOUT,
    )
    (server.logs / "ingest-run-watch.log").write_text(result.stderr, encoding="utf-8")
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return WatchedRun(result, report, warehouse)
