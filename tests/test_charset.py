"""Decoding: declarations are checked against the bytes, detection fills in, and doubt is flagged."""

from __future__ import annotations

import codecs

import pytest

from tasks.charset import UndecodableError, canonical_charset, decode

# 朱镕基 and 𠮷: 镕 is in GBK but not GB2312, the classic case that breaks Python's gb2312 codec.
TEXT = "朱镕基总理在国务院常务会议上强调，要坚持稳中求进工作总基调，确保经济平稳运行。"
TRAD = "越是緊要關頭，越能映照初心；越在關鍵時刻，越顯擔當本色。面對汛情、疫情雙重考驗。"


def page(charset_decl: str | None, body: str) -> str:
    meta = f'<meta charset="{charset_decl}">' if charset_decl else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_gb2312_label_is_read_as_gb18030_so_gbk_only_characters_survive() -> None:
    body = page("gb2312", TEXT).encode("gbk")
    decoded = decode(body)
    assert TEXT in decoded.text
    assert decoded.charset == "gb18030" and decoded.flags == ()


def test_big5_label_is_read_as_big5hkscs() -> None:
    decoded = decode(page("big5", TRAD).encode("big5"))
    assert TRAD in decoded.text and decoded.charset == "big5hkscs"


def test_http_charset_wins_over_meta() -> None:
    body = page("big5", TEXT).encode("gbk")
    decoded = decode(body, http_charset="GBK")
    assert TEXT in decoded.text and decoded.charset == "gb18030"


def test_gbk_without_any_declaration_is_detected() -> None:
    decoded = decode(page(None, TEXT).encode("gbk"))
    assert TEXT in decoded.text and decoded.charset == "gb18030"


def test_big5_without_any_declaration_is_detected() -> None:
    decoded = decode(page(None, TRAD * 3).encode("big5"))
    assert TRAD in decoded.text and decoded.charset == "big5hkscs"


def test_utf8_that_declares_gb2312_is_read_as_utf8_and_flagged() -> None:
    decoded = decode(page("gb2312", TEXT).encode("utf-8"))
    assert TEXT in decoded.text
    assert decoded.charset == "utf-8" and "charset_mismatch" in decoded.flags


def test_declared_utf8_over_gbk_bytes_loses_to_detection() -> None:
    decoded = decode(page("utf-8", TEXT).encode("gbk"))
    assert TEXT in decoded.text
    assert decoded.charset == "gb18030" and "charset_mismatch" in decoded.flags


def test_a_charset_that_does_not_exist_is_flagged_and_detected() -> None:
    decoded = decode(page("x-klingon-9", TEXT).encode("gbk"))
    assert TEXT in decoded.text and "charset_unknown" in decoded.flags


def test_byte_order_mark_wins() -> None:
    decoded = decode(codecs.BOM_UTF8 + page("gbk", TEXT).encode("utf-8"))
    assert TEXT in decoded.text and decoded.charset == "utf-8"


def test_a_few_bad_bytes_are_replaced_and_counted() -> None:
    good = page(None, TEXT * 20).encode("gbk")
    decoded = decode(good[:200] + b"\xff" + good[200:])
    assert decoded.flags and decoded.flags[-1].startswith("undecodable_bytes:")


def test_bytes_that_are_no_text_at_all_are_refused() -> None:
    noise = bytes(range(128, 256)) * 40
    with pytest.raises(UndecodableError):
        decode(noise, markup=False)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("Big5", "big5hkscs"),
        ("utf8", "utf-8"),
        ("nonsense", None),
    ],
)
def test_labels_map_to_supersets(label: str, codec: str | None) -> None:
    assert canonical_charset(label) == codec


def test_plausibility_is_the_everyday_share_of_non_ascii_characters() -> None:
    from tasks.charset import _plausibility

    assert _plausibility("plain ASCII") == 1.0
    # 中 and 。 are everyday; an emoji, an Extension B ideograph and é are not; ASCII is left out.
    assert _plausibility("ab中。\U0001f600\U00020000é") == 2 / 5
