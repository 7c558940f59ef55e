"""HTML lists before extraction: a list among the article's paragraphs becomes paragraphs.

trafilatura keeps a list only when it finds the article's frame by its class or id
(`content`, `article-body` …). Chinese government sites name theirs otherwise
(`<div class="pages_content" id="UCAP-CONTENT">`), and trafilatura then gathers the
article from its loose `<p>`, `<blockquote>`, `<pre>` and `<table>` elements, never its
lists: `会议确定了以下措施：` lost every item below it. So before trafilatura sees the tree,
a **list of the article's text** — one standing beside a paragraph of text, little of it
link text, its items holding no block of their own — becomes a `<div>` of `<p>`, one per
item, which trafilatura keeps on either path:

* an ordered list's item keeps the number the page shows (`start`, `value`, `type`,
  `reversed` honoured) as Chinese documents write it, `1.扩大有效投资`; none where the page
  shows none (`list-style:none`) or the item opens with its own (`一、`, `（一）`, `第三条`);
* an unordered list's bullet is typography, not text: its item is a plain paragraph.

What else a list holds keeps its place among the items: text written in the list itself or
after an item becomes a paragraph of its own, a `<p>` or `<table>` standing in it is kept as
it is. Navigation (link lists), lists in a sidebar with no paragraph beside them and lists
of blocks (items holding paragraphs or lists) are left to trafilatura as before. The tree is changed in place and put back by
`tasks.tables.restore`, so what reads it later sees the page as parsed.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from tasks.tables import LINK_SHARE_MAX, Swaps, swap

BESIDE_MIN = 20  # characters of a sibling paragraph's text: the list stands in prose
# A list whose items hold one of these is a list of blocks: trafilatura finds their
# paragraphs itself, and a block cannot go inside a <p>.
_BLOCKS = etree.XPath(
    "./li//*[self::ul or self::ol or self::p or self::div or self::table or self::blockquote]"
)
_LINK_TEXT = etree.XPath(".//a//text()")
# A list styled to show no marker (`<ol style="list-style:none">`) numbers its items in their
# text, if at all.
_NO_MARKER = re.compile(r"list-style(?:-type)?\s*:[^;]*\bnone\b", re.IGNORECASE)
# An item that opens with its own number, as government documents write them: `一、`, `（一）`,
# `1.`, `1、`, `(1)`, `1）`, `第三条`, `①`. A figure's decimal point is none (`1.5亿元`).
_OWN_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十百零〇]+\s*[、.．]"
    r"|[（(]\s*(?:[一二三四五六七八九十百零〇]+|\d+)\s*[）)]"
    r"|\d+\s*(?:[.．](?!\d)|[、）)])"
    r"|第[一二三四五六七八九十百零〇\d]+[条章节款项部篇]"
    r"|[\u2460-\u249b\u2776-\u2793])"
)
_BESIDE = etree.XPath("../p")


def prepare_lists(tree) -> Swaps:
    """Render the tree's lists of article text as paragraphs; return what to put back."""
    swaps: Swaps = []
    for listing in list(tree.iter("ul", "ol")):  # a list, as swapping changes the tree
        parent = listing.getparent()
        if parent is None or not _of_the_article(listing):
            continue
        swaps.append(swap(parent, listing, _rendered(listing)))
    return swaps


def _of_the_article(listing) -> bool:
    """Beside a paragraph of text, not mostly links, items of text only."""
    if not any(len("".join(p.itertext()).strip()) >= BESIDE_MIN for p in _BESIDE(listing)):
        return False  # most lists on a page are navigation, with no paragraph beside them
    if _BLOCKS(listing):
        return False
    text = len("".join(listing.itertext()).strip())
    links = sum(len(t.strip()) for t in _LINK_TEXT(listing))
    return text > 0 and links <= text * LINK_SHARE_MAX


def _rendered(listing) -> etree._Element:
    """The list as a `<div>` of `<p>`, in the page's order, an ordered list's numbers written.

    Text in the list itself or after an item (`<ul>前言<li>…</li>补充说明<li>…`) becomes a
    paragraph of its own, and a `<p>` or `<table>` in the list is kept as it is: rendering
    the items alone would lose them. A comment between items is no content.
    """
    # The list's class and id go with it: trafilatura prunes by them (`footer`, `sidebar`).
    div = etree.Element("div", {k: v for k, v in listing.attrib.items() if k in ("class", "id")})
    items = [child for child in listing if child.tag == "li"]
    numbered = listing.tag == "ol" and not _NO_MARKER.search(listing.get("style") or "")
    numbers = iter(_numbers(listing, items) if numbered else [""] * len(items))
    _loose(div, listing.text)
    for child in listing:
        if child.tag == "li":
            paragraph = copy.deepcopy(child)  # inline markup and <br> stay as the page has them
            paragraph.tag = "p"
            paragraph.attrib.clear()
            paragraph.tail = None
            number = next(numbers)
            if number and not _shows_own_number(child):
                paragraph.text = _numbered(number, paragraph.text or "")
            div.append(paragraph)
        elif isinstance(child.tag, str):
            kept = copy.deepcopy(child)
            kept.tail = None
            div.append(kept)
        _loose(div, child.tail)
    return div


def _loose(div, text: str | None) -> None:
    """Text standing in the list outside its items, as a paragraph of its own."""
    if text and text.strip():
        etree.SubElement(div, "p").text = text.strip()


def _shows_own_number(item) -> bool:
    """Whether an item shows no marker of the list's, or opens with a number of its own.

    Government pages number items in their text (`一、扩大有效投资`, `（一）`, `第三条`) and hide
    the list's marker: writing it too would give `1.一、扩大有效投资`.
    """
    return bool(
        _NO_MARKER.search(item.get("style") or "") or _OWN_NUMBER.match("".join(item.itertext()))
    )


def _numbered(number: str, text: str) -> str:
    """`1.` before the item's text; a space only before a Latin letter or digit (`1. RCEP`)."""
    text = text.lstrip()
    return f"{number}. {text}" if text[:1].isascii() and text[:1].isalnum() else f"{number}.{text}"


def _numbers(listing, items: list) -> list[str]:
    """The markers the browser shows before an ordered list's items."""
    step = -1 if listing.get("reversed") is not None else 1
    current = _int(listing.get("start"), len(items) if step < 0 else 1)
    style = listing.get("type") or "1"
    numbers = []
    for item in items:
        current = _int(item.get("value"), current)
        numbers.append(_counter(current, item.get("type") or style))
        current += step
    return numbers


def _int(value: str | None, default: int) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return default


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _counter(n: int, style: str) -> str:
    """`n` in an `<ol type>` style: 1, a, A, i, I (decimal where a style cannot show `n`)."""
    if style in ("a", "A") and n >= 1:
        letters = ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if style == "A" else letters
    if style in ("i", "I") and 1 <= n < 4000:
        roman = ""
        for value, digits in _ROMAN:
            count, n = divmod(n, value)
            roman += digits * count
        return roman.upper() if style == "I" else roman
    return str(n)
