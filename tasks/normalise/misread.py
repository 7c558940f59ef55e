"""UTF-8 read as GBK: runs of `浠婂勾浠ユ潵锛` that are `今年以来，` decoded with the wrong codec.

The commonest Chinese mojibake: a UTF-8 page taken for GBK (a wrong `<meta charset>`, a
scraper's default). A Chinese character is three bytes in UTF-8 and a GBK character two,
so each GBK character straddles two real ones, and where a pair is not valid GBK the
decoder writes a lost-byte mark (`�`, or `?`) for one byte: about one character in seven
of a seed read that way. The repair encodes each run back to GBK, which gives the UTF-8
bytes, and fills every lost byte with the value that decodes to the most plausible
character in its place (the character-bigram model of `plausibility.py`), the way the
byte-shift repair of `mojibake.py` reconstructs a lost character. A run is replaced only
when the whole decodes strictly as UTF-8 and reads far better than the damage.
"""

from __future__ import annotations

import codecs
import re
from functools import cache, lru_cache

from tasks.charset import common_han
from tasks.normalise.plausibility import QUOTE_PENALTY, char_model, simplified_char
from tasks.normalise.script import script_counts, simplified_only, traditional_only

# A run: characters outside ASCII and the marks a decoder writes for a byte it lost.
_RUN = re.compile(r"(?:[^\x00-\x7f\s]|\?)+")
LOST = "\ufffd?"  # what decoders write for a byte they could not place
_MARK = re.compile("([\ufffd?])")
MIN_RUN = 4  # characters; shorter runs are too little to judge
MAX_LOST = 3  # lost bytes in a row: more cannot be told apart
# The repaired run must read this much better per character (natural log) …
MIN_GAIN_PER_CHAR = 3.0
# … and no worse than this per character on its own: everyday Chinese reads about -7.
PLAUSIBLE = -9.5
# What follows a number in Chinese text: dates, times, counts and money.
AFTER_DIGIT = frozenset("年月日时分秒号万亿元个名人次件项家届期")
AFTER_DIGIT_BONUS = 4.0
_CONTINUATION = range(0x80, 0xC0)
_GAP_VALUES = range(0x80, 0xF0)  # a continuation byte, or the lead of a 2- or 3-byte character


def repair_misread(line: str) -> tuple[str, int]:
    """The line with its UTF-8-read-as-GBK runs decoded right, and how many were.

    Runs of MIN_RUN characters or more must each read far better repaired; once one has,
    the line is known to be misread, and the short runs between its digits and ASCII
    punctuation (`2022骞�` for 2022年) need only decode as everyday characters.
    """
    fixes: dict[int, tuple[int, str]] = {}  # start → (end, repaired text)
    short: list[re.Match[str]] = []
    for match in _RUN.finditer(line):
        run = match.group(0)
        if run.count("?") == len(run):
            continue
        if len(run) < MIN_RUN:
            short.append(match)
            continue
        fixed = decode_run(run, line[match.start() - 1 : match.start()])
        if fixed is not None and _reads_better(run, fixed):
            fixes[match.start()] = (match.end(), fixed)
    if not fixes:
        return line, 0
    for match in short:
        fixed = decode_run(match.group(0), line[match.start() - 1 : match.start()])
        if fixed is not None and _everyday(fixed):
            fixes[match.start()] = (match.end(), fixed)
    pieces, last = [], 0
    for start in sorted(fixes):
        end, fixed = fixes[start]
        pieces += [line[last:start], fixed]
        last = end
    pieces.append(line[last:])
    return "".join(pieces), len(fixes)


def _everyday(text: str) -> bool:
    """Every character everyday Chinese, printable ASCII or a Latin letter."""
    everyday = common_han()
    return all(ch in everyday or " " <= ch <= "~" or _latin_letter(ch) for ch in text)


def decode_run(run: str, before: str = "") -> str | None:
    """The run as the UTF-8 it was read from, lost bytes filled in; None if it was not that.

    `before` is the character before the run in its line, context for the first guess.
    """
    segments: list[bytes] = []
    lost: list[tuple[int, str]] = []  # byte offset of each lost byte, and its mark
    size = 0
    for part in _MARK.split(run):
        if part in LOST and part:
            lost.append((size, part))
            segments.append(b"\x00")
            size += 1
            continue
        try:
            raw = part.encode("gbk")
        except UnicodeEncodeError:
            return None  # not text a GBK decoder wrote
        segments.append(raw)
        size += len(raw)
    data = bytearray(b"".join(segments))
    # Text that was never UTF-8 fails between the gaps too: each lost byte can spoil at most
    # the character it belonged to and the next, so more bad stretches than that rule it out
    # before any gap is filled (clean text came here for a rare character or a `?`).
    if bytes(data).decode("utf-8", errors="replace").count("\ufffd") > 2 * len(lost) + 1:
        return None
    groups: list[list[int]] = []  # consecutive lost bytes are filled together
    for at, mark in lost:
        if mark == "?" and _literal_question_mark(data, at):
            data[at] = 0x3F
        elif groups and groups[-1][-1] == at - 1:
            groups[-1].append(at)
        else:
            groups.append([at])
    if any(len(group) > MAX_LOST for group in groups):
        return None
    other_script = _other_script(data)  # once a run: the gaps do not change its script
    for i, group in enumerate(groups):
        following = groups[i + 1][0] if i + 1 < len(groups) else len(data)
        best = _fill(data, group, following, before, other_script)
        if best is None:
            return None
        data[group[0] : group[-1] + 1] = best
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _literal_question_mark(data: bytearray, at: int) -> bool:
    """A `?` where a character has just ended and another begins: the text's own."""
    before = _sequence_start(data, at)
    return _complete(data[before:at]) and (at + 1 >= len(data) or data[at + 1] not in _CONTINUATION)


def _fill(
    data: bytearray, group: list[int], following: int, before: str, other_script: frozenset[str]
) -> bytes | None:
    """The bytes for the lost positions `group` that decode to the most plausible text there.

    Every combination a GBK decoder could have lost is tried: each byte must fail to pair
    with the next one (or the decoder would have read a character), and the window, from
    the character before the gap to one whole character after it, must be valid UTF-8.
    `following` is where the next gap starts: the window stops before it. Guesses holding a
    character of `other_script` are not taken.
    """
    first, last = group[0], group[-1]
    start = _sequence_start(data, first)
    end = last + 1
    while end < following and data[end] in _CONTINUATION:
        end += 1
    if end < following:
        end = min(following, end + _sequence_length(data[end]))
    after = data[last + 1] if last + 1 < following else None
    final = end == len(data)
    model = char_model()
    previous = _previous_char(data, start) if start else before
    head, tail = bytes(data[start:first]), bytes(data[last + 1 : end])
    so_far = bytes(data[:start]).decode("utf-8", errors="replace")
    open_quotes = so_far.count("“") - so_far.count("”")
    best, best_score = None, float("-inf")
    for filled in _combinations(head, len(group), after):
        try:
            # Not final: a character cut by the next gap is left for that one.
            text = codecs.getincrementaldecoder("utf-8")().decode(head + filled + tail, final=final)
        except UnicodeDecodeError:
            continue
        # A guess is an everyday character of the run's own script, ASCII or a Latin letter
        # (pinyin's à).
        if not text or not _everyday(text) or not other_script.isdisjoint(text):
            continue
        context = previous + text
        score = model.logprob("".join(map(simplified_char, context)))
        # The dictionary behind the model has no digits: 7月 and 7有 would score alike.
        score += AFTER_DIGIT_BONUS * sum(
            context[i - 1].isdigit() and ch in AFTER_DIGIT for i, ch in enumerate(context) if i
        )
        # Quotes come in pairs: after an open “ the lost one is more likely its ”.
        if ("“" in text and open_quotes > 0) or ("”" in text and open_quotes <= 0):
            score -= QUOTE_PENALTY
        if score > best_score:
            best, best_score = filled, score
    return best


@lru_cache(maxsize=8192)
def _combinations(head: bytes, count: int, after: int | None) -> tuple[bytes, ...]:
    """Byte strings of length `count` that could stand after `head`, pruned as they grow.

    `head` is at most a character's first three bytes, so the same few recur: memoised.
    """
    found = [b""]
    for _ in range(count):
        grown = []
        for prefix in found:
            for value in _GAP_VALUES:
                if prefix and _pairs_in_gbk(prefix[-1], value):
                    continue
                candidate = prefix + bytes((value,))
                try:
                    codecs.getincrementaldecoder("utf-8")().decode(head + candidate, final=False)
                except UnicodeDecodeError:
                    continue
                grown.append(candidate)
        found = grown
    if after is not None:
        found = [c for c in found if not _pairs_in_gbk(c[-1], after)]
    return tuple(found)


def _latin_letter(ch: str) -> bool:
    return "\u00c0" <= ch <= "\u024f" and ch.isalpha()


def _other_script(data: bytearray) -> frozenset[str]:
    """Characters of the script the run's readable characters are not in, to guess against."""
    trad, simp = script_counts(bytes(data).decode("utf-8", errors="replace"))
    if trad + simp == 0:
        return frozenset()  # nothing to tell by: 文字縮放 is either
    return simplified_only() if trad > simp else traditional_only()


@cache
def _pairs_in_gbk(lead: int, trail: int) -> bool:
    """Whether a GBK decoder reads these two bytes as one character."""
    try:
        bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


def _sequence_start(data: bytearray, at: int) -> int:
    """Where the UTF-8 character holding byte `at` (or ending just before it) starts."""
    start = at
    while start > 0 and at - start < 3 and data[start - 1] in _CONTINUATION:
        start -= 1
    if start > 0 and data[start - 1] >= 0xC0:
        start -= 1
    return start


def _sequence_length(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _complete(chunk: bytes | bytearray) -> bool:
    return not chunk or len(chunk) == _sequence_length(chunk[0])


def _previous_char(data: bytearray, start: int) -> str:
    """The character before byte `start`, for context, or nothing."""
    if start == 0:
        return ""
    begin = _sequence_start(data, start - 1)
    try:
        return bytes(data[begin:start]).decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _reads_better(damaged: str, repaired: str) -> bool:
    """Whether the repair reads as everyday Chinese and far better than the damage."""
    if not repaired:
        return False
    model = char_model()
    new = model.logprob("".join(map(simplified_char, repaired)))
    old = model.logprob("".join(map(simplified_char, damaged)))
    per_char = new / len(repaired)
    return per_char >= PLAUSIBLE and new - old >= MIN_GAIN_PER_CHAR * len(repaired)
