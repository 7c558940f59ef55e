"""What one Prefect task run costs inside a flow, measured the way the ingest flow uses tasks.

uv run python -m bench.prefect_overhead 200
"""

from __future__ import annotations

import json
import sys
import time

from prefect import flow, task
from prefect.cache_policies import NO_CACHE


@task(cache_policy=NO_CACHE)
def noop(x: int) -> int:
    """Nothing: its whole cost is Prefect's."""
    return x


@flow
def called(n: int) -> float:
    """n task runs called in the flow's thread, as land-batch is."""
    started = time.perf_counter()
    for i in range(n):
        noop(i)
    return time.perf_counter() - started


@flow
def submitted(n: int) -> float:
    """n task runs submitted and awaited, as process-batch is."""
    started = time.perf_counter()
    for i in range(n):
        noop.submit(i).result()
    return time.perf_counter() - started


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    called(5)  # warm up the temporary server and the engine
    per_called = called(n) / n
    per_submitted = submitted(n) / n
    print(
        json.dumps(
            {
                "tasks": n,
                "called_ms": per_called * 1000,
                "submitted_ms": per_submitted * 1000,
                "mean_ms": (per_called + per_submitted) / 2 * 1000,
            }
        )
    )
