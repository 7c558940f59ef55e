"""Shared fixtures: seed texts, a real local HTTP server, a Prefect test server, sources files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from httpsite import Site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """Seed texts by number: '000' … '004'."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def site() -> Iterator[Site]:
    """A real HTTP server on 127.0.0.1, stopped after the test."""
    server = Site().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A temporary Prefect API server for the whole session; yields its URL."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def samples_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled samples and a sources file pointing at it."""
    target = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    write_sources(
        tmp_path / "sources.yaml",
        [
            {
                "name": "samples",
                "kind": "local",
                "path": "samples",
                "glob": ["pages/*.html", "texts/*.txt"],
            }
        ],
    )
    return tmp_path


def write_sources(path: Path, sources: list[dict], fetch: dict | None = None) -> Path:
    """Write a sources file; fetch settings default to fast retries for tests."""
    data = {
        "fetch": {
            "backoff": 0.01,
            "max_backoff": 0.05,
            "retries": 2,
            "read_timeout": 5.0,
            **(fetch or {}),
        },
        "sources": sources,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run `ingest …` as a subprocess, the way a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(Path(sys.executable).parent / "ingest"), *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ingest_flow(
    root: Path, sources: list[dict] | None = None, *, fetch: dict | None = None, **params: object
) -> dict:
    """Run the real `ingest` flow (under the session's Prefect test server) in `root`."""
    from flows.ingest import ingest

    sources_file = root / "sources.yaml"
    if sources is not None:
        write_sources(sources_file, sources, fetch)
    return ingest(
        sources_file=str(sources_file), warehouse=str(root / "warehouse.duckdb"), **params
    )


def query(root: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read the test warehouse directly with DuckDB."""
    import duckdb

    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()
