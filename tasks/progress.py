"""How far a run has got, for the progress bar in the Prefect UI.

Discovery is streamed, so the number of documents is not known when a run starts. Local
directories and URL lists are cheap to count beforehand (a directory walk, reading a list);
sitemaps and feeds are not (counting them means fetching them). So progress is measured
against, in order of preference:

1. the documents counted beforehand, when every selected source can be counted (capped by
   the run's limit);
2. the run's limit, when one is set;
3. otherwise, the sources started so far out of those selected.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.discover import discover
from tasks.records import Locator
from tasks.settings import Settings
from tasks.sources import LocalSource, UrlsSource


@dataclass(frozen=True)
class Expected:
    """What a run's progress is measured against."""

    documents: int | None  # None when some source can only be counted by fetching it
    sources: int
    basis: str  # a sentence for the progress artifact's description

    def percent(self, documents_done: int, sources_started: int) -> float:
        """Progress between 0 and 100; reaches 100 only when the run says it has finished."""
        if self.documents is not None:
            done = documents_done / self.documents if self.documents else 1.0
        elif self.sources:
            # The source in progress counts as not done.
            done = max(sources_started - 1, 0) / self.sources
        else:
            done = 1.0
        return round(min(done, 0.99) * 100, 1)


def expected(settings: Settings) -> Expected:
    """Count what can be counted without fetching, and say what progress is relative to."""
    n_sources = len(settings.sources)
    counted = _count(settings)
    limit = settings.limit
    if counted is not None:
        total = counted if limit is None else min(counted, limit)
        basis = f"Documents done out of {total}, counted in the sources before the run"
        if limit is not None and limit < counted:
            basis += f" (of {counted}, limited to {limit})"
        return Expected(total, n_sources, basis + ".")
    if limit is not None:
        return Expected(
            limit,
            n_sources,
            f"Documents done out of the run's limit of {limit} (sitemaps "
            "and feeds are not counted before the run; a run that finds fewer ends early).",
        )
    return Expected(
        None,
        n_sources,
        f"Sources finished out of {n_sources} (sitemaps and feeds are not "
        "counted before the run, so progress moves when a source is done).",
    )


def _count(settings: Settings) -> int | None:
    """Distinct documents in local and URL-list sources; None if another kind is selected."""
    if not all(isinstance(s, LocalSource | UrlsSource) for s in settings.sources):
        return None
    ids: set[str] = set()
    for source in settings.sources:
        for item in discover(source, settings.base_dir, None):
            if isinstance(item, Locator):
                ids.add(item.document_id)
    return len(ids)
