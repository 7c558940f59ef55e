"""Markup remnants in text: tags, comments, character entities and invisible characters."""

from __future__ import annotations

import html
import re
from html.entities import html5

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
# CMS markers such as `<!--正文开始-->`, and IE's conditional comments.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Only entities closed by a semicolon: html.unescape also reads HTML4's legacy names
# without one, which turns a URL's `&regionId=…&timestamp=` into `®ionId=…×tamp=`.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# The semicolon-less forms scrapers really leave (`&nbsp&nbsp今年以来`), taken only where
# no letter, digit or `=` follows: `&nbsp=1` or `&ampm=` could be a URL parameter.
_BARE_ENTITY = re.compile(r"&(?P<name>nbsp|ensp|emsp|amp|quot|lt|gt)(?![A-Za-z0-9_=;])")
# A page escaped twice gives `&amp;nbsp;` and `&amp;lt;p&amp;gt;`; a few rounds undo it.
_MAX_ROUNDS = 4
# A closing tag whose `<` was lost, as in seed 002's `?/font>`; `and/or>` is no tag. The `?` before it is left for the mojibake step,
# which reads it as a lost byte.
# The slash comes first, and what stands before it is checked behind it: the engine skips
# ahead to slashes instead of trying the lookbehind at every position (0.27 → 0.006 ms a page).
_LOST_BRACKET = re.compile(rf"/(?<=[^<\s]/)(?:{_NAMES})>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Halves of comments and CDATA sections whose other half the page or the scraper cut off:
# `]]>10月11日，…`, `…个人。-->`, `//]]>`. CDATA's marks are never prose; a comment's are
# taken only at a paragraph's edge, since `申请-->审核-->发放` draws arrows.
_REMNANT = re.compile(
    r"(?://\s*)?(?:<!\[CDATA\[|\]\]>)"
    r"|^[ \t]*(?:<!--|-->)|(?:<!--|-->)[ \t]*$",
    re.MULTILINE,
)


def strip_markup(text: str) -> tuple[str, int]:
    """Remove stray tags and comments, decode entities and drop zero-width characters; return the count.

    Decoding can reveal markup (`&lt;p&gt;` is a `<p>` escaped once too often), so tags
    and entities are taken in rounds until a round finds nothing.
    """
    count = len(_INVISIBLE.findall(text))
    for _ in range(_MAX_ROUNDS):
        text, found = _strip_round(text)
        count += found
        if not found:
            break
    text, remnants = _LOST_BRACKET.subn("", text)
    if "]]>" in text or "--" in text or "<!" in text:
        text, halves = _REMNANT.subn("", text)
        remnants += halves
    text = _INVISIBLE.sub("", text)  # also the ones an entity spelled out, counted once
    text = text.replace("\u00a0", " ")
    return text, count + remnants


def _strip_round(text: str) -> tuple[str, int]:
    """One round: comments, tags, then entities; the tags an entity spells out wait for the next."""
    text, comments = _COMMENT.subn("", text)
    text, tags = _TAG.subn("", text)
    decoded = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal decoded
        entity = match.group(0)
        if entity[1] == "#":
            value = html.unescape(entity)
        else:  # an unknown `&foo;` is left as written
            value = html5.get(entity[1:] if entity.endswith(";") else entity[1:] + ";", entity)
        decoded += value != entity
        return value

    if "&" in text:
        text = _ENTITY.sub(decode, text)
        text = _BARE_ENTITY.sub(decode, text)
    return text, comments + tags + decoded
