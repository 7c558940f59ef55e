"""The individual measurements the benchmark runner combines: each returns plain figures."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INGEST = str(Path(sys.executable).parent / "ingest")


@dataclass(frozen=True)
class IngestRun:
    """One `ingest run` subprocess: its summary, wall time, CPU and peak memory of its process tree."""

    summary: dict
    wall_s: float
    cpu_s: float  # every process of the tree, starting Python and Prefect's server included
    peak_tree_rss_mb: float
    peak_main_rss_mb: float

    @property
    def flow_s(self) -> float:
        """Seconds inside the flow (excludes starting Python and Prefect's temporary server)."""
        return float(self.summary["elapsed_s"])

    @property
    def docs_per_s(self) -> float:
        """Documents per second inside the flow."""
        return self.summary["seen"] / self.flow_s


def compile_installed() -> float:
    """Compile the installed packages to bytecode, as Python's first import of each would; seconds.

    A user's runs after the first find that bytecode cached. Where PYTHONDONTWRITEBYTECODE is
    set Python never caches it, and every run would compile Prefect, its server and each
    worker's trafilatura again, 11 s of CPU. The bench measures the cached state, which
    `uv sync --compile-bytecode` leaves behind; with everything cached this takes a few seconds.
    """
    import compileall
    import sysconfig

    started = time.perf_counter()
    paths = sysconfig.get_paths()
    for packages in sorted({paths["purelib"], paths["platlib"]}):  # one directory in most venvs
        compileall.compile_dir(packages, quiet=2, workers=0)
    return time.perf_counter() - started


def python_json(*args: str, env: dict[str, str] | None = None) -> dict:
    """Run `python -m …` and parse the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ingest(
    sources: Path, warehouse: Path, workers: int, batch_size: int | None, prefect_home: Path
) -> IngestRun:
    """Run `ingest run --json` as a user would and watch its memory and CPU.

    The CPU is what the tree's processes used, counted as each ends and is waited for
    (workers by `ingest`, `ingest` by this process); one run at a time, so nothing else
    of ours is counted with it.
    """
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    cmd = [
        INGEST,
        "run",
        "--sources",
        str(sources),
        "--warehouse",
        str(warehouse),
        "--workers",
        str(workers),
        *(["--batch-size", str(batch_size)] if batch_size is not None else []),
        "--json",
    ]
    started = time.perf_counter()
    cpu_before = _children_cpu_s()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    peaks = {"tree": 0.0, "main": 0.0}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            tree, main = tree_rss_mb(proc.pid)
            peaks["tree"] = max(peaks["tree"], tree)
            peaks["main"] = max(peaks["main"], main)
            stop.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = proc.communicate()
    stop.set()
    watcher.join()
    wall = time.perf_counter() - started
    cpu = _children_cpu_s() - cpu_before
    if proc.returncode != 0:
        raise RuntimeError(f"ingest run failed ({proc.returncode}):\n{stderr[-3000:]}")
    summary = json.loads(stdout[stdout.index("{") :])
    return IngestRun(summary, wall, cpu, peaks["tree"], peaks["main"])


def _children_cpu_s() -> float:
    """User and system CPU seconds of this process's children that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_rss_mb(root: int) -> tuple[float, float]:
    """Resident memory of a process and all its descendants, and of the process alone, in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 2**20, rss.get(root, 0) / 2**20


class CorpusServer:
    """The corpus served over HTTP from a separate process (bench.server)."""

    def __init__(self, pages: Path):
        self._dir = tempfile.mkdtemp(prefix="bench-server-")
        port_file = Path(self._dir) / "port"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", str(pages), str(port_file)], cwd=ROOT
        )
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("the benchmark HTTP server did not start")
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port_file.read_text()}"

    def stop(self) -> None:
        """Stop the server process (ours, by PID) and remove its temporary directory."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self._dir, ignore_errors=True)


def http_sources(pages: Path, base: str, target: Path) -> Path:
    """A sources file listing every page of the corpus by URL on the local server."""
    urls = target / "urls.txt"
    urls.write_text(
        "".join(f"{base}/{p.name}\n" for p in sorted(pages.glob("*.html"))), encoding="utf-8"
    )
    sources = target / "sources-http.yaml"
    sources.write_text(
        "sources:\n  - name: bench-http\n    kind: urls\n    file: urls.txt\n    robots: false\n"
        "    politeness: {delay: 0, concurrency: 8}\n",
        encoding="utf-8",
    )
    return sources


def age(warehouse: Path, observations: int) -> int:
    """Give a warehouse the observation history of many earlier runs; return the rows it holds.

    A scheduled pipeline's log gains a row per document per run for good, and a re-run
    must not slow down as it grows. The copies are the log's own rows, pushed back a day
    each, without batch ids (they belong to no landed batch).
    """
    import duckdb

    with duckdb.connect(str(warehouse)) as conn:
        (rows,) = conn.execute("SELECT count(*) FROM observation_log").fetchall()[0]
        conn.execute(
            """INSERT INTO observation_log
            SELECT o.* REPLACE (o.observed_at - INTERVAL (d) DAY AS observed_at, NULL AS batch_id)
            FROM observation_log o, range(1, ?) days(d)""",
            [-(-observations // rows)],
        )
        return conn.execute("SELECT count(*) FROM observation_log").fetchall()[0][0]


def landing_rate(total: int = 20_000, batch: int = 1_000) -> dict[str, float]:
    """Versions per second landed into a fresh warehouse: batches of real articles through a Lander.

    Each version carries what a run lands with it: its compressed raw payload, its
    signature and its search terms. Making those is not timed; writing them is.
    """
    from tasks.extract import ExtractOptions
    from tasks.identity import url_locator
    from tasks.process import derive, page_article
    from tasks.records import Observed, raw_hash
    from tasks.version import pipeline_version
    from warehouse.land import RunInfo
    from warehouse.lander import Lander

    pages = sorted((ROOT / "samples" / "pages").glob("*.html"))
    articles = []
    for p in pages:
        article = page_article(
            p.read_bytes(),
            media_type="text/html",
            declared_charset=None,
            url=None,
            options=ExtractOptions(),
        )
        # A version lands with its signature and search terms, as in a run.
        articles.append((p.read_bytes(), article, derive(article)))
    now = datetime.now(UTC)
    batches = []
    for start in range(0, total, batch):
        rows = []
        for i in range(start, min(total, start + batch)):
            body, article, derived = articles[i % len(articles)]
            raw = body + str(i).encode()
            # Every text differs, as a corpus's do: DuckDB compresses ten repeated texts
            # to almost nothing, and stored and merged them far faster than real ones.
            text = f"{article.text}\n{i}"
            rows.append(
                Observed(
                    locator=url_locator("bench", f"https://bench.example/{i}.html"),
                    observed_at=now,
                    status="extracted",
                    article=replace(article, text=text),
                    http_status=200,
                    media_type="text/html",
                    raw_hash=raw_hash(raw),
                    raw_size=len(raw),
                    raw_compressed=zlib.compress(raw, 3),
                    derived=derived,
                )
            )
        batches.append(rows)
    run = RunInfo("bench-landing", "bench", now, pipeline_version())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "landing.duckdb"
        lander = Lander(path, run)  # as a run lands: spool check, lease, one transaction a batch
        lander.start()
        started = time.perf_counter()
        landed = sum(lander.land(rows, {})[0].outcomes["new"] for rows in batches)
        lander.finish("completed", None)
        seconds = time.perf_counter() - started
    return {
        "versions": landed,
        "seconds": seconds,
        "versions_per_s": landed / seconds,
        "batch": batch,
    }


def prefect_task_overhead(prefect_home: Path, tasks: int = 200) -> dict[str, float]:
    """Mean cost of one Prefect task run (submitted and called) in a flow, in milliseconds."""
    env = {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    return python_json("-m", "bench.prefect_overhead", str(tasks), env=env)
