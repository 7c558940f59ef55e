"""Punctuation: half-width marks in Chinese text made full-width, numbers and Latin left alone.

Scrapers often turn `，：（“”` into `,:("`. A half-width `, ; : ! ?` becomes
full-width when a Chinese character (Han or Chinese punctuation) stands before
it and a Chinese character, a digit, a quote or the end of the paragraph after
it, or when Han (or an opening Chinese mark) follows it at once, whatever is before:
`超过40%,实现`, `(China Mobile),中国电信`, `5G,让` and `-5℃,网络` end a Chinese clause.
So `16:45`, `20.3`, `1,000`, `qizhixmt@126.com`, `http://x.cn/a?b=1` and
`Beijing, China` keep theirs. Parentheses become full-width as a pair when what
they enclose contains Han: `(翟道武)` → `（翟道武）`, `(2021)` and `(Beijing)` stay. ASCII
double quotes, paired in order along a line, become `“…”` when they enclose Han:
`说:"我们将继续加大投入。"` → `说：“我们将继续加大投入。”`, `"We are excited."` stays.
Small form variants from Big5-era text (`﹔` `﹐` …) become their usual forms.

Marks typed in ASCII for Chinese ones: `以上...` → `以上……`, `大--这是` → `大——这是`, a
doubled full stop `影响。。` → `影响。`, and a paragraph's closing `.` after Chinese
(`最低气温2~4℃.`) → `。`.

Full-width Latin letters and digits (`ＣＥＯ`, `３１８．９万个`, `５０％`) become ASCII, as
GB/T 15835 writes numbers, with the full-width point, percent, plus and hyphen that stand
with them (`5G＋`, `5G－A`), so the same figure typed either way gives one text.

A `?` inside a word is no question mark but a character the page's encoding could not
hold (`李?明`, `王?、张?杰等同志`: rare name characters outside GB2312). It becomes `□`, the
虚缺号 GB/T 15834 sets for a missing character, when no question stands before it in its
clause and what precedes it cannot end a question (`他来了?我不信` stays a question).
"""

from __future__ import annotations

import re

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_HAN_CHAR = re.compile(f"[{_HAN}]")
# Chinese punctuation that may stand on either side of a converted mark.
_CJK_PUNCT = "，。、；：？！“”‘’《》〈〉「」『』【】（）…—·"
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
# Chinese punctuation that opens something, so a mark before it ends a Chinese clause.
_CJK_OPENING = "“‘《〈「『【（"
# One pattern per mark, each starting with the mark itself so the regex engine skips
# ahead to it, and replaced with a constant: no Python call per converted mark. A mark
# with Han after it needs nothing before: a clause may end in a digit, %, ℃, ) or Latin.
_MARKS = tuple(
    (
        re.compile(
            rf"{re.escape(half)}(?:(?<=[{_HAN}{_CJK_PUNCT}]{re.escape(half)})"
            rf"(?=[{_HAN}{_CJK_PUNCT}0-9,;:!?\"']|\s|$)|(?=[{_HAN}{_CJK_OPENING}]))",
            re.MULTILINE,
        ),
        full,
    )
    for half, full in _FULL.items()
)
_RUN_OF_MARKS = re.compile(r"[，；：！？][,;:!?]")
_PAIR = re.compile(rf"\(([^()\n]*[{_HAN}][^()\n]*)\)")
# ASCII double quotes, paired in order along a line; a pair enclosing Han is a Chinese one.
_QUOTES = re.compile(r'"([^"\n]*)"')
_SMALL_FORMS = {"﹐": "，", "﹑": "、", "﹒": "．", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！"}
_SMALL = re.compile("[﹐﹑﹒﹔﹕﹖﹗]")
_WIDE_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]")
_TO_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
# Full-width marks that belong to the ASCII beside them: `318．9`, `50％`, `5G＋`, `5G－A`.
_WIDE_MARKS = {"．": ".", "％": "%", "＋": "+", "－": "-"}
_WIDE_POINT = re.compile(
    r"(?<=[0-9])[．－](?=[0-9])|(?<=[0-9])％|(?<=[0-9A-Za-z])＋|(?<=[0-9A-Za-z])－(?=[A-Za-z])"
)
# ASCII stand-ins for Chinese marks, beside Chinese text: an ellipsis, a dash, a stop.
_STAND_INS = (  # each starts at its mark and checks what stands before it behind
    (
        re.compile(
            rf"(?:\.\.\.(?<=[{_HAN}{_CJK_PUNCT}℃%]\.\.\.)\.{{0,3}}|。。。(?<=[{_HAN}{_CJK_PUNCT}℃%]。。。)。{{0,3}})"
        ),
        "……",
    ),
    (re.compile(rf"--(?<=[{_HAN}{_CJK_PUNCT}]--)-{{0,2}}(?=[{_HAN}{_CJK_OPENING}])"), "——"),
    (re.compile("。。(?!。)"), "。"),
    (re.compile(rf"\.(?<=[{_HAN}℃%）”]\.)$", re.MULTILINE), "。"),
)
_PROSE_MARK = re.compile("[，。；！？]")
MISSING = "□"  # GB/T 15834's 虚缺号: a character the source could not show
# A `?` run between Han characters, or before the `、` of a list of names: a candidate for
# characters the encoding lost.
_QUERY_IN_WORD = re.compile(rf"(?<=[{_HAN}])\?{{1,3}}(?=[{_HAN}、])")
_CLAUSE_START = re.compile(r"[，。！？；：、,.!?;:\n“”\"]")
_CLAUSE_MAX = 40  # characters looked back for a question word
# What makes a clause a question: interrogative words and particles, and `A不A`.
_QUESTION = re.compile(
    r"吗|呢|吧|什么|怎|为何|为啥|如何|哪|谁|几|多少|是否|难道|岂|何|可否|能否|有没有|"
    r"([\u3400-\u9fff])不\1"
)
# A character that ends a sentence, never a name: `他来了?我不信` asks.
_FINAL_PARTICLES = "了的啊呀吗呢吧嘛哦啦么"


def _convert_marks(text: str) -> tuple[str, int]:
    total = 0
    for pattern, full in _MARKS:
        text, count = pattern.subn(full, text)
        total += count
    return text, total


def _convert_quotes(text: str) -> tuple[str, int]:
    """`"…"` pairs that enclose Han as `“…”`; pairs of Latin text keep their quotes."""
    count = 0

    def chinese(pair: re.Match[str]) -> str:
        nonlocal count
        if not _HAN_CHAR.search(pair[1]):
            return pair[0]
        count += 1
        return f"“{pair[1]}”"

    return _QUOTES.sub(chinese, text), count


def ascii_letters_and_digits(text: str) -> tuple[str, int]:
    """Full-width letters and digits as ASCII, and a point or percent sign with the digits."""
    wide = len(_WIDE_ALNUM.findall(text))
    if not wide:
        return text, 0
    text = _WIDE_ALNUM.sub(lambda m: _TO_ASCII[m[0]], text)
    text, marks = _WIDE_POINT.subn(lambda m: _WIDE_MARKS[m[0]], text)
    return text, wide + marks


def mark_missing(text: str) -> tuple[str, int]:
    """`?` standing for characters the source's encoding lost, as `□`; return the text and count."""
    count = 0

    def missing(match: re.Match[str]) -> str:
        nonlocal count
        before = text[max(0, match.start() - _CLAUSE_MAX) : match.start()]
        clause = _CLAUSE_START.split(before)[-1]
        if _QUESTION.search(clause) or clause[-1] in _FINAL_PARTICLES:
            return match[0]
        count += len(match[0])
        return MISSING * len(match[0])

    if "?" not in text:
        return text, 0
    return _QUERY_IN_WORD.sub(missing, text), count


def _stand_ins(text: str) -> tuple[str, int]:
    """ASCII stand-ins made Chinese marks, in Chinese prose only: a `<title>`'s
    `新闻中心--人民网`, with no clause mark, separates a site's name, and its `--` is no dash."""
    if not _PROSE_MARK.search(text):
        return text, 0
    count = 0
    for pattern, mark in _STAND_INS:
        text, n = pattern.subn(mark, text)
        count += n
    return text, count


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """Make half-width punctuation in Chinese text full-width; return the text and the count."""
    small = len(_SMALL.findall(text))
    if small:
        for variant, usual in _SMALL_FORMS.items():  # str.translate with a dict is 10x slower
            text = text.replace(variant, usual)
    quotes = 0
    if '"' in text:
        text, quotes = _convert_quotes(text)
    text, marks = _convert_marks(text)
    # In `好,!` the `!` only has a Chinese neighbour once the `,` is converted.
    while _RUN_OF_MARKS.search(text):
        text, more = _convert_marks(text)
        if not more:
            break
        marks += more
    text, pairs = _PAIR.subn(r"（\1）", text)
    text, stand_ins = _stand_ins(text)
    return text, small + quotes + marks + pairs + stand_ins
