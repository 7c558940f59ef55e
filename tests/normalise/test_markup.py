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
    ],
)
def test_prose_that_looks_like_markup_is_kept(prose: str) -> None:
    assert strip_markup(prose) == (prose, 0)
