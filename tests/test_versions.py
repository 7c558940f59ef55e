"""Versions follow the landing rule: same content → observation only; different → n+1."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, ingest_flow, query

pytestmark = pytest.mark.usefixtures("prefect_api")

ARTICLE_A = "疫情防控阻击战\n省直机关各级党组织和广大共产党员深入贯彻重要指示精神，奋勇当先。\n第二段落，继续报道。\n"
ARTICLE_B = "疫情防控阻击战\n省直机关各级党组织和广大共产党员深入贯彻重要指示精神，奋勇当先。\n第二段落，内容已经修改。\n"


def local(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    root = tmp_path / "docs"
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return [{"name": "docs", "kind": "local", "path": "docs"}]


def versions_of(tmp_path: Path, name: str) -> list[tuple]:
    return query(
        tmp_path,
        "select version, content_hash from article_versions where locator = ? order by version",
        [f"docs:{name}"],
    )


def test_unchanged_page_adds_no_version(tmp_path: Path) -> None:
    sources = local(tmp_path, {"a.txt": ARTICLE_A})
    assert ingest_flow(tmp_path, sources)["new"] == 1
    second = ingest_flow(tmp_path)
    assert second["unchanged"] == 1 and second["new"] == 0 and second["changed"] == 0
    assert len(versions_of(tmp_path, "a.txt")) == 1
    assert query(tmp_path, "select count(*) from observations") == [(2,)]


def test_changed_page_adds_version_two(tmp_path: Path) -> None:
    sources = local(tmp_path, {"a.txt": ARTICLE_A, "b.txt": ARTICLE_A.replace("疫情", "汛情")})
    ingest_flow(tmp_path, sources)
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE_B, encoding="utf-8")
    summary = ingest_flow(tmp_path)
    assert summary["changed"] == 1 and summary["unchanged"] == 1
    assert [v for v, _ in versions_of(tmp_path, "a.txt")] == [1, 2]
    assert [v for v, _ in versions_of(tmp_path, "b.txt")] == [1]


def test_reverted_page_is_a_third_version(tmp_path: Path) -> None:
    sources = local(tmp_path, {"a.txt": ARTICLE_A})
    ingest_flow(tmp_path, sources)
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE_B, encoding="utf-8")
    ingest_flow(tmp_path)
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    ingest_flow(tmp_path)
    rows = versions_of(tmp_path, "a.txt")
    assert [v for v, _ in rows] == [1, 2, 3]
    assert rows[0][1] == rows[2][1] != rows[1][1]
    intervals = query(
        tmp_path, "select valid_from, valid_to from article_versions order by version"
    )
    assert intervals[0][1] == intervals[1][0] and intervals[1][1] == intervals[2][0]
    assert intervals[2][1] is None


def test_identical_text_in_two_files_stays_two_documents(tmp_path: Path) -> None:
    sources = local(tmp_path, {"a.txt": ARTICLE_A, "copy.txt": ARTICLE_A})
    summary = ingest_flow(tmp_path, sources)
    assert summary["new"] == 2
    assert query(
        tmp_path, "select count(distinct document_id), count(distinct content_hash) from articles"
    ) == [(2, 1)]


def test_layout_only_change_is_not_a_new_version(tmp_path: Path) -> None:
    page = (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_text(encoding="utf-8")
    sources = local(tmp_path, {"a.html": page})
    ingest_flow(tmp_path, sources)
    rotated = page.replace("扎实推进模范机关创建", "本站广告位招租，欢迎联系")
    assert rotated != page
    (tmp_path / "docs" / "a.html").write_text(rotated, encoding="utf-8")
    summary = ingest_flow(tmp_path)
    assert summary["unchanged"] == 1 and summary["changed"] == 0
    assert query(tmp_path, "select count(*) from raw_payloads") == [(2,)]


def test_unchanged_bytes_skip_extraction_but_are_still_observed(tmp_path: Path) -> None:
    sources = local(tmp_path, {"a.txt": ARTICLE_A})
    ingest_flow(tmp_path, sources)
    ingest_flow(tmp_path)
    rows = query(
        tmp_path,
        "select outcome, raw_hash, pipeline_version from observations order by observed_at",
    )
    assert [r[0] for r in rows] == ["new", "unchanged"]
    assert rows[0][1] == rows[1][1] and rows[1][2] is not None


def test_unchanged_bytes_never_start_an_extraction_worker(tmp_path: Path) -> None:
    from tasks.batch import Extractor
    from tasks.identity import file_locator
    from tasks.load import load_file
    from tasks.process import ProcessOptions
    from tasks.records import Payload, Prior, raw_hash
    from tasks.version import pipeline_version

    page = tmp_path / "a.txt"
    page.write_text(ARTICLE_A, encoding="utf-8")
    payload = load_file(file_locator("docs", tmp_path, page), 10**6)
    assert isinstance(payload, Payload)
    options = ProcessOptions(pipeline_version())
    prior = Prior(
        version=1, raw_hash=raw_hash(payload.body), pipeline_version=options.pipeline_version
    )
    extractor = Extractor(1, options)
    try:
        [observed] = extractor.run([(payload, prior)])
        assert observed.status == "raw_unchanged"
        assert extractor._pool is None  # settled in this process: no worker was started
    finally:
        extractor.close()
