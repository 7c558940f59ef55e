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
_MARK = re.compile(
    rf"(?<=[{_HAN}{_CJK_PUNCT}])([,;:!?])(?=[{_HAN}{_CJK_PUNCT}0-9,;:!?\"']|\s|$)", re.MULTILINE
)
_RUN_OF_MARKS = re.compile(r"[，；：！？][,;:!?]")
_PAIR = re.compile(rf"\(([^()\n]*[{_HAN}][^()\n]*)\)")
_SMALL_FORMS = str.maketrans(
    {"﹐": "，", "﹑": "、", "﹒": "．", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！"}
)
_SMALL = re.compile("[﹐﹑﹒﹔﹕﹖﹗]")


def _full(match: re.Match[str]) -> str:
    return _FULL[match.group(1)]


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """Make half-width punctuation in Chinese text full-width; return the text and the count."""
    small = len(_SMALL.findall(text))
    if small:
        text = text.translate(_SMALL_FORMS)
    text, marks = _MARK.subn(_full, text)
    # In `好,!` the `!` only has a Chinese neighbour once the `,` is converted.
    while _RUN_OF_MARKS.search(text):
        text, more = _MARK.subn(_full, text)
        if not more:
            break
        marks += more
    text, pairs = _PAIR.subn(r"（\1）", text)
    return text, small + marks + pairs
