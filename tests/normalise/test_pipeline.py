"""The documented order and flags are the ones the code has; damaged records are one query away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, ingest_flow, query

from tasks.extract import ExtractOptions
from tasks.normalise import STEPS
from tasks.process import page_article

DOC = (ROOT / "docs" / "normalisation.md").read_text(encoding="utf-8")
SUSPECT = (
    "会议指出，要龘靐齉爩麤龖龗鱻厵纞，确保各项工作落实到位，"
    "以优异成绩迎接党的二十大胜利召开，推动各项工作再上新台阶。\n"
)


def documented_section(title: str) -> str:
    return DOC.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_steps_run_in_the_documented_order() -> None:
    rows = re.findall(r"^\| \d \| (\w+) \|", documented_section("Order"), re.MULTILINE)
    assert rows == [name for name, _ in STEPS]


def test_every_flag_the_pipeline_raises_is_documented(seeds: dict[str, str]) -> None:
    documented = set(re.findall(r"^\| `(\w+)", documented_section("Flags"), re.MULTILINE))
    raised: set[str] = set()
    pages = [(text.encode("utf-8"), "text/plain", None) for text in seeds.values()]
    pages.append((SUSPECT.encode("utf-8"), "text/plain", None))
    pages.append((seeds["000"].encode("gb18030"), "text/plain", "utf-8"))  # wrong charset
    # UTF-8 read as Latin-1 and saved again
    pages.append(
        (seeds["000"].encode("utf-8").decode("latin-1").encode("utf-8"), "text/plain", None)
    )
    for body, media_type, charset in pages:
        article = page_article(
            body,
            media_type=media_type,
            declared_charset=charset,
            url=None,
            options=ExtractOptions(),
        )
        raised |= {flag.split(":")[0] for flag in article.flags}
    assert {"mojibake_suspected", "charset_mismatch", "pinyin_removed", "latin1_repaired"} <= raised
    assert raised <= documented


@pytest.mark.usefixtures("prefect_api")
def test_damaged_records_are_found_with_one_query(tmp_path: Path, seeds: dict[str, str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "repaired.txt").write_text(seeds["002"], encoding="utf-8")
    (docs / "clean.txt").write_text(seeds["000"], encoding="utf-8")
    (docs / "suspect.txt").write_text(SUSPECT, encoding="utf-8")
    summary = ingest_flow(tmp_path, [{"name": "docs", "kind": "local", "path": "docs"}])
    assert summary["new"] == 3
    suspected = "select count(*) from articles where list_contains(flags, 'mojibake_suspected')"
    assert query(tmp_path, suspected) == [(1,)]
    rows = query(
        tmp_path,
        "select locator, flag_details from articles "
        "where list_contains(flags, 'mojibake_repaired') order by locator",
    )
    assert [locator for locator, _ in rows] == ["docs:repaired.txt"]
    assert "pinyin_removed:151" in rows[0][1] and "mojibake_repaired:9" in rows[0][1]
