"""GBK byte-shift mojibake: find runs decoded one byte out of step and re-decode them in step.

How the damage happens (worked out on seed 002): a GBK page was decoded in
chunks and a chunk boundary fell inside a two-byte character. The decoder wrote
`?` for the dangling lead byte and read the next chunk from the trail byte, so
every following pair straddles two characters: `。“我們的` (a1a3 a1b0 ced2 8283
b5c4) became `?` + `！拔覀兊…`. It falls back in step at the first byte that
cannot start a pair: an ASCII trail byte (雙 is eb70, so `“雙` shows as `半p`),
0x80 (shown as `€`), or another lost byte, shown as a second `?` that stands for
the trail of the run's last character. A scraper then made full-width
punctuation half-width (`！` → `!`). A byte dropped in transit does the same
without the leading `?`.

The repair re-encodes the run as GBK (half-width punctuation back to
full-width), puts the lost bytes back and decodes in step. Of a lost character
one byte survives; the other is chosen among the everyday characters that fit,
by the character-bigram model of `plausibility.py` and the paragraph's quote
balance. That is the one place a character is reconstructed rather than read.
A repair is kept only when the paragraph becomes far more plausible; a run that
stays implausible is left as it is and counted as `mojibake_suspected`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from tasks.charset import common_han
from tasks.latin1 import may_be_misread, repair_latin1
from tasks.normalise.draft import Draft
from tasks.normalise.labels import SURNAMES
from tasks.normalise.misread import LOST, repair_misread
from tasks.normalise.plausibility import (
    LOG_BACKOFF,
    QUOTE_PENALTY,
    char_model,
    simplified_char,
    window_means,
)
from tasks.normalise.script import to_simplified

# A repair must raise the paragraph's log-probability by at least this much (a
# likelihood ratio of e^8, about 3000) and by this much per damaged character.
MIN_GAIN = 8.0
MIN_GAIN_PER_CHAR = 1.5
# Unusual characters (or lost-byte marks next to them) this close together form a cluster.
CLUSTER_SIGNALS = 3
CLUSTER_GAP = 4
# Without a mark where the shift began, the damage may start this many characters earlier.
LOOKBACK = 6
CONTEXT = 2  # characters either side scored with the run
GUESS_WIDTH = 12  # best guesses per end tried together when a run is one character long
# Mean log-probability per character below which an unrepaired cluster is reported.
IMPLAUSIBLE = -10.0
# A repaired 4-character window may read worse than this only if the damage there read
# no better than it plus WINDOW_SLACK.
WINDOW_FLOOR = -9.0
WINDOW_SLACK = 1.5

# Share of a paragraph's non-ASCII characters that must be unusual to try it as UTF-8 read as GBK.
MISREAD_DENSITY = 0.25
_HALF_TO_FULL = str.maketrans({"!": "！", ",": "，", ":": "：", ";": "；"})
# A run: what a shifted decode produces (non-ASCII, ideographic space, punctuation the
# scraper made half-width), then what ended it: an ASCII trail byte, 0x80 shown as €,
# or a lost byte.
_RUN = r"(?P<run>(?:[^\x00-\x7f\s€\ufffd]|[!,:;\u3000])+)(?P<end>[\x40-\x7e€]|[?\ufffd])?"
_LOST_MARK = re.compile("[?\ufffd]")
_MARKED = re.compile(rf"[?\ufffd]{_RUN}")
_FREE = re.compile(_RUN)


Run = tuple[int, re.Match[str], bool]  # span start, the run's match, starts at a lost-byte mark


@dataclass(frozen=True, slots=True)
class Repair:
    """One run's repair: the span it replaces, the text it puts there and how much it helps."""

    start: int
    end: int
    text: str
    gain: float


def repair_mojibake(draft: Draft) -> None:
    """Repair mojibake paragraph by paragraph; flag what was repaired and what is doubtful.

    A paragraph is first tried as UTF-8 read as Windows-1252 or Latin-1 (`tasks/latin1.py`),
    then as UTF-8 read as GBK (`misread.py`), then for byte shifts.
    """
    repaired = misread = latin1 = suspected = 0
    lines = draft.text.split("\n")
    latin1_damage = may_be_misread(draft.text)
    for i, line in enumerate(lines):
        if latin1_damage and may_be_misread(line):
            # Decoding repairs what the page's bytes hold; this is text that came damaged
            # another way (character references, a text handed in).
            fixed_latin1 = repair_latin1(line, spaces_were_nbsp=True)
            line = lines[i] = fixed_latin1.text
            latin1 += fixed_latin1.runs
            suspected += fixed_latin1.left
        if _worth_a_look(line):
            if _misread_density(line):
                lines[i], fixed = repair_misread(line)
                if fixed:
                    misread += fixed
                    continue
            lines[i], fixed, doubtful = repair_line(line)
            repaired += fixed
            suspected += doubtful
    draft.text = "\n".join(lines)
    draft.flag("mojibake_repaired", repaired)
    draft.flag("misread_repaired", misread)
    draft.flag("latin1_repaired", latin1)
    draft.flag("mojibake_suspected", suspected)


def _unusual(text: str) -> list[int]:
    """Where `text` has characters a shifted GBK decode writes that everyday Chinese seldom has.

    A shifted pair is one character's trail byte and the next one's lead, which gives a
    Han character, mostly outside GB2312/Big5 level 1, or GBK's extra symbols (lead
    0xA1–0xA9 with a trail below 0xA1: `ˊ╔﹐㎡`). GB2312's own symbol rows (`±×°℃`,
    pinyin's `āé`, Greek, Cyrillic, `⒀①`) come from the trail byte of punctuation (`、` is
    a1a2, `（` a3a8) and the next lead: they stand among other shifted characters. Clean
    text has them next to ASCII (`Rìkāzé`, `±5°C×2`), so there they do not count. What GBK
    cannot write at all (emoji, `ç`, Extension B names) never does. A lost-byte mark `�`
    does, and 0x80 read as `€`.
    """
    symbols = _gbk_writes()[1]
    found = []
    for match in _gbk_class().finditer(text):
        at = match.start()
        if match.group() in symbols and not (
            (at > 0 and not text[at - 1].isascii())
            or (at + 1 < len(text) and not text[at + 1].isascii())
        ):
            continue
        found.append(at)
    return found


@cache
def _gbk_writes() -> tuple[frozenset[str], frozenset[str]]:
    """What a GBK decoder writes outside everyday Chinese: (characters, symbol-row ones)."""
    common = common_han()
    written: set[str] = {"\ufffd", "€"}
    symbols: set[str] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                ch = bytes((lead, trail)).decode("gbk")
                written.add(ch)
                if 0xA1 <= lead <= 0xA9 and trail >= 0xA1:
                    symbols.add(ch)
    return frozenset(written - common), frozenset(symbols - common)


@cache
def _symbol_class() -> re.Pattern[str]:
    return re.compile(f"[{_ranges(set(_gbk_writes()[1]))}]")


@cache
def _gbk_class() -> re.Pattern[str]:
    """One character class of every character `_unusual` may count: the cheap gate."""
    return re.compile(f"[{_ranges(set(_gbk_writes()[0]))}]")


def _ranges(chars: set[str]) -> str:
    """A regex character class body for `chars`, consecutive code points as ranges."""
    points = sorted(map(ord, chars))
    parts: list[str] = []
    start = prev = points[0]
    for point in [*points[1:], -1]:
        if point != prev + 1:
            first, last = re.escape(chr(start)), re.escape(chr(prev))
            parts.append(first if start == prev else f"{first}-{last}")
            start = point
        prev = point
    return "".join(parts)


def _count_unusual(text: str) -> int:
    if _symbol_class().search(text) is None:
        return len(_gbk_class().findall(text))  # the common case, in C
    return len(_unusual(text))


def _misread_density(line: str) -> bool:
    """Whether unusual characters are dense enough for UTF-8 read as GBK.

    Read that way, two thirds or more of a paragraph's characters are unusual (a tenth of
    the seeds' paragraphs fall below 0.64); clean lines with a rare name stay under 0.01,
    and seed 002's byte-shifted ones under 0.11.
    """
    wide = len(line) - len(line.encode("ascii", "ignore"))
    return _count_unusual(line) >= MISREAD_DENSITY * wide


def _worth_a_look(line: str) -> bool:
    # The cheap gate that keeps clean paragraphs away from the model.
    return any(mark in line for mark in LOST) or _gbk_class().search(line) is not None


def repair_line(line: str) -> tuple[str, int, int]:
    """One paragraph with its shifted runs repaired, and the counts repaired and suspected."""
    # Left to right, each repair applied before the next is judged: two runs in one
    # paragraph often each ate one side of the same pair of quotes.
    repaired = suspected = 0
    pos = 0
    while region := _next_region(line, pos):
        first, last, runs = region
        repair = _best_repair(line, runs)
        if repair:
            line = line[: repair.start] + repair.text + line[repair.end :]
            repaired += 1
            pos = repair.start + len(repair.text)
            continue
        if (
            last > first
            and _implausible(line[first : last + 1])
            and not _in_names(line, first, last)
        ):
            suspected += 1
            pos = last + 1
        elif len(runs) == 1 and runs[0][2]:
            pos = first + 1  # after a real question mark: look inside the run too
        else:
            pos = last + 1
    return line, repaired, suspected


def _next_region(line: str, pos: int) -> tuple[int, int, list[Run]] | None:
    """The next stretch from `pos` that may be shifted: (first, last, candidate runs).

    A lost-byte mark followed by a run is one candidate; a cluster of unusual
    characters adds runs starting up to LOOKBACK characters before it, since
    without a mark the shift may have begun on an everyday character.
    """
    marked = _MARKED.search(line, pos)
    cluster = next((c for c in _clusters(line) if c[0] >= pos), None)
    if marked is None and cluster is None:
        return None
    runs: list[Run] = []
    if cluster and (marked is None or cluster[0] < marked.end()):
        first, last = cluster
        for start in range(max(pos, first - LOOKBACK), first + 1):
            match = _FREE.match(line, start)
            if match and match.end() > last:
                runs.append((start, match, False))
        if marked and marked.start() <= last:
            runs.append((marked.start(), marked, True))
            first = min(first, marked.start())
        return first, last, runs
    assert marked is not None
    return marked.start(), marked.end() - 1, [(marked.start(), marked, True)]


@lru_cache(maxsize=64)
def _clusters(line: str) -> tuple[tuple[int, int], ...]:
    """(first, last) of groups of unusual characters dense enough to look like mojibake.

    A lost-byte mark counts when it stands next to an unusual character; on its own
    it is usually a question mark the scraper made half-width.
    """
    unusual = set(_unusual(line))
    if not unusual:
        return ()
    marks = {
        m.start()
        for m in _LOST_MARK.finditer(line)
        if m.start() - 1 in unusual or m.start() + 1 in unusual
    }
    clusters: list[tuple[int, int]] = []
    group: list[int] = []
    for pos in [*sorted(unusual | marks), len(line) + CLUSTER_GAP + 1]:
        if group and pos - group[-1] > CLUSTER_GAP:
            if len(group) >= CLUSTER_SIGNALS:
                clusters.append((group[0], group[-1]))
            group = []
        group.append(pos)
    return tuple(clusters)


def _in_names(line: str, first: int, last: int) -> bool:
    """Whether every unusual character from `first` to `last` stands where a name's would.

    Rare characters gather in names (`立委傅崐萁、游錫堃`): each is a given name's, one or
    two characters after a surname, with no lost-byte mark among them. A shifted run's
    characters fall where they may, and seldom all after surnames.
    """
    stretch = line[first : last + 1]
    if _LOST_MARK.search(stretch):
        return False
    for at in _unusual(line):
        if not first <= at <= last:
            continue
        before = line[max(0, at - 2) : at]
        if not any(simplified_char(ch) in SURNAMES for ch in before):
            return False
    return True


def _implausible(text: str) -> bool:
    model = char_model()
    return model.logprob("".join(map(simplified_char, text))) / max(1, len(text)) < IMPLAUSIBLE


def _best_repair(line: str, runs: list[Run]) -> Repair | None:
    """The most plausible in-step reading among candidate runs, if it is far better than the damage.

    Each run is (span start, match, marked): a marked span starts at a lost-byte
    mark standing for the first character's lead byte; an unmarked one lost a
    byte of its first character without trace.
    """
    best: Repair | None = None
    for span_start, match, marked in runs:
        for candidate in _candidates(line, span_start, match, marked):
            if best is None or candidate.gain > best.gain:
                best = candidate
    if best is None or best.gain < max(MIN_GAIN, MIN_GAIN_PER_CHAR * (best.end - best.start)):
        return None
    if _worsens(line[best.start : best.end], best.text):
        return None  # a true repair reads as everyday Chinese throughout
    return best


def _worsens(damaged: str, repaired: str) -> bool:
    """Whether some stretch of the repair reads much worse than the text it replaces.

    Re-decoding text that was in step turns it into nonsense; when a run starts on a
    real question mark, the repair of the damage after it must not cost the clean
    words before it. Windows are compared position by position.
    """
    model = char_model()
    old = window_means(model, damaged)
    new = window_means(model, repaired)
    for i, score in enumerate(new):
        if score < WINDOW_FLOOR and score < old[min(i, len(old) - 1)] - WINDOW_SLACK:
            return True
    return False


def _candidates(line: str, span_start: int, match: re.Match[str], marked: bool) -> Iterator[Repair]:
    """Repairs of one run: re-encoded as read and in Simplified, the lost byte before or after its first."""
    run, end_kind = match.group("run"), match.group("end")
    for variant in dict.fromkeys((run, to_simplified(run))):
        raw = _encode(variant)
        if raw is None:
            continue
        span_end = match.end("run")
        if end_kind and end_kind not in LOST and len(raw) % 2 == 0:
            raw += b"\x80" if end_kind == "€" else end_kind.encode("ascii")  # the last trail byte
            span_end += 1
        # In step, the lost byte pairs with raw[0]; an even count leaves raw[-1] waiting
        # for a trail byte that was lost too (shown as `?`, or eaten with what followed).
        need_trail = len(raw) % 2 == 0
        if need_trail and end_kind and end_kind in LOST:
            span_end += 1
        try:
            middle = raw[1 : len(raw) - need_trail].decode("gbk")
        except UnicodeDecodeError:
            continue
        if _count_unusual(middle) > _count_unusual(run):
            continue  # re-decoding made it stranger: this text was in step (no model needed)
        before = line[span_start - 1] if span_start > 0 else None
        after = line[span_end] if span_end < len(line) else None
        quotes = line.count("“") - line.count("”")
        for lead_missing in (True,) if marked else (True, False):
            ends = _ends(raw, lead_missing, need_trail, before, middle, after, quotes)
            if ends is None:
                continue
            text = ends[0] + middle + ends[1]
            yield Repair(span_start, span_end, text, _gain(line, span_start, span_end, text))


def _ends(
    raw: bytes,
    lead_missing: bool,
    need_trail: bool,
    before: str | None,
    middle: str,
    after: str | None,
    quotes: int,
) -> tuple[str, str] | None:
    """The first and (when its trail byte was lost) last characters, chosen together."""
    right = middle[:1] or (None if need_trail else after)  # the head's right-hand neighbour
    heads = _guesses(raw[0], lead_missing, before, right, quotes)
    if not need_trail:
        return (heads[0][1], "") if heads else None
    tails = _guesses(raw[-1], False, middle[-1:] or None, after, quotes)
    if not heads or not tails:
        return None
    if middle:
        return heads[0][1], tails[0][1]
    # Nothing between them: the pair is judged together, as neighbours.
    model = char_model()
    _, head, tail = max(
        (h + t + model.char_logprob(simplified_char(head), simplified_char(tail)), head, tail)
        for h, head in heads[:GUESS_WIDTH]
        for t, tail in tails[:GUESS_WIDTH]
    )
    return head, tail


def _encode(text: str) -> bytes | None:
    """The GBK bytes a run was read from, its half-width punctuation full-width again."""
    try:
        raw = text.translate(_HALF_TO_FULL).replace("€", "\x00").encode("gbk")
    except UnicodeEncodeError:
        return None
    return raw.replace(b"\x00", b"\x80")


@cache
def _partners(byte: int, lead_missing: bool) -> tuple[tuple[str, str, float], ...]:
    """Everyday characters whose GBK form has `byte` as trail (lead missing) or as lead.

    Each comes with its Simplified form, which is what the model scores, and that
    form's log-probability on its own.
    """
    model = char_model()
    out = []
    for other in range(0x81, 0xFF) if lead_missing else range(0x40, 0xFF):
        pair = bytes((other, byte)) if lead_missing else bytes((byte, other))
        try:
            ch = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        if ch in common_han():
            simple = simplified_char(ch)
            out.append((ch, simple, model.char_logprob(None, simple)))
    return tuple(out)


def _guesses(
    known: int, lead_missing: bool, before: str | None, after: str | None, quotes: int
) -> tuple[tuple[float, str], ...]:
    """Everyday characters sharing byte `known`, best first, scored against their neighbours.

    `quotes` is the paragraph's surplus of “ over ”; a quote mark that evens it out is favoured.
    The model's bigram rule is inlined: this loop is the repair's hot spot.
    """
    model = char_model()
    unigram, bigram = model.unigram, model.bigram
    prev = simplified_char(before) if before and simplified_char(before) in unigram else None
    nxt = simplified_char(after) if after else None
    nxt_alone = model.char_logprob(None, nxt) if nxt else 0.0
    nxt_known = nxt in unigram
    scored = []
    for ch, simple, alone in _partners(known, lead_missing):
        known_char = simple in unigram
        value = alone
        if prev and known_char:
            value = bigram.get(prev + simple, LOG_BACKOFF + alone)
        if nxt:
            if known_char and nxt_known:
                value += bigram.get(simple + nxt, LOG_BACKOFF + nxt_alone)
            else:
                value += nxt_alone
        if ch in "“”":
            balance = quotes + (1 if ch == "“" else -1)
            value -= QUOTE_PENALTY * (abs(balance) - abs(quotes))
        scored.append((value, ch))
    scored.sort(reverse=True)
    return tuple(scored)


def _gain(line: str, start: int, end: int, text: str) -> float:
    """How much more plausible the paragraph is with line[start:end] replaced by `text`."""
    model = char_model()
    lo = max(0, start - CONTEXT)
    old = line[lo : end + CONTEXT]
    new = line[lo:start] + text + line[end : end + CONTEXT]
    quotes_before = abs(line.count("“") - line.count("”"))
    new_line = line[:start] + text + line[end:]
    quotes_after = abs(new_line.count("“") - new_line.count("”"))
    score_old = model.logprob("".join(map(simplified_char, old)))
    score_new = model.logprob("".join(map(simplified_char, new)))
    return score_new - score_old - QUOTE_PENALTY * (quotes_after - quotes_before)
