"""Articles split over pages: a record that holds one page of several says so (`paged:N`)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from tasks.extract import ExtractOptions
from tasks.normalise import normalise
from tasks.pager import pages_stated
from tasks.process import page_article
from tasks.records import Article, Extracted

P1 = "　　走进位于四川广汉的三星堆遗址考古发掘现场，一座巨大的保护大棚映入眼帘。大棚内，考古工作者正在对新发现的祭祀区进行精细化发掘。"
P2 = "　　“这一轮发掘，我们在方法上做了很多创新。”站长冉宏林说，考古队搭建了恒温恒湿的发掘舱，并引入了多学科团队同步开展研究。"


def html(after_body: str) -> Article:
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>探访三星堆新一轮考古发掘现场_新华网</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/sz">时政</a> <a href="/gj">国际</a></div>
<h1>探访三星堆新一轮考古发掘现场</h1>
<div id="detail"><p>{P1}</p><p>{P2}</p>{after_body}</div>
<div class="foot">版权所有 新华网</div></body></html>"""
    return page_article(
        page.encode(), media_type="text/html", declared_charset=None, url=None,
        options=ExtractOptions(),
    )  # fmt: skip


def text(*lines: str) -> Article:
    return normalise(Extracted(text="\n".join(lines), is_html=False), url=None, charset="utf-8")


def test_a_page_whose_pager_links_further_pages_is_flagged_with_their_count() -> None:
    pager = """<div id="div_currpage"><a href="c_1.htm">上一页</a> <a href="c.htm">1</a>
<span>2</span> <a href="c_3.htm">3</a> <a href="c_3.htm">下一页</a></div>"""
    got = html(pager)
    assert "paged:3" in got.flags
    assert got.text.split("\n") == [P1.strip(), P2.strip()]


def test_a_text_ending_in_page_links_is_flagged() -> None:
    got = text("探访三星堆新一轮考古发掘现场", P1, P2, "第1页 共2页", "下一页")
    assert "paged:2" in got.flags and "下一页" not in got.text


def test_a_page_without_a_pager_or_with_links_to_other_articles_is_not_flagged() -> None:
    other = '<p>上一篇：<a href="/a/1.htm">我省秋粮收获过半</a></p><a href="#">下一页</a>'
    assert not [f for f in html(other).flags if f.startswith("paged")]
    assert not [f for f in text("题目", P1, P2).flags if f.startswith("paged")]


def test_a_merged_article_holding_every_page_is_not_flagged() -> None:
    got = text("探访三星堆新一轮考古发掘现场", P1, "1 2 3 下一页 尾页", P2, "第3页 共3页")
    assert not [f for f in got.flags if f.startswith("paged")]


@pytest.mark.parametrize(
    ("pager", "pages"),
    [("第2页 共3页", 3), ("上一页 1 2 3 4 下一页", 4), ("下一页", 2), ("首页", 1)],
)
def test_a_pagers_text_counts_its_pages(pager: str, pages: int) -> None:
    assert pages_stated(pager) == pages


def test_a_line_of_marks_that_is_no_pager_is_refused_at_once() -> None:
    # Marks and digits a pattern could cut into pieces every which way: refused in linear
    # time. A backtracking pattern took 6.8 s at 26 marks and doubled with each more, so
    # the check runs in a process of its own with a deadline instead of a timer in the test.
    probe = "from tasks.pager import is_pager; print(is_pager('»' * 60 + '返回首页'))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=20
    )
    assert done.stdout.strip() == "False", done.stderr
