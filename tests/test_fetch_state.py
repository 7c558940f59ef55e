"""What the next fetch of a document knows: the page behind its latest version and the validators.

Landing keeps it in `fetch_state`, so looking it up costs a batch, not the document's whole
observation history; these tests hold it to what that history says.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from tasks.identity import url_locator
from tasks.records import Article, Failure, Observed, Prior, raw_hash
from warehouse.check import check_warehouse
from warehouse.land import RunInfo, land, priors

T0 = datetime(2026, 1, 1, tzinfo=UTC)
RUN = RunInfo("run-1", "ingest", T0, "pipeline-1")
PAGE = url_locator("news", "http://127.0.0.1:9/news/a.html")
OLD = "疫情防控阻击战\n第二段落，继续报道。"
NEW = "疫情防控阻击战\n第二段落，内容已经修改。"


def fetched(text: str, minutes: int, etag: str | None = None) -> Observed:
    body = f"<html><body><p>{text}</p></body></html>".encode()
    article = Article("标题", text, None, None, (), (), None, "zh", "hans", "utf-8")
    return Observed(
        PAGE,
        T0 + timedelta(minutes=minutes),
        "extracted",
        article,
        http_status=200,
        etag=etag,
        raw_hash=raw_hash(body),
        raw_size=len(body),
        raw_compressed=zlib.compress(body),
    )


def failed(minutes: int) -> Observed:
    failure = Failure(PAGE, "fetch", "transient", "http_503", "the server said 503", 503)
    return Observed(
        PAGE, T0 + timedelta(minutes=minutes), "failed", failure=failure, http_status=503
    )


def not_modified(minutes: int, etag: str) -> Observed:
    return Observed(
        PAGE, T0 + timedelta(minutes=minutes), "not_modified", http_status=304, etag=etag
    )


def known(path: Path) -> Prior:
    return priors(path, [PAGE.document_id])[PAGE.document_id]


def test_a_failed_fetch_keeps_the_page_and_validators_the_next_fetch_uses(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    page = fetched(OLD, 0, etag='"e1"')
    land(path, RUN, [page])
    land(path, RUN, [failed(10)], {PAGE.document_id: known(path)})
    prior = known(path)
    assert (prior.version, prior.raw_hash, prior.etag) == (1, page.raw_hash, '"e1"')
    assert prior.pipeline_version == "pipeline-1"


def test_a_304_with_a_new_etag_replaces_the_validator_and_keeps_the_page(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    page = fetched(OLD, 0, etag='"e1"')
    land(path, RUN, [page])
    land(path, RUN, [not_modified(10, '"e2"')], {PAGE.document_id: known(path)})
    prior = known(path)
    assert (prior.raw_hash, prior.etag) == (page.raw_hash, '"e2"')


def test_the_page_landed_last_is_the_one_the_next_fetch_compares(tmp_path: Path) -> None:
    """Two runs overlap: the one that fetched the old page first lands it after the new one.

    Landing makes the late page version 3, so the next fetch must compare against its bytes,
    not those of the page fetched later but landed earlier.
    """
    path = tmp_path / "w.duckdb"
    land(path, RUN, [fetched(OLD, 0)])
    first = known(path)
    land(path, RUN, [fetched(NEW, 20)], {PAGE.document_id: first})
    late = fetched(OLD, 10)
    land(path, RUN, [late], {PAGE.document_id: first})
    prior = known(path)
    assert (prior.version, prior.raw_hash) == (3, late.raw_hash)
    assert all(f.ok for f in check_warehouse(path)), check_warehouse(path)


def test_a_warehouse_from_before_fetch_state_gets_it_from_its_log(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    land(path, RUN, [fetched(OLD, 0, etag='"e1"')])
    land(path, RUN, [fetched(NEW, 10, etag='"e2"')], {PAGE.document_id: known(path)})
    land(path, RUN, [failed(20)], {PAGE.document_id: known(path)})
    land(path, RUN, [not_modified(30, '"e3"')], {PAGE.document_id: known(path)})
    before = known(path)
    with duckdb.connect(str(path)) as conn:  # the file as a release without migration 004 left it
        conn.execute("DROP TABLE fetch_state")
        conn.execute("DELETE FROM schema_migrations WHERE version = 4")
    assert known(path) == before
    assert before.etag == '"e3"' and before.version == 2
    assert all(f.ok for f in check_warehouse(path))


def test_document_status_forgets_a_failure_once_the_page_answers_again(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    land(path, RUN, [fetched(OLD, 0, etag='"e1"')])
    land(path, RUN, [failed(10)], {PAGE.document_id: known(path)})
    status = "select last_outcome, last_reason, last_message from document_status"
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql(status).fetchall() == [("failed", "http_503", "the server said 503")]
    land(path, RUN, [not_modified(20, '"e1"')], {PAGE.document_id: known(path)})
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql(status).fetchall() == [("not_modified", None, None)]
