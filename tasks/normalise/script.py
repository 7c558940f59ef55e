"""Script: tell Simplified from Traditional (or a mix) and convert to Simplified with OpenCC.

The OpenCC configuration is `tw2s`, chosen by testing against the seeds rather
than taking `t2s`: `t2s` leaves 著 alone in 隨著/著眼 (giving 随著, 著眼) while
`tw2s` resolves it by context (随着, 着眼) and still keeps 著作 and 显著.
"""

from __future__ import annotations

import re
from functools import cache

from tasks.normalise.draft import Draft

OPENCC_CONFIG = "tw2s"
# Share of script-specific characters that are Traditional, above which a text is 'hant'
# and below whose complement it is 'hans'; in between it is 'mixed'.
SCRIPT_MAJORITY = 0.9


@cache
def converter(config: str = OPENCC_CONFIG):
    """The OpenCC converter, built once per process."""
    import opencc

    return opencc.OpenCC(config)


@cache
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes matching characters found only in Traditional, and only in Simplified, text.

    A character is Traditional-only when OpenCC changes it going to Simplified and
    GB2312 cannot encode it; Simplified-only when OpenCC changes it going to
    Traditional and Big5 cannot encode it. Characters valid in both (干, 后, 台) count
    for neither.
    """
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    to_simplified = converter("t2s").convert(joined).split("\n")
    to_traditional = converter("s2t").convert(joined).split("\n")
    traditional, simplified = [], []
    for ch, simp, trad in zip(chars, to_simplified, to_traditional, strict=True):
        if simp != ch and not _encodable(ch, "gb2312"):
            traditional.append(ch)
        if trad != ch and not _encodable(ch, "big5"):
            simplified.append(ch)
    return re.compile(f"[{''.join(traditional)}]"), re.compile(f"[{''.join(simplified)}]")


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def script_counts(text: str) -> tuple[int, int]:
    """Number of Traditional-only and Simplified-only characters in `text`."""
    traditional, simplified = _script_patterns()
    return len(traditional.findall(text)), len(simplified.findall(text))


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
    sample = f"{draft.title or ''}\n{draft.text}"
    trad, simp = script_counts(sample)
    draft.source_script = _script(trad, simp)
    if trad:
        draft.text = to_simplified(draft.text)
        if draft.title:
            draft.title = to_simplified(draft.title)
        draft.flag("t2s")
