"""Export: the corpus now or as it stood at a point in time, as Parquet or JSON Lines."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import ingest_flow, query, run_cli

pytestmark = pytest.mark.usefixtures("prefect_api")

FIRST = "秋粮收购进度过半\n各地粮食部门积极组织收购，确保农民种粮收益。"
EDITED = "秋粮收购进度超过七成\n各地粮食部门积极组织收购，确保农民种粮收益。"
OTHER = "新学期开学工作有序推进\n各地学校做好开学准备，保障师生安全。"
LATER = "冬季供暖准备就绪\n各地供热企业完成设备检修，确保按时供暖。"

# The as-of query README documents, on the views alone.
AS_OF_SQL = """
select * exclude (valid_to) from article_versions
where valid_from <= ?::timestamptz and (valid_to is null or valid_to > ?::timestamptz)
order by document_id
"""


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, datetime]:
    """Two documents landed, a moment noted, then one edited and a third added."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grain.txt").write_text(FIRST, encoding="utf-8")
    (docs / "school.txt").write_text(OTHER, encoding="utf-8")
    ingest_flow(tmp_path, [{"name": "docs", "kind": "local", "path": "docs"}])
    moment = datetime.now(UTC)
    time.sleep(1)  # the tables show times to the second: versions at least one apart
    (docs / "grain.txt").write_text(EDITED, encoding="utf-8")
    (docs / "heating.txt").write_text(LATER, encoding="utf-8")
    summary = ingest_flow(tmp_path)
    assert summary["changed"] == 1 and summary["new"] == 1
    return tmp_path, moment


def export(root: Path, *args: str) -> str:
    result = run_cli("export", *args, "--warehouse", str(root / "warehouse.duckdb"))
    assert result.returncode == 0, result.stderr
    return result.stdout


def parquet_rows(path: Path) -> list[tuple]:
    with duckdb.connect() as conn:
        return conn.execute(
            f"select locator, version, text from read_parquet('{path}') order by locator"
        ).fetchall()


def test_export_now_and_as_of_an_earlier_moment(history: tuple[Path, datetime]) -> None:
    root, moment = history
    assert "wrote 3 article(s)" in export(root, "--format", "parquet", "--out", str(root / "now"))
    now = parquet_rows(root / "now" / "articles.parquet")
    assert [(loc, v) for loc, v, _ in now] == [
        ("docs:grain.txt", 2),
        ("docs:heating.txt", 1),
        ("docs:school.txt", 1),
    ]
    out = export(
        root, "--format", "parquet", "--out", str(root / "then"), "--as-of", moment.isoformat()
    )
    assert "wrote 2 article(s) as of" in out
    then = parquet_rows(root / "then" / "articles.parquet")
    assert then == [("docs:grain.txt", 1, FIRST), ("docs:school.txt", 1, OTHER)]


def test_jsonl_export_is_one_readable_object_per_line(history: tuple[Path, datetime]) -> None:
    root, moment = history
    export(root, "--format", "jsonl", "--out", str(root / "j"), "--as-of", moment.isoformat())
    raw = (root / "j" / "articles.jsonl").read_text(encoding="utf-8")
    assert "秋粮收购进度过半" in raw  # Chinese as text, not \\u escapes
    records = [json.loads(line) for line in raw.splitlines()]
    assert sorted((r["locator"], r["version"]) for r in records) == [
        ("docs:grain.txt", 1),
        ("docs:school.txt", 1),
    ]
    assert isinstance(records[0]["flags"], list) and "valid_to" not in records[0]
    manifest = json.loads((root / "j" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == 2 and manifest["format"] == "jsonl"
    assert manifest["as_of"].startswith(moment.strftime("%Y-%m-%dT%H:%M"))
    assert "text" in manifest["columns"] and manifest["pipeline_versions"]


def test_export_matches_the_as_of_sql_readme_documents(history: tuple[Path, datetime]) -> None:
    root, moment = history
    export(root, "--format", "parquet", "--out", str(root / "p"), "--as-of", moment.isoformat())
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as conn:
        by_views = conn.execute(AS_OF_SQL, [moment, moment]).fetchall()
        by_macro = conn.execute(
            "select * from articles_as_of(?::timestamptz) order by document_id", [moment]
        ).fetchall()
    with duckdb.connect() as conn:
        exported = conn.execute(
            f"select * from read_parquet('{root / 'p' / 'articles.parquet'}') order by document_id"
        ).fetchall()
    assert by_views == by_macro == exported and len(exported) == 2


def test_export_where_filters_and_mistakes_are_one_sentence(
    history: tuple[Path, datetime],
) -> None:
    root, _ = history
    out = root / "w"
    export(root, "--format", "parquet", "--out", str(out), "--where", "text like '%学校%'")
    assert [r[0] for r in parquet_rows(out / "articles.parquet")] == ["docs:school.txt"]
    warehouse = str(root / "warehouse.duckdb")
    fresh = root / "fresh"
    for args, message in (
        (["--format", "parquet", "--out", str(out)], "already holds an export"),
        (["--format", "jsonl", "--out", str(out)], "already holds an export"),  # another format
        (["--format", "jsonl", "--out", str(out), "--as-of", "last week"], "not a date or time"),
        (["--format", "jsonl", "--out", str(fresh), "--where", "nope = 1"], "nope"),
        (["--format", "jsonl", "--out", str(out / "articles.parquet")], "is a file"),
    ):
        result = run_cli("export", *args, "--warehouse", warehouse)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (out / "articles.jsonl").exists() and not (out / ".articles.jsonl.partial").exists()
    assert not fresh.exists(), "a failed export leaves no directory behind"
    export(root, "--format", "parquet", "--out", str(out), "--overwrite")
    assert len(parquet_rows(out / "articles.parquet")) == 3


def test_an_export_replaced_in_the_other_format_leaves_no_orphan(
    history: tuple[Path, datetime],
) -> None:
    root, _ = history
    out = root / "x"
    export(root, "--format", "jsonl", "--out", str(out))
    export(root, "--format", "parquet", "--out", str(out), "--overwrite")
    assert sorted(p.name for p in out.iterdir()) == ["articles.parquet", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["file"] == "articles.parquet" and manifest["rows"] == 3


def test_jsonl_export_writes_times_in_iso_8601(samples_copy: Path) -> None:
    ingest_flow(samples_copy)
    export(samples_copy, "--format", "jsonl", "--out", str(samples_copy / "j"))
    records = {
        r["locator"]: r
        for r in map(
            json.loads, (samples_copy / "j" / "articles.jsonl").read_text("utf-8").splitlines()
        )
    }
    landed = dict(query(samples_copy, "select locator, valid_from from articles"))
    for locator, record in records.items():
        valid_from = record["valid_from"]
        assert "T" in valid_from and valid_from.endswith("+00:00"), valid_from
        assert datetime.fromisoformat(valid_from) == landed[locator]
    dated = records["samples:texts/scdfz-2022-09-16-zgjx.txt"]
    # The page states a wall-clock time with no zone: ISO 8601 without an offset.
    assert dated["published_at"] == "2022-09-16T08:35:31"


def test_a_time_copied_from_history_exports_the_version_history_shows_then(
    history: tuple[Path, datetime],
) -> None:
    # Before, `history` showed local times without a zone and `--as-of` read a time without
    # one as UTC: east of Greenwich, a moment copied from the table exported a later version.
    root, _ = history
    beijing = {"TZ": "Asia/Shanghai"}
    warehouse = str(root / "warehouse.duckdb")
    shown = run_cli("history", "docs:grain.txt", "--warehouse", warehouse, env=beijing)
    assert shown.returncode == 0, shown.stderr
    # Version 1's row: its number, then "valid from" and "valid to".
    stamp = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\+08:00)?"
    [(valid_from, _, valid_to, offset)] = re.findall(rf"│ 1\s+│ {stamp}\s+│ {stamp}", shown.stdout)
    assert valid_from < valid_to, shown.stdout
    # The last second shown as version 1's: still version 1 (it gave way a fraction later).
    for moment in (valid_to, f"{valid_to}+08:00"):
        out = root / f"as-of-{len(moment)}"
        done = run_cli(
            "export", "--format", "jsonl", "--out", str(out), "--as-of", moment,
            "--warehouse", warehouse, env=beijing,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"as of {valid_to.replace(' ', 'T')}+08:00" in done.stdout, done.stdout
        [grain] = [
            json.loads(line)
            for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
            if "grain" in line
        ]
        assert grain["version"] == 1, (moment, grain)
    assert offset == "+08:00", f"the table should show the zone of its times:\n{shown.stdout}"
