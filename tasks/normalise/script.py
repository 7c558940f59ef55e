"""Script: tell Simplified from Traditional (or a mix) and convert to Simplified with OpenCC.

The OpenCC configuration is `tw2s`, chosen by testing against the seeds rather
than taking `t2s`: `t2s` leaves 著 alone in 隨著/著眼 (giving 随著, 著眼) while
`tw2s` resolves it by context (随着, 着眼) and still keeps 著作 and 显著. Its phrase
list misses many zhù words (土著, 专著, 卓著, 原著, 编著, 著有), so every 著 is settled
again by its neighbours (`_settle_zhu`). A Simplified page that cites a few Traditional
words (《明報》) has only the clauses holding them converted: run over Simplified text,
`tw2s` turns 显著 into 显着.
"""

from __future__ import annotations

import re
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
# Outside GB2312 and changed by OpenCC, yet Simplified text writes them: the 2013 通用规范汉字表
# admits 昇 in names (华为昇腾). They count for neither script and a Simplified page keeps them.
_SIMPLIFIED_TOO = frozenset("昇")

# 著 is zhù (显著, 著作, 土著, 著有) and, as Taiwan writes it and tw2s reads it, also zhe and
# zhuó/zháo (随著, 著手), which Simplified writes 着. Settled by its neighbours, first rule
# that applies: after these it is the zhù of a work or of distinction (显著, 专著, 卓著 …);
_ZHU_AFTER = frozenset("显土专卓原编论译遗巨合拙昭")
# before these it is zhuó/zháo (着手, 着陆, 着急, 着重 …), even after 新 or 名 (重新着手);
_ZHUO_BEFORE = frozenset("手陆想急眼重力实凉迷火落装色墨意笔衣")
# after 新 大 名 and before a pause or these, a work again (一部新著，作者的大著出版);
_WORK_AFTER = frozenset("新大名")
_WORK_BEFORE = frozenset("，。、；：！？”）出问的中与和")
# or after a measure word for books, whatever follows (一部新著送给读者, 两本大著);
_BOOK_MEASURES = frozenset("部本册套")
# before these it is zhù (著作, 著名, 著称 …), and so before 有 when a work follows
# (他著有多部专著, 著有《…》), not in 过着有尊严, 带着有关材料;
_ZHU_BEFORE = frozenset("作名称述录书者")
_WORKS_AFTER_YOU = frozenset("《多专论诗小数")
# and anywhere else tw2s's own choice stands.

# Characters Simplified text also writes in names, which tw2s converts everywhere: 林良昇 and
# 李乾龍 keep theirs (the 2013 通用规范汉字表 admits both in names). In a name's place (after
# a surname, or a surname and one character) they stay, unless their neighbours make the
# word they are converted in: 昇 rising (上昇, 昇級), 乾 dry (餅乾, 乾淨).
_NAME_CHARACTERS = {
    "昇": (
        frozenset("上提晋攀飙窜东回跃爬飞腾拉"),
        frozenset("华级高起降迁学旗温值幅空天格任职等段"),
    ),
    "乾": (
        frozenset("饼萄肉笋虾鱼果晒烘风擦吹晾榨喝吸抽蒸烤流舔弄阴外中一白菜丝豆鱿萝"),
        frozenset("燥净杯旱枯脆涸货粮妈爹洗衣草冰瘪巴咳呕瞪着急等坐耗笑裂电贝薪股酪冷热湿爽涩"),
    ),
}

# A clause: what lies between punctuation and spaces, the unit a Simplified page's
# Traditional words are converted in.
_CLAUSE = re.compile(r"[^\s，。、；：？！,.;:?!“”‘’\"'《》〈〉「」『』（）()【】\[\]…—·]+")


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
    for ch, simp, trad in zip(chars, _simplified_one_by_one(), _one_by_one("s2t"), strict=True):
        if ch in _SIMPLIFIED_TOO:
            continue
        if simp != ch and not _encodable(ch, "gb2312"):
            table[ord(ch)] |= _TRADITIONAL
        if trad != ch and not _encodable(ch, "big5"):
            table[ord(ch)] |= _SIMPLIFIED
    return table


@cache
def _simplified_one_by_one() -> tuple[str, ...]:
    """Each code point from _FIRST to _LAST in Simplified on its own: t2s's form, else hk2s's.

    hk2s knows a few Hong Kong variants t2s leaves (衞 → 卫, 衹 → 只, 粧 → 妆); its form is
    taken only where GB2312 encodes it, i.e. where it is the common Simplified character.
    """
    return tuple(
        hk if simp == chr(code) and hk != simp and _encodable(hk, "gb2312") else simp
        for code, simp, hk in zip(
            range(_FIRST, _LAST + 1), _one_by_one("t2s"), _one_by_one("hk2s"), strict=True
        )
    )


@cache
def _variants() -> tuple[re.Pattern[str], dict[str, str]]:
    """What tw2s leaves that `_simplified_one_by_one` converts (the Hong Kong variants).

    A pattern and a mapping, not str.translate: translating looks up every character of the
    text, 0.9 ms a 10,000-character page, where searching for these few takes a tenth of it.
    """
    variants = {
        chr(code): simp
        for code, simp, plain in zip(
            range(_FIRST, _LAST + 1), _simplified_one_by_one(), _one_by_one("t2s"), strict=True
        )
        if simp != plain
    }
    return re.compile(f"[{''.join(variants)}]"), variants


@cache
def traditional_only() -> frozenset[str]:
    """The characters script_table marks Traditional-only."""
    return _marked(_TRADITIONAL)


@cache
def simplified_only() -> frozenset[str]:
    """The characters script_table marks Simplified-only."""
    return _marked(_SIMPLIFIED)


def _marked(mark: int) -> frozenset[str]:
    import numpy as np

    return frozenset(map(chr, np.flatnonzero(script_table() & mark).tolist()))


@cache
def _one_by_one(config: str) -> tuple[str, ...]:
    """Each code point from _FIRST to _LAST as OpenCC `config` converts it on its own.

    Kept: the script table and the Traditional forms both read them (about 10 ms each).
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
    for code, simp in enumerate(_simplified_one_by_one(), start=_FIRST):
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
    """Convert Traditional (or mixed) text to Simplified: OpenCC tw2s, then 著 and variants."""
    converted = converter().convert(text)
    # OpenCC maps character for character here; should a phrase ever change length, the
    # positions no longer line up and tw2s's choices stand.
    if len(converted) == len(text):
        if "著" in text:
            converted = _settle_zhu(text, converted)
        if "昇" in text or "乾" in text:  # _NAME_CHARACTERS
            converted = _keep_in_names(text, converted)
    pattern, variants = _variants()
    return pattern.sub(lambda m: variants[m[0]], converted)


def in_simplified(text: str) -> str:
    """Simplified text with a few Traditional words: only the clauses that hold them converted."""
    traditional = traditional_only()
    return _CLAUSE.sub(
        lambda m: m[0] if traditional.isdisjoint(m[0]) else to_simplified(m[0]), text
    )


def _settle_zhu(original: str, converted: str) -> str:
    """Each 著 of `original` as 著 or 着 by its neighbours in `converted` (see _ZHU_AFTER)."""
    pieces, last = [], 0
    at = original.find("著")
    while at >= 0:
        before = converted[at - 1] if at else ""
        after = converted[at + 1 : at + 3]
        chosen, next_char, then = converted[at], after[:1], after[1:]
        if before in _ZHU_AFTER:
            chosen = "著"
        elif next_char in _ZHUO_BEFORE:
            chosen = "着"
        elif (
            (
                before in _WORK_AFTER
                and (
                    not next_char
                    or next_char in _WORK_BEFORE
                    or (at >= 2 and converted[at - 2] in _BOOK_MEASURES)
                )
            )
            or next_char in _ZHU_BEFORE
            or (next_char == "有" and (then in _WORKS_AFTER_YOU or then.isdigit()))
        ):
            chosen = "著"
        if chosen != converted[at]:  # rebuilt from slices: most of tw2s's choices stand
            pieces += [converted[last:at], chosen]
            last = at + 1
        at = original.find("著", at + 1)
    return "".join([*pieces, converted[last:]]) if pieces else converted


def _keep_in_names(original: str, converted: str) -> str:
    """Put back each 昇 or 乾 of `original` that stands where a name's character does."""
    from tasks.normalise.labels import SURNAMES

    chars = list(converted)
    for at, ch in enumerate(original):
        if ch not in _NAME_CHARACTERS or chars[at] == ch:
            continue
        before, after = _NAME_CHARACTERS[ch]
        previous = converted[max(0, at - 2) : at]
        following = converted[at + 1 : at + 2]
        in_name = bool(previous) and (
            previous[-1] in SURNAMES or (len(previous) == 2 and previous[0] in SURNAMES)
        )
        if in_name and previous[-1] not in before and following not in after:
            chars[at] = ch
    return "".join(chars)


def convert_script(draft: Draft) -> None:
    """Record the source script and convert title and body to Simplified where needed."""
    trad, simp = script_counts(_sample(draft))
    draft.source_script = _script(trad, simp)
    if trad:
        convert = in_simplified if draft.source_script == "hans" else _to_mainland
        draft.text = convert(draft.text)
        if draft.title:
            draft.title = convert(draft.title)
        draft.flag("t2s")


# Taiwan and Hong Kong quote with corner brackets, Simplified text with curly quotes.
_QUOTES = (("「", "“"), ("」", "”"), ("『", "‘"), ("』", "’"))


def _to_mainland(text: str) -> str:
    """A Traditional page as Simplified text writes it: characters, then quotation marks."""
    return mainland_quotes(to_simplified(text))


def mainland_quotes(text: str) -> str:
    """Corner brackets (`「」『』`) as the curly quotes Simplified text uses."""
    for corner, curly in _QUOTES:  # str.translate with a table is far slower
        if corner in text:
            text = text.replace(corner, curly)
    return text


def record_script(draft: Draft) -> None:
    """Record the source script only: what is left of the step when it is skipped.

    The script is a fact about the page, not a repair, and telling it costs a table
    lookup; with the conversion skipped to see what it does, the record must still say
    the page is Traditional rather than fall back to the draft's default of 'hans'.
    """
    draft.source_script = detect_script(_sample(draft))


def _sample(draft: Draft) -> str:
    return f"{draft.title or ''}\n{draft.text}"
