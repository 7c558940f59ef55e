"""Run every benchmark and compare the pipeline with bare trafilatura in the same run.

    uv run python -m bench                 # N = 2,000 (8–11 minutes here)
    uv run python -m bench --big 20000     # also peak memory at N = 20,000

Prints a table and writes bench/results/latest.json. Figures are ratios against
the baseline measured in the same run, because this machine is shared and noisy; for
the same reason the baseline and each speed measure are the fastest of --repeat runs.
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
    ROOT,
    CorpusServer,
    IngestRun,
    age,
    compile_installed,
    http_sources,
    ingest,
    landing_rate,
    prefect_task_overhead,
    python_json,
)
from tasks.settings import batch_size_for

RESULTS = Path(__file__).resolve().parent / "results"
AGED_OBSERVATIONS = 1_000_000
TARGETS = {
    "disk_1_worker_ratio": (">=", 0.85),
    "disk_2_workers_ratio": (">=", 1.6),
    "http_1_worker_ratio": (">=", 0.85),
    "http_2_workers_ratio": (">=", 1.6),
    "rerun_fraction_disk": ("<=", 0.05),
    "rerun_fraction_http": ("<=", 0.05),
    "rerun_fraction_disk_aged": ("<=", 0.05),
    "rss_growth_big_over_n": ("<=", 1.25),
    "landing_versions_per_s": (">=", 20_000),
    "prefect_share": ("<=", 0.03),
}


def main() -> None:
    """Measure, print, save."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--n", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--big", type=int, default=0, help="also measure peak memory at this size")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="as ingest run's (default 100 per worker)"
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of the baseline and of each speed measure, interleaved; the fastest counts "
        "(default 2)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    home = work / "prefect-home"
    corpus = build(args.n)
    pages = corpus / "pages"
    figures: dict[str, float] = {}
    detail: dict[str, object] = {
        "n": args.n,
        "batch_size": {workers: batch_size_for(args.batch_size, workers) for workers in (1, 2)},
        "repeat": args.repeat,
    }
    detail["bytecode_compile_s"] = compile_installed()
    # Each measure keeps every repeat (detail["repeats"]) and its fastest (figures). On a shared
    # machine a slow run is noise from outside, the fastest is what the code costs; the baseline
    # is treated the same way, so the ratios do not favour the pipeline.
    repeats: dict[str, list[float]] = {}  # docs/s for the baseline, flow seconds for runs
    server: CorpusServer | None = None
    try:
        if not args.skip_http:
            server = CorpusServer(pages)
        modes = {"disk": corpus / "sources.yaml"}
        if server is not None:
            modes["http"] = http_sources(pages, server.base, work)
        best: dict[str, IngestRun] = {}
        first: dict[str, IngestRun] = {}
        baseline: dict | None = None
        ceiling: dict | None = None  # bare trafilatura in two processes at once
        # Prefect creates its database on the first run against a new home: that happens here,
        # on the bundled samples, so that no measured run's time or CPU includes it.
        ingest(ROOT / "sources.yaml", work / "warm-up.duckdb", 1, args.batch_size, home)
        for round_ in range(args.repeat):
            measured = python_json("-m", "bench.baseline", str(pages))
            repeats.setdefault("baseline_docs_per_s", []).append(measured["docs_per_s"])
            if baseline is None or measured["docs_per_s"] > baseline["docs_per_s"]:
                baseline = measured
            measured = python_json("-m", "bench.baseline", str(pages), "--processes", "2")
            repeats.setdefault("baseline_2_processes_docs_per_s", []).append(measured["docs_per_s"])
            if ceiling is None or measured["docs_per_s"] > ceiling["docs_per_s"]:
                ceiling = measured
            for mode, sources in modes.items():
                for workers in (1, 2):
                    key = f"{mode}_{workers}"
                    run = ingest(
                        sources,
                        work / f"{key}-{round_}.duckdb",
                        workers,
                        args.batch_size,
                        home,
                    )
                    repeats.setdefault(f"{key}_flow_s", []).append(run.flow_s)
                    repeats.setdefault(f"{key}_cpu_s", []).append(run.cpu_s)
                    first.setdefault(key, run)
                    if key not in best or run.flow_s < best[key].flow_s:
                        best[key] = run
        assert baseline is not None and ceiling is not None
        figures["baseline_docs_per_s"] = baseline["docs_per_s"]
        detail["baseline"] = baseline
        # What two cores give bare trafilatura itself: the most two workers could approach.
        figures["baseline_2_processes_ratio"] = ceiling["docs_per_s"] / baseline["docs_per_s"]
        detail["baseline_2_processes"] = ceiling
        for key, run in best.items():
            mode, workers = key.split("_")
            name = f"{mode}_{workers}_worker{'s' if workers != '1' else ''}"
            figures[f"{name}_docs_per_s"] = run.docs_per_s
            figures[f"{name}_ratio"] = run.docs_per_s / baseline["docs_per_s"]

        # Re-runs over the unchanged corpus, on the warehouse of the last two-worker run.
        for mode, sources in modes.items():
            reruns = [
                ingest(
                    sources,
                    work / f"{mode}_2-{args.repeat - 1}.duckdb",
                    2,
                    args.batch_size,
                    home,
                )
                for _ in range(args.repeat)
            ]
            repeats[f"{mode}_rerun_flow_s"] = [r.flow_s for r in reruns]
            repeats[f"{mode}_rerun_cpu_s"] = [r.cpu_s for r in reruns]
            rerun = min(reruns, key=lambda r: r.flow_s)
            figures[f"rerun_fraction_{mode}"] = rerun.flow_s / best[f"{mode}_2"].flow_s
            detail[f"rerun_{mode}"] = rerun.summary

        # A re-run starts as many workers as it is given, so the one-worker figure below needs
        # a one-worker re-run's CPU: each worker's warm-up is about 1 s of it.
        landed = work / f"disk_2-{args.repeat - 1}.duckdb"
        repeats["disk_rerun_1_worker_cpu_s"] = [
            ingest(modes["disk"], landed, 1, args.batch_size, home).cpu_s
            for _ in range(args.repeat)
        ]

        # The disk re-run again once the warehouse holds the log of about 500 runs like these.
        aged = landed
        detail["aged_observations"] = age(aged, AGED_OBSERVATIONS)
        reruns = [ingest(modes["disk"], aged, 2, args.batch_size, home) for _ in range(args.repeat)]
        repeats["disk_aged_rerun_flow_s"] = [r.flow_s for r in reruns]
        rerun = min(reruns, key=lambda r: r.flow_s)
        figures["rerun_fraction_disk_aged"] = rerun.flow_s / best["disk_2"].flow_s

        # CPU per document of a first run from disk, every process counted, against bare
        # trafilatura's. A re-run with as many workers extracts nothing, so its CPU is what
        # starting Python, Prefect and the workers costs; the difference is the documents'
        # cost. Each takes the least CPU of its repeats, as the speed measures take the fastest.
        startup_cpu = {
            1: min(repeats["disk_rerun_1_worker_cpu_s"]),
            2: min(repeats["disk_rerun_cpu_s"]),
        }
        bare_cpu_per_doc = 1 / baseline["docs_per_s"]  # one process, always busy
        for workers in (1, 2):
            run_cpu = min(repeats[f"disk_{workers}_cpu_s"])
            per_doc = (run_cpu - startup_cpu[workers]) / best[f"disk_{workers}"].summary["seen"]
            figures[f"disk_{workers}_cpu_per_doc_over_bare"] = per_doc / bare_cpu_per_doc
        # Two cores doing nothing but this work at this cost per document: the most two
        # workers can reach, as a ratio to (a).
        figures["disk_2_workers_bound"] = 2 / figures["disk_2_cpu_per_doc_over_bare"]

        if server is not None:
            server.stop()
            server = None

        # Memory is taken from the first two-worker run, not the fastest: the N = 20,000 run
        # below is a single run too.
        at_n = first["disk_2"]
        figures["peak_tree_rss_mb_n"] = at_n.peak_tree_rss_mb
        figures["peak_main_rss_mb_n"] = at_n.peak_main_rss_mb
        if args.big:
            big = ingest(
                build(args.big) / "sources.yaml", work / "big.duckdb", 2, args.batch_size, home
            )
            figures["peak_tree_rss_mb_big"] = big.peak_tree_rss_mb
            figures["peak_main_rss_mb_big"] = big.peak_main_rss_mb
            figures["rss_growth_big_over_n"] = big.peak_tree_rss_mb / at_n.peak_tree_rss_mb
            detail["big"] = {"n": args.big, "docs_per_s": big.docs_per_s, "summary": big.summary}

        landing = landing_rate()
        figures["landing_versions_per_s"] = landing["versions_per_s"]
        detail["landing"] = landing

        overhead = prefect_task_overhead(home)
        task_runs = 2 * -(-args.n // batch_size_for(args.batch_size, 1))
        figures["prefect_task_ms"] = overhead["mean_ms"]
        figures["prefect_share"] = task_runs * overhead["mean_ms"] / 1000 / best["disk_1"].flow_s
        detail["prefect_overhead"] = overhead
        detail["repeats"] = repeats
        detail["startup_s"] = {k: r.wall_s - r.flow_s for k, r in best.items()}
    finally:
        if server is not None:
            server.stop()
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
