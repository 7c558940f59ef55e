"""What a page's JSON-LD declares: its article's headline, date, writers and publisher, and
a body that only the JSON-LD carries, with its paragraphs.

A page a script renders has no article in its markup, only a `<script
type="application/ld+json">` whose `articleBody` holds it, paragraphs separated by
newlines. trafilatura falls back to that text, but trims it first: every newline becomes a
space and four paragraphs come out as one line (`…成绩。 亚奥理事会…`). Where the extracted
text is that body, the body's own lines are put back.

The same blocks declare the article's metadata as schema.org spells it (`headline`,
`datePublished` with its time and zone, `author`, `publisher`): extraction takes them where
the `<meta>` tags say nothing.
"""

from __future__ import annotations

import html
import json

_BODY_KEYS = ("articleBody", "reviewBody")  # what trafilatura's JSON fallback reads


def json_ld_items(page: str, tree) -> list[dict]:
    """Every object of the page's JSON-LD blocks, nested `@graph` items included (parsed once)."""
    if "ld+json" not in page:
        return []  # most pages: a substring test, no tree walk
    found: list[dict] = []
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            # strict=False: real pages carry raw newlines and tabs inside JSON strings
            _walk(json.loads(script.text or "", strict=False), found)
        except ValueError:
            continue
    return found


def with_json_ld_paragraphs(items: list[dict], text: str) -> str:
    """`text`, or the JSON-LD body it is, paragraph for paragraph, if it is one."""
    bodies = [item[key] for item in items for key in _BODY_KEYS if isinstance(item.get(key), str)]
    if not bodies:
        return text
    flat = " ".join(text.split())
    for body in bodies:
        lines = [" ".join(line.split()) for line in html.unescape(body).splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 1 and " ".join(lines) == flat:
            return "\n".join(lines)
    return text


def declared_in_json_ld(items: list[dict]) -> dict[str, str]:
    """The article's fields as its JSON-LD declares them (the names `declared_metadata` uses)."""
    for item in items:
        if "Article" not in str(item.get("@type", "")) and "articleBody" not in item:
            continue  # a WebSite's or an Organization's block names no article
        fields = {
            "headline": _text(item.get("headline")),
            "published": _text(item.get("datePublished")),
            "author": "、".join(_names(item.get("author"), people=True)),
            "publisher": next(iter(_names(item.get("publisher"))), ""),
        }
        return {field: value for field, value in fields.items() if value}
    return {}


def _walk(node: object, found: list[dict]) -> None:
    for item in node if isinstance(node, list) else [node]:
        if isinstance(item, dict):
            found.append(item)
            _walk(item.get("@graph"), found)


def _text(value: object) -> str:
    return " ".join(html.unescape(value).split()) if isinstance(value, str) else ""


def _names(value: object, people: bool = False) -> list[str]:
    """Names from a schema.org Person or Organization, a list of them, or a bare string.

    `people`: an author's; an Organization named as author (`新华网`) is no writer.
    """
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            if people and "Organization" in str(item.get("@type", "")):
                continue
            item = item.get("name")
        names.append(_text(item))
    return [name for name in names if name]
