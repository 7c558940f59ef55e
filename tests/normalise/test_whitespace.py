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


def test_hard_wrapped_paragraphs_of_an_indenting_page_are_joined_back() -> None:
    # PDF text and `<br>`-wrapped `<p>`: each paragraph's first line indented, the rest not.
    draft = Draft(
        text="某某市城市更新行动实施方案\n"
        "某某市人民政府办公室\n"
        "\u3000\u3000为深入贯彻落实党中央关于实施城市更新行动的决\n"
        "策部署，推动城市高质量发展，制定本方案。\n"
        "\u3000\u3000一、工作目标\n"
        "\u3000\u3000到2025年，完成城镇老旧小区改造300个，改造各类管网\n"
        "500公里，城市功能品质明显提升。\n"
    )
    tidy_paragraphs(draft)
    assert draft.text.split("\n") == [
        "某某市城市更新行动实施方案",
        "某某市人民政府办公室",  # not indented, so no paragraph to go on
        "为深入贯彻落实党中央关于实施城市更新行动的决策部署，推动城市高质量发展，制定本方案。",
        "一、工作目标",
        "到2025年，完成城镇老旧小区改造300个，改造各类管网500公里，城市功能品质明显提升。",
    ]


def test_a_line_ending_in_a_comma_goes_on_in_the_next() -> None:
    draft = Draft(
        text="其中，涉及直播带货的投诉主要集中在虚假宣传、\n产品质量不合格等方面，\n售后难保障。\n下一段"
    )
    tidy_paragraphs(draft)
    assert (
        draft.text
        == "其中，涉及直播带货的投诉主要集中在虚假宣传、产品质量不合格等方面，售后难保障。\n下一段"
    )


def test_wrapped_english_keeps_its_space_after_a_comma_and_a_figure_none() -> None:
    draft = Draft(text="The forum opened in Beijing,\nChina, on Monday, with 1,\n200 guests.")
    tidy_paragraphs(draft)
    assert draft.text == "The forum opened in Beijing, China, on Monday, with 1,200 guests."


def test_a_blank_line_or_a_finished_sentence_ends_a_paragraph() -> None:
    text = "\u3000\u3000第一段结束。\n第二段没有缩进\n\u3000\u3000第三段没有句号\n\n第四段"
    draft = Draft(text=text)
    tidy_paragraphs(draft)
    assert draft.text == "第一段结束。\n第二段没有缩进\n第三段没有句号\n第四段"


def test_spaces_beside_chinese_punctuation_go_and_those_beside_digits_stay() -> None:
    draft = Draft(
        text="提示消费者： 在参与直播购物时，“要选择资质齐全的平台” 。\n时间：2022年6月15日 14:00"
    )
    tidy_paragraphs(draft)
    assert (
        draft.text
        == "提示消费者：在参与直播购物时，“要选择资质齐全的平台”。\n时间：2022年6月15日 14:00"
    )


def test_a_heading_padded_to_a_width_is_closed_up_so_search_finds_its_words() -> None:
    # Laws and judgments pad short headings to a width: a space between every two characters
    # of a word. A wider space parts two words, and a space parts a word from a padded one.
    draft = Draft(
        text="目　　录\n第一章　总　　则\n第四章　附　则\n民 事 判 决 书\n"
        "生产总值 913027 亿元，增长 5.2%。\n审　判　长　　陈　静\n法 官 助 理　　孙晓雨\n"
        "记者 王 强 李 明"
    )
    tidy_paragraphs(draft)
    assert draft.text.split("\n") == [
        "目录",
        "第一章 总则",
        "第四章 附则",
        "民事判决书",
        "生产总值 913027 亿元，增长 5.2%。",  # a sentence keeps its spaces
        "审判长 陈静",
        "法官助理 孙晓雨",
        "记者 王 强 李 明",  # names in pairs: the metadata step reads them (PADDED_NAME)
    ]


def test_an_evenly_spaced_list_of_names_is_not_closed_into_one_word() -> None:
    # Single characters that pair up as surname and given name are a roster, not a padded
    # heading: 王刚李明赵强 would run three people into one.
    draft = Draft(
        text="王 刚 李 明 赵 强\n民 事 判 决 书\n目　　录\n第一章　总　　则\n李 娜　刘 洋"
    )
    tidy_paragraphs(draft)
    assert draft.text.split("\n") == [
        "王 刚 李 明 赵 强",
        "民事判决书",
        "目录",
        "第一章 总则",
        "李娜 刘洋",
    ]
