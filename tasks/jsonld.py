"""A body that only a page's JSON-LD carries keeps its paragraphs.

A page a script renders has no article in its markup, only a `<script
type="application/ld+json">` whose `articleBody` holds it, paragraphs separated by
newlines. trafilatura falls back to that text, but trims it first: every newline becomes a
space and four paragraphs come out as one line (`…成绩。 亚奥理事会…`). Where the extracted
text is that body, the body's own lines are put back.
"""

from __future__ import annotations

import html
import json

_BODY_KEYS = ("articleBody", "reviewBody")  # what trafilatura's JSON fallback reads


def with_json_ld_paragraphs(page: str, tree, text: str) -> str:
    """`text`, or the JSON-LD body it is, paragraph for paragraph, if it is one."""
    if "articleBody" not in page and "reviewBody" not in page:
        return text  # most pages: a substring test, no tree walk
    flat = " ".join(text.split())
    for body in _bodies(tree):
        lines = [" ".join(line.split()) for line in html.unescape(body).splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 1 and " ".join(lines) == flat:
            return "\n".join(lines)
    return text


def _bodies(tree) -> list[str]:
    """The body texts of the page's JSON-LD blocks, nested `@graph` items included."""
    found: list[str] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            # strict=False: real pages carry raw newlines and tabs inside JSON strings
            _walk(json.loads(script.text or "", strict=False), found)
        except ValueError:
            continue
    return found


def _walk(node: object, found: list[str]) -> None:
    for item in node if isinstance(node, list) else [node]:
        if not isinstance(item, dict):
            continue
        found += [item[key] for key in _BODY_KEYS if isinstance(item.get(key), str)]
        _walk(item.get("@graph"), found)
