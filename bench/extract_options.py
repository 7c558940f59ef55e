"""Which trafilatura options extract the bundled samples best: recall and precision per setting.

    uv run python -m bench.extract_options

For every sample page it compares the extracted lines with the seed article the
page wraps: recall is the share of seed lines found, precision the share of
extracted lines that belong to the seed (navigation, sidebars and footers do not).
The defaults in tasks/extract.py ExtractOptions were chosen from this table.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from tasks.charset import decode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
PAGES = ROOT / "samples" / "pages"
# Which seed each sample page wraps (see samples/make_samples.py).
PAGE_SEED = {
    "hnjgdj-2022-07-20-rfzx": "000",
    "qizhi-2021-10-21-jgdj": "001",
    "hnrf-zhanyi-dangjian": "002",
    "renmin-yixian-shouhu": "003",
    "scdfz-2022-09-16-zgjx": "004",
}


def _lines(text: str) -> list[str]:
    return [line for line in ("".join(raw.split()) for raw in text.splitlines()) if line]


def score(favor_precision: bool, favor_recall: bool, include_tables: bool) -> tuple[float, float]:
    """Mean recall and precision over the sample pages for one setting."""
    from trafilatura import bare_extraction

    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    recalls, precisions = [], []
    for stem, seed in PAGE_SEED.items():
        text = decode((PAGES / f"{stem}.html").read_bytes()).text
        doc = bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=include_tables,
            favor_precision=favor_precision,
            favor_recall=favor_recall,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        got = _lines(doc.text if doc else "")
        want = _lines(seeds[seed])
        joined = "".join(got)
        recalls.append(sum(line in joined for line in want) / len(want))
        precisions.append(sum(any(line in w for w in want) for line in got) / max(1, len(got)))
    return sum(recalls) / len(recalls), sum(precisions) / len(precisions)


def main() -> None:
    """Print recall and precision for each combination of options."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    print(
        f"{'favor_precision':>16} {'favor_recall':>13} {'tables':>7} {'recall':>7} {'precision':>10}"
    )
    for precision, recall, tables in itertools.product((False, True), (False, True), (True, False)):
        if precision and recall:
            continue
        r, p = score(precision, recall, tables)
        print(f"{precision!s:>16} {recall!s:>13} {tables!s:>7} {r:7.3f} {p:10.3f}")


if __name__ == "__main__":
    main()
