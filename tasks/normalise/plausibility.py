"""How plausible a piece of text is as Chinese: a character-bigram model built from jieba's dictionary.

jieba ships `dict.txt` (about 349k words with corpus frequencies) inside its
package, so the model needs no download. Unigram counts are the words'
frequencies spread over their characters; a bigram's strength is the order of
magnitude of the most frequent dictionary word containing it (jieba's words
are segmentation units, so pairs across word boundaries back off to unigrams).
The model is built once per process, and only when a paragraph looks as if it
might be damaged.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tasks.normalise.script import to_simplified

# Punctuation in Chinese running text, with rough shares of all characters (a
# newspaper-text order of magnitude, set by hand: jieba's dictionary has none).
# Half-width forms count as their full-width twins; punctuation breaks the bigram chain.
_PUNCT_SHARE = {
    "，": 0.05, "。": 0.025, "、": 0.01, "“": 0.006, "”": 0.006, "：": 0.003, "；": 0.002,
    "《": 0.002, "》": 0.002, "（": 0.002, "）": 0.002, "！": 0.001, "？": 0.001,
    "‘": 0.0005, "’": 0.0005, "—": 0.001, "…": 0.001, "·": 0.0005,
}  # fmt: skip
_HALF_WIDTH = {
    ",": "，",
    ".": "。",
    ":": "：",
    ";": "；",
    "(": "（",
    ")": "）",
    "!": "！",
    "?": "？",
}
PUNCTUATION = {ch: math.log(p) for ch, p in _PUNCT_SHARE.items()} | {
    half: math.log(_PUNCT_SHARE[full]) for half, full in _HALF_WIDTH.items()
}
# log-probabilities for character classes the dictionary does not cover
LOG_LATIN = math.log(0.005)  # ASCII letters, digits and other ASCII punctuation
LOG_SPACE = math.log(0.01)
LOG_SYMBOL = math.log(1e-7)  # anything else: box drawing, circled numbers, €, full-width Latin …
BIGRAM_WEIGHT = 0.6  # share of a seen bigram's probability in the interpolated estimate
LOG_BACKOFF = math.log(1 - BIGRAM_WEIGHT)  # an unseen pair falls back on the unigram
# An unmatched “ or ” in a paragraph costs this much: mojibake eats one side of a pair.
QUOTE_PENALTY = 6.0

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"^(\S+) (\d+) ", re.MULTILINE)
_PAIR = re.compile(r"(?=([\u3400-\u9fff]{2}))")


@dataclass(frozen=True, slots=True)
class CharModel:
    """Log-probabilities for Han characters and for character pairs seen inside words."""

    unigram: dict[str, float]
    bigram: dict[str, float]  # log P(b | a) for "ab" seen in words, already interpolated
    unseen: float  # log-probability of a Han character the dictionary never uses

    def char_logprob(self, prev: str | None, ch: str) -> float:
        """log P(ch | prev) under the interpolated bigram model."""
        uni = self.unigram.get(ch)
        if uni is None:
            return self._other(ch)
        if prev is None:
            return uni
        bi = self.bigram.get(prev + ch)
        return LOG_BACKOFF + uni if bi is None else bi

    def _other(self, ch: str) -> float:
        """Characters outside the dictionary, by class."""
        if _HAN.match(ch):
            return self.unseen
        punct = PUNCTUATION.get(ch)
        if punct is not None:
            return punct
        if ch.isspace():
            return LOG_SPACE
        return LOG_LATIN if ch.isascii() else LOG_SYMBOL

    def logprob(self, text: str) -> float:
        """Total log-probability of `text` (Simplified script expected)."""
        unigram, bigram = self.unigram, self.bigram
        total = 0.0
        prev: str | None = None
        for ch in text:
            uni = unigram.get(ch)
            if uni is None:
                total += self._other(ch)
                prev = None
                continue
            if prev is None:
                total += uni
            else:
                bi = bigram.get(prev + ch)
                total += LOG_BACKOFF + uni if bi is None else bi
            prev = ch
        return total


@cache
def char_model() -> CharModel:
    """The model, built from jieba's bundled dict.txt once per process (about a second)."""
    text = (files("jieba") / "dict.txt").read_text(encoding="utf-8")
    # Group words by the number of digits in their frequency: one C-speed pass per
    # order of magnitude instead of a Python loop over 349k words.
    buckets: dict[int, list[str]] = {}
    for word, freq in _WORD.findall(text):
        buckets.setdefault(len(freq), []).append(word)
    chars: Counter[str] = Counter()
    strength: dict[str, int] = {}
    for digits in sorted(buckets):
        joined = " ".join(buckets[digits])
        weight = round(10 ** (digits - 0.5))
        for ch, n in Counter(joined).items():
            chars[ch] += n * weight
        if digits > 1:  # pairs only from words seen ten times or more
            strength.update(dict.fromkeys(_PAIR.findall(joined), digits))
    del chars[" "]
    total = sum(chars.values())
    unigram = {ch: math.log(n / total) for ch, n in chars.items() if _HAN.match(ch)}
    bigram = {}
    for pair, digits in strength.items():
        seen = min(1.0, 10 ** (digits - 0.5) / chars[pair[0]])
        alone = chars[pair[1]] / total
        bigram[pair] = math.log(BIGRAM_WEIGHT * seen + (1 - BIGRAM_WEIGHT) * alone)
    return CharModel(unigram, bigram, math.log(0.5 / total))


@cache
def simplified_char(ch: str) -> str:
    """One character in Simplified script (the dictionary's), memoised."""
    return to_simplified(ch)


def window_means(model: CharModel, text: str, width: int = 4) -> list[float]:
    """Mean log-probability per character of each `width`-character window of `text`."""
    simple = "".join(map(simplified_char, text))
    if len(simple) <= width:
        return [model.logprob(simple) / max(1, len(simple))]
    return [model.logprob(simple[i : i + width]) / width for i in range(len(simple) - width + 1)]
