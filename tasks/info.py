"""Info lines: what a page states about its article around it, which trafilatura's text lacks.

trafilatura keeps the article and drops the boxes around it: the `<div class="info">`
between headline and body (`作者：校团委 审核：王建军 发布时间：2023年10月12日 16:08`) and
the credits under it (`<div class="editor">【责任编辑：王萍】</div>`). The same page saved
as `.txt` states them as lines, so an HTML page would give a poorer record. Extraction
hands them to the metadata step (`Extracted.info`), never to the text.
"""

from __future__ import annotations

import re

from lxml import etree

from tasks.normalise.labels import DATELINE_MAX, Label, find_date, labelled

INFO_MAX = 200  # characters; an info line is short, a paragraph quoting a source is not
HEADLINE_MIN = 6  # characters of an `<h1>` the `<title>` opens with, to be its headline
# Elements after the article looked at for its credits: a footer's are further down.
CLOSING_WINDOW = 40
# Characters opening an element's own text that tell it is the article's: a paragraph's,
# longer than a related story's headline, which may repeat words of the article.
_KEPT_MIN = 20
_INFO_LABELS = frozenset({Label.SOURCE, Label.PUBLISHED, Label.AUTHOR, Label.EDITOR})
# Under the article only credits: a source or date there is a related story's.
_CREDIT_LABELS = frozenset({Label.AUTHOR, Label.EDITOR})
_NOT_TEXT = frozenset({"script", "style", "noscript", "head", "title", "a", "option", "select"})
_LABEL_MARK = re.compile("[：:/／]")
# Where what follows the article stops being about it: comments, related stories, lists.
_OTHER_CONTENT = re.compile(r"评论|留言|相关|推荐|阅读|热点|排行|猜你喜欢|下一篇|上一篇")


def info_lines(tree, text: str) -> tuple[str, ...]:
    """The page's info lines above the article, then its credit lines under it, that the text lacks.

    An info line is the outermost element before the article's first line whose text is
    short and holds a source, date or credit label; a credit line the same, after the
    article's last line, holding a writer's or editor's label, before anything that is
    about other content (comments, related stories). One whose text the extraction kept
    is left to the text.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return ()
    # Where trafilatura kept the headline, the article proper starts under it: an info
    # line between them is still above the article.
    headline = _headline(tree, lines[0])
    if headline is not None and len(lines) > 1 and "".join(lines[0].split()) == _flat(headline):
        lines = lines[1:]
    opening = "".join(lines[0].split())[:12]
    kept = "".join(text.split())  # str.split: far faster than a regex over the text
    taken: set[object] = set()
    found: list[str] = []
    elements = (e for e in tree.iter(etree.Element) if e.tag not in _NOT_TEXT)  # no comments
    under_headline = False  # a dateline under the headline is the article's, not a clock's
    for element in elements:  # above the article
        own = element.text or ""
        if opening and opening[:4] in own and opening in "".join(own.split()):
            break  # the article starts here (its first characters first: most texts lack them)
        line = _info_line(element, kept, opening, taken, _INFO_LABELS, dateline=under_headline)
        if line:
            found.append(line)
        under_headline = under_headline or element is headline
    under: list[object] = []  # the elements since the last that holds the article's text
    for element in elements:
        own = (element.text or "").strip()[:_KEPT_MIN]
        if len(own) == _KEPT_MIN and own in text:
            under = []  # still the article (trafilatura may have put its lines in another order)
        elif len(under) < CLOSING_WINDOW:
            under.append(element)
        else:
            break
    for element in under:
        if _OTHER_CONTENT.search(element.text or ""):
            break
        if line := _info_line(element, kept, opening, taken, _CREDIT_LABELS):
            found.append(line)
    return tuple(found)


def _flat(element) -> str:
    return "".join(element.text_content().split())


def _headline(tree, first_line: str):
    """The page's `<h1>` that is the article's headline, not a site's logo: the one the
    text opens with, or the one the `<title>` opens with."""
    title = "".join((tree.findtext(".//title") or "").split())
    first = "".join(first_line.split())
    for h1 in tree.iter("h1"):
        text = _flat(h1)
        if text and (text == first or (len(text) >= HEADLINE_MIN and title.startswith(text))):
            return h1
    return None


def _info_line(
    element, kept: str, opening: str, taken: set, labels: frozenset, dateline: bool = False
) -> str | None:
    """The text of the box around `element`, if it is an info line holding one of `labels`.

    With `dateline`, a short box giving a date with its time and no label is one too
    (`2023年10月20日 09:15 财联社`): under the headline, where a page's clock is not (nor
    under a site's logo in an `<h1>`).
    """
    own = element.text or ""
    # A label is written with its colon or slash: only such text is worth a box. Most
    # elements hold none, and measuring a box's text is what costs.
    if not _LABEL_MARK.search(own) and not _LABEL_MARK.search(element.tail or ""):
        return None
    # Inside a box taken already: checked before `_info_box` measures the ancestors.
    if element in taken or any(a in taken for a in element.iterancestors()):
        return None
    box = _info_box(element)
    if box is None:
        return None
    content = " ".join(box.text_content().split())
    letters = content.replace(" ", "")
    if not content or letters in kept or opening in letters:
        return None  # kept in the text, or holding the article (the page itself)
    taken.add(box)
    if {item.label for item in labelled(content)} & labels:
        return content
    if dateline and len(content) <= DATELINE_MAX and (date := find_date(content)):
        return content if "T" in date[0] else None
    return None


def _info_box(element):
    """The outermost element around `element` whose text is still an info line's length."""
    box = None
    for candidate in (element, *element.iterancestors()):
        if not isinstance(candidate.tag, str) or candidate.tag in ("body", "html"):
            break
        if len(candidate.text_content()) > INFO_MAX:
            break
        box = candidate
    return box
