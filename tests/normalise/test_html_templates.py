"""The seeds wrapped in HTML of several sites and encodings come out as the .txt path does."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from httpsite import Site

from tasks.extract import ExtractOptions
from tasks.fetch import Fetcher
from tasks.identity import url_locator
from tasks.process import page_article
from tasks.records import Article, Payload
from tasks.sources import FetchConfig

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("000", "001", "002", "003", "004")
# name: (template, codec the bytes are in, charset the page declares)
VARIANTS = {
    "utf8": ("modern", "utf-8", "utf-8"),
    "gbk-declared": ("legacy", "gbk", "gbk"),
    "gb2312-declared-over-gbk-bytes": ("legacy", "gbk", "gb2312"),
    "big5": ("traditional", "big5hkscs", "big5"),
    "gbk-undeclared": ("legacy", "gbk", None),
    "utf8-declared-gb2312": ("modern", "utf-8", "gb2312"),
}
METADATA = ("title", "published", "publisher", "authors", "editors")


@cache
def make_samples() -> ModuleType:
    """samples/make_samples.py, whose site templates the bundled samples use."""
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples/make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def page(seed: str, text: str, variant: str, meta: dict[str, str] | None = None) -> bytes:
    """The seed's text as an HTML page of one site template, in one encoding."""
    samples = make_samples()
    template, codec, declared = VARIANTS[variant]
    base = next(s for s in samples.SAMPLES if s.seed == seed)
    sample = replace(base, template=template, encoding=codec, declared=declared, meta=meta or {})
    return samples.render(sample, text)


def article(body: bytes, media_type: str, charset: str | None = None) -> Article:
    return page_article(
        body, media_type=media_type, declared_charset=charset, url=None, options=ExtractOptions()
    )


def same_flags(flags: tuple[str, ...]) -> set[str]:
    # Decoding doubts and how much page chrome there was depend on the wrapping.
    return {f for f in flags if not f.startswith(("charset_", "boilerplate_lines"))}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", SEEDS)
def test_html_page_gives_what_the_text_file_gives(
    seeds: dict[str, str], seed: str, variant: str
) -> None:
    text = seeds[seed]
    from_txt = article(text.encode("utf-8"), "text/plain")
    from_html = article(page(seed, text, variant), "text/html")
    assert from_html.text == from_txt.text
    for field in METADATA:
        assert getattr(from_html, field) == getattr(from_txt, field), field
    assert from_html.source_script == from_txt.source_script
    assert same_flags(from_html.flags) == same_flags(from_txt.flags)


def test_utf8_page_that_declares_gb2312_is_read_as_utf8_and_flagged(seeds: dict[str, str]) -> None:
    got = article(page("000", seeds["000"], "utf8-declared-gb2312"), "text/html")
    assert got.charset == "utf-8" and "charset_mismatch" in got.flags


def test_gbk_page_without_any_declaration_is_detected(seeds: dict[str, str]) -> None:
    got = article(page("002", seeds["002"], "gbk-undeclared"), "text/html")
    assert got.charset == "gb18030" and "charset_mismatch" not in got.flags


def test_markup_adds_only_what_the_text_lacks(seeds: dict[str, str]) -> None:
    meta = {
        "ArticleTitle": "以党建引领疫情防控 河南人防交出合格答卷",
        "PubDate": "2020-03-10",
        "ContentSource": "河南省人民防空办公室",
        "author": "河南人防",
    }
    from_txt = article(seeds["002"].encode("utf-8"), "text/plain")
    from_html = article(page("002", seeds["002"], "gbk-declared", meta), "text/html")
    assert from_html.text == from_txt.text
    assert from_html.title == "以党建引领疫情防控 河南人防交出合格答卷"
    assert (from_html.published, from_html.publisher) == ("2020-03-10", "河南省人民防空办公室")


def test_markup_never_overrides_what_the_text_states(seeds: dict[str, str]) -> None:
    meta = {"ArticleTitle": "另一个标题", "PubDate": "2024-07-08", "ContentSource": "别的网站"}
    from_html = article(page("004", seeds["004"], "utf8", meta), "text/html")
    assert from_html.title == "四川省地方志办政工简讯2022年第36期（总第97期）"
    assert from_html.published == "2022-09-16T08:35:31"
    assert from_html.publisher == "四川省地方志工作办公室"


def test_a_page_served_over_http_with_a_wrong_header_charset(
    site: Site, seeds: dict[str, str]
) -> None:
    body = page("001", seeds["001"], "big5")
    url = site.page("/qizhi.html", body, content_type="text/html; charset=utf-8")
    with Fetcher(FetchConfig(), "zh-corpus-test") as fetcher:
        fetched = fetcher.fetch(url_locator("test", url), robots=False)
    assert isinstance(fetched, Payload)
    got = article(fetched.body, fetched.media_type or "text/html", fetched.declared_charset)
    from_txt = article(seeds["001"].encode("utf-8"), "text/plain")
    assert got.text == from_txt.text and got.title == from_txt.title
    assert got.charset == "big5hkscs" and "charset_mismatch" in got.flags
