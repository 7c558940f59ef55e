"""Pinyin annotations a converter left after characters: `戰(zhàn)場` → `戰場`.

An annotation is one pinyin syllable with a tone mark, in half-width or
full-width parentheses, right after a Han character. Everything else in
parentheses stays: names `(翟道武)`, sources `(来源:…)`, `(职工)`, years
`(2021)`, Latin words `(Beijing)`, and toneless or capitalised Latin such as
`(de)` or `(Hu)`, since those cannot be told from ordinary text.
"""

from __future__ import annotations

import re
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

# A Han character, then a parenthesised run of lowercase pinyin letters. The bracket comes
# first and the Han is checked behind it, so the regex engine skips ahead to brackets
# instead of trying the lookbehind at every position (a third of the time).
_ANNOTATION = re.compile(rf"[(（](?<=[\u3400-\u9fff\uf900-\ufaff][(（])([a-zü{TONED}]{{1,7}})[)）]")


@cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable shape (a generous superset of standard Mandarin)."""
    return frozenset(i + f for i in _INITIALS for f in _FINALS)


def is_syllable(word: str) -> bool:
    """Whether `word` is one pinyin syllable carrying exactly one tone mark."""
    return len(_TONE.findall(word)) == 1 and word.translate(_PLAIN) in syllables()


def remove_pinyin(text: str) -> tuple[str, int]:
    """Drop pinyin annotations after Han characters; return the text and how many went."""
    removed = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal removed
        if is_syllable(match.group(1)):
            removed += 1
            return ""
        return match.group(0)

    return _ANNOTATION.sub(drop, text), removed
