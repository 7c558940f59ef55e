"""Where a page's time goes: each stage of processing against bare trafilatura, per page.

    uv run python -m bench.stages            # the first 300 pages of the N = 2,000 corpus

CPU time of this process per page, for bare `bare_extraction` with metadata (the
baseline) and for each stage the pipeline runs on the same pages: hashing and
compressing the raw bytes, decoding, extraction, the soft-404 check, each
normalisation step, and the signature and search terms made as a version lands.
The sum against the baseline is what one worker can reach at best.
"""

from __future__ import annotations

import argparse
import logging
import time
import zlib
from collections.abc import Callable
from typing import Any

from bench.corpus import build


def main() -> None:
    """Time every stage over the same pages and print ms per page and the ratio to bare."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=300, help="pages to time (default 300)")
    args = parser.parse_args()

    from trafilatura import bare_extraction

    from tasks.batch import warm_up
    from tasks.charset import decode
    from tasks.extract import ExtractOptions, extract_html
    from tasks.normalise.draft import Draft
    from tasks.normalise.pipeline import STEPS
    from tasks.process import ProcessOptions, derive
    from tasks.records import raw_hash
    from tasks.triage import soft_404
    from tasks.version import pipeline_version

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    process_options = ProcessOptions(pipeline_version())
    warm_up(process_options)
    derive(_article(None, "预热分词词典"))  # loads jieba-rs and draws the permutations
    bodies = [p.read_bytes() for p in sorted((build(2000) / "pages").glob("*.html"))]
    bodies = bodies[: args.pages]
    spent: dict[str, float] = {}

    def timed(stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = fn(*args, **kwargs)
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - started
        return result

    options = ExtractOptions()
    # Page by page, bare and then the stages: the machine's speed drifts, and a baseline timed
    # in a pass of its own moved the sum from 1.25 to 1.55 × between two runs.
    for body in bodies:
        timed("bare trafilatura (baseline)", bare_extraction, body, with_metadata=True)
        timed("hash raw bytes", raw_hash, body)
        timed("compress raw bytes", zlib.compress, body, process_options.compress_level)
        decoded = timed("decode", decode, body, None, markup=True)
        extracted = timed("extract", extract_html, decoded.text, None, options)
        timed("soft-404 check", soft_404, extracted.title, extracted.text)
        draft = Draft(text=extracted.text, is_html=True, flags=[], extracted=extracted)
        for name, step in STEPS:
            timed(f"normalise: {name}", step, draft)
        article = _article(draft.title, draft.text)
        timed("signature and search terms", derive, article)

    baseline = spent["bare trafilatura (baseline)"]
    print(f"{'stage':36} {'ms/page':>8} {'× bare':>8}")
    for stage, seconds in spent.items():
        print(f"{stage:36} {seconds / len(bodies) * 1000:8.2f} {seconds / baseline:8.3f}")
    pipeline = sum(v for k, v in spent.items() if k != "bare trafilatura (baseline)")
    print(
        f"{'all pipeline stages':36} {pipeline / len(bodies) * 1000:8.2f} {pipeline / baseline:8.3f}"
    )


def _article(title: str | None, text: str):
    """An Article with only what signing and indexing read."""
    from tasks.records import Article

    return Article(
        title=title,
        text=text,
        published=None,
        publisher=None,
        authors=(),
        editors=(),
        url=None,
        language=None,
        source_script="hans",
        charset=None,
    )


if __name__ == "__main__":
    main()
