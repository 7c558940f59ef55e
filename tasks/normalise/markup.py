"""Markup remnants in text: tags, character entities and invisible characters."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def strip_markup(text: str) -> tuple[str, int]:
    """Remove stray tags, decode entities and drop zero-width characters; return the count."""
    text, tags = _TAG.subn("", text)
    entities = len(_ENTITY.findall(text))
    if entities:
        text = html.unescape(text)
    text, invisible = _INVISIBLE.subn("", text)
    text = text.replace("\u00a0", " ")
    return text, tags + entities + invisible
