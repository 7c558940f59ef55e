"""Render docs/reliability.md from a run of the reliability tests.

    uv run python docs/reliability_report.py                 # run tests/reliability, then render
    uv run python docs/reliability_report.py --rows FILE     # render rows saved from an earlier run

Each test in tests/reliability records what it tried, after its assertions
pass, to the JSON-lines file named by $RELIABILITY_REPORT (see
tests/reliability/ledger.py). This script sets that variable, runs pytest,
and turns the rows into tables. If any test fails, or any record is lost, it
says so and exits 1 without touching the document.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "reliability.md"
SECTIONS = (
    (
        "inputs",
        "Bad input",
        "Each served for real by a local HTTP server or written to disk, "
        "beside good pages that must land in the same run.",
    ),
    (
        "fetching",
        "Safe fetching",
        "Addresses, schemes and robots.txt, tried against a real server on 127.0.0.1.",
    ),
    (
        "faults",
        "Faults",
        "Processes killed, files held, runs overlapping: each done to real "
        "processes on a real DuckDB file.",
    ),
    (
        "config",
        "sources.yaml mistakes",
        "Each must stop `ingest run` before anything starts, "
        "naming the file, the line and the fix.",
    ),
    (
        "check",
        "`ingest check` on damaged warehouses",
        "Each warehouse damaged on purpose with SQL; the check must exit 1 and name the damage.",
    ),
)


@dataclass(frozen=True)
class TestRun:
    """What pytest reported: counts, time and the names of failures."""

    tests: int
    failures: list[str]
    skipped: int
    seconds: float


def main(argv: list[str] | None = None) -> int:
    """Run the tests (or read saved rows) and write docs/reliability.md."""
    args = _parser().parse_args(argv)
    if args.rows:
        rows = _read_rows(Path(args.rows))
        run = TestRun(len({r["test"] for r in rows}), [], 0, 0.0)
    else:
        rows, run = _run_tests(args.pytest_args)
    lost = sum(r["lost"] for r in rows)
    if run.failures:
        print(f"{len(run.failures)} reliability test(s) failed:", *run.failures, sep="\n  ")
        return 1
    if lost:
        print(f"{lost} record(s) lost; docs/reliability.md not written")
        return 1
    TARGET.write_text(render(rows, run), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(rows)} rows, {run.tests} tests, 0 records lost")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", help="render rows from this JSON-lines file instead of running tests")
    p.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    return p


def _run_tests(extra: list[str]) -> tuple[list[dict], TestRun]:
    with tempfile.TemporaryDirectory() as tmp:
        rows_file = Path(tmp) / "rows.jsonl"
        junit = Path(tmp) / "junit.xml"
        env = {**os.environ, "RELIABILITY_REPORT": str(rows_file)}
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/reliability",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *extra,
        ]
        subprocess.run(command, cwd=ROOT, env=env, check=False)
        rows = _read_rows(rows_file) if rows_file.exists() else []
        return rows, _read_junit(junit)


def _read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _read_junit(path: Path) -> TestRun:
    if not path.exists():
        return TestRun(0, ["pytest did not run (no junit report)"], 0, 0.0)
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    failures = [
        f"{case.get('classname')}::{case.get('name')}"
        for case in suite.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]
    return TestRun(
        int(suite.get("tests", 0)),
        failures,
        int(suite.get("skipped", 0)),
        float(suite.get("time", 0)),
    )


def render(rows: list[dict], run: TestRun) -> str:
    """The whole document."""
    inputs = [r for r in rows if r["table"] in ("inputs", "config")]
    faults = [r for r in rows if r["table"] in ("faults", "fetching", "check")]
    at_stake = sum(r["documents"] for r in rows)
    lost = sum(r["lost"] for r in rows)
    commit = _commit()
    lines = [
        "# Reliability: what is tried, and what survives",
        "",
        "<!-- Generated by `uv run python docs/reliability_report.py`; do not edit by hand. -->",
        "",
        f"Produced from a run of `tests/reliability` ({run.tests} tests, all passed"
        + (f", {run.seconds:.0f} s" if run.seconds else "")
        + f") on {datetime.now(UTC):%Y-%m-%d}"
        + (f" at commit `{commit}`" if commit else "")
        + ". Every row is written by a test after its assertions passed, so each is evidence,"
        " not a plan.",
        "",
        "| | |",
        "|---|---:|",
        f"| bad inputs tried | {len(inputs)} |",
        f"| faults and attacks survived | {len(faults)} |",
        f"| records at stake in those runs | {at_stake} |",
        f"| **records lost** | **{lost}** |",
        "",
        "A record is *kept* when the warehouse accounts for it afterwards: a good page has its "
        "version, a bad one its observation with a class (transient or terminal), a reason and "
        "a message. *Lost* is at stake minus kept.",
    ]
    for table, title, blurb in SECTIONS:
        section = [r for r in rows if r["table"] == table]
        if section:
            lines += ["", f"## {title}", "", blurb, "", *_table(section, table)]
    lines += [
        "",
        "## Regenerating this page",
        "",
        "```bash",
        "uv run python docs/reliability_report.py",
        "```",
        "",
        "runs `pytest tests/reliability` with `RELIABILITY_REPORT` pointing at a scratch file, "
        "then renders the rows the tests recorded. It refuses to write the page if a test fails "
        "or a record is lost. The tests take about ten minutes on two cores; three of them "
        "hold the warehouse for 20 s each. `--rows FILE` renders rows saved from an earlier run.",
        "",
    ]
    return "\n".join(lines)


def _table(rows: list[dict], table: str) -> list[str]:
    if table in ("inputs", "config"):
        head = [
            "input",
            "how it was made",
            "what the pipeline did",
            "message recorded",
            "s (limit)",
            "at stake / lost",
        ]
    else:
        head = [
            "fault",
            "how it was injected",
            "what survived",
            "message recorded",
            "s (limit)",
            "at stake / lost",
        ]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * (len(head) - 2) + "---:|---:|"]
    for r in rows:
        timing = ""
        if r.get("seconds") is not None:
            timing = f"{r['seconds']:.1f}" + (f" ({r['limit']:g})" if r.get("limit") else "")
        out.append(
            "| "
            + " | ".join(
                [
                    _cell(r["name"]),
                    _cell(r["injected"]),
                    _cell(r["result"]),
                    _cell(r["message"], 220),
                    timing,
                    f"{r['documents']} / {r['lost']}",
                ]
            )
            + " |"
        )
    return out


def _cell(text: str, limit: int = 400) -> str:
    text = " ".join(str(text or "").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return result.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
