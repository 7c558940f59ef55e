"""How often the mojibake repair gets synthetic GBK byte-shift damage right.

    uv run python -m bench.mojibake [--trials N] [--seed S]

Sentences from the seeds that are not damaged themselves (000, 001, 003, 004) are
encoded as GBK (with full-width punctuation, as a page would have it) and damaged
two ways: a chunk boundary inside a character (the decoder writes `?` and reads
on out of step, as in seed 002), and a byte dropped in transit (no mark at all).
Each damaged sentence is then repaired and compared with the original: exact,
off by one character (a lost character guessed wrong), other, or left alone —
and whether clean sentences are ever changed.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
HALF = str.maketrans({"！": "!", "，": ",", "：": ":", "；": ";", "？": "?"})
FULL = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


def sentences() -> list[str]:
    """Paragraphs of the undamaged seeds, 60+ characters, in Simplified, GBK-encodable."""
    from tasks.normalise.script import to_simplified

    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        if path.name.startswith("002"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = to_simplified(line.strip()).translate(FULL)
            if len(line) >= 60:
                try:
                    line.encode("gbk")
                except UnicodeEncodeError:
                    continue
                out.append(line[:120])
    return out


def damage(text: str, cut: int, mode: str) -> str:
    """`text` decoded after a chunk split at byte `cut`, or with byte `cut` dropped."""
    raw = text.encode("gbk")
    if mode == "chunk":
        decoded = raw[:cut].decode("gbk", "replace") + raw[cut:].decode("gbk", "replace")
    else:
        decoded = (raw[:cut] + raw[cut + 1 :]).decode("gbk", "replace")
    return decoded.replace("\ufffd", "?").translate(HALF)


def off_by_one(a: str, b: str) -> bool:
    """Whether a and b differ in exactly one character (same length)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def main() -> None:
    """Damage, repair and tally; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trials", type=int, default=200, help="damaged sentences per mode")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from tasks.normalise.mojibake import repair_line

    rng = random.Random(args.seed)
    pool = sentences()
    changed_clean = sum(repair_line(s.translate(HALF))[0] != s.translate(HALF) for s in pool)
    print(f"clean sentences changed by the repair: {changed_clean} of {len(pool)}")
    for mode in ("chunk", "drop"):
        tally: Counter[str] = Counter()
        for _ in range(args.trials):
            clean = rng.choice(pool)
            raw = clean.encode("gbk")
            cut = rng.randrange(2, len(raw) - 2)
            if mode == "chunk" and cut % 2 == 0:
                cut += 1  # inside a character (the sentences are all two-byte)
            damaged = damage(clean, cut, mode)
            want = clean.translate(HALF)
            if damaged == want:
                continue
            fixed, repaired, suspected = repair_line(damaged)
            fixed = fixed.translate(HALF)
            if fixed == want:
                tally["exact"] += 1
            elif not repaired:
                tally["left alone, flagged" if suspected else "left alone"] += 1
            elif off_by_one(fixed, want):
                tally["one character wrong"] += 1
            else:
                tally["other"] += 1
        total = sum(tally.values())
        print(f"\n{mode}: {total} damaged sentences")
        for outcome in (
            "exact",
            "one character wrong",
            "other",
            "left alone, flagged",
            "left alone",
        ):
            print(f"  {outcome:<22}{tally[outcome]:5d}  {tally[outcome] / total:6.1%}")


if __name__ == "__main__":
    main()
