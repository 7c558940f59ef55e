"""Whitespace: one paragraph per line, no indents, no blank lines, single spaces inside."""

from __future__ import annotations

from tasks.normalise.draft import Draft
from tasks.normalise.whitespace import tidy_paragraphs


def test_indents_blank_lines_and_space_runs_go() -> None:
    draft = Draft(
        text="\u3000\u30002022年新年第一天，省人防办\r\n\r\n\n党建引领强阵地\n  强化政治执行力\u3000 闻令而动  \n",
        title=" 在大战大考中\n彰显机关党建强大力量 ",
    )
    tidy_paragraphs(draft)
    assert draft.text == "2022年新年第一天，省人防办\n党建引领强阵地\n强化政治执行力 闻令而动"
    assert draft.title == "在大战大考中 彰显机关党建强大力量"
    assert draft.flags == []
