"""Search: jieba terms, BM25 in SQL, snippets, filters, and an index kept current by runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, ingest_flow, query, run_cli

from tasks.segment import index_terms, query_terms, snippet
from warehouse.search import SearchError, refresh_index, search

TEXTS = {
    "many.txt": "疫情防控工作会议召开\n会议要求，各地要把疫情防控作为当前最重要的工作，"
    "疫情防控一刻不能松懈，防控措施要落实到位。",
    "once.txt": "全省经济运行情况通报\n上半年全省经济平稳增长，工业生产持续恢复。"
    "会上也提到了疫情防控常态化条件下的复工复产，要求统筹推进。",
    "neither.txt": "秋粮收购进度过半\n各地粮食部门积极组织收购，确保农民种粮收益，市场运行平稳。",
    "epidemic-only.txt": "疫情期间的社区服务\n疫情期间，社区志愿者为居民配送生活物资，"
    "帮助老人解决实际困难。",
}
PAGE = """<html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{publisher}">
<meta property="article:published_time" content="{date}T08:00:00+08:00"></head>
<body><nav>首页 新闻 专题</nav><article><h1>{title}</h1>
<p>本报讯 近日，{body}有关部门出台疫情防控新举措，进一步优化防控措施，保障群众正常生产生活。</p>
<p>有关负责人表示，将持续做好疫情防控各项工作，确保各项措施落地见效。</p>
</article><footer>版权所有</footer></body></html>"""


def test_query_words_are_found_inside_longer_document_words() -> None:
    assert query_terms("疫情防控") == ["疫情", "防控"]
    assert query_terms("  疫情  疫情 ") == ["疫情"]
    terms = index_terms("标题", "中华人民共和国国务院主任贾宏伟")
    assert {"中华人民共和国", "人民", "共和国", "国务院", "宏伟", "贾"} <= terms.keys()
    assert set(query_terms("中华人民共和国 贾宏伟")) <= terms.keys()
    assert query_terms("，。！") == []


def test_snippet_marks_every_match_in_the_best_window() -> None:
    text = "开头无关的内容。" * 20 + "这里讲疫情防控，疫情形势平稳。" + "结尾无关。" * 20
    shown = snippet(text, ["疫情", "防控"], width=40)
    assert shown.text.startswith("…") and shown.text.endswith("…")
    assert "【疫情】【防控】" in shown.marked() and "【疫情】形势" in shown.marked()
    assert [shown.text[s:e] for s, e in shown.spans] == ["疫情", "防控", "疫情"]


@pytest.fixture
def corpus(tmp_path: Path, prefect_api: str) -> Path:
    """Four text files and two dated pages from two publishers, landed by a real ingest run."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in TEXTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    for name, publisher, date, body in (
        ("henan.html", "河南日报", "2022-05-01", "郑州市"),
        ("renmin.html", "人民网", "2021-01-10", "北京市"),
    ):
        page = PAGE.format(title=f"{body}疫情防控", publisher=publisher, date=date, body=body)
        (docs / name).write_text(page, encoding="utf-8")
    summary = ingest_flow(tmp_path, [{"name": "docs", "kind": "local", "path": "docs"}])
    assert summary["new"] == 6
    return tmp_path


def locators(result) -> list[str]:
    return [hit.locator.split(":", 1)[1] for hit in result.hits]


def test_every_term_must_match_and_more_matches_rank_higher(corpus: Path) -> None:
    result = search(corpus / "warehouse.duckdb", "疫情防控")
    assert result.terms == ("疫情", "防控") and result.unindexed == 0
    found = locators(result)
    assert set(found) == {"many.txt", "once.txt", "henan.html", "renmin.html"}
    assert found.index("many.txt") < found.index("once.txt")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_any_term_also_finds_partial_matches_below_full_ones(corpus: Path) -> None:
    result = search(corpus / "warehouse.duckdb", "疫情防控", any_term=True)
    found = locators(result)
    assert "epidemic-only.txt" in found and "neither.txt" not in found
    partial = next(h for h in result.hits if h.locator.endswith("epidemic-only.txt"))
    assert partial.matched == 1


def test_publisher_since_and_limit_filter_hits(corpus: Path) -> None:
    path = corpus / "warehouse.duckdb"
    assert locators(search(path, "疫情防控", publisher="河南")) == ["henan.html"]
    recent = locators(search(path, "疫情防控", since="2022-01-01"))
    assert "renmin.html" not in recent and "henan.html" in recent
    assert "many.txt" in recent  # no stated date: counts from when it was first seen
    limited = search(path, "疫情防控", limit=2)
    assert len(limited.hits) == 2 and limited.total == 4
    with pytest.raises(SearchError, match="not a date or time"):
        search(path, "疫情", since="last spring")
    with pytest.raises(SearchError, match="no words"):
        search(path, "，。")


def test_index_follows_new_versions_after_each_run(corpus: Path) -> None:
    path = corpus / "warehouse.duckdb"
    (corpus / "docs" / "neither.txt").write_text(
        "秋粮收购进度过半\n各地粮食部门积极组织收购，同时抓好疫情防控。", encoding="utf-8"
    )
    summary = ingest_flow(corpus)
    assert summary["changed"] == 1
    assert "neither.txt" in locators(search(path, "疫情防控"))
    assert "neither.txt" not in locators(search(path, "市场运行"))
    assert query(
        corpus,
        "select version from search_docs d join documents using (document_id) "
        "where locator = 'docs:neither.txt'",
    ) == [(2,)]
    assert refresh_index(path) == 0  # nothing left for the next run to index


def test_a_new_version_is_searchable_as_soon_as_its_batch_lands(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tasks.identity import file_locator
    from tasks.load import load_file
    from tasks.process import ProcessOptions, process
    from tasks.records import Payload
    from tasks.version import pipeline_version
    from warehouse.land import RunInfo, land

    page = tmp_path / "a.txt"
    page.write_text(
        "秋粮收购进度过半\n各地粮食部门积极组织收购，同时抓好疫情防控。", encoding="utf-8"
    )
    payload = load_file(file_locator("docs", tmp_path, page), 10**6)
    assert isinstance(payload, Payload)
    observed = process(payload, None, ProcessOptions(pipeline_version()))
    assert observed.derived is not None and "疫情" in observed.derived.terms
    path = tmp_path / "warehouse.duckdb"
    run = RunInfo("run", "ingest", datetime.now(UTC), pipeline_version())
    land(path, run, [observed])
    # No end-of-run refresh: the index entry came with the version, in its transaction.
    assert [h.locator for h in search(path, "疫情防控").hits] == ["docs:a.txt"]


def test_a_paragraph_that_starts_with_letters_or_digits_keeps_its_first_word() -> None:
    # jieba's full mode treats a line break as part of a run of letters and digits.
    terms = index_terms("报告 2023", "GDP增长\nGDP总量上升\n2024年预计")
    assert not [t for t in terms if not t.strip() or any(c.isspace() for c in t)]
    assert (terms["gdp"], terms["2023"], terms["2024"]) == (2, 1, 1)


def test_packed_terms_land_as_the_rows_they_stand_for(tmp_path: Path) -> None:
    """Terms cross from the workers packed (tasks.records.Derived); the index must not care."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from tasks.identity import file_locator
    from tasks.load import load_file
    from tasks.process import ProcessOptions, process
    from tasks.records import TERM_SEPARATOR, Derived, Payload
    from tasks.version import pipeline_version
    from warehouse.land import RunInfo, land, to_arrow

    counts = {
        "a.txt": {"秋粮": 2, "收购": 1, "进度": 3},
        "b.txt": {},  # a text without a single term: indexed, with nothing to find
        "c.txt": None,  # not derived: left to the end-of-run refresh
        "d.txt": {"市场": 1, f"坏{TERM_SEPARATOR}词": 5, "平稳": 4},
    }
    observed = []
    for name, terms in counts.items():
        (tmp_path / name).write_text(f"{name} 标题\n正文内容。", encoding="utf-8")
        payload = load_file(file_locator("docs", tmp_path, tmp_path / name), 10**6)
        assert isinstance(payload, Payload)
        o = process(payload, None, ProcessOptions(pipeline_version(), derive=False))
        derived = None if terms is None else Derived.of((1, 2, 3), terms)
        observed.append(replace(o, derived=derived))
    assert observed[3].derived is not None
    assert observed[3].derived.terms == ("市场", "平稳") and observed[3].derived.counts == (1, 4)
    path = tmp_path / "warehouse.duckdb"
    land(path, RunInfo("run", "ingest", datetime.now(UTC), pipeline_version()), observed)
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "SELECT d.locator, t.term, t.tf FROM search_terms t JOIN documents d USING "
            "(document_id) ORDER BY d.locator, t.term"
        ).fetchall()
        docs = conn.execute(
            "SELECT d.locator, s.length FROM search_docs s JOIN documents d USING "
            "(document_id) ORDER BY d.locator"
        ).fetchall()
    assert rows == [
        ("docs:a.txt", "收购", 1),
        ("docs:a.txt", "秋粮", 2),
        ("docs:a.txt", "进度", 3),
        ("docs:d.txt", "市场", 1),
        ("docs:d.txt", "平稳", 4),
    ]
    assert docs == [("docs:a.txt", 6), ("docs:b.txt", 0), ("docs:d.txt", 5)]
    assert to_arrow([], {})[0].num_rows == 0  # an empty batch can still be spooled


def test_landing_signs_and_indexes_what_the_workers_left_unsigned(tmp_path: Path) -> None:
    """With a core to spare the workers leave derivation to landing (Extractor, with_derived)."""
    from dataclasses import replace

    from tasks.identity import file_locator
    from tasks.load import load_file
    from tasks.process import ProcessOptions, process, with_derived
    from tasks.records import Payload, Prior
    from tasks.version import pipeline_version

    observed = []
    for name, text in [
        ("a.txt", "秋粮收购进度过半\n各地粮食部门积极组织收购。"),
        ("b.txt", "市场运行平稳有序"),
    ]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        payload = load_file(file_locator("docs", tmp_path, tmp_path / name), 10**6)
        assert isinstance(payload, Payload)
        options = ProcessOptions(pipeline_version(), derive=False)
        observed.append(process(payload, None, options))
    assert [o.derived for o in observed] == [None, None]
    a, b = observed
    same_text = Prior(1, b.article.content_hash, None, None, None, None)  # type: ignore[union-attr]
    broken = replace(a, article=replace(a.article, text=None))  # type: ignore[type-var]
    done = with_derived([a, b, broken], {b.locator.document_id: same_text})
    assert done[0].derived is not None and "秋粮" in done[0].derived.terms
    assert done[1].derived is None, "a text equal to the latest version lands as unchanged"
    assert done[2].derived is None, "a text the signature cannot read still lands, unsigned"


def test_search_cli_highlights_and_prints_json(corpus: Path) -> None:
    warehouse = str(corpus / "warehouse.duckdb")
    result = run_cli("search", "疫情防控", "--limit", "2", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    assert "2 of 4 article(s) matching 疫情 防控" in result.stdout
    assert "【疫情】【防控】" in result.stdout
    hits = json.loads(run_cli("search", "疫情", "防控", "--json", "--warehouse", warehouse).stdout)
    assert len(hits) == 4 and hits[0]["score"] >= hits[-1]["score"]
    for hit in hits:
        marked = {hit["snippet"][s:e] for s, e in hit["highlights"]}
        assert marked == {"疫情", "防控"}, hit
    bad = run_cli("search", "疫情", "--since", "someday", "--warehouse", warehouse)
    assert bad.returncode == 2 and "not a date" in bad.stderr and "Traceback" not in bad.stderr


def test_an_index_left_behind_is_reported_and_caught_up(corpus: Path) -> None:
    warehouse = corpus / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "delete from search_docs where document_id in "
            "(select document_id from documents where locator = 'docs:many.txt')"
        )
    behind = run_cli("search", "疫情防控", "--warehouse", str(warehouse))
    assert "1 current article(s) are not in the search index" in behind.stderr
    caught_up = run_cli("search", "疫情防控", "--update-index", "--warehouse", str(warehouse))
    assert (
        "indexed 1 article(s)" in caught_up.stderr and "not in the search" not in caught_up.stderr
    )
    assert "docs:many.txt" in caught_up.stdout


def test_commands_that_run_no_flow_never_import_prefect(corpus: Path) -> None:
    warehouse = str(corpus / "warehouse.duckdb")
    out = corpus / "export"
    code = (
        "import sys\n"
        "from flows.cli import main\n"
        f"assert main(['search', '疫情防控', '--warehouse', {warehouse!r}]) == 0\n"
        f"assert main(['dupes', '--warehouse', {warehouse!r}]) == 0\n"
        f"assert main(['export', '--format', 'jsonl', '--out', {str(out)!r}, "
        f"'--warehouse', {warehouse!r}]) == 0\n"
        f"assert main(['reprocess', '--dry-run', '--warehouse', {warehouse!r}]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'prefect')\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
