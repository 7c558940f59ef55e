"""Half-width punctuation in Chinese text becomes full-width; numbers, URLs and Latin keep theirs."""

from __future__ import annotations

import pytest

from tasks.normalise.punctuation import fullwidth_punctuation


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2022年新年第一天,省人防办", "2022年新年第一天，省人防办"),
        ("发出“人防四问”:一是", "发出“人防四问”：一是"),
        ("带来点什么?二是", "带来点什么？二是"),
        ("群防群治;省教育厅", "群防群治；省教育厅"),
        ("为你点赞!这才是中华男儿!", "为你点赞！这才是中华男儿！"),
        ("反映头发快能扎小辫儿了”,省人防办", "反映头发快能扎小辫儿了”，省人防办"),
        ("胜利。(翟道武)", "胜利。（翟道武）"),
        ("处(社)负责同志", "处（社）负责同志"),
        ("发布时间:2022-09-16 08:35:31", "发布时间：2022-09-16 08:35:31"),
        ("越是紧要关头,越能映照初心﹔越在关键时刻", "越是紧要关头，越能映照初心；越在关键时刻"),
        ("好,!", "好，！"),
    ],
)
def test_marks_in_chinese_text_become_full_width(before: str, after: str) -> None:
    text, count = fullwidth_punctuation(before)
    assert text == after and count > 0


@pytest.mark.parametrize(
    "kept",
    [
        "来源:旗帜网2021年10月21日16:45",  # the time, not the label colon
        "共捐款20.3万元",
        "1,000余人",
        "投稿邮箱:qizhixmt@126.com",
        "详见 http://www.sc.gov.cn/a.html?id=1,2",
        "Beijing, China: a city!",
        "政工简讯(2021)",
        "首都(Beijing)",
        "9:30-11:45",
    ],
)
def test_numbers_times_urls_and_latin_keep_their_marks(kept: str) -> None:
    text, _ = fullwidth_punctuation(kept)
    for mark in (
        "16:45",
        "20.3",
        "1,000",
        "@126.com",
        "?id=1,2",
        ", China:",
        "(2021)",
        "(Beijing)",
        "9:30-11:45",
    ):
        if mark in kept:
            assert mark in text
