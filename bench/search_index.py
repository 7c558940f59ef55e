"""What search and near-duplicate signatures cost an ingest run, and how queries scale.

Part 1 ingests N generated pages (seed paragraphs recombined, on the portal
template from tests/stories.py) through the same pieces the flow runs —
Runner (load, extract, normalise, sign, cut into search terms) and land, which
writes the index rows with the versions — and times the signature and the
search terms on their own. Bare trafilatura on the same pages is timed in the
same run for scale.

Part 2 grows the warehouse to M synthetic documents by SQL (index rows and
signatures copied with fresh ids; one in ten a near-duplicate of another) and
times searches and the story_clusters view.

    uv run python bench/search_index.py [--pages 600] [--scale 50000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import duckdb  # noqa: E402
from stories import Story, on_portal, stories  # noqa: E402

from tasks.batch import Runner  # noqa: E402
from tasks.process import ProcessOptions  # noqa: E402
from tasks.segment import index_terms  # noqa: E402
from tasks.settings import build_settings  # noqa: E402
from tasks.signature import minhash  # noqa: E402
from tasks.version import pipeline_version  # noqa: E402
from warehouse.dupes import story_clusters  # noqa: E402
from warehouse.land import RunInfo, land, priors  # noqa: E402
from warehouse.search import refresh_index, search  # noqa: E402

QUERIES = ("疫情防控", "党建 引领", "人防", "新冠肺炎", "省直机关 党员干部 先锋模范")


def make_pages(folder: Path, count: int, rng: random.Random) -> list[bytes]:
    """`count` distinct pages, each 4-8 seed paragraphs in a random order with a serial line."""
    pool = [p for s in stories().values() for p in s.paragraphs]
    pages = []
    for n in range(count):
        paragraphs = rng.sample(pool, rng.randint(4, 8))
        paragraphs.insert(
            0, f"第{n}期 编号{rng.randint(10**5, 10**6)}，本期共{len(paragraphs)}篇。"
        )
        page = on_portal(Story("gen", f"综合报道第{n}期", tuple(paragraphs)))
        (folder / f"p{n:05d}.html").write_bytes(page)
        pages.append(page)
    return pages


def ingest(root: Path) -> tuple[float, int]:
    """Load, extract, normalise, sign and land every page; return (seconds, documents)."""
    sources = root / "sources.yaml"
    sources.write_text("sources:\n  - name: gen\n    kind: local\n    path: pages\n")
    settings = build_settings(sources, root / "w.duckdb", batch_size=100, workers=1)
    run = RunInfo("bench", "ingest", datetime.now(UTC), pipeline_version())
    start = time.perf_counter()
    seen = 0
    with Runner(settings, ProcessOptions(run.pipeline_version)) as runner:
        for batch in runner.batches():
            ids = [item.document_id for item in batch]
            known = priors(settings.warehouse, ids)
            observed = runner.process(batch, known)
            land(settings.warehouse, run, observed, known)
            seen += len(observed)
    return time.perf_counter() - start, seen


def part_one(root: Path, count: int) -> None:
    rng = random.Random(7)
    (root / "pages").mkdir()
    pages = make_pages(root / "pages", count, rng)
    import trafilatura

    start = time.perf_counter()
    texts = [trafilatura.extract(p.decode("utf-8")) or "" for p in pages]
    bare = time.perf_counter() - start
    minhash(texts[0])  # loads numpy and draws the permutations once, as a run does
    start = time.perf_counter()
    for text in texts:
        minhash(text)
    signing = time.perf_counter() - start
    start = time.perf_counter()
    index_terms(None, "加载词典")
    dictionary_load = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        index_terms(None, text)
    cutting = time.perf_counter() - start
    elapsed, seen = ingest(root)
    with duckdb.connect(str(root / "w.duckdb"), read_only=True) as conn:
        chars = conn.execute("select avg(length(text)) from articles").fetchall()[0][0]
        indexed = conn.execute("select count(*) from search_docs").fetchall()[0][0]
        rows = conn.execute("select count(*) from search_terms").fetchall()[0][0]
    size = (root / "w.duckdb").stat().st_size
    print(f"{count} pages, {chars:.0f} characters of text each")
    print(f"  bare trafilatura.extract        {bare / count * 1000:6.2f} ms/page")
    print(f"  ingest (load→extract→land)      {elapsed / seen * 1000:6.2f} ms/page, 1 worker")
    print(f"    of which MinHash signature    {signing / count * 1000:6.2f} ms/page")
    print(
        f"    of which search terms         {cutting / count * 1000:6.2f} ms/page "
        f"(dictionary load once per worker: {dictionary_load:.2f} s)"
    )
    print(f"  {indexed} documents indexed as they landed")
    print(
        f"  index rows {rows} ({rows / max(indexed, 1):.0f} per document); warehouse {size / 1e6:.1f} MB"
    )
    start = time.perf_counter()
    again = refresh_index(root / "w.duckdb")
    print(
        f"  end-of-run refresh (catches up only what is missing): {again} indexed in "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )


SCALE = (
    """INSERT INTO documents
    SELECT 'syn' || i, 'syn:' || i, 'file', 'syn', 'syn/' || i, now() FROM range($n) t(i)""",
    """INSERT INTO versions
    SELECT 'syn' || i, 1, md5(i::VARCHAR), 'synthetic ' || i, 'text ' || i, NULL, NULL, [], [],
           NULL, 'zh', 'hans', 'utf-8', [], [], NULL, 'bench', 'bench', now()
    FROM range($n) t(i)""",
    """INSERT INTO search_docs
    SELECT 'syn' || i, 1, d.segmenter, d.length
    FROM range($n) t(i), (SELECT * FROM search_docs LIMIT 1) d""",
)

SCALE_TERMS = """
INSERT INTO search_terms
SELECT t.term, 'syn' || i, t.tf
FROM range($lo, $hi) r(i)
JOIN (SELECT document_id, row_number() OVER (ORDER BY document_id) - 1 AS k
      FROM search_docs WHERE document_id NOT LIKE 'syn%') src ON src.k = i % $real
JOIN search_terms t ON t.document_id = src.document_id
"""

# One in ten synthetic signatures is a copy of another with about 10% of positions redrawn.
SCALE_SIGNATURES = """
INSERT INTO signatures
SELECT 'syn' || i, 1, s.scheme,
       list_transform(range(128), lambda p:
           CASE WHEN i % 10 = 0 AND hash(i, p, 'keep') % 10 <> 0
                THEN (hash(i - 1, p) % 4294967296)::UINTEGER
                ELSE (hash(i, p) % 4294967296)::UINTEGER END)
FROM range($n) t(i), (SELECT scheme FROM signatures LIMIT 1) s
"""


def part_two(root: Path, scale: int) -> None:
    path = root / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        real = conn.execute("select count(*) from search_docs").fetchall()[0][0]
        for statement in SCALE:
            conn.execute(statement, {"n": scale})
        for lo in range(0, scale, 5000):
            conn.execute(SCALE_TERMS, {"lo": lo, "hi": min(scale, lo + 5000), "real": real})
        conn.execute(SCALE_SIGNATURES, {"n": scale})
        rows = conn.execute("select count(*) from search_terms").fetchall()[0][0]
    size = path.stat().st_size
    print(f"\n{scale + real} documents, {rows} index rows, warehouse {size / 1e6:.0f} MB")
    for q in QUERIES:
        start = time.perf_counter()
        result = search(path, q, limit=20)
        print(
            f"  search {q!r:<28} {result.total:6d} hits  "
            f"{(time.perf_counter() - start) * 1000:6.0f} ms"
        )
    start = time.perf_counter()
    clusters = story_clusters(path)
    documents = sum(len(c.members) for c in clusters)
    print(
        f"  story_clusters: {len(clusters)} stories, {documents} documents, "
        f"{time.perf_counter() - start:.1f} s"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--scale", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        part_one(Path(tmp), args.pages)
        part_two(Path(tmp), args.scale)


if __name__ == "__main__":
    main()
