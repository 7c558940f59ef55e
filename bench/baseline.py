"""Bare trafilatura over a corpus directory: the baseline every pipeline figure is compared with.

uv run python -m bench.baseline bench/corpus/n2000/pages
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def run(pages: Path) -> dict[str, float]:
    """Read every page and run `bare_extraction` with metadata on its bytes, in this process."""
    import logging

    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    files = sorted(pages.glob("*.html"))
    started = time.perf_counter()
    extracted = 0
    for path in files:
        if bare_extraction(path.read_bytes(), with_metadata=True) is not None:
            extracted += 1
    seconds = time.perf_counter() - started
    return {
        "docs": len(files),
        "extracted": extracted,
        "seconds": seconds,
        "docs_per_s": len(files) / seconds,
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))
