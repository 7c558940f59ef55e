"""Pinyin annotations go; every other kind of parenthesis stays."""

from __future__ import annotations

import pytest

from tasks.normalise.pinyin import is_syllable, remove_pinyin


@pytest.mark.parametrize(
    ("annotated", "clean"),
    [
        ("疫情就是戰(zhàn)場", "疫情就是戰場"),
        ("黨的建設(shè)引領(lǐng)", "黨的建設引領"),
        ("創(chuàng)建無疫", "創建無疫"),
        ("轉(zhuǎn)運", "轉運"),
        ("社區(qū)", "社區"),
        ("全角括号戰（zhàn）場", "全角括号戰場"),
        ("混合括号戰(zhàn）場", "混合括号戰場"),
        ("綠(lǜ)色", "綠色"),
        # Other ways converters write them: combining accents, IPA ɑ and ɡ, capitals, spaces.
        ("疫情就是戰(zha\u0300n)場", "疫情就是戰場"),
        ("引領(lǐnɡ)工作，戰(zhɑ̀n)場", "引領工作，戰場"),
        ("戰(ZHÀN)場", "戰場"),
        ("戰( zhàn )場", "戰場"),
        ("黨的建設 (shè) 引領 (lǐng) 工作", "黨的建設引領工作"),
    ],
)
def test_annotations_after_han_characters_are_removed(annotated: str, clean: str) -> None:
    text, removed = remove_pinyin(annotated)
    assert text == clean and removed == annotated.count("(") + annotated.count("（")


@pytest.mark.parametrize(
    "ordinary",
    [
        "一个支部就是一座堡垒。(翟道武)",
        "(来源:《旗帜》2021年第9期;执笔:刘方军)",
        "硬核共产党员(职工)通报表扬",
        "第一批硬核党支部(组织)",
        "政工简讯(2021)",
        "首都(Beijing)",
        "助词(de)没有声调",
        "姓氏(Hu)大写",
        "英文(and)单词",
        "价格(5元)",
        "(zhàn)前面没有汉字",
        "两个音节(zhànchǎng)不是一个注音",
    ],
)
def test_ordinary_parentheses_survive(ordinary: str) -> None:
    assert remove_pinyin(ordinary) == (ordinary, 0)


@pytest.mark.parametrize(
    "guided",
    [
        "山东单(shàn)县是一个历史悠久的地方。",
        "安徽蚌(bèng)埠和六(lù)安两地签署合作协议。",
        "记者来到单 (shàn) 县采访。",
    ],
)
def test_a_pronunciation_guide_in_an_article_stays(guided: str) -> None:
    assert remove_pinyin(guided) == (guided, 0)


def test_a_converters_annotations_go_however_few() -> None:
    assert remove_pinyin("單(dān)位") == ("單位", 1)  # after a Traditional-only character
    dense = "单(dān)位的发(fā)展和关(guān)心"  # more than a guide gives
    assert remove_pinyin(dense) == ("单位的发展和关心", 3)


def test_annotations_are_counted_once_each_in_every_shape() -> None:
    text = "戰(zhàn)場 建設 (shè) 引領 戰(ZHÀN) 女（nǚ）子 略(lu\u0308e\u0300)微"
    assert remove_pinyin(text) == ("戰場 建設引領 戰 女子 略微", 5)


def test_a_syllable_needs_one_tone_mark_and_a_real_shape() -> None:
    assert is_syllable("zhuǎn") and is_syllable("lǜ") and is_syllable("ér")
    assert not is_syllable("zhan") and not is_syllable("xyzà") and not is_syllable("zhàn4ǎ")


def test_seed_002_loses_all_151_annotations(seeds: dict[str, str]) -> None:
    text, removed = remove_pinyin(seeds["002"])
    assert removed == 149  # the other two follow a shifted letter until mojibake repair
    assert "(zhàn)" not in text and "戰場" in text
