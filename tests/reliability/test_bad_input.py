"""Bad input, each served for real: the run completes, the document becomes an observation with a
class and a message, its neighbours land, and nothing waits past its timeouts."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ingest_flow, query
from httpsite import Site
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from support import (
    ARTICLE,
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


@dataclass(frozen=True)
class Case:
    """One bad input: how to serve it and what the pipeline must make of it."""

    name: str
    injected: str
    serve: Callable[[Site], str]
    outcome: str  # failed, or new when the page is usable despite the damage
    error_class: str | None
    reason: str | None
    flag: str | None = None
    fetch: dict[str, object] = field(default_factory=dict)


def _redirect(path: str, to: str) -> Callable[[Site], str]:
    return lambda site: site.page(path, b"", status=302, headers={"Location": to})


def _loop(site: Site) -> str:
    site.page("/loop-b", b"", status=302, headers={"Location": "/loop-a"})
    return site.page("/loop-a", b"", status=302, headers={"Location": "/loop-b"})


def _chain(site: Site) -> str:
    for i in range(15):
        site.page(f"/hop{i}", b"", status=301, headers={"Location": f"/hop{i + 1}"})
    return site.url("/hop0")


def _bomb() -> bytes:
    return gzip.compress(b"\0" * 50_000_000, 9)


NESTED = "<html><body>" + "<div>" * 100_000 + PARAGRAPH * 3 + "</div>" * 100_000 + "</body></html>"
LONG_LINE = (
    "<html><head><title>长行</title></head><body><article><p>"
    + "中文内容测试，" * (5_000_000 // 21)
    + "</p></article></body></html>"
)
TAG_LINE = "<html><body><article>" + "<b>中文</b>" * 400_000 + "</article></body></html>"
SOFT_404 = (
    "<html><head><title>页面不存在</title></head><body><div class='err'>"
    "<h1>抱歉，您访问的页面不存在！</h1><p>请检查网址是否正确，或返回<a href='/'>首页</a>。</p>"
    "</div></body></html>"
)
SOFT_404_WORDY = (
    "<html><head><title>提示信息</title></head><body><article><h1>提示</h1><p>"
    "抱歉，您要查看的文章已被删除或者不存在，可能是网址输入有误，也可能是该信息已经过期下线，"
    "请返回网站首页继续浏览其他栏目的内容。</p></article></body></html>"
)

HTTP_CASES = [
    Case(
        "0-byte body",
        "200 text/html, Content-Length: 0",
        lambda s: s.page("/empty", b""),
        "failed",
        "terminal",
        "empty_body",
    ),
    Case(
        "PNG bytes served as text/html",
        "a PNG signature and header behind Content-Type: text/html",
        lambda s: s.page("/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64),
        "failed",
        "terminal",
        "not_text",
    ),
    Case(
        "PDF bytes served as text/html",
        "a PDF file behind Content-Type: text/html",
        lambda s: s.page("/pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"x" * 200),
        "failed",
        "terminal",
        "not_text",
    ),
    Case(
        "body over the size cap (declared)",
        "Content-Length of 2 MB against a 1 MB cap",
        lambda s: s.page("/big", ARTICLE.encode() * 4000),
        "failed",
        "terminal",
        "too_large",
    ),
    Case(
        "endless chunked body",
        "chunked transfer that never sends the last chunk, 8 KB per chunk as fast as it can",
        lambda s: s.endless("/endless", b"<p>" + PARAGRAPH.encode() * 50 + b"</p>"),
        "failed",
        "terminal",
        "too_large",
    ),
    Case(
        "endless chunked body, dripping",
        "chunked transfer that never ends, one small chunk every 0.2 s (each read succeeds)",
        lambda s: s.endless("/drip-chunks", b"<p>x</p>", interval=0.2),
        "failed",
        "transient",
        "total_timeout",
    ),
    Case(
        "body dripped one byte at a time",
        "Content-Length 2 KB sent one byte every 0.3 s, under the read timeout each time",
        lambda s: s.drip("/drip", ARTICLE.encode()[:2000], interval=0.3),
        "failed",
        "transient",
        "total_timeout",
    ),
    Case(
        "server stalls before answering",
        "accepts the connection, then sends nothing",
        lambda s: s.stall("/stall", None),
        "failed",
        "transient",
        "read_timeout",
    ),
    Case(
        "server stalls mid-body",
        "sends headers and a tenth of the body, then nothing",
        lambda s: s.stall("/stall-body", ARTICLE.encode()),
        "failed",
        "transient",
        "read_timeout",
    ),
    Case(
        "connection reset mid-body",
        "sends 100 of the promised bytes, then closes with a TCP RST",
        lambda s: s.reset_mid_body("/reset", ARTICLE.encode() * 10, 100),
        "failed",
        "transient",
        "connection_reset",
    ),
    Case(
        "redirect loop",
        "/loop-a → /loop-b → /loop-a",
        _loop,
        "failed",
        "terminal",
        "redirect_loop",
    ),
    Case(
        "too many redirects",
        "a chain of 15 redirects against a cap of 10",
        _chain,
        "failed",
        "terminal",
        "too_many_redirects",
    ),
    Case(
        "redirect to a non-HTTP scheme",
        "302 Location: ftp://127.0.0.1/pub/a.html",
        _redirect("/to-ftp", "ftp://127.0.0.1/pub/a.html"),
        "failed",
        "terminal",
        "unsupported_scheme",
    ),
    Case(
        "redirect to a local file",
        "302 Location: file:///etc/passwd",
        _redirect("/to-file", "file:///etc/passwd"),
        "failed",
        "terminal",
        "unsupported_scheme",
    ),
    Case(
        "invalid gzip content-encoding",
        "Content-Encoding: gzip over bytes that are not gzip",
        lambda s: s.page(
            "/badgz", b"\x1f\x8b\x08\x00garbage-not-deflate", headers={"Content-Encoding": "gzip"}
        ),
        "failed",
        "terminal",
        "bad_content_encoding",
    ),
    Case(
        "gzip bomb",
        "49 KB of gzip that inflates to 50 MB, against a 1 MB cap",
        lambda s: s.page("/bomb", _bomb(), headers={"Content-Encoding": "gzip"}),
        "failed",
        "terminal",
        "too_large",
    ),
    Case(
        "declared charset that does not exist",
        "Content-Type: text/html; charset=x-klingon over GBK bytes",
        lambda s: s.page(
            "/klingon", ARTICLE.encode("gbk"), content_type="text/html; charset=x-klingon"
        ),
        "new",
        None,
        None,
        flag="charset_unknown",
    ),
    Case(
        "undecodable bytes",
        "text/html whose body is bytes valid in no Chinese charset",
        lambda s: s.page(
            "/garbage",
            b"<html><body><p>" + bytes(range(0x80, 0x100)) * 40 + b"</p></body></html>",
            content_type="text/html",
        ),
        "failed",
        "terminal",
        "undecodable",
    ),
    Case(
        "HTML with no body text",
        "a page of navigation links and an empty article element",
        lambda s: s.page(
            "/hollow",
            "<html><head><title>首页</title></head><body><nav><a href='/'>首页</a>"
            "<a href='/a'>新闻</a></nav><article></article></body></html>",
        ),
        "failed",
        "terminal",
        "empty_extraction",
    ),
    Case(
        "soft 404",
        "status 200 with the title and heading 页面不存在",
        lambda s: s.page("/soft404", SOFT_404),
        "failed",
        "terminal",
        "soft_404",
    ),
    Case(
        "soft 404 with a paragraph of text",
        "status 200, an article element saying the article was deleted or does not exist",
        lambda s: s.page("/soft404b", SOFT_404_WORDY),
        "failed",
        "terminal",
        "soft_404",
    ),
    Case(
        "100,000 nested divs",
        "1.1 MB of <div> nested 100,000 deep around three paragraphs",
        lambda s: s.page("/nested", NESTED),
        "failed",
        "terminal",
        "too_deeply_nested",
        fetch={"max_bytes": 10_000_000},
    ),
    Case(
        "5 MB single line of text",
        "one 5 MB line of Chinese text inside one <p>",
        lambda s: s.page("/line", LONG_LINE),
        "new",
        None,
        None,
        fetch={"max_bytes": 10_000_000},
    ),
    Case(
        "5 MB single line of inline tags",
        "one 5.2 MB line of 400,000 <b> elements (trafilatura alone needs over a minute)",
        lambda s: s.page("/tags", TAG_LINE),
        "failed",
        "terminal",
        "extract_timeout",
        fetch={"max_bytes": 10_000_000},
    ),
]


@pytest.fixture(autouse=True)
def _short_extraction_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_EXTRACT_TIMEOUT", str(EXTRACT_TIMEOUT))


@pytest.mark.parametrize("case", HTTP_CASES, ids=[c.name for c in HTTP_CASES])
def test_bad_page_becomes_an_observation_and_its_neighbours_land(
    case: Case, tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    bad = case.serve(site)
    good = site.page("/good.html", GOOD_HTML)
    sources = [{"name": "web", "kind": "urls", "urls": [bad, good], "politeness": NO_DELAY}]
    started = time.monotonic()
    summary = ingest_flow(tmp_path, sources, fetch={**FAST, **case.fetch})
    seconds = time.monotonic() - started

    assert summary["seen"] == 2
    assert landed(tmp_path, good), (
        f"the good page beside the bad one must land: {observations_of(tmp_path, good)}"
    )
    [obs] = observations_of(tmp_path, bad)
    assert obs["outcome"] == case.outcome
    assert (obs["error_class"], obs["reason"]) == (case.error_class, case.reason), obs["message"]
    if case.outcome == "failed":
        assert obs["message"] and "Traceback" not in obs["message"]
        assert not landed(tmp_path, bad)
    if case.flag:
        [(flags,)] = query(tmp_path, "select flags from articles where locator = ?", [bad])
        assert case.flag in flags
    assert seconds < LIMIT
    ledger.add(
        "inputs",
        case.name,
        case.injected,
        f"{case.error_class} {case.reason}"
        if case.reason
        else f"landed (flag {case.flag})"
        if case.flag
        else "landed",
        message=obs["message"] or "",
        documents=2,
        kept=len(observations_of(tmp_path, bad)) + landed(tmp_path, good),
        seconds=round(seconds, 1),
        limit=LIMIT,
    )


def test_every_bad_input_in_one_run_leaves_the_good_pages_whole(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    bad = [case.serve(site) for case in HTTP_CASES if not case.fetch]
    good = [
        site.page(f"/good{i}.html", GOOD_HTML.replace(b"2022", str(2000 + i).encode()))
        for i in range(3)
    ]
    sources = [
        {
            "name": "web",
            "kind": "urls",
            "urls": [*bad[:10], good[0], *bad[10:], good[1]],
            "politeness": NO_DELAY,
        },
        {"name": "more", "kind": "urls", "urls": [good[2]], "politeness": NO_DELAY},
    ]
    started = time.monotonic()
    summary = ingest_flow(tmp_path, sources, fetch=FAST, batch_size=7)
    seconds = time.monotonic() - started
    assert summary["seen"] == len(bad) + len(good)
    assert all(landed(tmp_path, url) for url in good)
    assert all(len(observations_of(tmp_path, url)) == 1 for url in bad)
    assert seconds < LIMIT
    ledger.add(
        "inputs",
        f"all {len(bad)} bad pages above in one run",
        f"{len(bad)} bad and {len(good)} good URLs in two sources, batches of 7",
        f"{summary['failed']} failed, {summary['new']} landed",
        message="",
        documents=len(bad) + len(good),
        kept=sum(len(observations_of(tmp_path, u)) for u in bad)
        + sum(landed(tmp_path, u) for u in good),
        seconds=round(seconds, 1),
        limit=LIMIT,
    )


def test_an_article_that_mentions_a_missing_page_is_not_a_soft_404(
    tmp_path: Path, site: Site
) -> None:
    text = (
        PARAGRAPH
        + "有群众反映，部分政务网站链接失效、页面不存在等问题仍然存在，有关部门已经着手整改。"
    ) * 4
    url = site.page(
        "/real.html",
        f"<html><head><title>整改通报</title></head><body><article><p>{text}</p></article></body></html>",
    )
    ingest_flow(
        tmp_path,
        [{"name": "web", "kind": "urls", "urls": [url], "politeness": NO_DELAY}],
        fetch=FAST,
    )
    assert landed(tmp_path, url)
