"""Markup remnants in text: tags, character entities and invisible characters."""

from __future__ import annotations

import html
import re

# Known HTML element names (and Word's namespaced `<o:p>`, `<st1:chsdate>`), so that
# `x<y 与 y>z` in prose is not taken for a tag.
_NAMES = (
    "a|abbr|article|aside|audio|b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|"
    "figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|"
    "label|li|link|main|meta|nav|ol|option|p|pre|s|script|section|select|small|source|"
    "span|strike|strong|style|sub|sup|table|tbody|td|textarea|tfoot|th|thead|title|tr|"
    r"tt|u|ul|video|[a-z]+\d*:[a-z]+"
)
_TAG = re.compile(rf"</?(?:{_NAMES})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A closing tag whose `<` was lost, as in seed 002's `?/font>`; `and/or>` is no tag. The `?` before it is left for the mojibake step,
# which reads it as a lost byte.
# The slash comes first, and what stands before it is checked behind it: the engine skips
# ahead to slashes instead of trying the lookbehind at every position (0.27 → 0.006 ms a page).
_LOST_BRACKET = re.compile(rf"/(?<=[^<\s]/)(?:{_NAMES})>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def strip_markup(text: str) -> tuple[str, int]:
    """Remove stray tags, decode entities and drop zero-width characters; return the count."""
    text, tags = _TAG.subn("", text)
    text, remnants = _LOST_BRACKET.subn("", text)
    invisible = len(_INVISIBLE.findall(text))
    entities = len(_ENTITY.findall(text))
    if entities:
        text = html.unescape(text)
    text = _INVISIBLE.sub("", text)  # also the ones an entity spelled out, counted once
    text = text.replace("\u00a0", " ")
    return text, tags + remnants + entities + invisible
