"""What the reliability tests tried and what survived, for docs/reliability.md.

A test records rows after its assertions have passed, so a row is evidence, not
intent. With $RELIABILITY_REPORT set, rows are appended to that file as JSON
lines; `docs/reliability_report.py` runs these tests that way and renders the
table. Without it the ledger only keeps rows in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

REPORT_ENV = "RELIABILITY_REPORT"


@dataclass(frozen=True)
class Row:
    """One thing tried: a bad input or an injected fault, and what became of the records."""

    table: str  # inputs | faults | config
    name: str
    injected: str  # how the input or fault was produced, on the wire or on disk
    result: str  # what the pipeline did with it, e.g. "terminal too_large" or "landed"
    message: str  # the message a person reads, as recorded
    documents: int  # records at stake in the run (the bad one and its bystanders)
    kept: int  # of those, how many are accounted for in the warehouse afterwards
    seconds: float | None = None
    limit: float | None = None  # the bound the test held it to
    test: str = ""

    @property
    def lost(self) -> int:
        """Records at stake that the warehouse does not account for."""
        return self.documents - self.kept


@dataclass
class Ledger:
    """Rows recorded by one test."""

    test: str
    rows: list[Row] = field(default_factory=list)

    def add(self, table: str, name: str, injected: str, result: str, **facts: object) -> Row:
        """Record one row (call it after the assertions that prove it)."""
        row = Row(table, name, injected, result, test=self.test, **facts)  # type: ignore[arg-type]
        self.rows.append(row)
        return row


@pytest.fixture(name="ledger")
def ledger_fixture(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    """A ledger for this test; its rows are appended to $RELIABILITY_REPORT when set."""
    book = Ledger(request.node.nodeid)
    yield book
    target = os.environ.get(REPORT_ENV)
    if target and book.rows:
        with Path(target).open("a", encoding="utf-8") as out:
            for row in book.rows:
                out.write(json.dumps({**asdict(row), "lost": row.lost}, ensure_ascii=False) + "\n")
