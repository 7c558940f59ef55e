"""Near-duplicate signatures: MinHash over character shingles of the normalised Simplified text.

Chosen over SimHash by measurement (bench/near_duplicates.py, figures in the
README's *Near-duplicates* section): on the seed stories MinHash separates "the
same story on another site or in the other script" from "a page quoting one
paragraph" with a wider margin, and its estimate is a Jaccard similarity a
person can reason about ("60% of the 4-character runs are shared").

The text is folded before shingling (NFKC, lower case, punctuation and spaces
dropped) so that full-width versus half-width punctuation, paragraph breaks and
indentation never make two copies of a story look different. Signatures are
stored, so everything that decides their values is named in SCHEME: change any
of it and bump the name, and `reprocess` recomputes them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 4  # characters per shingle
PERMUTATIONS = 128
SEED = 1
# datasketch >= 2's 32-bit affine permutations, seeded from numpy's frozen RandomState stream.
SCHEME = f"minhash-affine32-k{SHINGLE}-p{PERMUTATIONS}-s{SEED}"
# The LSH banding over these signatures lives with the story_clusters SQL
# (warehouse/migrations/003_downstream.sql): 32 bands of 4 positions.

_DROP = re.compile(r"[\W_]+")
_MULTIPLIER = 1_000_003


def signature_text(text: str) -> str:
    """The text as signatures see it: NFKC-folded, lower case, letters and digits only."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of every distinct k-character run of `text` (already folded)."""
    import numpy as np

    if not text:
        return np.empty(0, dtype=np.uint32)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = min(k, len(points))
    windows = len(points) - width + 1
    acc = np.zeros(windows, dtype=np.uint64)
    with np.errstate(over="ignore"):  # the polynomial wraps modulo 2^64 on purpose
        for j in range(width):
            acc = acc * np.uint64(_MULTIPLIER) + points[j : j + windows]
    folded = (acc ^ (acc >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    probe = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme="affine32")
    return probe.permutations


def _identity(value: int) -> int:
    return int(value)


def minhash(text: str) -> tuple[int, ...]:
    """The MinHash signature of an article text; empty when it has no letters or digits."""
    from datasketch import MinHash

    hashes = shingle_hashes(signature_text(text))
    if hashes.size == 0:
        return ()
    sketch = MinHash(
        num_perm=PERMUTATIONS,
        seed=SEED,
        hashfunc=_identity,
        scheme="affine32",
        permutations=_permutations(),
    )
    sketch.update_batch(hashes.tolist())
    return tuple(int(v) for v in sketch.hashvalues)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of positions that agree."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
