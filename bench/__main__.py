"""Run every benchmark and compare the pipeline with bare trafilatura in the same run.

    uv run python -m bench                 # N = 2,000 (about 10 minutes here)
    uv run python -m bench --big 20000     # also peak memory at N = 20,000

Prints a table and writes bench/results/latest.json. Figures are ratios against
the baseline measured in the same run, because this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import build
from bench.measures import (
    CorpusServer,
    http_sources,
    ingest,
    landing_rate,
    prefect_task_overhead,
    python_json,
)

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {
    "disk_1_worker_ratio": (">=", 0.85),
    "disk_2_workers_ratio": (">=", 1.6),
    "http_1_worker_ratio": (">=", 0.85),
    "http_2_workers_ratio": (">=", 1.6),
    "rerun_fraction_disk": ("<=", 0.05),
    "rerun_fraction_http": ("<=", 0.05),
    "rss_growth_big_over_n": ("<=", 1.25),
    "landing_versions_per_s": (">=", 20_000),
    "prefect_share": ("<=", 0.03),
}


def main() -> None:
    """Measure, print, save."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--n", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--big", type=int, default=0, help="also measure peak memory at this size")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    home = work / "prefect-home"
    corpus = build(args.n)
    pages = corpus / "pages"
    figures: dict[str, float] = {}
    detail: dict[str, object] = {"n": args.n, "batch_size": args.batch_size}
    try:
        baseline = python_json("-m", "bench.baseline", str(pages))
        figures["baseline_docs_per_s"] = baseline["docs_per_s"]
        detail["baseline"] = baseline

        runs = {}
        for workers in (1, 2):
            run = ingest(
                corpus / "sources.yaml",
                work / f"disk-{workers}.duckdb",
                workers,
                args.batch_size,
                home,
            )
            runs[f"disk_{workers}"] = run
            key = f"disk_{workers}_worker{'s' if workers > 1 else ''}"
            figures[f"{key}_docs_per_s"] = run.docs_per_s
            figures[f"{key}_ratio"] = run.docs_per_s / baseline["docs_per_s"]
        rerun = ingest(corpus / "sources.yaml", work / "disk-2.duckdb", 2, args.batch_size, home)
        figures["rerun_fraction_disk"] = rerun.flow_s / runs["disk_2"].flow_s
        detail["rerun_disk"] = rerun.summary

        if not args.skip_http:
            server = CorpusServer(pages)
            try:
                sources = http_sources(pages, server.base, work)
                for workers in (1, 2):
                    run = ingest(
                        sources, work / f"http-{workers}.duckdb", workers, args.batch_size, home
                    )
                    runs[f"http_{workers}"] = run
                    key = f"http_{workers}_worker{'s' if workers > 1 else ''}"
                    figures[f"{key}_docs_per_s"] = run.docs_per_s
                    figures[f"{key}_ratio"] = run.docs_per_s / baseline["docs_per_s"]
                rerun = ingest(sources, work / "http-2.duckdb", 2, args.batch_size, home)
                figures["rerun_fraction_http"] = rerun.flow_s / runs["http_2"].flow_s
                detail["rerun_http"] = rerun.summary
            finally:
                server.stop()

        figures["peak_tree_rss_mb_n"] = runs["disk_2"].peak_tree_rss_mb
        figures["peak_main_rss_mb_n"] = runs["disk_2"].peak_main_rss_mb
        if args.big:
            big = ingest(
                build(args.big) / "sources.yaml", work / "big.duckdb", 2, args.batch_size, home
            )
            figures["peak_tree_rss_mb_big"] = big.peak_tree_rss_mb
            figures["peak_main_rss_mb_big"] = big.peak_main_rss_mb
            figures["rss_growth_big_over_n"] = (
                big.peak_tree_rss_mb / runs["disk_2"].peak_tree_rss_mb
            )
            detail["big"] = {"n": args.big, "docs_per_s": big.docs_per_s, "summary": big.summary}

        landing = landing_rate()
        figures["landing_versions_per_s"] = landing["versions_per_s"]
        detail["landing"] = landing

        overhead = prefect_task_overhead(home)
        task_runs = 2 * -(-args.n // args.batch_size)
        figures["prefect_task_ms"] = overhead["mean_ms"]
        figures["prefect_share"] = task_runs * overhead["mean_ms"] / 1000 / runs["disk_1"].flow_s
        detail["prefect_overhead"] = overhead
        detail["startup_s"] = {k: r.wall_s - r.flow_s for k, r in runs.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "figures": figures,
        "targets": {k: f"{op} {v}" for k, (op, v) in TARGETS.items()},
        "detail": detail,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str)
    )
    print(table(figures))
    print(f"\nwritten to {RESULTS / 'latest.json'}")


def table(figures: dict[str, float]) -> str:
    """The figures as a plain-text table with targets and verdicts."""
    lines = [f"{'measure':34} {'value':>12}  {'target':>10}  ok", "-" * 64]
    for name, value in figures.items():
        target = TARGETS.get(name)
        verdict = ""
        if target:
            op, bound = target
            verdict = "yes" if (value >= bound if op == ">=" else value <= bound) else "NO"
        shown = f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
        lines.append(
            f"{name:34} {shown:>12}  {(f'{target[0]} {target[1]:g}' if target else ''):>10}  {verdict}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
