"""Script: Simplified, Traditional or mixed, and the OpenCC configuration chosen in context."""

from __future__ import annotations

import pytest

from tasks.normalise import normalise
from tasks.normalise.draft import Draft
from tasks.normalise.script import (
    OPENCC_CONFIG,
    convert_script,
    converter,
    detect_script,
    script_counts,
    traditional_forms,
)
from tasks.records import Extracted

# Characters whose Simplified form depends on the word they are in.
IN_CONTEXT = [
    ("隨著防控工作需要", "随着防控工作需要"),
    ("著眼加強工作前瞻性", "着眼加强工作前瞻性"),
    ("著作等身", "著作等身"),
    ("成效顯著", "成效显著"),
    ("關於防汛救災", "关于防汛救灾"),
    ("乾淨整潔", "干净整洁"),
    ("乾隆年間", "乾隆年间"),
    ("扭轉乾坤", "扭转乾坤"),
    ("5萬餘人", "5万余人"),
    ("瞭解情況", "了解情况"),
    ("瞭望塔", "瞭望塔"),
    ("理髮師", "理发师"),
    ("計畫", "计划"),
    # 著 as zhù in words tw2s's phrase list lacks, and 著 as zhuó/zhe where it guesses zhù.
    ("土著文化", "土著文化"),
    ("他著有多部專著", "他著有多部专著"),
    ("學術成就卓著", "学术成就卓著"),
    ("改編自原著", "改编自原著"),
    ("他編著的新書", "他编著的新书"),
    ("帶著有關文件", "带着有关文件"),
    ("莫名著急的樣子", "莫名着急的样子"),
    ("重新著手處理", "重新着手处理"),
    ("過著有尊嚴的生活", "过着有尊严的生活"),
    ("懷著有朝一日登月的夢想", "怀着有朝一日登月的梦想"),
    ("著有《中原文化概論》", "著有《中原文化概论》"),
    ("這是一部新著，作者的大著出版後", "这是一部新著，作者的大著出版后"),
    ("大著膽子", "大着胆子"),
    ("他把一部新著送給讀者", "他把一部新著送给读者"),
    # 昇 and 乾 in a name's place stay; in their words they are converted.
    ("評審團召集人林良昇表示", "评审团召集人林良昇表示"),
    ("國民黨團總召李乾龍表示", "国民党团总召李乾龙表示"),
    ("股價大幅上昇，天氣乾燥", "股价大幅上升，天气干燥"),
    ("王昇級為主任，買了餅乾", "王升级为主任，买了饼干"),
    ("兩本大著擺在桌上", "两本大著摆在桌上"),
    ("顯著意義", "显著意义"),
    # A Hong Kong variant that t2s and tw2s leave.
    ("衞生署", "卫生署"),
]


@pytest.mark.parametrize(("traditional", "simplified"), IN_CONTEXT)
def test_traditional_converts_by_context(traditional: str, simplified: str) -> None:
    draft = Draft(text=traditional)
    convert_script(draft)
    assert draft.text == simplified


def test_plain_t2s_would_leave_zhe_unconverted() -> None:
    # Why the configuration is tw2s: t2s keeps 著 in 隨著 and 著眼.
    assert OPENCC_CONFIG == "tw2s"
    assert converter("t2s").convert("隨著 著眼") == "随著 著眼"
    assert converter(OPENCC_CONFIG).convert("隨著 著眼") == "随着 着眼"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("在大戰大考中彰顯機關黨建強大力量", "hant"),
        ("在大战大考中彰显机关党建强大力量", "hans"),
        ("在大戰大考中彰顯机关党建强大力量", "mixed"),
        ("干部 2021 ABC", "hans"),  # nothing script-specific: Simplified by default
    ],
)
def test_source_script_is_detected(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_script_counts_cover_characters_on_both_lists_and_beyond_the_table() -> None:
    # 緼 is changed by OpenCC both ways and encodable in neither GB2312 nor Big5: it counts for
    # both. Code points past the basic CJK block (an emoji, an Extension B ideograph) for none.
    assert script_counts("緼") == (1, 1)
    assert script_counts("戰\U0001f600\U00020000战") == (1, 1)
    assert script_counts("") == (0, 0)


def test_simplified_text_is_left_alone_and_unflagged() -> None:
    draft = Draft(text="著作显著，干部乾隆")
    convert_script(draft)
    assert draft.text == "著作显著，干部乾隆" and draft.flags == []
    assert draft.source_script == "hans"


def test_traditional_text_is_flagged_t2s() -> None:
    draft = Draft(text="隨著防控工作需要")
    convert_script(draft)
    assert draft.flags == ["t2s"] and draft.source_script == "hant"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("在大戰大考中彰顯機關黨建強大力量。越是緊要關頭，越能映照初心。", "hant"),
        ("在大戰大考中彰顯机关党建强大力量。越是紧要关头，越能映照初心。", "mixed"),
        ("在大战大考中彰显机关党建强大力量。越是紧要关头，越能映照初心。", "hans"),
    ],
    ids=["hant", "mixed", "hans"],
)
def test_skipping_the_script_step_still_reports_the_source_script(text: str, script: str) -> None:
    """Skipping leaves the text unconverted; the script is a fact about the page all the same."""
    extracted = Extracted(text=text, is_html=False)
    kept = normalise(extracted, url=None, charset="utf-8", skip=frozenset({"script"}))
    converted = normalise(extracted, url=None, charset="utf-8")
    assert kept.source_script == converted.source_script == script
    assert kept.text == text and "t2s" not in kept.flags


def test_traditional_forms_are_every_character_that_converts_to_a_simplified_one() -> None:
    forms = traditional_forms()
    assert set(forms["签"]) == {"簽", "籤"} and set(forms["发"]) == {"發", "髮"}
    assert forms["布"] == "佈"  # as in 發佈, though 發布 is written too
    assert "文" not in forms and "源" not in forms  # the same in both scripts


def test_a_simplified_page_citing_a_traditional_name_keeps_its_own_words() -> None:
    # tw2s over Simplified text makes every 著 着 (显著 → 显着): only the clause with the
    # Traditional name is converted.
    text = (
        "今年以来，我省科技创新工作成效显著。据香港《明報》报道，郑州大学以工科著称，"
        "该校李教授著有《中原文化概论》等多部专著，其编著的教材被多所高校采用，学术成就卓著。"
    )
    draft = Draft(text=text, title="我省科技创新工作成效显著")
    convert_script(draft)
    assert draft.source_script == "hans" and draft.flags == ["t2s"]
    assert draft.text == text.replace("明報", "明报")
    assert draft.title == "我省科技创新工作成效显著"


def test_a_name_simplified_text_writes_with_sheng_is_kept() -> None:
    text = "华为昇腾AI处理器带动相关产业产值显著增长。"
    draft = Draft(text=text)
    convert_script(draft)
    assert draft.text == text and draft.flags == [] and draft.source_script == "hans"


def test_a_traditional_page_quotes_as_simplified_text_does() -> None:
    draft = Draft(text="有學者認為目標「具挑戰性」，並稱『簡約公屋』可行。" * 3)
    convert_script(draft)
    assert draft.text.startswith("有学者认为目标“具挑战性”，并称‘简约公屋’可行。")
