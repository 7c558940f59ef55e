"""UTF-8 read as Windows-1252 or Latin-1: decoded back, never dropped; clean Latin-1 left alone."""

from __future__ import annotations

import pytest

from tasks.extract import ExtractOptions
from tasks.latin1 import repair_latin1
from tasks.normalise.draft import Draft
from tasks.normalise.mojibake import repair_mojibake
from tasks.process import page_article
from tasks.records import Article

HEADLINE = "西安至延安高铁全线铺轨贯通"
SOURCE = "2023-10-12 16:20 来源：陕西日报"
BODY = [
    "10月11日，随着最后一组500米长钢轨在延安新区站铺设到位，西安至延安高速铁路全线铺轨贯通。",
    "西延高铁线路全长299.8公里，设计时速350公里，共设西安东、阎良西、富平南等9座车站。",
    "中铁一局项目负责人介绍，该线路穿越黄土高原沟壑区，按照无砟轨道标准施工。",
]
BYLINE = "（记者 张梅）"


def _as_1252(text: str) -> str:
    """`text`'s UTF-8 read as Windows-1252, its five undefined bytes as their C1 controls."""
    return "".join(
        bytes((b,)).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


def _as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _article(text: str, media_type: str = "text/plain") -> Article:
    return page_article(
        text.encode("utf-8"),
        media_type=media_type,
        declared_charset=None,
        url=None,
        options=ExtractOptions(),
    )


def test_a_text_saved_as_utf8_read_as_1252_keeps_every_paragraph() -> None:
    # The headline stayed clean; the rest went through a 1252 reader (r19).
    damaged = "\n".join([HEADLINE, *(_as_1252(line) for line in [SOURCE, *BODY, BYLINE])])
    article = _article(damaged)
    assert article.text.split("\n") == BODY
    assert article.title == HEADLINE
    assert article.publisher == "陕西日报"
    assert article.published == "2023-10-12T16:20"
    assert "latin1_repaired" in article.flag_names
    assert "mojibake_suspected" not in article.flag_names


def test_an_html_body_read_as_latin1_keeps_its_paragraphs() -> None:
    # Soft hyphens (0xAD) and NBSPs (0xA0) are bytes of this text: markup and extraction
    # would take them away, so the page is decoded right before they run (r20).
    paragraphs = "".join(f"<p>{_as_latin1(line)}</p>" for line in BODY)
    page = (
        f"<html><head><meta charset='utf-8'><title>{HEADLINE}</title></head><body>"
        f"<h1>{HEADLINE}</h1><div class='content'>{paragraphs}<p>{BYLINE}</p></div></body></html>"
    )
    assert "\xad" in page and "\xa0" in page
    article = _article(page, "text/html")
    assert article.text.split("\n") == BODY
    assert list(article.authors) == ["张梅"]


def test_text_read_as_latin1_twice_is_decoded_twice() -> None:
    line = BODY[0]
    assert repair_latin1(_as_latin1(_as_latin1(line))).text == line
    assert repair_latin1(_as_1252(_as_1252(line))).text == line


def test_damaged_text_that_reached_normalisation_is_repaired_there() -> None:
    # Markup turned the NBSP into a space; the step takes a space inside a run as one.
    damaged = _as_latin1(BODY[2]).replace("\xa0", " ")
    assert " " in damaged
    draft = Draft(text=damaged)
    repair_mojibake(draft)
    assert draft.text == BODY[2]
    assert [flag.split(":")[0] for flag in draft.flags] == ["latin1_repaired"]


def test_a_character_that_lost_a_byte_is_kept_and_flagged() -> None:
    # 钢 (e9 92 a2) lost its middle byte on the way: it cannot be read back, the rest can.
    damaged = _as_1252(BODY[0])
    cut = damaged.index(_as_1252("钢"))
    damaged = damaged[: cut + 1] + damaged[cut + 2 :]
    draft = Draft(text=damaged)
    repair_mojibake(draft)
    assert draft.text.startswith("10月11日，随着最后一组500米长")
    assert draft.text.endswith("轨在延安新区站铺设到位，西安至延安高速铁路全线铺轨贯通。")
    assert [flag.split(":")[0] for flag in draft.flags] == ["latin1_repaired", "mojibake_suspected"]


@pytest.mark.parametrize(
    "clean",
    [
        "法国总统马克龙（Emmanuel Macron）与德国总理会见了José Manuel Barroso。",
        "日喀则（Rìkāzé）市开幕，聂拉木（Nièlāmù）县。",
        "温度范围为±5°C×2，误差±0.5°。",
        "阿卜杜拉·阿卜杜勒·马赫迪说：“Ça va très bien, café crème……”",
    ],
)
def test_clean_text_with_latin1_characters_is_left_alone(clean: str) -> None:
    assert repair_latin1(clean).runs == 0
    article = _article(clean)
    assert not {"latin1_repaired", "mojibake_suspected"} & set(article.flag_names)
