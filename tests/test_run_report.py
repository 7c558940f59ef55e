"""What a run shows in the Prefect UI: a progress bar that moves, and the summary report."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, ingest_flow, query, write_sources
from httpsite import Site

from flows.report import PROGRESS_KEY, SUMMARY_KEY, RunReport
from tasks.progress import expected
from tasks.settings import build_settings
from tasks.summary import RunSummary

LOCAL = {"name": "samples", "kind": "local", "path": "samples", "glob": ["pages/*.html"]}


def _artifacts(flow_run_id: str) -> dict[str, object]:
    """The run's artifacts by key, read back through the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key: a.data for a in found}


def test_progress_counts_local_sources_before_the_run_and_respects_the_limit(
    samples_copy: Path,
) -> None:
    sources = write_sources(samples_copy / "sources.yaml", [LOCAL])
    whole = expected(build_settings(sources))
    assert whole.documents == 5 and "out of 5, counted in the sources" in whole.basis
    assert whole.percent(2, 1) == 40.0
    assert whole.percent(5, 1) == 99.0  # full only when the run says it has finished
    limited = expected(build_settings(sources, limit=2))
    assert limited.documents == 2 and "limited to 2" in limited.basis


def test_progress_of_sitemaps_is_the_limit_or_else_sources_finished(samples_copy: Path) -> None:
    sitemap = {"name": "map", "kind": "sitemap", "url": "http://127.0.0.1:9/sitemap.xml"}
    sources = write_sources(samples_copy / "sources.yaml", [LOCAL, sitemap])
    by_limit = expected(build_settings(sources, limit=40))
    assert by_limit.documents == 40 and "limit of 40" in by_limit.basis
    by_sources = expected(build_settings(sources))
    assert by_sources.documents is None and "Sources finished out of 2" in by_sources.basis
    assert [by_sources.percent(99, started) for started in (1, 2)] == [0.0, 50.0]


def progress_shown(samples: Path, every: float, landed: tuple[int, ...]) -> list[object]:
    """The progress bar after each of batches landing `landed` documents, and at the end."""
    from prefect import flow
    from prefect.runtime import flow_run

    settings = build_settings(write_sources(samples / "sources.yaml", [LOCAL]))

    @flow
    def landing_batches() -> list[object]:
        report = RunReport(expected(settings), every=every)
        summary = RunSummary("run", "warehouse")
        shown = []
        for count in landed:
            summary.outcomes["new"] = count
            summary.sources["samples"] = count
            report.progress(summary)
            shown.append(_artifacts(flow_run.get_id())[PROGRESS_KEY])
        summary.status = "completed"
        report.finish(summary)
        shown.append(_artifacts(flow_run.get_id())[PROGRESS_KEY])
        return shown

    return landing_batches()


@pytest.mark.usefixtures("prefect_api")
def test_progress_bar_moves_as_batches_land_and_fills_when_the_run_completes(
    samples_copy: Path,
) -> None:
    assert progress_shown(samples_copy, 0, (2, 4, 5)) == [40.0, 80.0, 99.0, 100.0]


@pytest.mark.usefixtures("prefect_api")
def test_progress_bar_moves_at_most_once_a_period_and_still_fills_at_the_end(
    samples_copy: Path,
) -> None:
    assert progress_shown(samples_copy, 3600, (2, 4)) == [40.0, 40.0, 100.0]


@pytest.mark.usefixtures("prefect_api")
def test_summary_shows_outcomes_failure_reasons_with_urls_slowest_sources_and_new_versions(
    samples_copy: Path, site: Site
) -> None:
    good = site.page(
        "/ok.html", (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
    )
    gone = [site.url("/gone-1.html"), site.url("/gone-2.html")]
    web = {"name": "web", "kind": "urls", "urls": [good, *gone], "politeness": {"delay": 0}}
    summary = ingest_flow(samples_copy, [LOCAL, web])
    assert summary["new"] == 6 and summary["failed"] == 2

    found = _artifacts(summary["flow_run_id"])
    report = found[SUMMARY_KEY]
    assert "completed" in report.splitlines()[0]
    assert "| new documents | 6 |" in report and "| failed | 2 |" in report
    assert f"| http_404 | 2 | `{gone[0]}`<br>`{gone[1]}` |" in report
    slowest = report.split("## Slowest sources")[1].split("## New versions")[0]
    assert "| samples | 5 |" in slowest and "| web | 3 |" in slowest
    title, publisher, published = query(
        samples_copy,
        "select title, publisher, published from articles where source = 'web'",
    )[0]
    assert title and published
    new_versions = report.split("## New versions")[1]
    assert f"| {title} | {publisher or '—'} | {published} | `{good}` |" in new_versions
    assert found[PROGRESS_KEY] == 100.0
