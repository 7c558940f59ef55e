"""Chinese text into search terms with jieba, and the snippet that shows where a query matched.

Segmentation is jieba's, through jieba-rs (the `rjieba` package: jieba's dictionary and
algorithms compiled, nine times faster here than the Python package on full mode).
Documents are cut in full mode: every dictionary word at every position, overlaps
included (中华人民共和国国务院 yields 中华人民共和国, 人民, 共和国, 国务院 …), and every
single character, so any dictionary word or character a query holds is found wherever
it occurs. Queries are cut in precise mode. The HMM guesser for unknown words is off: it
makes the same characters segment differently in different contexts. Unknown names fall
apart into single characters, on both sides alike. No stemming, no stop words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from tasks.fold import fold

# Bump when term extraction changes: documents indexed by another segmenter are re-indexed.
SEGMENTER_REVISION = 3
SNIPPET_WIDTH = 60
_WORD = re.compile(r"\w")


@cache
def segmenter() -> str:
    """What produces the terms, recorded with every indexed document."""
    return f"jieba-rs-{version('rjieba')}-full-r{SEGMENTER_REVISION}"


def index_terms(title: str | None, text: str) -> Counter[str]:
    """Terms of a document (title and text) with their counts."""
    import rjieba

    # Full mode keeps a line break inside a run of letters and digits ("2023\ngdp"), so a
    # paragraph that starts with one would hide its first word: breaks become spaces.
    counts = Counter(rjieba.cut_all(fold(f"{title or ''} {text}").replace("\n", " ")))
    # Drop punctuation and spaces among the distinct terms; isalnum settles most at C speed.
    for term in [t for t in counts if not t.isalnum() and not _WORD.search(t)]:
        del counts[term]
    return counts


def query_terms(query: str) -> list[str]:
    """Distinct terms of a query, in order; spaces separate words the user meant apart."""
    import rjieba

    terms: list[str] = []
    for part in fold(query).split():
        for term in rjieba.cut(part, hmm=False):
            if _WORD.search(term) and term not in terms:
                terms.append(term)
    return terms


@dataclass(frozen=True)
class Snippet:
    """A stretch of text around the matches, and where in it the terms are."""

    text: str
    spans: tuple[tuple[int, int], ...]  # [start, end) offsets into text

    def marked(self, before: str = "【", after: str = "】") -> str:
        """The snippet with each match wrapped in markers."""
        out, last = [], 0
        for start, end in self.spans:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        out.append(self.text[last:])
        return "".join(out)


def snippet(text: str, terms: list[str], width: int = SNIPPET_WIDTH) -> Snippet:
    """The window of `width` characters showing the most distinct terms, matches marked."""
    matches = _matches(text, terms)
    start = 0
    if matches:
        best = max(
            (len({t for s, _, t in matches if m <= s and s < m + width}), -m) for m, _, _ in matches
        )
        # A little context before the first match, unless that loses a match at the end.
        first = -best[1]
        start = max(0, min(first - width // 5, len(text) - width))
    end = min(len(text), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    spans = []
    last = start
    for s, e, _ in matches:
        if s >= last and e <= end:
            spans.append((s - start + len(prefix), e - start + len(prefix)))
            last = e
    body = text[start:end].replace("\n", " ")
    return Snippet(prefix + body + suffix, tuple(spans))


def _matches(text: str, terms: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every occurrence, longest term first where they overlap."""
    if not terms:
        return []
    ordered = sorted(terms, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)
    found = []
    for m in pattern.finditer(text):
        found.append((m.start(), m.end(), m.group(0).lower()))
    return found
