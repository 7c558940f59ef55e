"""Pinyin annotations a converter left after characters: `戰(zhàn)場` → `戰場`.

An annotation is one pinyin syllable with a tone mark, in half-width or
full-width parentheses, right after a Han character (or after it and a space).
Converters write it in more than one way, all taken: tone marks composed or as
combining accents, the IPA letters ɑ and ɡ for a and g, capitals, a space inside
the parentheses. Everything else in parentheses stays: names `(翟道武)`, sources
`(来源:…)`, `(职工)`, years `(2021)`, Latin words `(Beijing)`, and toneless Latin
such as `(de)` or `(Hu)`, since those cannot be told from ordinary text.

A pronunciation guide stays: news gives the reading of a place's or a person's character
a reader might get wrong (`单(shàn)县`, `蚌(bèng)埠`), once or twice in an article, where a
converter annotates every character it converted (seed 002: 151 times, each after a
Traditional-only character). A text with at most GUIDE_MAX annotations, none after a
Traditional-only character, keeps them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONE = re.compile(f"[{TONED}]")
_PLAIN = str.maketrans(TONED, "aaaaeeeeiiiioooouuuuüüüü")
_INITIALS = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x")
_INITIALS += ("zh", "ch", "sh", "r", "z", "c", "s", "y", "w")
_FINALS = [
    "a",
    "o",
    "e",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "ang",
    "eng",
    "ong",
    "er",
    "i",
    "ia",
    "ie",
    "iao",
    "iu",
    "ian",
    "in",
    "iang",
    "ing",
    "iong",
    "u",
    "ua",
    "uo",
    "uai",
    "ui",
    "uan",
    "un",
    "uang",
    "ueng",
    "ü",
    "üe",
    "üan",
    "ün",
    "ue",
    "ve",
    "v",
    "n",
    "ng",
    "m",
]

# Letters an annotation may be written in: pinyin's, in either case, with the tone mark
# composed or as a combining accent (macron, acute, caron, grave, diaeresis), and ɑ ɡ.
_LETTERS = f"a-zA-ZüÜ{TONED}{TONED.upper()}\u0300\u0301\u0304\u0308\u030cɑɡ"
_HAN = "[\u3400-\u9fff\uf900-\ufaff]"
# A Han character (and perhaps a space), then a parenthesised run of those letters. The
# bracket comes first and what precedes it is checked behind it, so the regex engine skips
# ahead to brackets instead of trying the lookbehind at every position (a third of the time).
_ANNOTATION = re.compile(
    rf"[(（](?:(?<={_HAN}[(（])|(?<={_HAN} [(（])) ?([{_LETTERS}]{{1,10}}) ?[)）]"
)
_IPA = str.maketrans("ɑɡ", "ag")
GUIDE_MAX = 2


@cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable shape (a generous superset of standard Mandarin)."""
    return frozenset(i + f for i in _INITIALS for f in _FINALS)


def is_syllable(word: str) -> bool:
    """Whether `word` is one pinyin syllable carrying exactly one tone mark, in any case."""
    word = unicodedata.normalize("NFC", word.translate(_IPA).lower())
    return len(_TONE.findall(word)) == 1 and word.translate(_PLAIN) in syllables()


def remove_pinyin(text: str) -> tuple[str, int]:
    """Drop pinyin annotations after Han characters; return the text and how many went."""
    found = [m for m in _ANNOTATION.finditer(text) if is_syllable(m.group(1))]
    if _guide(text, found):
        return text, 0
    kept: list[str] = []
    last = removed = 0
    for match in found:
        start, end = match.span()
        # `建设 (shè) 引领`: the spaces around an annotation set apart go with it.
        if text[start - 1] == " ":
            start -= 1
            end += text.startswith(" ", end)
        kept.append(text[last:start])
        last = end
        removed += 1
    if not removed:
        return text, 0
    kept.append(text[last:])
    return "".join(kept), removed


def _guide(text: str, annotations: list[re.Match[str]]) -> bool:
    """Whether the annotations are a writer's pronunciation guide, not a converter's."""
    if not annotations or len(annotations) > GUIDE_MAX:
        return False
    from tasks.normalise.script import traditional_only

    traditional = traditional_only()
    return not any(_annotated(text, m) in traditional for m in annotations)


def _annotated(text: str, annotation: re.Match[str]) -> str:
    """The character an annotation follows (`建设 (shè)` annotates 设)."""
    before = annotation.start() - 1
    return text[before - 1] if text[before] == " " else text[before]
