"""Bad local files, bad sitemaps and feeds, and bad sources.yaml files, each made for real."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ingest_flow, query, run_cli, write_sources
from httpsite import Site
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from support import (
    EXTRACT_TIMEOUT,
    FAST,
    GOOD_HTML,
    LIMIT,
    NO_DELAY,
    PARAGRAPH,
    landed,
    observations_of,
)

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture(autouse=True)
def _short_extraction_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_EXTRACT_TIMEOUT", str(EXTRACT_TIMEOUT))


@dataclass(frozen=True)
class FileCase:
    """One bad local file and the reason it must be refused with."""

    name: str
    filename: str
    content: bytes
    reason: str


FILE_CASES = [
    FileCase("empty .html file", "empty.html", b"", "empty_body"),
    FileCase("PNG saved as .html", "image.html", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not_text"),
    FileCase("file over the size cap", "huge.txt", PARAGRAPH.encode() * 20000, "too_large"),
    FileCase(
        "undecodable .txt",
        "garbage.txt",
        bytes(range(0x80, 0x100)) * 40,
        "undecodable",
    ),
    FileCase(
        "100,000 nested divs in a file",
        "nested.html",
        ("<html><body>" + "<div>" * 100_000 + PARAGRAPH * 3 + "</div>" * 100_000).encode(),
        "too_deeply_nested",
    ),
    FileCase(
        "soft 404 saved to disk",
        "gone.html",
        "<html><head><title>404 页面不存在</title></head><body><p>页面不存在</p></body></html>".encode(),
        "soft_404",
    ),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.name for c in FILE_CASES])
def test_bad_local_file_becomes_an_observation_and_the_rest_land(
    case: FileCase, tmp_path: Path, ledger: Ledger
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / case.filename).write_bytes(case.content)
    (docs / "good.html").write_bytes(GOOD_HTML)
    sources = [{"name": "disk", "kind": "local", "path": "docs"}]
    started = time.monotonic()
    summary = ingest_flow(tmp_path, sources, fetch={**FAST, "max_bytes": 2_000_000})
    seconds = time.monotonic() - started
    assert summary["seen"] == 2 and summary["new"] == 1
    [obs] = observations_of(tmp_path, f"disk:{case.filename}")
    assert (obs["outcome"], obs["error_class"], obs["reason"]) == (
        "failed",
        "terminal",
        case.reason,
    )
    assert case.filename in obs["message"] or obs["stage"] in ("decode", "extract")
    assert landed(tmp_path, "disk:good.html")
    assert seconds < LIMIT
    ledger.add(
        "inputs",
        case.name,
        f"{len(case.content):,} bytes in {case.filename} beside a good page",
        f"terminal {case.reason}",
        message=obs["message"],
        documents=2,
        kept=2,
        seconds=round(seconds, 1),
        limit=LIMIT,
    )


def test_five_megabyte_single_line_text_file_lands(tmp_path: Path, ledger: Ledger) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "line.txt").write_text(
        "长行\n" + "中文内容测试，" * (5_000_000 // 21), encoding="utf-8"
    )
    (docs / "good.html").write_bytes(GOOD_HTML)
    started = time.monotonic()
    summary = ingest_flow(
        tmp_path,
        [{"name": "disk", "kind": "local", "path": "docs"}],
        fetch={**FAST, "max_bytes": 10_000_000},
    )
    seconds = time.monotonic() - started
    assert summary["new"] == 2 and seconds < LIMIT
    [(length,)] = query(
        tmp_path, "select length(text) from articles where locator = 'disk:line.txt'"
    )
    assert length > 1_500_000
    ledger.add(
        "inputs",
        "5 MB single-line .txt file",
        "one 5 MB line of Chinese text in a local file",
        "landed",
        message="",
        documents=2,
        kept=2,
        seconds=round(seconds, 1),
        limit=LIMIT,
    )


BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><item><title>&lol9;</title>'
    "<link>http://127.0.0.1/a.html</link></item></channel></rss>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<rss version="2.0"><channel><item><title>&x;</title><link>/a.html</link></item></channel></rss>'
)


@dataclass(frozen=True)
class DiscoveryCase:
    """One bad sitemap or feed, how it is served, and the reason discovery must record."""

    name: str
    kind: str  # sitemap | feed
    injected: str
    serve: Callable[[Site], str]
    reason: str


DISCOVERY_CASES = [
    DiscoveryCase(
        "malformed sitemap XML",
        "sitemap",
        "a <urlset> cut off in the middle of a <loc>",
        lambda s: s.page(
            "/sitemap.xml",
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>http://127.0.0.1/a.html</loc></url><url><loc>http://127",
            content_type="application/xml",
        ),
        "malformed_xml",
    ),
    DiscoveryCase(
        "sitemap that is an HTML page",
        "sitemap",
        "the sitemap URL answers with a home page",
        lambda s: s.page("/sitemap.xml", "<html><body><p>首页</p></body></html>"),
        "not_a_sitemap",
    ),
    DiscoveryCase(
        "corrupt gzipped sitemap",
        "sitemap",
        "sitemap.xml.gz whose bytes after the gzip magic are garbage",
        lambda s: s.page(
            "/sitemap.xml.gz", b"\x1f\x8b\x08\x00garbage", content_type="application/x-gzip"
        ),
        "bad_gzip",
    ),
    DiscoveryCase(
        "malformed feed XML",
        "feed",
        "an RSS document with an unclosed <item>",
        lambda s: s.page(
            "/feed.xml",
            '<rss version="2.0"><channel><item><link>http://127.0.0.1/a.html</link></channel></rss>',
            content_type="application/rss+xml",
        ),
        "malformed_xml",
    ),
    DiscoveryCase(
        "XML entity-expansion bomb in a feed",
        "feed",
        "a billion-laughs DOCTYPE (10^9 expansions) in an RSS feed",
        lambda s: s.page("/feed.xml", BOMB, content_type="application/rss+xml"),
        "unsafe_xml",
    ),
    DiscoveryCase(
        "external entity in a feed",
        "feed",
        "an RSS feed whose DOCTYPE pulls in file:///etc/passwd",
        lambda s: s.page("/feed.xml", XXE, content_type="application/rss+xml"),
        "unsafe_xml",
    ),
]


@pytest.mark.parametrize("case", DISCOVERY_CASES, ids=[c.name for c in DISCOVERY_CASES])
def test_bad_sitemap_or_feed_is_an_observation_and_other_sources_run(
    case: DiscoveryCase, tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    url = case.serve(site)
    good = site.page("/good.html", GOOD_HTML)
    sources = [
        {"name": "bad", "kind": case.kind, "url": url, "politeness": NO_DELAY},
        {"name": "web", "kind": "urls", "urls": [good], "politeness": NO_DELAY},
    ]
    started = time.monotonic()
    summary = ingest_flow(tmp_path, sources, fetch=FAST)
    seconds = time.monotonic() - started
    assert summary["new"] == 1 and landed(tmp_path, good)
    [obs] = observations_of(tmp_path, url)
    assert obs["document_id"] is None and obs["stage"] == "discover"
    assert (obs["error_class"], obs["reason"]) == ("terminal", case.reason), obs["message"]
    assert url in obs["message"]
    assert seconds < LIMIT
    ledger.add(
        "inputs",
        case.name,
        case.injected,
        f"terminal {case.reason}",
        message=obs["message"],
        documents=2,
        kept=2,
        seconds=round(seconds, 1),
        limit=LIMIT,
    )


def test_bad_lines_in_a_url_list_are_observations(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    good = site.page("/good.html", GOOD_HTML)
    (tmp_path / "urls.txt").write_text(
        f"# reading list\nftp://example.org/a.html\nnot a url\n{good}\n", encoding="utf-8"
    )
    summary = ingest_flow(
        tmp_path,
        [{"name": "list", "kind": "urls", "file": "urls.txt", "politeness": NO_DELAY}],
        fetch=FAST,
    )
    assert summary["new"] == 1 and summary["failed"] == 2
    messages = [
        r[0]
        for r in query(tmp_path, "select message from observations where reason = 'invalid_url'")
    ]
    assert len(messages) == 2 and all("urls.txt line" in m for m in messages)
    ledger.add(
        "inputs",
        "bad lines in a URL list file",
        "an ftp: URL and a line of prose in urls.txt",
        "terminal invalid_url",
        message=messages[0],
        documents=3,
        kept=3,
    )


@dataclass(frozen=True)
class ConfigCase:
    """A mistake in sources.yaml and what the error must point at."""

    name: str
    injected: str
    text: str
    expect: tuple[str, ...]


CONFIG_CASES = [
    ConfigCase(
        "unknown key",
        "a misspelt key, `globb:`",
        "sources:\n  - name: disk\n    kind: local\n    path: docs\n    globb: '*.html'\n",
        ("line 5", "unknown key 'globb'", "glob"),
    ),
    ConfigCase(
        "bad URL",
        "a sitemap at an ftp: URL",
        "sources:\n  - name: map\n    kind: sitemap\n    url: ftp://example.org/map.xml\n",
        ("line 4", "not an http(s) URL"),
    ),
    ConfigCase(
        "duplicate source name",
        "two sources named `a`",
        "sources:\n  - name: a\n    kind: local\n    path: docs\n"
        "  - name: a\n    kind: local\n    path: docs\n",
        ("line 5", "line 2", "unique"),
    ),
    ConfigCase(
        "missing file",
        "a URL list at a path that does not exist",
        "sources:\n  - name: list\n    kind: urls\n    file: nowhere.txt\n",
        ("line 4", "nowhere.txt", "not an existing file"),
    ),
    ConfigCase(
        "wrong type",
        "`politeness: {delay: soon}`",
        "sources:\n  - name: disk\n    kind: local\n    path: docs\n    politeness: {delay: soon}\n",
        ("line 5", "politeness.delay", "must be a number", "soon"),
    ),
]


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c.name for c in CONFIG_CASES])
def test_sources_file_mistake_stops_before_anything_runs_and_names_the_line(
    case: ConfigCase, tmp_path: Path, ledger: Ledger
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "sources.yaml").write_text(case.text, encoding="utf-8")
    result = run_cli("run", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "sources.yaml" in result.stderr
    for part in case.expect:
        assert part in result.stderr, result.stderr
    assert not (tmp_path / "data").exists(), "nothing may start before the file is valid"
    ledger.add(
        "config",
        case.name,
        case.injected,
        "refused before the run (exit 2)",
        message=" ".join(result.stderr.split()).removeprefix("error: "),
        documents=0,
        kept=0,
    )


def test_missing_sources_file_says_how_to_fix_it(tmp_path: Path, ledger: Ledger) -> None:
    result = run_cli("run", "--sources", "nope.yaml", cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "no such file" in result.stderr
    assert "--sources" in result.stderr and "Traceback" not in result.stderr
    ledger.add(
        "config",
        "sources file missing",
        "--sources nope.yaml",
        "refused before the run (exit 2)",
        message=" ".join(result.stderr.split()).removeprefix("error: "),
        documents=0,
        kept=0,
    )


@pytest.mark.parametrize("value", ["lots", "0MB"])
def test_unreadable_duckdb_memory_stops_before_anything_runs(tmp_path: Path, value: str) -> None:
    (tmp_path / "docs").mkdir()
    write_sources(tmp_path / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    result = run_cli("run", cwd=tmp_path, env={"INGEST_DUCKDB_MEMORY": value}, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "$INGEST_DUCKDB_MEMORY" in result.stderr and repr(value) in result.stderr, result.stderr
    assert not (tmp_path / "data").exists(), "nothing may start before the setting is valid"


def test_a_run_that_outgrows_duckdbs_memory_cap_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("标题\n" + "正文内容，第一段。" * 40, encoding="utf-8")
    write_sources(tmp_path / "sources.yaml", [{"name": "docs", "kind": "local", "path": "docs"}])
    result = run_cli("run", cwd=tmp_path, env={"INGEST_DUCKDB_MEMORY": "1MB"}, timeout=120)
    assert result.returncode == 1  # Prefect logs the failed flow run's traceback; the last word:
    assert "set INGEST_DUCKDB_MEMORY higher" in result.stderr.split("error:")[-1], result.stderr
