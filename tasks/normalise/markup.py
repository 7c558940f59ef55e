"""Markup remnants in text: tags, character entities and invisible characters."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A closing tag whose `<` was lost, as in seed 002's `?/font>`: only known tag names,
# so `and/or>` in prose is safe. The `?` before it is left for the mojibake step,
# which reads it as a lost byte.
_LOST_BRACKET = re.compile(
    r"(?<=[^<\s])/(?:font|span|p|div|a|b|i|u|em|strong|center|small|big|sub|sup|"
    r"td|tr|th|table|tbody|li|ul|ol|h[1-6]|label|section|article)>",
    re.IGNORECASE,
)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def strip_markup(text: str) -> tuple[str, int]:
    """Remove stray tags, decode entities and drop zero-width characters; return the count."""
    text, tags = _TAG.subn("", text)
    text, remnants = _LOST_BRACKET.subn("", text)
    entities = len(_ENTITY.findall(text))
    if entities:
        text = html.unescape(text)
    text, invisible = _INVISIBLE.subn("", text)
    text = text.replace("\u00a0", " ")
    return text, tags + remnants + entities + invisible
