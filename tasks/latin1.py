"""UTF-8 read as Windows-1252 or Latin-1: `æ¥æºï¼š` that is `来源：`, decoded right.

The commonest mojibake on the Western web, and Chinese pages get it too: UTF-8 bytes
decoded one byte a character with Windows-1252 (or Latin-1, whose 0x80–0x9F are the C1
controls; Windows writes those too for the five bytes 1252 leaves undefined) and the
result saved again as UTF-8. A Chinese character is three bytes, so it comes back as a lead
`ä`–`é` (`ã` for CJK punctuation, `ï` for full-width forms) and two continuation characters
from U+0080–U+00BF or 1252's `€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ`. Done twice, each of those is
two characters again (`Ã¦Â\\x9dÂ¥`).

Every such character stands for exactly one byte, so a run maps back to its bytes without
guessing, and the bytes must then decode strictly as UTF-8: clean text with Latin-1
characters of its own (`Rìkāzé`, `±5°C×2`, `café`) has no lead byte followed by the right
number of continuation bytes, or not in a row. Evidence is still required before anything
changes: a run must give back at least two CJK characters (Han, CJK punctuation or
full-width forms); once one has, the text is known to be mojibake and its shorter runs
(`10æœˆ11æ—¥` has a one-character run between digits, `Â·` is a middle dot) are decoded
too. A character whose bytes do not decode (a byte lost on the way) is left as it was and
counted, so the caller can flag it rather than lose the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Decoding twice by mistake is common; more rounds than this are not.
MAX_ROUNDS = 3
MIN_EVIDENCE = 2  # CJK characters a run must give back to show the text is mojibake
# Han, CJK punctuation, kana and full-width forms: what Chinese text decodes to.
_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
NBSP_BYTE = 0xA0
_LEADS = "ÂÃâãäåæçèéïð"  # what UTF-8 of Chinese text starts its characters with, read as 1252


@cache
def byte_of() -> dict[str, int]:
    """The byte each character a 1252 or Latin-1 decoder writes for 0x80–0xFF stands for."""
    table = {chr(b): b for b in range(0x80, 0x100)}  # Latin-1, with the C1 controls
    for b in range(0x80, 0xA0):
        try:
            table[bytes((b,)).decode("cp1252")] = b
        except UnicodeDecodeError:
            continue  # undefined in 1252: its C1 control, above, stands for it
    return table


@cache
def _run() -> re.Pattern[str]:
    """A run of characters standing for bytes 0x80–0xFF; single spaces inside may be NBSPs."""
    chars = "".join(sorted(byte_of()))
    body = f"[{re.escape(chars)}]"
    return re.compile(f"{body}+(?: {body}+)*")


@cache
def _telltale() -> re.Pattern[str]:
    """A lead of a 2–4 byte sequence followed by a continuation: the cheap test for a page."""
    continuation = "".join(ch for ch, b in byte_of().items() if 0x80 <= b < 0xC0)
    return re.compile(f"[\u00c2-\u00f4][{re.escape(continuation)}]")


@dataclass(frozen=True, slots=True)
class Repaired:
    """A text with its runs decoded, how many runs were, and how many of those kept some damage."""

    text: str
    runs: int
    left: int


def may_be_misread(text: str) -> bool:
    """Whether the text has a lead byte followed by a continuation byte, read as 1252.

    Every page passes here: the leads CJK text and a second round give (`ä`–`é` for Han,
    `ã` `â` `ï` for punctuation, `ð` beyond the BMP, `Ã` `Â` read twice) are looked for
    first, with `in`, three times as fast as any regex.
    """
    return any(lead in text for lead in _LEADS) and _telltale().search(text) is not None


def repair_latin1(text: str, spaces_were_nbsp: bool = False) -> Repaired:
    """The text with its runs of UTF-8 read as 1252/Latin-1 decoded, once or in rounds.

    `spaces_were_nbsp`: the text went through markup and extraction, which turn NBSP
    (byte 0xA0, a continuation byte) into a space; a space inside a run is then tried as it.
    """
    if not may_be_misread(text):
        return Repaired(text, 0, 0)
    found = []
    evidence = False
    for match in _run().finditer(text):
        decoded, gained, left = _decode_rounds(match.group(0), spaces_were_nbsp)
        if decoded != match.group(0):
            found.append((match.start(), match.end(), decoded, left))
            evidence = evidence or gained >= MIN_EVIDENCE
    if not evidence:
        return Repaired(text, 0, 0)
    pieces, last, left_total = [], 0, 0
    for start, end, decoded, left in found:
        pieces += [text[last:start], decoded]
        last = end
        left_total += left
    pieces.append(text[last:])
    return Repaired("".join(pieces), len(found), left_total)


def _decode_rounds(run: str, spaces_were_nbsp: bool) -> tuple[str, int, int]:
    """The run decoded until it stops changing, the CJK characters that gained, and
    whether a lead and its continuation were left undecoded (1) or not (0)."""
    before = len(_CJK.findall(run))
    text = run
    for _ in range(MAX_ROUNDS):
        decoded = _decode_once(text, spaces_were_nbsp)
        if decoded == text:
            break
        text = decoded
    left = int(text != run and may_be_misread(text))
    return text, len(_CJK.findall(text)) - before, left


def _decode_once(text: str, spaces_were_nbsp: bool) -> str:
    """Each complete UTF-8 sequence among the text's characters decoded; the rest kept."""
    out: list[str] = []
    i = 0
    while i < len(text):
        size, decoded = _sequence_at(text, i, spaces_were_nbsp)
        out.append(decoded)
        i += size
    return "".join(out)


def _sequence_at(text: str, i: int, spaces_were_nbsp: bool) -> tuple[int, str]:
    """(characters used, what they decode to) at `i`: a whole sequence, or the one character."""
    table = byte_of()
    lead = table.get(text[i])
    size = _sequence_length(lead)
    if lead is None or size == 1 or i + size > len(text):
        return 1, text[i]
    raw = bytearray((lead,))
    for ch in text[i + 1 : i + size]:
        byte = NBSP_BYTE if ch == " " and spaces_were_nbsp else table.get(ch)
        if byte is None:
            return 1, text[i]
        raw.append(byte)
    try:
        return size, raw.decode("utf-8")
    except UnicodeDecodeError:
        return 1, text[i]


def _sequence_length(lead: int | None) -> int:
    if lead is None or lead < 0xC2 or lead > 0xF4:
        return 1
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
