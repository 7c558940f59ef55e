"""Punctuation: half-width marks in Chinese text made full-width, numbers and Latin left alone.

Scrapers often turn `，：（` into `,:(`. A half-width `, ; : ! ?` becomes
full-width when a Chinese character (Han or Chinese punctuation) stands before
it and a Chinese character, a digit, a quote or the end of the paragraph after
it; so `16:45`, `20.3`, `1,000`, `qizhixmt@126.com`, `http://x.cn/a?b=1` and
`Beijing, China` keep theirs. Parentheses become full-width as a pair when what
they enclose contains Han: `(翟道武)` → `（翟道武）`, `(2021)` and `(Beijing)` stay.
Small form variants from Big5-era text (`﹔` `﹐` …) become their usual forms.
"""

from __future__ import annotations

import re

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
# Chinese punctuation that may stand on either side of a converted mark.
_CJK_PUNCT = "，。、；：？！“”‘’《》〈〉「」『』【】（）…—·"
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
# One pattern per mark, each starting with the mark itself so the regex engine skips
# ahead to it, and replaced with a constant: no Python call per converted mark.
_MARKS = tuple(
    (
        re.compile(
            rf"{re.escape(half)}(?<=[{_HAN}{_CJK_PUNCT}]{re.escape(half)})"
            rf"(?=[{_HAN}{_CJK_PUNCT}0-9,;:!?\"']|\s|$)",
            re.MULTILINE,
        ),
        full,
    )
    for half, full in _FULL.items()
)
_RUN_OF_MARKS = re.compile(r"[，；：！？][,;:!?]")
_PAIR = re.compile(rf"\(([^()\n]*[{_HAN}][^()\n]*)\)")
_SMALL_FORMS = {"﹐": "，", "﹑": "、", "﹒": "．", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！"}
_SMALL = re.compile("[﹐﹑﹒﹔﹕﹖﹗]")


def _convert_marks(text: str) -> tuple[str, int]:
    total = 0
    for pattern, full in _MARKS:
        text, count = pattern.subn(full, text)
        total += count
    return text, total


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """Make half-width punctuation in Chinese text full-width; return the text and the count."""
    small = len(_SMALL.findall(text))
    if small:
        for variant, usual in _SMALL_FORMS.items():  # str.translate with a dict is 10x slower
            text = text.replace(variant, usual)
    text, marks = _convert_marks(text)
    # In `好,!` the `!` only has a Chinese neighbour once the `,` is converted.
    while _RUN_OF_MARKS.search(text):
        text, more = _convert_marks(text)
        if not more:
            break
        marks += more
    text, pairs = _PAIR.subn(r"（\1）", text)
    return text, small + marks + pairs
