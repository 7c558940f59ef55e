"""How much normalisation costs next to extraction, on ~10 KB articles, in one run.

    uv run python -m bench.normalise [--repeat N]

For each seed article, wrapped in the bundled UTF-8 site template: the median
time of bare `trafilatura.bare_extraction` on the page, the median time of
`normalise` on the extracted text, and their ratio, in CPU time. One-time costs (OpenCC,
the character tables, the bigram model that only damaged text needs) are
measured separately, before the loop, and printed on their own.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU time of `fn` in milliseconds over `repeat` calls.

    CPU time of this process, not wall time: the machine is shared, and other
    processes' load should not land on one side of the ratio only.
    """
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def once(label: str, fn: Callable[[], object]) -> None:
    start = time.perf_counter()
    fn()
    print(f"  {label:<44} {(time.perf_counter() - start) * 1000:8.1f} ms")


def main() -> None:
    """Print one-time costs, then per-article extraction and normalisation times and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=30, help="calls per measurement")
    args = parser.parse_args()

    import importlib.util
    import sys

    from trafilatura import bare_extraction

    from tasks.charset import common_table
    from tasks.normalise import normalise
    from tasks.normalise.plausibility import char_model
    from tasks.normalise.script import converter, script_table
    from tasks.records import Extracted

    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples/make_samples.py")
    assert spec and spec.loader
    samples = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = samples
    spec.loader.exec_module(samples)

    print("one-time costs per process")
    once("OpenCC tw2s converter", converter)
    once("script detection tables", script_table)
    once("everyday-character table", common_table)
    once("bigram model from jieba dict.txt (damaged text)", char_model)

    print(f"\nper article, median of {args.repeat} calls")
    print(
        f"  {'seed':<6}{'page KB':>8}{'text KB':>8}{'extract ms':>12}{'normalise ms':>14}{'ratio':>8}"
    )
    ratios = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sample = next(s for s in samples.SAMPLES if s.seed == path.name[:3])
        html = samples.render(
            replace(sample, template="modern", encoding="utf-8", declared="utf-8"), text
        ).decode("utf-8")
        extracted = bare_extraction(html, with_metadata=True)
        page_text = extracted.text if extracted else text
        draft = Extracted(text=page_text, is_html=True)
        normalise(draft, url=None, charset="utf-8")  # warm caches this article touches
        extract_ms = timed(lambda html=html: bare_extraction(html, with_metadata=True), args.repeat)
        norm_ms = timed(
            lambda draft=draft: normalise(draft, url=None, charset="utf-8"), args.repeat
        )
        ratios.append(norm_ms / extract_ms)
        print(
            f"  {path.name[:3]:<6}{len(html.encode()) / 1024:8.1f}{len(text.encode()) / 1024:8.1f}"
            f"{extract_ms:12.2f}{norm_ms:14.2f}{norm_ms / extract_ms:8.2f}"
        )
    print(f"\nnormalise / extract: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}")


if __name__ == "__main__":
    main()
