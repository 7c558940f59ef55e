"""A run's artifacts in the Prefect UI: a progress bar while it runs, the summary when it ends."""

from __future__ import annotations

import time
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from tasks.progress import Expected
from tasks.summary import LABELS, OUTCOMES, RunSummary

# Artifact keys of the ingest flow; other flows use their own name in place of "ingest".
SUMMARY_KEY = "ingest-summary"
OUTCOMES_KEY = "ingest-outcomes"
PROGRESS_KEY = "ingest-progress"


class RunReport:
    """Publishes one run's progress and summary as Prefect artifacts."""

    def __init__(self, expected: Expected, flow: str = "ingest", every: float = 1.0):
        self.expected = expected
        self.flow = flow
        # Each move is a call to the Prefect API, ~40 ms: a run landing ten batches a second
        # (a re-run over unchanged pages) would spend a third of its time moving the bar.
        self.every = every
        self._last = -1.0
        self._moved_at = -float("inf")
        self._progress: UUID | None = None
        try:
            self._progress = create_progress_artifact(
                0.0, key=f"{flow}-progress", description=self.expected.basis
            )
        except Exception as exc:  # a report the UI cannot take must not stop the run
            get_run_logger().warning("Could not create the progress artifact: %s", exc)

    def progress(self, summary: RunSummary) -> None:
        """Move the progress bar after a batch has landed, at most once every `every` seconds."""
        percent = self.expected.percent(summary.seen, len(summary.sources))
        now = time.monotonic()
        if self._progress is None or percent == self._last or now - self._moved_at < self.every:
            return
        self._last, self._moved_at = percent, now
        try:
            update_progress_artifact(self._progress, percent)
        except Exception as exc:
            get_run_logger().warning("Could not update the progress artifact: %s", exc)

    def finish(self, summary: RunSummary) -> None:
        """Publish the summary, and fill the progress bar if the run completed."""
        if self._progress is not None and summary.status == "completed":
            update_progress_artifact(self._progress, 100.0)
        create_markdown_artifact(
            key=f"{self.flow}-summary",
            markdown=summary.markdown(),
            description=f"{self.flow.capitalize()} run summary",
        )
        create_table_artifact(
            key=f"{self.flow}-outcomes",
            table=[
                {"outcome": LABELS[k], "documents": summary.outcomes.get(k, 0)} for k in OUTCOMES
            ],
            description="Documents by outcome",
        )
