"""Markup remnants: tags, tags that lost their `<`, entities and invisible characters."""

from __future__ import annotations

import pytest

from tasks.normalise.markup import strip_markup


@pytest.mark.parametrize(
    ("before", "after", "count"),
    [
        ("可能微不足道</font>", "可能微不足道", 1),
        ("技巧?!?/font>", "技巧?!?", 1),  # the `?` is a lost byte: the mojibake step reads it
        ("一句话/span>接着", "一句话接着", 1),
        ('<font color="red">重要</font>通知', "重要通知", 2),
        ("前面&nbsp;后面", "前面 后面", 1),
        ("零宽&#8203;空格", "零宽空格", 1),
        ("零宽\u200b字符\ufeff", "零宽字符", 2),
        ("&lt;旗帜&gt;", "<旗帜>", 2),
        ("<br/>换行", "换行", 1),
        ("Word 留下的<o:p></o:p>标签", "Word 留下的标签", 2),
        # Halves of comments and CDATA sections cut off from the other half.
        ("]]>10月11日，大会举行。-->", "10月11日，大会举行。", 2),
        ("服务时长超过500万小时。//]]>", "服务时长超过500万小时。", 1),
        ("表彰大会上，代表分享了经历。<!--\n", "表彰大会上，代表分享了经历。\n", 1),
    ],
)
def test_remnants_are_removed_and_counted(before: str, after: str, count: int) -> None:
    assert strip_markup(before) == (after, count)


@pytest.mark.parametrize(
    "prose",
    [
        "人数 > 100 且 < 200",
        "and/or> 不是标签",
        "比例为1/2",
        "《旗帜》杂志>>2021年第9期",
        "x<y 与 y>z",
        "办理流程：申请-->审核-->发放",
    ],
)
def test_prose_that_looks_like_markup_is_kept(prose: str) -> None:
    assert strip_markup(prose) == (prose, 0)


def test_a_url_in_the_text_keeps_its_ampersands() -> None:
    # HTML4's legacy entity names need no semicolon: `&reg`, `&times`, `&sect`, `&not`.
    url = "https://www.hnzwfw.gov.cn/guide?id=1024&regionId=410000&timestamp=1654828800&section=2&notice=1"
    text, _ = strip_markup(f"前面&nbsp;群众可登录 {url} 查询&para=1&copy")
    assert text == f"前面 群众可登录 {url} 查询&para=1&copy"


def test_a_url_in_an_html_page_keeps_its_ampersands() -> None:
    from tasks.extract import ExtractOptions, extract_html

    url = "https://www.hnzwfw.gov.cn/guide?id=1024&amp;regionId=410000&amp;timestamp=1654828800"
    paragraph = "群众可登录 {} 查询办事指南，也可拨打12345热线咨询，工作人员将及时予以答复。"
    page = f"<html><body><article><p>{paragraph.format(url)}</p></article></body></html>"
    extracted = extract_html(page, None, ExtractOptions())
    assert paragraph.format(url.replace("&amp;", "&")) in extracted.text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("&amp;nbsp;&amp;nbsp;会议指出", "  会议指出"),
        ("&lt;p&gt;会议要求。&lt;/p&gt;&lt;br&gt;", "会议要求。"),
        ("&amp;lt;p&amp;gt;会议要求。", "会议要求。"),
        ("AT&amp;amp;T", "AT&T"),
    ],
)
def test_text_escaped_twice_is_decoded_and_the_tags_it_hid_removed(before: str, after: str) -> None:
    assert strip_markup(before)[0] == after


def test_html_comments_are_dropped() -> None:
    text, count = strip_markup("<!--正文开始-->会议还对下一阶段工作进行了安排。<!--正文结束-->")
    assert (text, count) == ("会议还对下一阶段工作进行了安排。", 2)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("&nbsp&nbsp今年以来", "  今年以来"),
        ("首页&gt工作动态", "首页>工作动态"),
        ("guide?a=1&nbsp=2", "guide?a=1&nbsp=2"),  # a URL parameter named nbsp
        ("guide?a=1&nbspx=2", "guide?a=1&nbspx=2"),
        ("&ltp", "&ltp"),
    ],
)
def test_semicolonless_spaces_are_decoded_where_no_url_parameter_can_start(
    before: str, after: str
) -> None:
    assert strip_markup(before)[0] == after
