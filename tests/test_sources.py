"""sources.yaml: valid files load; each kind of mistake names its line and the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from httpsite import Site

from tasks.sources import ConfigError, LocalSource, UrlsSource, load_sources


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "urls.txt").write_text("https://example.org/a\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    return caught.value.problems


def test_valid_file_loads_every_kind(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
fetch:
  retries: 2
sources:
  - name: disk
    kind: local
    path: pages
  - name: list
    kind: urls
    urls: [https://example.org/a, http://example.org/b]
  - name: listfile
    kind: urls
    file: urls.txt
    politeness: {delay: 0.5, concurrency: 2}
  - name: map
    kind: sitemap
    url: https://example.org/sitemap.xml
  - name: news
    kind: feed
    url: https://example.org/feed.xml
    enabled: false
""",
    )
    parsed = load_sources(path)
    assert [s.kind for s in parsed.sources] == ["local", "urls", "urls", "sitemap", "feed"]
    assert isinstance(parsed.sources[0], LocalSource)
    assert isinstance(parsed.sources[2], UrlsSource) and parsed.sources[2].politeness.delay == 0.5
    assert parsed.fetch.retries == 2


def test_unknown_key_names_line_and_allowed_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - name: disk\n    kind: local\n    path: pages\n    globb: '*.html'\n",
    )
    [message] = problems(path)
    assert "line 5" in message and "unknown key 'globb'" in message and "glob" in message


def test_bad_url_names_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sources:\n  - name: web\n    kind: sitemap\n    url: ftp://example.org/map.xml\n"
    )
    [message] = problems(path)
    assert "line 4" in message and "not an http(s) URL" in message


def test_duplicate_source_name_points_at_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - name: a\n    kind: local\n    path: pages\n"
        "  - name: a\n    kind: local\n    path: pages\n",
    )
    [message] = problems(path)
    assert "line 5" in message and "line 2" in message and "unique" in message


def test_missing_directory_is_reported_with_the_resolved_path(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: a\n    kind: local\n    path: nowhere\n")
    [message] = problems(path)
    assert "line 4" in message and "nowhere" in message and str(tmp_path) in message


def test_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    path = write(
        tmp_path, "sources:\n  - name: a\n    kind: local\n    path: pages\n    enabled: often\n"
    )
    [message] = problems(path)
    assert "line 5" in message and "true or false" in message and "often" in message


def test_a_number_out_of_range_names_the_limit(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fetch:\n  connect_timeout: 0\n  retries: 11\n"
        "sources:\n  - name: a\n    kind: local\n    path: pages\n"
        "    politeness: {delay: -1, concurrency: 0}\n",
    )
    assert sorted(problems(path)) == sorted(
        [
            f"{path} line 2: fetch.connect_timeout must be more than 0, got 0.",
            f"{path} line 3: fetch.retries must be at most 10, got 11.",
            f"{path} line 8: sources[0].politeness.delay must be at least 0, got -1.",
            f"{path} line 8: sources[0].politeness.concurrency must be at least 1, got 0.",
        ]
    )


def test_a_key_given_twice_is_refused_not_silently_overridden(tmp_path: Path) -> None:
    # YAML keeps the last of two equal keys: the first source list or URL list vanished.
    path = write(
        tmp_path,
        "sources:\n  - name: a\n    kind: urls\n    urls: [https://example.org/1]\n"
        "    urls: [https://example.org/2]\n"
        "sources:\n  - name: b\n    kind: local\n    path: pages\n",
    )
    assert problems(path) == [
        f"{path} line 5: 'urls' is given twice (first on line 4), and only this one would "
        "count. Merge the two into one.",
        f"{path} line 6: 'sources' is given twice (first on line 1), and only this one would "
        "count. Merge the two into one.",
    ]


def test_a_value_where_a_mapping_belongs_says_so(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fetch: 3\nsources:\n  - just-a-name\n  - name: b\n    kind: local\n    path: pages\n"
        "    politeness: 2\n",
    )
    wanted = "must be a mapping (indented 'key: value' lines, or {key: value, …}), got"
    assert sorted(problems(path)) == sorted(
        [
            f"{path} line 1: fetch {wanted} 3.",
            f"{path} line 3: sources[0] {wanted} 'just-a-name'.",
            f"{path} line 7: sources[1].politeness {wanted} 2.",
        ]
    )


def test_a_name_too_long_says_how_long_it_may_be(tmp_path: Path) -> None:
    path = write(tmp_path, f"sources:\n  - name: {'n' * 65}\n    kind: local\n    path: pages\n")
    [message] = problems(path)
    assert message.endswith("sources[0].name may be at most 64 characters long, got 65.")


def test_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: a\n    kind: rss\n    url: https://example.org/f\n")
    [message] = problems(path)
    assert "line 3" in message and "urls, sitemap, feed, local" in message and "'rss'" in message


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: a\n    kind: [local\n")
    [message] = problems(path)
    assert "not valid YAML" in message and "line" in message


def test_urls_and_file_together_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - name: a\n    kind: urls\n    urls: [https://example.org/]\n"
        "    file: urls.txt\n",
    )
    [message] = problems(path)
    assert "line 2" in message and "either 'urls'" in message


def test_several_mistakes_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - name: a\n    kind: local\n    path: pages\n    colour: red\n"
        "  - name: b\n    kind: sitemap\n    url: notaurl\n",
    )
    assert len(problems(path)) == 2


def test_local_discovery_names_files_as_file_locator_does(tmp_path: Path) -> None:
    """Plain files, files in subdirectories and a linked file, under a root reached by a link."""
    from tasks.discover import discover
    from tasks.identity import file_locator

    real = tmp_path / "real"
    (real / "2024" / "07").mkdir(parents=True)
    (real / "a.html").write_text("<p>a</p>", encoding="utf-8")
    (real / "2024" / "07" / "b.html").write_text("<p>b</p>", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("<p>c</p>", encoding="utf-8")
    (real / "c.html").symlink_to(real / "2024" / "07" / "b.html")
    (tmp_path / "root").symlink_to(real)
    path = write(
        tmp_path,
        "sources:\n  - name: docs\n    kind: local\n    path: root\n    glob: ['**/*.html']\n",
    )
    [source] = load_sources(path).sources
    found = list(discover(source, tmp_path, None))
    expected = [
        file_locator("docs", tmp_path / "root", tmp_path / "root" / relative)
        for relative in ("a.html", "c.html", "2024/07/b.html")
    ]
    assert sorted(found, key=lambda loc: loc.canonical) == sorted(
        expected, key=lambda loc: loc.canonical
    )
    assert {loc.address for loc in found} == {
        str((real / "a.html").resolve()),
        str((real / "2024" / "07" / "b.html").resolve()),
    }


def test_rss_items_with_only_a_permalink_guid_are_discovered_by_it(
    tmp_path: Path, site: Site
) -> None:
    from tasks.discover import discover
    from tasks.fetch import Fetcher

    items = [
        "<item><title>link</title><link>https://example.org/a.html</link>"
        '<guid isPermaLink="false">a-1</guid></item>',
        "<item><title>guid, no attribute</title><guid>https://example.org/b.html</guid></item>",
        '<item><title>guid, true</title><guid isPermaLink="true">https://example.org/c.html</guid>'
        "</item>",
        '<item><title>guid, not a URL</title><guid isPermaLink="false">'
        "https://example.org/d.html</guid></item>",
        "<item><title>guid that is no URL</title><guid>tag:example.org,2024:e</guid></item>",
    ]
    feed = f'<rss version="2.0"><channel>{"".join(items)}</channel></rss>'
    url = site.page("/rss.xml", feed, content_type="application/rss+xml")
    path = write(tmp_path, f"sources:\n  - name: feed\n    kind: feed\n    url: {url}\n")
    parsed = load_sources(path)
    [source] = parsed.sources
    with Fetcher(parsed.fetch, "zh-corpus-test") as fetcher:
        found = list(discover(source, tmp_path, fetcher))
    assert [loc.address for loc in found] == [
        "https://example.org/a.html",
        "https://example.org/b.html",
        "https://example.org/c.html",
    ]


def test_the_readme_sections_the_shipped_files_cite_exist() -> None:
    sections = set(re.findall(r"^## (.+)$", (ROOT / "README.md").read_text(), re.MULTILINE))
    for shipped in ("sources.yaml", "prefect.yaml"):
        cited = re.findall(r'README "([^"]+)"', (ROOT / shipped).read_text())
        assert cited and set(cited) <= sections, (shipped, cited)
