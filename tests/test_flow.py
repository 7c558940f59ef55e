"""The ingest flow over the bundled samples, as a real Prefect flow run."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ingest_flow, query
from httpsite import Site

from tasks.batch import BatchSize, workers_standing_by
from tasks.identity import url_locator
from tasks.process import ProcessOptions
from tasks.records import Observed
from tasks.reprocess import build_reprocess_settings
from tasks.settings import batch_size_for, build_settings
from tasks.sources import ConfigError
from tasks.version import pipeline_version

T0 = datetime(2026, 1, 1, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_samples_land_then_rerun_is_unchanged(samples_copy: Path) -> None:
    first = ingest_flow(samples_copy)
    assert first["seen"] == 10 and first["new"] == 10 and first["failed"] == 0
    second = ingest_flow(samples_copy)
    assert second["unchanged"] == 10 and second["new"] == 0 and second["changed"] == 0
    assert query(samples_copy, "select count(*) from articles") == [(10,)]
    assert query(samples_copy, "select count(*), count(distinct status) from runs") == [(2, 1)]


def test_editing_one_sample_lands_exactly_one_new_version(samples_copy: Path) -> None:
    ingest_flow(samples_copy)
    page = samples_copy / "samples" / "texts" / "renmin-yixian-shouhu.txt"
    page.write_text(
        page.read_text(encoding="utf-8").replace("勇当先锋", "勇当先锋模范"), encoding="utf-8"
    )
    summary = ingest_flow(samples_copy)
    assert summary["changed"] == 1 and summary["unchanged"] == 9
    assert query(samples_copy, "select locator, version from articles where version > 1") == [
        ("samples:texts/renmin-yixian-shouhu.txt", 2)
    ]


def test_batches_and_limit(samples_copy: Path) -> None:
    summary = ingest_flow(samples_copy, batch_size=3, limit=7)
    assert summary["seen"] == 7
    assert query(samples_copy, "select count(*) from documents") == [(7,)]


def test_a_limited_run_takes_documents_no_earlier_run_attempted_first(
    samples_copy: Path,
) -> None:
    # A nightly run with a limit works through the whole list, not the same first pages.
    runs = [ingest_flow(samples_copy, batch_size=3, limit=4) for _ in range(3)]
    assert [(r["seen"], r["new"], r["unchanged"]) for r in runs] == [
        (4, 4, 0),
        (4, 4, 0),
        (4, 2, 2),
    ]
    assert query(samples_copy, "select count(*) from documents") == [(10,)]
    # Once every document was attempted, the limit takes them in discovery order.
    locators = "select locator from observations where run_id = ? order by locator"
    again = ingest_flow(samples_copy, limit=4)
    assert query(samples_copy, locators, [again["run_id"]]) == query(
        samples_copy, locators, [runs[0]["run_id"]]
    )


@pytest.mark.parametrize("limit", [None, 5])
def test_a_page_two_sources_list_is_fetched_once(
    tmp_path: Path, site: Site, limit: int | None
) -> None:
    page = (
        "<html><body><article><p>"
        + "各地要切实做好秋粮收购工作，保障农民收益。" * 4
        + "</p></article></body></html>"
    )
    url = site.page("/shared.html", page)
    sources = [
        {"name": name, "kind": "urls", "urls": [url], "politeness": {"delay": 0}}
        for name in ("portal", "mirror")
    ]
    summary = ingest_flow(tmp_path, sources, limit=limit)
    assert (summary["seen"], summary["new"]) == (1, 1)
    assert site.hits["/shared.html"] == 1


def test_without_a_batch_size_a_run_takes_100_documents_per_worker(
    samples_copy: Path,
) -> None:
    summary = ingest_flow(samples_copy, workers=2)
    assert summary["new"] == 10
    recorded = query(
        samples_copy,
        "select parameters->>'batch_size', parameters->>'workers' from runs where run_id = ?",
        [summary["run_id"]],
    )
    assert recorded == [("200", "2")]


def test_the_default_batch_follows_the_workers_and_a_given_size_wins(samples_copy: Path) -> None:
    sources = samples_copy / "sources.yaml"
    assert batch_size_for(None, 3) == 300  # counts a bigger machine allows
    assert batch_size_for(None, 8) == 400  # memory: capped
    assert build_settings(sources, environ={"INGEST_WORKERS": "2"}).batch_size == 200
    assert build_settings(sources, batch_size=7, workers=2).batch_size == 7
    assert (
        build_reprocess_settings(samples_copy / "w.duckdb", workers=2, environ={}).batch_size == 200
    )
    with pytest.raises(ConfigError, match="batch size must be at least 1, got 0"):
        build_settings(sources, batch_size=0)
    with pytest.raises(ConfigError, match="workers must be at least 1, got -1"):
        build_settings(sources, workers=-1)
    with pytest.raises(ConfigError, match=r"\$INGEST_WORKERS must be a whole number"):
        build_settings(sources, environ={"INGEST_WORKERS": "0"})


def landed_sizes(root: Path, run_id: object) -> list[int]:
    return [
        n
        for (n,) in query(
            root,
            "select observations from landed_batches where run_id = ? order by landed_at",
            [run_id],
        )
    ]


def test_batches_grow_while_nothing_needs_extracting(samples_copy: Path) -> None:
    first = ingest_flow(samples_copy, batch_size=1)
    assert landed_sizes(samples_copy, first["run_id"]) == [1] * 10  # every page extracted

    rerun = ingest_flow(samples_copy, batch_size=1)
    sizes = landed_sizes(samples_copy, rerun["run_id"])
    assert rerun["unchanged"] == 10 and sum(sizes) == 10
    # Batches already formed when the first one landed keep their size; later ones double.
    assert len(sizes) < 10 and 1 < max(sizes) <= BatchSize.GROWTH


def test_a_batch_with_work_or_a_failure_brings_the_size_back_at_once() -> None:
    sizes = BatchSize(100)
    unchanged = Observed(url_locator("s", "http://127.0.0.1:9/a"), T0, "raw_unchanged")
    for expected in (200, 400, 800, 800):
        sizes.settle([unchanged, replace(unchanged, status="not_modified")])
        assert sizes.current == expected
    sizes.settle([unchanged, replace(unchanged, status="extracted")])
    assert sizes.current == 100
    sizes.settle([unchanged])
    sizes.settle([replace(unchanged, status="failed")])
    assert sizes.current == 100


def test_the_run_takes_the_workers_started_ahead_of_it(samples_copy: Path) -> None:
    """`ingest run` starts the workers while Prefect's server boots; the flow must use them."""
    settings = build_settings(samples_copy / "sources.yaml", samples_copy / "warehouse.duckdb")
    with workers_standing_by(settings, ProcessOptions(pipeline_version())) as pool:
        processes = [w.process for w in pool._workers]
        summary = ingest_flow(samples_copy)
        assert summary["new"] == 10
        # Claimed, used and closed by the run; a pool left on standby would still be running.
        assert processes and all(not p.is_alive() for p in processes)


def test_run_publishes_summary_artifacts(samples_copy: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    summary = ingest_flow(samples_copy)
    flow_run_id = summary["flow_run_id"]
    assert flow_run_id

    async def artifacts() -> list:
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])
                )
            )

    found = {a.key: a for a in asyncio.run(artifacts())}
    assert "ingest-summary" in found and "ingest-outcomes" in found
    assert "new documents | 10" in found["ingest-summary"].data
