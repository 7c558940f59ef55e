"""Following a triggered run on a real Prefect server: its log lines in order, its final state last.

The run's process sends its log lines to the server in batches (every
PREFECT_LOGGING_TO_API_BATCH_INTERVAL seconds, and once more as it exits), so the
last of them can reach the server after the run's final state. The test plays that
process's part through Prefect's own client: it sets the run's states and sends its
log lines, the last batch a moment after the run is already final.
"""

from __future__ import annotations

import contextvars
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import LogCreate
from prefect.states import Completed, Running

from flows.trigger import LogLine, StateSeen, Triggered, follow


@flow(name="watched")
def watched() -> None:
    """The flow whose run is followed; the test stands in for the process that runs it."""


def log(flow_run_id: UUID, message: str, at: datetime) -> LogCreate:
    return LogCreate(
        name="prefect.flow_runs", level=20, message=message, timestamp=at, flow_run_id=flow_run_id
    )


def test_log_lines_that_reach_the_server_after_the_final_state_are_shown_before_it(
    prefect_api: str,
) -> None:
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(watched)
        client.set_flow_run_state(run.id, Running(), force=True)
        client.create_logs([log(run.id, "batch 1 landed", datetime.now(UTC))])
        last_words = datetime.now(UTC)  # written before the run ends, sent after
        client.set_flow_run_state(run.id, Completed(), force=True)

        def send_the_last_batch() -> None:
            time.sleep(0.5)  # after the final state, well inside the quiet window
            with get_client(sync_client=True) as late:
                late.create_logs(
                    [
                        log(run.id, "Done in 1.0 s", last_words),
                        log(run.id, "Finished in state Completed()", last_words),
                    ]
                )

        sender = threading.Thread(
            target=contextvars.copy_context().run, args=(send_the_last_batch,)
        )
        sender.start()
        try:
            events = list(follow(client, Triggered(run.id, run.name, "watched/x", None, None), 0.2))
        finally:
            sender.join()
    shown = [e.message if isinstance(e, LogLine) else f"state: {e.name}" for e in events]
    assert shown == [
        "batch 1 landed",
        "Done in 1.0 s",
        "Finished in state Completed()",
        "state: Completed",
    ]
    assert isinstance(events[-1], StateSeen) and events[-1].final
