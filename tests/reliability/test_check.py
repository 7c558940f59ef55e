"""`ingest check` on warehouses damaged on purpose: each kind of damage is named, with the rows."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)

from tasks.identity import file_locator
from tasks.records import Article, Observed, raw_hash
from warehouse.land import RunInfo, land

RUN = RunInfo("run-1", "ingest", datetime(2026, 1, 1, tzinfo=UTC), "test")


def observed(root: Path, name: str, text: str) -> Observed:
    path = root / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = text.encode()
    path.write_bytes(body)
    article = Article(name, text, None, None, (), (), None, "zh", "hans", "utf-8")
    return Observed(
        file_locator("docs", root / "docs", path),
        datetime.now(UTC),
        "extracted",
        article,
        raw_hash=raw_hash(body),
        raw_size=len(body),
        raw_compressed=zlib.compress(body),
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A healthy warehouse: a.txt with three versions, b.txt and c.txt with one each."""
    path = tmp_path / "w.duckdb"
    land(path, RUN, [observed(tmp_path, n, f"{n} 第一版正文") for n in ("a.txt", "b.txt", "c.txt")])
    land(path, RUN, [observed(tmp_path, "a.txt", "a.txt 第二版正文")])
    land(path, RUN, [observed(tmp_path, "a.txt", "a.txt 第三版正文")])
    return path


def doc(path: Path, name: str) -> str:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(
            "select document_id from documents where locator = ?", [f"docs:{name}"]
        ).fetchall()[0][0]


@dataclass(frozen=True)
class Damage:
    """Damage done with SQL, and what `ingest check` must say about it."""

    check: str
    description: str
    sql: str
    expected: str  # text the FAIL line must contain; {a} and {b} stand for document ids


DAMAGE = [
    Damage(
        "migrations",
        "the record of migration 002 deleted",
        "delete from schema_migrations where version = 2",
        "002_landed_batches",
    ),
    Damage(
        "documents",
        "a document row deleted, its observations and version left",
        "delete from documents where locator = 'docs:b.txt'",
        "{b}",
    ),
    Damage(
        "versions",
        "the middle one of three versions deleted",
        "delete from versions where document_id = '{a}' and version = 2",
        "{a} has [1, 3]",
    ),
    Damage(
        "duplicate versions",
        "version 2 overwritten with the text and hash of version 1",
        "update versions set content_hash = v.content_hash, text = v.text from versions v"
        " where v.document_id = versions.document_id and v.version = 1 and versions.version = 2",
        "{a} version 2",
    ),
    Damage(
        "content hashes",
        "the text of a version edited in place",
        "update versions set text = text || '（已篡改）' where version = 3",
        "{a} version 3",
    ),
    Damage(
        "raw payloads",
        "the raw page behind a version deleted",
        "delete from raw_payloads where raw_hash = (select raw_hash from versions where version = 3)",
        "from versions",
    ),
    Damage(
        "batches",
        "one observation of a landed batch deleted",
        "delete from observation_log where locator = 'docs:c.txt'",
        "recorded 3 has 2",
    ),
    Damage("runs", "the run log emptied", "delete from run_log", "run-1"),
    Damage(
        "fetch state",
        "the raw page a document's next fetch compares against replaced",
        "update fetch_state set raw_hash = 'feedface' where document_id = '{a}'",
        "{a} version 3 (fetch_state has feedface)",
    ),
]


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.check for d in DAMAGE])
def test_check_names_each_kind_of_damage(damage: Damage, warehouse: Path, ledger: Ledger) -> None:
    a, b = doc(warehouse, "a.txt"), doc(warehouse, "b.txt")
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(damage.sql.format(a=a))
    result = run_cli("check", "--warehouse", str(warehouse))
    assert result.returncode == 1, result.stdout
    # Damage may break more than one rule (an observation deleted leaves its version unproven).
    [line] = [
        line for line in result.stdout.splitlines() if "FAIL" in line and damage.check in line
    ]
    assert damage.expected.format(a=a, b=b) in line, result.stdout
    assert damage.check in result.stderr and "Traceback" not in result.stderr
    ledger.add(
        "check",
        damage.check,
        damage.description,
        "exit 1, named",
        message=line.split(damage.check, 1)[1].strip(),
        documents=0,
        kept=0,
    )


def test_corrupt_raw_payload_bytes_are_found(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "update raw_payloads set content = ? where size > 0", [zlib.compress(b"other bytes")]
        )
    result = run_cli("check", "--warehouse", str(warehouse), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and not report["ok"]
    [raw] = [f for f in report["findings"] if f["check"] == "raw payloads"]
    assert not raw["ok"] and "do not decompress to the bytes" in raw["detail"]


def test_healthy_warehouse_passes_every_check(warehouse: Path) -> None:
    result = run_cli("check", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout
    assert "FAIL" not in result.stdout and result.stdout.count("ok") >= 8


def test_every_problem_at_once_is_listed(warehouse: Path) -> None:
    a = doc(warehouse, "a.txt")
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("delete from documents where locator = 'docs:b.txt'")
        conn.execute(f"delete from versions where document_id = '{a}' and version = 2")
        conn.execute("update versions set text = text || 'x' where version = 3")
    result = run_cli("check", "--warehouse", str(warehouse))
    assert result.returncode == 1
    failed = [line.split()[1] for line in result.stdout.splitlines() if "FAIL" in line]
    assert failed == ["documents", "versions", "content"]
    assert "3 problem(s)" in result.stderr
    assert "documents, versions, content hashes" in " ".join(result.stderr.split())


def test_check_without_a_warehouse_says_so(tmp_path: Path) -> None:
    result = run_cli("check", "--warehouse", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "ingest run" in result.stderr
