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

A heading padded to a width, a space between every two characters of a word (`民 事 判 决 书`,
`第一章　总　则`, `审　判　长　　陈　静`), is closed up (`民事判决书`, `第一章 总则`, `审判长 陈静`), so
a search for 总则 finds it: the same idea as the metadata step's `PADDED_NAME` (`王 强` is
王强), carried to a whole heading line (`_close_padding`).
"""

from __future__ import annotations

import re

from tasks.normalise.draft import Draft
from tasks.normalise.labels import looks_like_name, spaced_credits

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
# A heading line: Han characters and the spaces between them only (`第一章　总　则`), no
# sentence, figure or label, and short: at most PADDED_HAN_MAX characters of Han.
_HAN_AND_SPACES = re.compile(rf"[{_HAN}][{_HAN} \t\u3000\u00a0]*")
PADDED_HAN_MAX = 12
# Where a heading's characters part, and how wide each space is: an ideographic space is
# two columns, as wide as a Han character; the others are one.
_GAP = re.compile(r"([ \t\u3000\u00a0]+)")
_WIDTH = {"\u3000": 2}


def _raw_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _close_padding(line: str) -> str:
    """A heading padded to a width with its words closed up: `第一章　总　　则` is `第一章 总则`.

    Only a short line of Han and spaces is a heading (`_HAN_AND_SPACES`). In it, single
    characters in a row are a padded word, or padded words, parted where the space is
    wider than the narrowest between them: `审　判　长　　陈　静` is 审判长 and 陈静, `李 娜　刘 洋`
    李娜 and 刘洋. A credit line (`记者 王 强 李 明`) is left for the metadata step, which
    reads its names in pairs (`PADDED_NAME`), and so is a run that pairs up as names
    (`王 刚 李 明 赵 强`, `_roster`).
    """
    stripped = line.strip()
    if (
        len(stripped) > 3 * PADDED_HAN_MAX  # most lines: longer than any heading
        or not _HAN_AND_SPACES.fullmatch(stripped)
        or sum(not c.isspace() for c in stripped) > PADDED_HAN_MAX
    ):
        return line
    parts = _GAP.split(stripped)  # words at even indices, the spaces between at odd ones
    words, gaps = parts[::2], [sum(_WIDTH.get(c, 1) for c in gap) for gap in parts[1::2]]
    out = [words[0]]
    for i, word in enumerate(words[1:]):
        run = _single_run(words, i)
        if (
            run is not None
            and gaps[i] == min(gaps[run[0] : run[1]])
            and not _roster(words, gaps, run)
        ):
            out[-1] += word
        else:
            out.append(word)
    if len(out) == len(words) or spaced_credits(" ".join(words)):
        return line
    return " ".join(out)


def _single_run(words: list[str], i: int) -> tuple[int, int] | None:
    """The first and last words of the run of single characters around gap i, if in one.

    The gaps inside the run are gaps[first:last].
    """
    if len(words[i]) != 1 or len(words[i + 1]) != 1:
        return None
    first = i
    while first > 0 and len(words[first - 1]) == 1:
        first -= 1
    last = i + 1
    while last + 1 < len(words) and len(words[last + 1]) == 1:
        last += 1
    return first, last


def _roster(words: list[str], gaps: list[int], run: tuple[int, int]) -> bool:
    """Whether an evenly spaced run of single characters pairs up as two-character names.

    Such a list of names (`王 刚 李 明 赵 强`) is no padded word: closed up it would read
    王刚李明赵强. A heading's characters do not pair up so (`民 事 判 决 书`); one pair alone may
    be a word (`目 录`), and names parted by wider spaces (`李 娜　刘 洋`) close up in pairs.
    """
    chars = words[run[0] : run[1] + 1]
    if len(chars) < 4 or len(chars) % 2 or len(set(gaps[run[0] : run[1]])) > 1:
        return False
    return all(looks_like_name(a + b) for a, b in zip(chars[::2], chars[1::2], strict=True))


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
        tidy = _tidy(_close_padding(line))
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
