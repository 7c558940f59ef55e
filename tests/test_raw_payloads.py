"""Raw payloads are stored as they land (already zlib), and an older warehouse is rebuilt so."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tasks.identity import url_locator
from tasks.records import Article, Observed, raw_hash
from warehouse.check import check_warehouse
from warehouse.connection import connection
from warehouse.land import RunInfo, land

T0 = datetime(2026, 1, 1, tzinfo=UTC)
RUN = RunInfo("run-1", "ingest", T0, "pipeline-1")


def page(n: int) -> Observed:
    body = f"<html><body><p>第{n}篇报道。疫情防控阻击战。</p></body></html>".encode()
    article = Article(f"标题{n}", f"第{n}篇报道。", None, None, (), (), None, "zh", "hans", "utf-8")
    return Observed(
        url_locator("news", f"http://127.0.0.1:9/news/{n}.html"),
        T0,
        "extracted",
        article,
        http_status=200,
        raw_hash=raw_hash(body),
        raw_size=len(body),
        raw_compressed=zlib.compress(body),
    )


def column_sql(path: Path) -> str:
    with connection(path, read_only=True, schema=False) as conn:  # before its migration too
        return conn.execute(
            "SELECT sql FROM duckdb_tables() WHERE table_name = 'raw_payloads'"
        ).fetchall()[0][0]


def test_a_warehouse_from_before_migration_005_keeps_every_payload_byte(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    land(path, RUN, [page(n) for n in range(3)])
    with duckdb.connect(str(path)) as conn:  # the table as releases before 005 made it
        stored = conn.execute("SELECT * FROM raw_payloads ORDER BY raw_hash").fetchall()
        conn.execute("CREATE TABLE old AS SELECT * FROM raw_payloads")
        conn.execute("DROP TABLE raw_payloads")
        conn.execute(
            "CREATE TABLE raw_payloads (raw_hash VARCHAR PRIMARY KEY, size INTEGER NOT NULL, "
            "compression VARCHAR NOT NULL, content BLOB NOT NULL, stored_at TIMESTAMPTZ NOT NULL)"
        )
        conn.execute("INSERT INTO raw_payloads SELECT * FROM old")
        conn.execute("DROP TABLE old")
        conn.execute("DELETE FROM schema_migrations WHERE version = 5")
    assert "Uncompressed" not in column_sql(path)

    land(path, RUN, [page(3)])  # a writer migrates the file as it opens it
    sql = column_sql(path)
    assert "USING COMPRESSION Uncompressed" in sql and "PRIMARY KEY" in sql
    with connection(path, read_only=True) as conn:
        after = conn.execute("SELECT * FROM raw_payloads ORDER BY raw_hash").fetchall()
    assert len(after) == 4 and set(stored) <= set(after)
    assert all(f.ok for f in check_warehouse(path)), check_warehouse(path)
