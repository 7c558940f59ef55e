"""GBK byte-shift mojibake: seed 002's runs repaired byte for byte, clean text left alone."""

from __future__ import annotations

from importlib.resources import files

import pytest

from tasks.normalise.draft import Draft
from tasks.normalise.mojibake import repair_line, repair_mojibake
from tasks.normalise.plausibility import char_model

# Seed 002's damaged runs (as the scraper left them, `?/font>` already cut to `?` by the
# markup step) and what they read once decoded in step, still in Traditional script.
SEED_002_RUNS = [
    ("實現精細化管理,確?!半p線作戰(zhàn)”指揮", "實現精細化管理,確保“雙線作戰(zhàn)”指揮"),
    (
        "70余萬元?!拔覀兊木杩罡咔樗柘啾瓤赡芪⒉蛔愕?,但眾人",
        "70余萬元。“我們的捐款高情髓相比可能微不足道,但眾人",
    ),
    ("之火?!笔∪朔擂k工程管理處", "之火。”省人防辦工程管理處"),
    ("緊密銜接?!瓣P(guān)鍵時刻", "緊密銜接。“關(guān)鍵時刻"),
    ("心理防疫”網(wǎng)?!叭绾螢榉揽匾痪€的黨員", "心理防疫”網(wǎng)。“如何為防控一線的黨員"),
    ("內(nèi)部解決?!罢心祭戆l(fā)師”通知", "內(nèi)部解決。“招募理發(fā)師”通知"),
]


@pytest.mark.parametrize(("damaged", "repaired"), SEED_002_RUNS)
def test_seed_002_runs_are_decoded_back_in_step(damaged: str, repaired: str) -> None:
    assert repair_line(damaged) == (repaired, 1, 0)


def test_a_lost_closing_quote_is_restored_where_the_paragraph_opened_one() -> None:
    # `?/font>` lost the `<` and the trail byte of ” (a1b1); the open “ earlier decides it.
    line = "曾方表示,“我們通過宣傳心理防護知識,引導群眾掌握心態自我調整技巧?!?"
    assert repair_line(line) == (
        "曾方表示,“我們通過宣傳心理防護知識,引導群眾掌握心態自我調整技巧。”",
        1,
        0,
    )


def test_two_runs_in_one_paragraph_are_judged_in_turn() -> None:
    # Each run ate one side of a pair of quotes; judged alone, each repair unbalances them.
    line = (
        "我們就能內部解決?!罢心祭戆l師”通知在群里一公布,就得到響應,"
        "“理發事雖小,卻能為大伙兒解決點後顧之憂,免除一分外出感染的可能?!?"
    )
    fixed, repaired, suspected = repair_line(line)
    assert (repaired, suspected) == (2, 0)
    assert "解決。“招募理發師”通知" in fixed and fixed.endswith("感染的可能。”")


def chunked_gbk(text: str, cut: int) -> str:
    """`text` as a decoder that splits the GBK bytes at `cut` and writes `?` for a lost byte reads it."""
    raw = text.encode("gbk")
    parts = (raw[:cut], raw[cut:])
    decoded = "".join(p.decode("gbk", errors="replace") for p in parts)
    return decoded.replace("\ufffd", "?").replace("！", "!").replace("，", ",")


def test_a_chunk_boundary_inside_a_character_is_repaired() -> None:
    clean = "省人防指挥信息保障中心党支部高度重视党建工作，始终把党建引领作为抓好各项工作的推动力。"
    cut = clean.encode("gbk").index("党支部".encode("gbk")) + 1  # inside 党
    damaged = chunked_gbk(clean, cut)
    assert damaged != clean.replace("，", ",")
    fixed, repaired, _ = repair_line(damaged)
    assert repaired == 1
    assert fixed.replace("，", ",") == clean.replace("，", ",")


@pytest.mark.parametrize(
    "clean",
    [
        "一是我们履行职责过程中能为人民群众带来点什么?二是我们的工作能为经济社会发展贡献点什么?",
        "她说:“你什么时候回家?”她只有说“快了快了,一会儿就回来。”",
        "党员干部陈桂荣坚持网络学习,连续被通报表彰,铮铮誓言,谭峨喜获“三等奖”。",
        "访问 http://www.example.gov.cn/a?id=3 或发邮件到 qizhixmt@126.com 咨询?",
    ],
)
def test_clean_text_with_question_marks_and_rare_names_is_left_alone(clean: str) -> None:
    assert repair_line(clean) == (clean, 0, 0)


def test_rare_characters_gathered_in_names_are_not_suspected() -> None:
    # Three rare characters within a few of each other, each a given name's: clean text.
    line = "立委傅崐萁、游錫堃與前市議員陳鴻昇也到場致意。侯友宜在施政報告中指出，三鶯線明年通車。"
    assert repair_line(line) == (line, 0, 0)


@pytest.mark.parametrize(
    "clean",
    [
        "首届珠峰文化旅游节在日喀则（Rìkāzé）市开幕，定日（Dìngrì）县、聂拉木（Nièlāmù）县等地。",
        "温度范围为±5°C×2，误差不超过±0.5℃，面积约3×10⁴平方米。",
        "活动期间，主办方还将举办非遗展演😊、文物修复体验等互动活动👏👏👏，欢迎参与👇",
    ],
)
def test_pinyin_symbols_and_emoji_are_not_suspected_as_mojibake(clean: str) -> None:
    # None of these is what a shifted GBK decode writes: a Han character outside everyday use.
    draft = Draft(text=clean)
    repair_mojibake(draft)
    assert (draft.text, draft.flags) == (clean, [])


def test_damage_without_a_convincing_repair_is_kept_and_flagged() -> None:
    # Rare characters that no one-byte shift turns into Chinese: keep them, say so.
    line = "会议指出,要龘靐齉爩麤龖龗鱻厵纞,确保工作落实。"
    draft = Draft(text=line)
    repair_mojibake(draft)
    assert draft.text == line
    assert draft.flags == ["mojibake_suspected:1"]


def test_repairs_are_counted_in_the_flags() -> None:
    draft = Draft(text="\n".join(d for d, _ in SEED_002_RUNS[:3]) + "\n这一行没有问题。")
    repair_mojibake(draft)
    assert draft.flags == ["mojibake_repaired:3"]
    assert draft.text.endswith("\n这一行没有问题。")


def test_the_model_comes_from_jiebas_bundled_dictionary() -> None:
    assert (files("jieba") / "dict.txt").is_file()
    model = char_model()
    assert model.unigram["的"] > model.unigram["罡"] > model.unseen
    assert model.char_logprob("确", "保") > model.char_logprob("确", "罡")
