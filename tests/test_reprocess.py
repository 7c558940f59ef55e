"""Re-processing: a normaliser change reaches the corpus from stored payloads, with no fetching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ingest_flow, query, run_cli
from httpsite import Site
from prefect import flow

from flows.reprocess import reprocess, run_reprocess
from tasks.process import ProcessOptions
from tasks.reprocess import build_reprocess_settings
from tasks.version import NORMALISER_REVISION, pipeline_version
from warehouse.search import search

pytestmark = pytest.mark.usefixtures("prefect_api")

TEXTS = {
    "rf.txt": "人防办召开工作会议\n省人防办党组传达学习有关会议精神，部署下半年重点工作，要求狠抓落实。",
    "grain.txt": "秋粮收购进度过半\n各地粮食部门积极组织收购，确保农民种粮收益，市场运行平稳。",
    "school.txt": "新学期开学工作有序推进\n各地学校做好开学准备，保障师生安全，教学秩序井然。",
}


def local(root: Path, files: dict[str, str], name: str = "docs") -> dict:
    folder = root / name
    folder.mkdir(exist_ok=True)
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return {"name": name, "kind": "local", "path": name}


def test_normaliser_change_reaches_exactly_the_documents_it_changes(tmp_path: Path) -> None:
    # rf.txt has half-width commas between Han characters; the others have none.
    texts = {**TEXTS, "rf.txt": TEXTS["rf.txt"].replace("精神，部署", "精神,部署")}
    ingest_flow(tmp_path, [local(tmp_path, texts)])
    current = pipeline_version()
    warehouse = tmp_path / "warehouse.duckdb"
    # The files are gone: whatever reprocess reads, it reads from the warehouse.
    for file in texts:
        (tmp_path / "docs" / file).unlink()
    # The corpus as an older normaliser, one without the punctuation repair, would leave it.
    older = ProcessOptions(f"{current}-older", skip_steps=frozenset({"punctuation"}))
    downgraded = flow(name="reprocess")(run_reprocess)(build_reprocess_settings(warehouse), older)
    assert downgraded["changed"] == 1 and downgraded["unchanged"] == 2
    assert (
        "精神,部署"
        in query(tmp_path, "select text from articles where locator = 'docs:rf.txt'")[0][0]
    )
    # The current normaliser then reaches exactly the document its repair changes.
    summary = reprocess(warehouse=str(warehouse))
    assert summary["flow"] == "reprocess"
    assert summary["changed"] == 1 and summary["unchanged"] == 2 and summary["failed"] == 0
    assert query(
        tmp_path, "select locator, version, pipeline_version from articles order by locator"
    ) == [
        ("docs:grain.txt", 1, current),
        ("docs:rf.txt", 3, current),
        ("docs:school.txt", 1, current),
    ]
    text = query(tmp_path, "select text from articles where locator = 'docs:rf.txt'")[0][0]
    assert "精神，部署" in text
    # The new version is signed and searchable, and a second reprocess has nothing to do.
    assert query(
        tmp_path,
        "select count(*) from signatures s join articles a using (document_id, version)",
    ) == [(3,)]
    hits = search(warehouse, "人防办").hits
    assert [h.locator for h in hits] == ["docs:rf.txt"]
    again = reprocess(warehouse=str(warehouse))
    assert again["seen"] == 0 and again["already_current"] == 3


def test_reprocess_fetches_nothing_and_decodes_as_the_fetch_did(tmp_path: Path, site: Site) -> None:
    # GBK with the charset only in the HTTP header: re-decoding needs the stored header value.
    page = (
        "<html><head><title>通知</title></head><body><article><h1>关于做好秋粮收购工作的通知</h1>"
        "<p>各地粮食部门要积极组织收购，确保农民种粮收益，保障市场平稳运行。</p>"
        "<p>请各单位认真贯彻落实，及时报告工作进展情况。</p></article></body></html>"
    ).encode("gbk")
    url = site.page("/notice.html", page, content_type="text/html; charset=gbk")
    ingest_flow(tmp_path, [{"name": "web", "kind": "urls", "urls": [url]}])
    hits = dict(site.hits)
    summary = reprocess(warehouse=str(tmp_path / "warehouse.duckdb"), force=True)
    assert dict(site.hits) == hits
    assert summary["unchanged"] == 1 and summary["changed"] == 0
    assert query(tmp_path, "select declared_charset from observations order by observed_at") == [
        ("gbk",),
        ("gbk",),
    ]
    assert query(tmp_path, "select url, charset from articles") == [(url, "gb18030")]


def test_reprocess_by_source_and_by_sql(tmp_path: Path) -> None:
    traditional = "秋糧收購進度過半\n各地糧食部門積極組織收購，確保農民種糧收益，市場運行平穩。"
    ingest_flow(
        tmp_path,
        [
            local(tmp_path, {"a.txt": TEXTS["grain.txt"], "t.txt": traditional}, "one"),
            local(tmp_path, {"b.txt": TEXTS["school.txt"]}, "two"),
        ],
    )
    path = str(tmp_path / "warehouse.duckdb")
    by_source = reprocess(warehouse=path, sources=["two"], force=True)
    assert by_source["seen"] == 1
    by_sql = reprocess(warehouse=path, where="list_contains(flags, 't2s')", force=True)
    assert by_sql["seen"] == 1
    runs = query(
        tmp_path,
        "select o.locator from observations o join runs r using (run_id) "
        "where r.flow = 'reprocess' order by o.observed_at",
    )
    assert runs == [("two:b.txt",), ("one:t.txt",)]


def test_document_status_still_answers_when_it_was_last_fetched(tmp_path: Path) -> None:
    ingest_flow(tmp_path, [local(tmp_path, TEXTS)])
    before = query(
        tmp_path, "select locator, last_seen, seen_count, last_outcome from document_status"
    )
    reprocess(warehouse=str(tmp_path / "warehouse.duckdb"), force=True)
    after = query(
        tmp_path, "select locator, last_seen, seen_count, last_outcome from document_status"
    )
    assert sorted(after) == sorted(before)


def test_reprocess_cli_plans_runs_and_refuses_bad_sql(tmp_path: Path, prefect_api: str) -> None:
    ingest_flow(tmp_path, [local(tmp_path, TEXTS)])
    warehouse = str(tmp_path / "warehouse.duckdb")
    plan = run_cli("reprocess", "--dry-run", "--warehouse", warehouse)
    assert plan.returncode == 0, plan.stderr
    assert "0 document(s) to process" in plan.stdout and "3 already processed" in plan.stdout
    forced = run_cli(
        "reprocess",
        "--force",
        "--where",
        "locator like '%grain%'",
        "--json",
        "--warehouse",
        warehouse,
        env={"PREFECT_API_URL": prefect_api},
    )
    assert forced.returncode == 0, forced.stderr
    summary = json.loads(forced.stdout)
    assert summary["flow"] == "reprocess" and summary["seen"] == 1 and summary["unchanged"] == 1
    bad = run_cli("reprocess", "--where", "no_such_column = 1", "--warehouse", warehouse)
    assert bad.returncode == 2 and "no_such_column" in bad.stderr
    assert "Traceback" not in bad.stderr
    unknown = run_cli("reprocess", "--source", "nosuch", "--warehouse", warehouse)
    assert unknown.returncode == 2 and "it has documents from docs only" in unknown.stderr


def test_readme_shows_the_normaliser_revision_this_code_records() -> None:
    # README explains the version's parts on an example: bumping NORMALISER_REVISION must
    # update it, or a reader compares their warehouse with a stale string. (The trafilatura
    # part follows whatever release is installed, so it is left out.)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    package = pipeline_version().split("+")[0]
    assert f"The pipeline version (`{package}+n{NORMALISER_REVISION}.t" in readme
