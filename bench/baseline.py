"""Bare trafilatura over a corpus directory: the baseline every pipeline figure is compared with.

uv run python -m bench.baseline bench/corpus/n2000/pages
uv run python -m bench.baseline bench/corpus/n2000/pages --processes 2

With --processes K the pages are shared among K processes that start together (each takes
every K-th page): what the machine's cores give bare trafilatura, the most K workers could.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path
from typing import Any


def run(pages: Path, processes: int = 1) -> dict[str, float]:
    """Run `bare_extraction` with metadata on every page's bytes, in this process or K at once."""
    files = sorted(pages.glob("*.html"))
    if processes == 1:
        started, ended, extracted = _extract_all(files)
    else:
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(processes)
        results = context.Queue()
        children = [
            context.Process(target=_share, args=(files[k::processes], start, results))
            for k in range(processes)
        ]
        for child in children:
            child.start()
        shares = [results.get() for _ in children]
        for child in children:
            child.join()
        # time.monotonic is one clock for every process on the machine.
        started = min(s for s, _, _ in shares)
        ended = max(e for _, e, _ in shares)
        extracted = sum(n for _, _, n in shares)
    seconds = ended - started
    return {
        "docs": len(files),
        "extracted": extracted,
        "processes": processes,
        "seconds": seconds,
        "docs_per_s": len(files) / seconds,
    }


def _extract_all(files: list[Path]) -> tuple[float, float, int]:
    """Start and end (time.monotonic) of extracting every file, and how many gave a result."""
    import logging

    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    started = time.monotonic()
    extracted = 0
    for path in files:
        if bare_extraction(path.read_bytes(), with_metadata=True) is not None:
            extracted += 1
    return started, time.monotonic(), extracted


def _share(files: list[Path], start: Any, results: Any) -> None:
    """One process's share: import first, then begin with the others."""
    import trafilatura  # noqa: F401

    start.wait()
    results.put(_extract_all(files))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("pages", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.pages, args.processes)))
