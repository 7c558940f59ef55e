"""The Prefect UI of the test server, in headless Chromium: what a user sees after deploying."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.report import SUMMARY_KEY

from .chromium import Chromium, find_chromium
from .conftest import ARTIFACTS, Deployed, WatchedRun

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
UI_TIMEOUT = 90.0  # the first page load compiles the single-page app's assets


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/<test name>/, emptied first: screenshots of this test."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture
def browser(shots: Path, tmp_path: Path) -> Iterator[Chromium]:
    """Headless Chromium with an empty profile, stopped after the test."""
    binary = find_chromium()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    with Chromium(binary, tmp_path / "profile", shots / "chromium.log") as chromium:
        yield chromium


def daily_cron_text(cron: str) -> str:
    """How the UI words a daily 'M H * * *' cron, e.g. 'At 02:30 AM every day'."""
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], f"the test only words daily crons, not {cron!r}"
    h, m = int(hour), int(minute)
    return f"At {(h % 12) or 12:02d}:{m:02d} {'AM' if h < 12 else 'PM'} every day"


def test_deployment_page_shows_its_name_and_schedule_with_timezone(
    deployed: Deployed, browser: Chromium, shots: Path
) -> None:
    schedule = deployed.ingest.schedules[0]
    assert schedule.cron is not None
    wording = daily_cron_text(schedule.cron)
    browser.goto(f"{deployed.server.ui}/deployments/deployment/{deployed.ingest_id}")
    try:
        text = browser.wait_for_text(wording, "Deployments", timeout=UI_TIMEOUT)
        assert deployed.ingest.name in text.split("\n")  # the page title: Deployments / samples
        # The timezone is in the tooltip of the schedule card.
        browser.hover_text(wording)
        browser.wait_for_text(f"{wording} ({schedule.timezone})", timeout=30)
    finally:
        browser.screenshot(shots / "deployment.png")


def test_flow_run_page_shows_its_state_and_summary_artifact(
    deployed: Deployed, watched_run: WatchedRun, browser: Chromium, shots: Path
) -> None:
    report = watched_run.report
    assert report.get("flow_run_id"), watched_run.result.stderr[-3000:]
    browser.goto(f"{deployed.server.ui}/runs/flow-run/{report['flow_run_id']}")
    try:
        browser.wait_for_text(report["flow_run_name"], "Completed", timeout=UI_TIMEOUT)
        browser.screenshot(shots / "flow-run.png")
        browser.click_text("Artifacts")
        browser.wait_for_text(SUMMARY_KEY, "Ingest run summary", timeout=30)
        browser.screenshot(shots / "flow-run-artifacts.png")
        browser.click_text(SUMMARY_KEY)
        # The artifact's own page renders the markdown report, titles of new versions included.
        with duckdb.connect(str(watched_run.warehouse), read_only=True) as conn:
            title = conn.execute("select min(title) from articles").fetchall()[0][0]
        browser.wait_for_text("Slowest sources", "New versions", title, timeout=30)
    finally:
        browser.screenshot(shots / "summary-artifact.png")
