"""UTF-8 read as GBK: runs decoded with the right codec, lost bytes filled in, clean text left alone."""

from __future__ import annotations

from tasks.normalise import normalise
from tasks.normalise.draft import Draft
from tasks.normalise.misread import repair_misread
from tasks.normalise.mojibake import repair_mojibake
from tasks.records import Extracted


def misread(text: str) -> str:
    """What a scraper that took UTF-8 for GBK wrote: a lost-byte mark for every byte it could not pair."""
    return text.encode("utf-8").decode("gbk", errors="replace")


def test_a_paragraph_utf8_read_as_gbk_reads_again() -> None:
    sentence = (
        "今年以来，我们的工作取得了明显成效。全省人防系统坚持以人民为中心，扎实推进各项工作。"
    )
    damaged = misread(sentence)
    assert damaged.startswith("浠婂勾浠ユ潵") and "\ufffd" in damaged
    assert repair_misread(damaged) == (sentence, 1)


def test_short_runs_between_digits_are_decoded_once_the_line_is_known_misread() -> None:
    line = "2022年7月20日，省人防指挥信息保障中心召开全体党员大会。"
    repaired, runs = repair_misread(misread(line))
    assert repaired == line and runs >= 3


def test_the_seeds_read_as_gbk_come_back_nearly_whole(seeds: dict[str, str]) -> None:
    # Every character next to a lost byte is a guess (about one in seven); the guesses
    # go by the character model, so a few come out as a likelier neighbour's word.
    paragraphs = [p for text in seeds.values() for p in text.split("\n") if len(p) >= 8]
    whole = wrong = total = 0
    for paragraph in paragraphs:
        repaired, _ = repair_misread(misread(paragraph))
        if len(repaired) == len(paragraph):
            whole += 1
            total += len(paragraph)
            wrong += sum(a != b for a, b in zip(repaired, paragraph, strict=True))
    assert whole >= 0.9 * len(paragraphs), (whole, len(paragraphs))
    assert wrong <= 0.03 * total, (wrong, total)


def test_clean_text_with_rare_characters_and_question_marks_is_left_alone() -> None:
    for line in [
        "王䶮、张𠮷等同志参加会议。为什么?因为这项工作很重要!",
        "郑州大学以工科著称，该校李教授著有《中原文化概论》等多部专著。",
        "疫情就是戰場,“戰疫”就是一次“大考”。",
    ]:
        assert repair_misread(line) == (line, 0)


def test_the_mojibake_step_flags_misread_runs_apart_from_byte_shifts() -> None:
    draft = Draft(
        text="标题\n" + misread("我们的工作取得了明显成效，全省人防系统坚持以人民为中心。")
    )
    repair_mojibake(draft)
    assert draft.text == "标题\n我们的工作取得了明显成效，全省人防系统坚持以人民为中心。"
    assert draft.flags == ["misread_repaired:1"]


def test_a_misread_paragraph_in_a_page_comes_out_clean() -> None:
    body = "下一步，全省人防系统将继续聚焦主责主业，扎实推进人防高质量发展。"
    text = "\n".join(
        [
            "全省人防系统召开工作会议",
            "2022-06-10 来源：河南人防",
            misread("今年以来，我们的工作取得了明显成效。全省人防系统坚持以人民为中心。"),
            body,
        ]
    )
    article = normalise(Extracted(text=text, is_html=False), url=None, charset="utf-8")
    assert (
        article.text.split("\n")[0]
        == "今年以来，我们的工作取得了明显成效。全省人防系统坚持以人民为中心。"
    )
    assert "misread_repaired:1" in article.flags and article.source_script == "hans"
