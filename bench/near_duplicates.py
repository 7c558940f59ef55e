"""Measure MinHash against SimHash for near-duplicate stories, and where the threshold belongs.

Cases (tests/stories.py): every seed body on a UTF-8 portal, a GBK county site,
a Big5 site in the other script and as an edited re-scrape, plus the bundled
samples (each seed as an HTML page and as the scraper's text file). Pairs are
*same* (one story), *quote* (a commentary quoting one paragraph of a story
against that story) or *different* (two seeds). A method is good when every
same pair scores above every quote and different pair, by a wide margin.

Every page goes through the real pipeline (`page_article`); `--bodies` instead
signs the bare bodies, which is what stays put when normalisation changes.

    uv run python bench/near_duplicates.py [--bodies]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from stories import COMMENTARY, VARIANTS, Story, other_script, quoting, stories  # noqa: E402

from tasks.extract import ExtractOptions  # noqa: E402
from tasks.normalise.script import to_simplified  # noqa: E402
from tasks.process import page_article  # noqa: E402
from tasks.signature import SEED, shingle_hashes, signature_text  # noqa: E402

SAMPLE_NAMES = {
    "000": "hnjgdj-2022-07-20-rfzx",
    "001": "qizhi-2021-10-21-jgdj",
    "002": "hnrf-zhanyi-dangjian",
    "003": "renmin-yixian-shouhu",
    "004": "scdfz-2022-09-16-zgjx",
}


def corpus(bodies: bool) -> list[tuple[str, str, str]]:
    """(story, case, normalised text) for every composed page and sample."""
    out = []
    for seed, story in stories().items():
        if bodies:
            # The pipeline converts to Simplified before signing; do the same here.
            for case, text in (
                ("body", story.body),
                ("script", other_script(story.body)),
                ("quote", "\n".join(quoting_text(story))),
            ):
                out.append((seed, case, to_simplified(text)))
            continue
        for name, make in VARIANTS.items():
            out.append((seed, name, text_of(make(story), "text/html")))
        out.append((seed, "quote", text_of(quoting(story), "text/html")))
        for kind, suffix, media in (
            ("page", "pages", "text/html"),
            ("text", "texts", "text/plain"),
        ):
            ext = "html" if kind == "page" else "txt"
            path = ROOT / "samples" / suffix / f"{SAMPLE_NAMES[seed]}.{ext}"
            out.append((seed, f"sample-{kind}", text_of(path.read_bytes(), media)))
    return out


def quoting_text(story: Story) -> list[str]:
    """The commentary's paragraphs with the story's longest paragraph quoted, as bare text."""
    _, intro, lead_in, *rest = COMMENTARY
    return [intro, lead_in, max(story.paragraphs, key=len), *rest]


def text_of(body: bytes, media_type: str) -> str:
    """What the pipeline makes of a page, from the bytes (the text of the Article)."""
    # The normaliser is not what is measured here; the pipeline's t2s makes scripts comparable.
    return page_article(
        body, media_type=media_type, declared_charset=None, url=None, options=ExtractOptions()
    ).text


def pairs(docs: list[tuple[str, str, str]]) -> dict[str, list[tuple[int, int]]]:
    """Index pairs by kind: same story, quote against its story, different stories."""
    kinds: dict[str, list[tuple[int, int]]] = {"same": [], "quote": [], "different": []}
    for i, j in itertools.combinations(range(len(docs)), 2):
        (si, ci, _), (sj, cj, _) = docs[i], docs[j]
        if "quote" in (ci, cj):
            if ci == cj == "quote":
                continue  # two commentaries sharing their own text; not a case the issue names
            if si == sj:
                kinds["quote"].append((i, j))
            continue
        kinds["same" if si == sj else "different"].append((i, j))
    return kinds


def minhash_method(k: int, perms: int = 128) -> Callable[[str], np.ndarray]:
    """MinHash as tasks/signature.py makes it, with the shingle length as a parameter."""
    from datasketch import MinHash

    permutations = MinHash(num_perm=perms, seed=SEED, scheme="affine32").permutations

    def sign(text: str) -> np.ndarray:
        m = MinHash(
            num_perm=perms,
            seed=SEED,
            hashfunc=int,
            scheme="affine32",
            permutations=permutations,
        )
        m.update_batch(shingle_hashes(text, k).tolist())
        return m.hashvalues.copy()

    return sign


def minhash_similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def simhash_method(k: int) -> Callable[[str], int]:
    """64-bit SimHash over k-character shingles, each weighted by its count."""

    def sign(text: str) -> int:
        folded = signature_text(text)
        counts = Counter(folded[i : i + k] for i in range(max(1, len(folded) - k + 1)))
        weights = np.zeros(64)
        for shingle, count in counts.items():
            h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")
            bits = np.array([(h >> i) & 1 for i in range(64)], dtype=bool)
            weights += np.where(bits, count, -count)
        return sum(1 << i for i in range(64) if weights[i] > 0)

    return sign


def simhash_similarity(a: int, b: int) -> float:
    return 1 - bin(a ^ b).count("1") / 64


def jaccard(a: str, b: str, k: int) -> float:
    sa = set(shingle_hashes(a, k).tolist())
    sb = set(shingle_hashes(b, k).tolist())
    return len(sa & sb) / max(1, len(sa | sb))


def report(name: str, sims: dict[str, list[float]], ms: float) -> tuple[float, float, float]:
    same_min = min(sims["same"])
    quote_max = max(sims["quote"])
    diff_max = max(sims["different"])
    margin = same_min - max(quote_max, diff_max)
    print(
        f"{name:<16} same min {same_min:5.3f}  quote max {quote_max:5.3f}  "
        f"different max {diff_max:5.3f}  margin {margin:+.3f}  {ms:6.2f} ms/doc"
    )
    return same_min, quote_max, diff_max


def main() -> None:
    """Print, per method, the worst same-story score, the best quote and different-story scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", action="store_true", help="sign bare bodies, not pages")
    args = parser.parse_args()
    docs = corpus(args.bodies)
    kinds = pairs(docs)
    print(
        f"{len(docs)} documents: {len(kinds['same'])} same-story pairs, "
        f"{len(kinds['quote'])} quote pairs, {len(kinds['different'])} different-story pairs"
    )
    texts = [t for _, _, t in docs]
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"mean text length {chars:.0f} characters\n")
    for k in (3, 4, 5):
        sims = {kind: [jaccard(texts[i], texts[j], k) for i, j in ps] for kind, ps in kinds.items()}
        report(f"exact jaccard k{k}", sims, 0.0)
        if k == 4:
            for kind, pick in (("same", min), ("quote", max), ("different", max)):
                score, (i, j) = pick(zip(sims[kind], kinds[kind], strict=True))
                print(f"    {kind:<9} extreme {score:.3f}: {docs[i][:2]} vs {docs[j][:2]}")
    for k in (3, 4, 5):
        sign = minhash_method(k)
        start = time.perf_counter()
        sigs = [sign(t) for t in texts]
        ms = (time.perf_counter() - start) * 1000 / len(texts)
        sims = {
            kind: [minhash_similarity(sigs[i], sigs[j]) for i, j in ps]
            for kind, ps in kinds.items()
        }
        report(f"minhash k{k}", sims, ms)
    for k in (2, 3, 4):
        sign = simhash_method(k)
        start = time.perf_counter()
        sigs = [sign(t) for t in texts]
        ms = (time.perf_counter() - start) * 1000 / len(texts)
        sims = {
            kind: [simhash_similarity(sigs[i], sigs[j]) for i, j in ps]
            for kind, ps in kinds.items()
        }
        report(f"simhash k{k}", sims, ms)


if __name__ == "__main__":
    main()
