"""Document identity: one page, however its URL is spelled, is one document."""

from __future__ import annotations

import pytest

from tasks.identity import canonical_url

PAGE = "http://www.example.gov.cn/news/2022/a.html"


@pytest.mark.parametrize(
    "spelling",
    [
        "HTTP://WWW.Example.gov.cn/news/2022/a.html",
        "http://www.example.gov.cn:80/news/2022/a.html",
        "http://www.example.gov.cn/news/2022/a.html#comments",
        "http://www.example.gov.cn/news/2022/a.html?utm_source=weixin&from=timeline",
        "http://www.example.gov.cn/news/./2022/a.html",
        "http://www.example.gov.cn/news/x/../2022/a.html",
        "http://www.example.gov.cn/../news/2022/a.html",
    ],
)
def test_one_page_has_one_spelling(spelling: str) -> None:
    assert canonical_url(spelling) == PAGE


@pytest.mark.parametrize(
    "other",
    [
        "http://www.example.gov.cn/news/2022/a.html?id=2",
        "https://www.example.gov.cn/news/2022/a.html",
        "http://www.example.gov.cn/news/2022/",
        "http://www.example.gov.cn/news/2022/a..html",
    ],
)
def test_other_pages_stay_other(other: str) -> None:
    assert canonical_url(other) != PAGE
