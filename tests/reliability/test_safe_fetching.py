"""Safe fetching: discovered URLs reach public addresses only, checked by name, by peer and on
every redirect; only http(s); robots.txt; a User-Agent that says who is asking."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import ingest_flow, query
from httpsite import Site
from ledger import Ledger, ledger_fixture  # noqa: F401  (the fixture)
from support import FAST, GOOD_HTML, NO_DELAY, landed, observations_of

from tasks.guard import UnsafeAddress, guarded_adapter

pytestmark = pytest.mark.usefixtures("prefect_api")

# Addresses a sitemap on the open web might point a crawler at to reach inside a network.
INSIDE = [
    "http://localhost:{port}/a.html",
    "http://[::1]:{port}/a.html",
    "http://2130706433:{port}/a.html",  # 127.0.0.1 written as one decimal number
    "http://10.1.2.3/a.html",
    "http://192.168.0.1/a.html",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud's metadata service
    "http://metadata.google.internal/computeMetadata/v1/",
]
OTHER_SCHEMES = ["ftp://127.0.0.1/a.html", "file:///etc/passwd", "gopher://127.0.0.1:70/"]


def sitemap(urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


def test_sitemap_urls_pointing_inside_the_network_are_refused_unfetched(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    port = site.server.server_address[1]
    inside = [u.format(port=port) for u in INSIDE]
    direct = site.page("/a.html", GOOD_HTML)
    urls = [direct, *inside, *OTHER_SCHEMES]
    site.page("/sitemap.xml", sitemap(urls), content_type="application/xml")
    sources = [
        {"name": "map", "kind": "sitemap", "url": site.url("/sitemap.xml"), "politeness": NO_DELAY}
    ]
    summary = ingest_flow(tmp_path, sources, fetch=FAST)
    assert summary["failed"] == len(urls) and summary["new"] == 0
    assert site.hits["/a.html"] == 0, "no request may reach a private address"
    rows = query(
        tmp_path, "select reason, error_class, message from observations where source = 'map'"
    )
    assert {r[0] for r in rows} == {"unsafe_address", "unsupported_scheme"}
    assert all(r[1] == "terminal" for r in rows)
    assert sum(r[0] == "unsafe_address" for r in rows) == 1 + len(inside)
    assert any("allow_private" in r[2] for r in rows)
    ledger.add(
        "fetching",
        "sitemap URLs pointing inside the network",
        f"a sitemap on 127.0.0.1 listing {len(urls)} URLs: loopback (by name, IPv6, decimal), "
        "RFC 1918, link-local and cloud-metadata addresses, ftp:, file: and gopher:",
        "refused before any request: terminal unsafe_address / unsupported_scheme",
        message=next(r[2] for r in rows if "169.254" in r[2]),
        documents=len(urls),
        kept=len(rows),
    )


def test_allow_private_lets_a_source_reach_its_own_network(tmp_path: Path, site: Site) -> None:
    page = site.page("/a.html", GOOD_HTML)
    site.page("/sitemap.xml", sitemap([page]), content_type="application/xml")
    source = {
        "name": "map",
        "kind": "sitemap",
        "url": site.url("/sitemap.xml"),
        "politeness": NO_DELAY,
    }
    ingest_flow(tmp_path, [{**source, "allow_private": True}], fetch=FAST)
    assert landed(tmp_path, page)


def test_feed_links_are_held_to_the_same_rule(tmp_path: Path, site: Site) -> None:
    page = site.page("/a.html", GOOD_HTML)
    feed = f'<rss version="2.0"><channel><item><link>{page}</link></item></channel></rss>'
    site.page("/feed.xml", feed, content_type="application/rss+xml")
    ingest_flow(
        tmp_path,
        [{"name": "news", "kind": "feed", "url": site.url("/feed.xml"), "politeness": NO_DELAY}],
        fetch=FAST,
    )
    [obs] = observations_of(tmp_path, page)
    assert obs["reason"] == "unsafe_address" and site.hits["/a.html"] == 0


def test_redirect_to_a_metadata_address_is_refused_at_the_hop(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    # A URL written in sources.yaml may be private (it is the operator's choice), but no
    # redirect may carry the crawler on to a link-local metadata service.
    start = site.page(
        "/go.html",
        b"",
        status=302,
        headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )
    good = site.page("/good.html", GOOD_HTML)
    ingest_flow(
        tmp_path,
        [{"name": "web", "kind": "urls", "urls": [start, good], "politeness": NO_DELAY}],
        fetch=FAST,
    )
    [obs] = observations_of(tmp_path, start)
    assert (obs["error_class"], obs["reason"]) == ("terminal", "unsafe_address")
    assert obs["final_url"] == "http://169.254.169.254/latest/meta-data/"
    assert landed(tmp_path, good)
    ledger.add(
        "fetching",
        "redirect to a cloud-metadata address",
        "302 from a listed 127.0.0.1 page to http://169.254.169.254/latest/meta-data/",
        "refused at the hop: terminal unsafe_address",
        message=obs["message"],
        documents=2,
        kept=2,
    )


def test_connection_level_check_refuses_a_private_peer_the_name_check_did_not_see(
    site: Site, ledger: Ledger
) -> None:
    # The peer check is what stops DNS rebinding: a name that resolved to a public address
    # for the check and to a private one for the connection. Here the connection is made
    # straight through the guarded adapter, so only the peer check stands in the way.
    url = site.page("/a.html", GOOD_HTML)
    public = requests.Session()
    public.mount("http://", guarded_adapter("public", 1))
    with pytest.raises(UnsafeAddress, match=r"127\.0\.0\.1"):
        public.get(url, timeout=5)
    assert site.hits["/a.html"] == 0
    private = requests.Session()
    private.mount("http://", guarded_adapter("private", 1))
    assert private.get(url, timeout=5).status_code == 200
    ledger.add(
        "fetching",
        "private peer behind a public-looking name",
        "a connection opened through the public-only adapter to 127.0.0.1",
        "closed before the request was sent (UnsafeAddress)",
        message="",
        documents=0,
        kept=0,
    )


def test_user_agent_names_the_project_and_the_configured_contact(
    tmp_path: Path, site: Site
) -> None:
    url = site.page("/a.html", GOOD_HTML)
    ingest_flow(
        tmp_path,
        [{"name": "web", "kind": "urls", "urls": [url], "politeness": NO_DELAY}],
        fetch={**FAST, "contact": "mailto:corpus-ops@example.org"},
    )
    agents = {headers.get("User-Agent") for _, headers in site.requests}
    assert len(agents) == 1, "robots.txt and pages are asked for with the same User-Agent"
    [agent] = agents
    assert agent.startswith("zh-corpus/") and "mailto:corpus-ops@example.org" in agent


def test_robots_txt_keeps_sitemap_pages_unfetched(
    tmp_path: Path, site: Site, ledger: Ledger
) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    shut = site.page("/private/a.html", GOOD_HTML)
    open_ = site.page("/public/a.html", GOOD_HTML)
    site.page("/sitemap.xml", sitemap([shut, open_]), content_type="application/xml")
    source = {
        "name": "map",
        "kind": "sitemap",
        "url": site.url("/sitemap.xml"),
        "politeness": NO_DELAY,
    }
    ingest_flow(tmp_path, [{**source, "allow_private": True}], fetch=FAST)
    assert site.hits["/private/a.html"] == 0 and landed(tmp_path, open_)
    [obs] = observations_of(tmp_path, shut)
    assert obs["reason"] == "robots_disallowed"
    ledger.add(
        "fetching",
        "robots.txt disallows part of a sitemap",
        "Disallow: /private/ with one page on each side of it",
        "not requested: terminal robots_disallowed; the other page lands",
        message=obs["message"],
        documents=2,
        kept=2,
    )
