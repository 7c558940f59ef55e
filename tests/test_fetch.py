"""Fetching through the ingest flow against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import ingest_flow, query
from httpsite import Page, Site

from tasks.fetch import Fetcher
from tasks.records import Locator
from tasks.sources import FetchConfig

BODY = (
    "<p>河南省直机关各级党组织和广大共产党员深入贯彻习近平总书记重要指示精神，在疫情防控阻击战中奋勇当先。</p>"
    * 3
)
GBK_PAGE = f"<html><head><title>疫情防控</title></head><body><article><h1>疫情防控</h1>{BODY}</article></body></html>"
NO_DELAY = {"delay": 0, "concurrency": 4}

pytestmark = pytest.mark.usefixtures("prefect_api")


def urls_source(*urls: str, **extra: object) -> list[dict]:
    return [{"name": "web", "kind": "urls", "urls": list(urls), "politeness": NO_DELAY, **extra}]


def observation(root: Path, url_part: str) -> dict:
    rows = query(
        root,
        "select * from observations where locator like ? order by observed_at desc",
        [f"%{url_part}%"],
    )
    cols = [r[0] for r in query(root, "select column_name from (describe observations)")]
    return dict(zip(cols, rows[0], strict=True))


def test_fetched_page_lands_with_its_text(tmp_path: Path, site: Site) -> None:
    url = site.page("/a.html", GBK_PAGE)
    summary = ingest_flow(tmp_path, urls_source(url))
    assert summary["new"] == 1
    [(text, charset, url_col)] = query(tmp_path, "select text, charset, url from articles")
    assert "奋勇当先" in text and charset == "utf-8" and url_col == url


def test_gbk_page_without_any_charset_declaration_is_decoded(tmp_path: Path, site: Site) -> None:
    url = site.page("/gbk.html", GBK_PAGE.encode("gbk"), content_type="text/html")
    ingest_flow(tmp_path, urls_source(url))
    [(text, charset)] = query(tmp_path, "select text, charset from articles")
    assert "奋勇当先" in text and charset == "gb18030"


def test_redirect_is_followed_and_the_final_url_recorded(tmp_path: Path, site: Site) -> None:
    final = site.page("/final.html", GBK_PAGE)
    start = site.page("/old.html", b"", status=301, headers={"Location": "/final.html"})
    ingest_flow(tmp_path, urls_source(start))
    obs = observation(tmp_path, "/old.html")
    assert obs["outcome"] == "new" and obs["final_url"] == final
    [(url,)] = query(tmp_path, "select url from articles")
    assert url == final


def test_second_run_sends_validators_and_a_304_is_not_modified(tmp_path: Path, site: Site) -> None:
    url = site.page(
        "/etag.html", GBK_PAGE, etag='"v1"', last_modified="Wed, 20 Jul 2022 08:00:00 GMT"
    )
    ingest_flow(tmp_path, urls_source(url))
    summary = ingest_flow(tmp_path)
    assert summary["not_modified"] == 1 and summary["new"] == 0
    headers = site.requests[-1][1]
    assert headers.get("If-None-Match") == '"v1"'
    assert headers.get("If-Modified-Since") == "Wed, 20 Jul 2022 08:00:00 GMT"
    assert observation(tmp_path, "/etag.html")["http_status"] == 304
    assert query(tmp_path, "select count(*) from versions") == [(1,)]


def test_requests_to_a_site_share_connections_whatever_the_answer(
    tmp_path: Path, site: Site
) -> None:
    # Closing an unread response closes its connection: a re-run of 304s, redirects or
    # error pages would connect afresh for every page.
    pages = [site.page(f"/p{i}.html", GBK_PAGE, etag=f'"v{i}"') for i in range(30)]
    moved = [
        site.page(f"/old{i}.html", b"moved", status=301, headers={"Location": f"/p{i}.html"})
        for i in range(10)
    ]
    gone = [site.url(f"/gone{i}.html") for i in range(10)]
    one_at_a_time = {"delay": 0, "concurrency": 1}
    sources = [{"name": "web", "kind": "urls", "urls": pages, "politeness": one_at_a_time}]
    ingest_flow(tmp_path, sources)
    first = site.connections
    sources[0]["urls"] = pages + moved + gone
    summary = ingest_flow(tmp_path, sources)
    assert summary["not_modified"] == 30 and summary["failed"] == 10
    assert first <= 2 and site.connections - first <= 2, (first, site.connections)


def test_credentials_in_netrc_are_not_sent_to_the_sites_crawled(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    url = site.page("/a.html", GBK_PAGE)
    assert ingest_flow(tmp_path, urls_source(url))["new"] == 1
    assert all("Authorization" not in headers for _, headers in site.requests)


@pytest.mark.parametrize("bypass", [False, True], ids=["through the proxy", "NO_PROXY"])
def test_the_proxy_in_the_environment_is_used_unless_no_proxy_names_the_host(
    site: Site, monkeypatch: pytest.MonkeyPatch, bypass: bool
) -> None:
    # The fetcher reads the proxy settings once per origin, not per request as requests
    # does: the answer must still be the one requests would give, NO_PROXY included.
    proxy = Site().start()
    try:
        url = site.page("/a.html", GBK_PAGE)
        proxy.page(url, GBK_PAGE.replace("疫情防控", "代理"))  # a proxy is asked for the whole URL
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, proxy.base)
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        if bypass:
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with Fetcher(FetchConfig(), "test") as fetcher:
            locator = Locator("web", "http", url, url, "a")
            bodies = [fetcher.fetch(locator, robots=False).body for _ in range(3)]
        assert len(set(bodies)) == 1
        assert ("代理" in bodies[0].decode()) is not bypass
        assert (proxy.hits[url], site.hits["/a.html"]) == ((0, 3) if bypass else (3, 0))
    finally:
        proxy.stop()


def test_404_is_recorded_as_terminal_and_not_retried(tmp_path: Path, site: Site) -> None:
    url = site.url("/missing.html")
    summary = ingest_flow(tmp_path, urls_source(url))
    assert summary["failed"] == 1
    obs = observation(tmp_path, "/missing.html")
    assert (obs["error_class"], obs["reason"], obs["http_status"]) == ("terminal", "http_404", 404)
    assert site.hits["/missing.html"] == 1


def test_500_is_retried_then_recorded_as_transient(tmp_path: Path, site: Site) -> None:
    url = site.page("/broken.html", "oops", status=500)
    ingest_flow(tmp_path, urls_source(url), fetch={"retries": 2})
    assert site.hits["/broken.html"] == 3
    obs = observation(tmp_path, "/broken.html")
    assert (obs["outcome"], obs["error_class"], obs["reason"]) == (
        "failed",
        "transient",
        "http_500",
    )
    assert "500" in obs["message"]


def test_503_once_then_success_lands(tmp_path: Path, site: Site) -> None:
    calls = {"n": 0}

    def flaky(request: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        status = 503 if calls["n"] == 1 else 200
        Site.send(request, Page(GBK_PAGE.encode(), status=status))

    url = site.handler("/flaky.html", flaky)
    summary = ingest_flow(tmp_path, urls_source(url))
    assert summary["new"] == 1 and calls["n"] == 2


def test_retry_after_is_honoured(tmp_path: Path, site: Site) -> None:
    times: list[float] = []

    def busy(request: BaseHTTPRequestHandler) -> None:
        times.append(time.monotonic())
        if len(times) == 1:
            Site.send(request, Page(b"slow down", status=429, headers={"Retry-After": "1"}))
        else:
            Site.send(request, Page(GBK_PAGE.encode()))

    url = site.handler("/busy.html", busy)
    summary = ingest_flow(tmp_path, urls_source(url), fetch={"max_backoff": 5})
    assert summary["new"] == 1
    assert times[1] - times[0] >= 0.9


def test_robots_txt_is_honoured_by_default(tmp_path: Path, site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    url = site.page("/private/a.html", GBK_PAGE)
    ingest_flow(tmp_path, urls_source(url))
    assert site.hits["/private/a.html"] == 0
    assert observation(tmp_path, "/private/a.html")["reason"] == "robots_disallowed"


def test_unsupported_content_type_is_terminal(tmp_path: Path, site: Site) -> None:
    url = site.page("/pic.png", b"\x89PNG\r\n", content_type="image/png")
    ingest_flow(tmp_path, urls_source(url))
    obs = observation(tmp_path, "/pic.png")
    assert (obs["error_class"], obs["reason"]) == ("terminal", "unsupported_type")


def test_one_bad_url_does_not_affect_the_others(tmp_path: Path, site: Site) -> None:
    good = site.page("/good.html", GBK_PAGE)
    summary = ingest_flow(tmp_path, urls_source(site.url("/nope.html"), good))
    assert summary["new"] == 1 and summary["failed"] == 1
