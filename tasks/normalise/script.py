"""Script: tell Simplified from Traditional (or a mix) and convert to Simplified with OpenCC.

The OpenCC configuration is `tw2s`, chosen by testing against the seeds rather
than taking `t2s`: `t2s` leaves 著 alone in 隨著/著眼 (giving 随著, 著眼) while
`tw2s` resolves it by context (随着, 着眼) and still keeps 著作 and 显著.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from tasks.charset import code_points
from tasks.normalise.draft import Draft

if TYPE_CHECKING:
    import numpy as np

OPENCC_CONFIG = "tw2s"
# Share of script-specific characters that are Traditional, above which a text is 'hant'
# and below whose complement it is 'hans'; in between it is 'mixed'.
SCRIPT_MAJORITY = 0.9


@cache
def converter(config: str = OPENCC_CONFIG):
    """The OpenCC converter, built once per process."""
    import opencc

    return opencc.OpenCC(config)


# Where the script-specific characters live: CJK Unified Ideographs, the basic block.
_FIRST, _LAST = 0x4E00, 0x9FFF
# Bits of a code point's mark; four rare characters (緼 藴 輼 醖) carry both.
_TRADITIONAL, _SIMPLIFIED = 1, 2


@cache
def script_table() -> np.ndarray:
    """Each code point up to _LAST marked Traditional-only, Simplified-only, both or neither.

    A character is Traditional-only when OpenCC changes it going to Simplified and
    GB2312 cannot encode it; Simplified-only when OpenCC changes it going to
    Traditional and Big5 cannot encode it. Characters valid in both (干, 后, 台) count
    for neither. Every code point above _LAST is looked up at _LAST + 1, which is unmarked.
    """
    import numpy as np

    chars = [chr(c) for c in range(_FIRST, _LAST + 1)]
    table = np.zeros(_LAST + 2, dtype=np.uint8)
    for ch, simp, trad in zip(chars, _one_by_one("t2s"), _one_by_one("s2t"), strict=True):
        if simp != ch and not _encodable(ch, "gb2312"):
            table[ord(ch)] |= _TRADITIONAL
        if trad != ch and not _encodable(ch, "big5"):
            table[ord(ch)] |= _SIMPLIFIED
    return table


@cache
def _one_by_one(config: str) -> tuple[str, ...]:
    """Each code point from _FIRST to _LAST as OpenCC `config` converts it on its own.

    Kept: the script table and the Traditional forms both read t2s's (about 10 ms each).
    """
    joined = "\n".join(chr(c) for c in range(_FIRST, _LAST + 1))
    return tuple(converter(config).convert(joined).split("\n"))


@cache
def traditional_forms() -> dict[str, str]:
    """Each Simplified character with the Traditional ones t2s turns into it: 签 → 簽籤, 布 → 佈.

    For matching a Simplified word in either script (the labels of tasks/normalise/labels.py)
    without converting the text it stands in.
    """
    forms: dict[str, str] = {}
    for code, simp in enumerate(_one_by_one("t2s"), start=_FIRST):
        if len(simp) == 1 and simp != chr(code):
            forms[simp] = forms.get(simp, "") + chr(code)
    return forms


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def script_counts(text: str) -> tuple[int, int]:
    """Number of Traditional-only and Simplified-only characters in `text`.

    A table lookup over the code points in numpy: two regexes over classes of 3,500 and
    2,500 characters took 0.39 ms on a 10,000-character page, the lookup 0.07 ms.
    """
    import numpy as np

    marks = script_table()[np.minimum(code_points(text), _LAST + 1)]
    counts = np.bincount(marks, minlength=4)
    both = int(counts[_TRADITIONAL | _SIMPLIFIED])
    return int(counts[_TRADITIONAL]) + both, int(counts[_SIMPLIFIED]) + both


def detect_script(text: str) -> str:
    """'hans', 'hant' or 'mixed' for a piece of Chinese text."""
    return _script(*script_counts(text))


def _script(trad: int, simp: int) -> str:
    if trad + simp == 0:
        return "hans"
    share = trad / (trad + simp)
    if share >= SCRIPT_MAJORITY:
        return "hant"
    if share <= 1 - SCRIPT_MAJORITY:
        return "hans"
    return "mixed"


def to_simplified(text: str) -> str:
    """Convert text to Simplified Chinese with the chosen OpenCC configuration."""
    return converter().convert(text)


def convert_script(draft: Draft) -> None:
    """Record the source script and convert title and body to Simplified where needed."""
    trad, simp = script_counts(_sample(draft))
    draft.source_script = _script(trad, simp)
    if trad:
        draft.text = to_simplified(draft.text)
        if draft.title:
            draft.title = to_simplified(draft.title)
        draft.flag("t2s")


def record_script(draft: Draft) -> None:
    """Record the source script only: what is left of the step when it is skipped.

    The script is a fact about the page, not a repair, and telling it costs a table
    lookup; with the conversion skipped to see what it does, the record must still say
    the page is Traditional rather than fall back to the draft's default of 'hans'.
    """
    draft.source_script = detect_script(_sample(draft))


def _sample(draft: Draft) -> str:
    return f"{draft.title or ''}\n{draft.text}"
