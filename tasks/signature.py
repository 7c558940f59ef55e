"""Near-duplicate signatures: MinHash over character shingles of the normalised Simplified text.

Chosen over SimHash by measurement (bench/near_duplicates.py, figures in the
README's *Near-duplicates* section): on the seed stories MinHash separates "the
same story on another site or in the other script" from "a page quoting one
paragraph" with a wider margin, and its estimate is a Jaccard similarity a
person can reason about ("60% of the 4-character runs are shared").

The text is folded before shingling (tasks/fold.py: lower case, NFKC where it
matters) and only its letters and digits are kept, so that full-width versus half-width
punctuation, paragraph breaks and indentation never make two copies of a story look
different. Signatures are stored, so everything that decides their values is named in
SCHEME: change any of it and bump the name, and `reprocess` recomputes them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from tasks.charset import code_points
from tasks.fold import fold

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 4  # characters per shingle
PERMUTATIONS = 128
SEED = 1
# datasketch >= 2's 32-bit affine permutations, seeded from numpy's frozen RandomState stream.
SCHEME = f"minhash-affine32-k{SHINGLE}-p{PERMUTATIONS}-s{SEED}-f2"  # f2: tasks/fold.py
# The LSH banding over these signatures lives with the story_clusters SQL
# (warehouse/migrations/003_downstream.sql): 32 bands of 4 positions.

_MULTIPLIER = 1_000_003


def signature_text(text: str) -> str:
    """The text as signatures see it: folded (tasks/fold.py), letters and digits only."""
    return _signature_points(text).tobytes().decode("utf-32-le")


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of every distinct k-character run of `text` as signatures see it."""
    import numpy as np

    return np.unique(_shingle_values(_signature_points(text), k))


def _signature_points(text: str) -> np.ndarray:
    """Code points of the folded text's letters and digits (str.isalnum), in order.

    Looked up in a table rather than dropping the rest with a regex and shingling the string
    that leaves: 0.24 ms for a corpus text instead of 0.55.
    """
    import numpy as np

    points = code_points(fold(text))
    keep = _alphanumeric()[np.minimum(points, 0x10000)]
    astral = np.flatnonzero(points >= 0x10000)  # CJK extension B and beyond: rare, asked one by one
    keep[astral] = [chr(p).isalnum() for p in points[astral].tolist()]
    return points[keep]


@cache
def _alphanumeric() -> np.ndarray:
    """Whether each BMP code point is a letter or digit (str.isalnum), and False past it."""
    import numpy as np

    return np.array([chr(c).isalnum() for c in range(0x10000)] + [False], dtype=bool)


def _shingle_values(points: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of every k-character run of `points`, repeats included, in text order."""
    import numpy as np

    if not points.size:
        return np.empty(0, dtype=np.uint32)
    points = points.astype(np.uint64)
    width = min(k, len(points))
    windows = len(points) - width + 1
    acc = np.zeros(windows, dtype=np.uint64)
    with np.errstate(over="ignore"):  # the polynomial wraps modulo 2^64 on purpose
        for j in range(width):
            acc = acc * np.uint64(_MULTIPLIER) + points[j : j + windows]
    folded = (acc ^ (acc >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return folded.astype(np.uint32)


# datasketch's MurmurHash3 fmix32 constants: its affine32 scheme pre-mixes every input with them.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
# Shingles per step: a (permutations x shingles) block of 4 MB, taken a permutation at a
# time, so every reduction runs over contiguous memory (a third faster than shingles as rows).
_CHUNK = 8192


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 multipliers and offsets for PERMUTATIONS and SEED, as uint32.

    Drawn as datasketch 2 draws them (`MinHash._init_permutations`): odd multipliers and any
    offsets from numpy's legacy RandomState, whose stream numpy keeps frozen. Importing
    datasketch for this took 2 s (it pulls in scipy), on the first batch of every run.
    """
    import numpy as np

    draw = np.random.RandomState(SEED)
    a = draw.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
    return a, b


def minhash(text: str) -> tuple[int, ...]:
    """The MinHash signature of an article text; empty when it has no letters or digits.

    The values are datasketch's `MinHash(scheme="affine32")` over the shingle hashes,
    computed here in numpy directly: datasketch hashes its input one Python call per
    shingle, which cost 20 ms on a 10,000-character article (tests/test_dupes.py
    checks both give the same values).
    """
    import numpy as np

    # Repeated shingles need not be removed first: they cannot change a minimum.
    hashes = _shingle_values(_signature_points(text))
    if hashes.size == 0:
        return ()
    a, b = _permutations()
    s1, m1, s2, m2, s3 = _FMIX32
    with np.errstate(over="ignore"):  # uint32 wraparound is the modulo 2^32 the scheme uses
        h = hashes ^ (hashes >> np.uint32(s1))
        h = h * np.uint32(m1)
        h = h ^ (h >> np.uint32(s2))
        h = h * np.uint32(m2)
        h = h ^ (h >> np.uint32(s3))
        a, b = a.reshape(-1, 1), b.reshape(-1, 1)
        block = np.empty((PERMUTATIONS, min(_CHUNK, len(h))), dtype=np.uint32)
        low = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, len(h), _CHUNK):
            part = h[start : start + _CHUNK]
            view = block[:, : len(part)]
            np.multiply(a, part, out=view)
            np.add(view, b, out=view)
            np.minimum(low, view.min(axis=1), out=low)
    return tuple(low.tolist())


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of positions that agree."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
