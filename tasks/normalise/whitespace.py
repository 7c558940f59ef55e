"""Whitespace and paragraph structure: one paragraph per line, no indents, no blank lines.

Hard-wrapped text is joined back into its paragraphs. A paragraph never ends on `，` or `、`,
so a line ending in one goes on in the next. A page that indents its paragraphs (`　　`, as
Chinese text does, or two spaces) marks each paragraph's first line, so an unindented line
after an indented paragraph's line that did not end a sentence goes on it too
(`…实施城市更新行动的决` / `策部署…`, as PDF text and `<br>`-wrapped `<p>` give), if that line
is long enough to have been wrapped (`WRAPPED_MIN`). A blank line always ends a paragraph.

A space beside Chinese punctuation (`消费者： 在参与`, `” 他同时`) is dropped, so the same
article spaced and unspaced gives one text and one content hash. Spaces between Chinese and
Latin or digits stay (`生产总值 913027 亿元`): in a source line they part a date from the next
field (`2022年6月15日 14:00`, `来源：天山网 记者 王强`).
"""

from __future__ import annotations

import re

from tasks.normalise.draft import Draft

_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002-\u200a\u202f\u205f]+")
# A paragraph's first line as an indenting page writes it: an ideographic space or two others.
_INDENT = re.compile(r"^(?:\u3000|[ \t\u00a0\u2002-\u200a\u202f\u205f]{2,})")
# At least this many indented lines say that a page marks its paragraphs so.
INDENTED_MIN = 2
# Characters; a line wraps at the page's width, so a shorter line was not wrapped: an
# indented `编辑 张磊 校对 刘军` is a line of its own, not the start of the next one.
WRAPPED_MIN = 16
_CLAUSE_GOES_ON = ("，", "、", ",")
# What may end a paragraph: sentence ends, closing quotes and brackets, and label colons.
_ENDS = frozenset("。！？!?…”’」』）)】》：:；;")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’《》〈〉「」『』【】（）…—"
# A space beside Chinese punctuation, either side; not one of a table row's ` | ` (tasks.tables).
_CJK_SPACE = re.compile(rf" (?:(?<=[{_CJK_PUNCT}] )(?!\|)|(?<!\| )(?=[{_CJK_PUNCT}]))")
# Where a line may go on: a Han character, a digit or Latin letter, or an opening mark.
_CONTINUES = re.compile(rf"[{_HAN}0-9A-Za-z“‘《（(【]")


def _raw_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _tidy(line: str) -> str:
    """One line stripped, its runs of spaces one, none beside Chinese punctuation."""
    return _CJK_SPACE.sub("", _SPACES.sub(" ", line).strip())


def tidy_lines(text: str) -> list[str]:
    """Split into stripped, non-empty lines with inner runs of spaces collapsed."""
    return [line for line in map(_tidy, _raw_lines(text)) if line]


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, one per item: `tidy_lines` with hard-wrapped lines joined."""
    raw = _raw_lines(text)
    indented_page = sum(1 for line in raw if line.strip() and _INDENT.match(line)) >= INDENTED_MIN
    out: list[str] = []
    in_paragraph = False  # the last line kept belongs to an indented paragraph
    wrapped = False  # the last line was long enough to have been wrapped
    for line in raw:
        tidy = _tidy(line)
        if not tidy:
            in_paragraph = False
            continue
        indented = _INDENT.match(line) is not None
        if out and _goes_on(out[-1], tidy, indented, in_paragraph and indented_page and wrapped):
            out[-1] = _joined(out[-1], tidy)
        else:
            out.append(tidy)
            in_paragraph = indented
        wrapped = len(tidy) >= WRAPPED_MIN
    return out


def _goes_on(last: str, line: str, indented: bool, in_paragraph: bool) -> bool:
    """Whether `line` continues `last`, the paragraph kept before it."""
    if indented or not _CONTINUES.match(line):
        return False
    if last.endswith(_CLAUSE_GOES_ON):
        return True
    return in_paragraph and last[-1] not in _ENDS


def _joined(last: str, line: str) -> str:
    # Two Latin words wrapped apart keep a space between them, after a comma too (`Beijing,`
    # / `China`); Chinese needs none, nor does a figure (Chinese wraps anywhere: `1,` / `200`).
    end = last[-1]
    latin = end.isascii() and (end.isalnum() or end == ",") and line[0].isascii()
    return f"{last} {line}" if latin and line[0].isalpha() else last + line


def tidy_paragraphs(draft: Draft) -> None:
    """One paragraph per line, for the title and the body."""
    draft.text = "\n".join(paragraphs(draft.text))
    if draft.title:
        draft.title = " ".join(tidy_lines(draft.title)) or None
