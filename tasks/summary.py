"""The run summary: counts by outcome, failure reasons, timing, and what was new."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tasks.records import Observed

OUTCOMES = ("new", "changed", "unchanged", "not_modified", "failed")
LABELS = {
    "new": "new documents",
    "changed": "new versions",
    "unchanged": "unchanged",
    "not_modified": "not modified (304)",
    "failed": "failed",
}
EXAMPLES_PER_REASON = 3
TOP_REASONS = 10
SLOWEST_SOURCES = 5
NEW_VERSION_ROWS = 50


@dataclass
class RunSummary:
    """What a run did, accumulated batch by batch."""

    run_id: str
    warehouse: str
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    sources: Counter[str] = field(default_factory=Counter)
    source_seconds: Counter[str] = field(default_factory=Counter)
    new_articles: list[tuple[str, str, str, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    batches: int = 0
    flow: str = "ingest"  # or reprocess
    flow_run_id: str | None = None
    status: str = "running"  # then completed or failed
    message: str | None = None  # why the run failed
    spooled: int = 0  # documents of this run waiting in the spool for the warehouse
    recovered: int = 0  # documents of earlier runs landed from the spool by this one
    spool_entries: int = 0  # entries left in the spool when the run ended

    @property
    def seen(self) -> int:
        """Documents attempted."""
        return sum(self.outcomes.values()) + self.spooled

    def add(
        self,
        observed: list[Observed],
        outcomes: Counter[str],
        seconds: float,
        spooled: bool = False,
    ) -> None:
        """Fold one landed (or spooled) batch into the summary."""
        self.batches += 1
        self.outcomes.update(outcomes)
        if spooled:
            self.spooled += len(observed)
        for o in observed:
            self.sources[o.locator.source] += 1
            if o.failure is not None:
                self.reasons[o.failure.reason] += 1
                shown = self.examples.setdefault(o.failure.reason, [])
                if len(shown) < EXAMPLES_PER_REASON:
                    shown.append(o.locator.address)
        if observed:
            self.source_seconds[observed[0].locator.source] += seconds

    def recover(self, outcomes: Counter[str], own: bool, already: bool = False) -> None:
        """Count a spooled batch that has now landed: this run's own, or an earlier run's."""
        if already:
            return
        if own:
            self.outcomes.update(outcomes)
            self.spooled -= sum(outcomes.values())
        else:
            self.recovered += sum(outcomes.values())

    def note_new(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Remember a few new versions (title, publisher, published, locator) for the report."""
        room = NEW_VERSION_ROWS - len(self.new_articles)
        if room > 0:
            self.new_articles.extend(rows[:room])

    def as_dict(self) -> dict[str, object]:
        """The summary as plain data: what the flow returns and `ingest run --json` prints."""
        return {
            "flow": self.flow,
            "run_id": self.run_id,
            "flow_run_id": self.flow_run_id,
            "warehouse": self.warehouse,
            "seen": self.seen,
            **{name: self.outcomes.get(name, 0) for name in OUTCOMES},
            "spooled": self.spooled,
            "recovered_from_spool": self.recovered,
            "spool_entries": self.spool_entries,
            "failed_by_reason": dict(self.reasons.most_common()),
            "elapsed_s": round(self.elapsed_s, 3),
        }

    def markdown(self) -> str:
        """The run report for the Prefect UI."""
        lines = [
            f"# {self.flow.capitalize()} run `{self.run_id}`: {self.status}",
            "",
            f"{self.seen} documents in {self.elapsed_s:.1f} s → `{self.warehouse}`",
            "",
        ]
        if self.message:
            lines += [f"**The run stopped:** {_cell(self.message)}", ""]
        lines += [
            "| outcome | documents |",
            "|---|---:|",
        ]
        lines += [f"| {LABELS[k]} | {self.outcomes.get(k, 0)} |" for k in OUTCOMES]
        if self.spooled:
            lines.append(f"| waiting in the spool (warehouse locked) | {self.spooled} |")
        if self.recovered:
            lines.append(f"| landed from earlier runs' spool | {self.recovered} |")
        if self.reasons:
            lines += [
                "",
                "## Top failure reasons",
                "",
                "| reason | count | examples |",
                "|---|---:|---|",
            ]
            for reason, count in self.reasons.most_common(TOP_REASONS):
                examples = "<br>".join(f"`{u}`" for u in self.examples.get(reason, []))
                lines.append(f"| {reason} | {count} | {examples} |")
        if self.source_seconds:
            lines += [
                "",
                "## Slowest sources",
                "",
                "| source | documents | seconds | ms per document |",
                "|---|---:|---:|---:|",
            ]
            for source, secs in self.source_seconds.most_common(SLOWEST_SOURCES):
                docs = self.sources[source]
                per_doc = secs * 1000 / docs if docs else 0.0
                lines.append(f"| {source} | {docs} | {secs:.1f} | {per_doc:.0f} |")
        if self.new_articles:
            lines += [
                "",
                "## New versions",
                "",
                "| title | publisher | published | document |",
                "|---|---|---|---|",
            ]
            for title, publisher, published, locator in self.new_articles:
                lines.append(
                    f"| {_cell(title)} | {_cell(publisher)} | {_cell(published)} | `{locator}` |"
                )
        return "\n".join(lines) + "\n"


def _cell(value: str | None) -> str:
    return (value or "—").replace("|", "\\|").replace("\n", " ")
