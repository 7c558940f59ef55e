"""The draft article that normalisation steps work on, and the adapter for text-only steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.normalise.boilerplate import Role
    from tasks.records import Extracted


@dataclass(slots=True)
class Draft:
    """The article while the steps work on it; only normalisation sees this mutable form."""

    text: str
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    # Set by the script step, or detected without converting when it is skipped (pipeline.py).
    source_script: str = "hans"
    is_html: bool = False
    flags: list[str] = field(default_factory=list)
    # What the page's markup declared (HTML only); the metadata step uses it to fill gaps.
    extracted: Extracted | None = None
    # Paragraphs the boilerplate step took out of the text, with their roles, in order.
    aside: list[tuple[Role, str]] = field(default_factory=list)

    def flag(self, name: str, count: int = 1) -> None:
        """Record that a step did something, `count` times.

        A flag raised before (decoding and the mojibake step both repair UTF-8 read as
        Latin-1) keeps its place and adds up: each name is there once.
        """
        if not count:
            return
        for i, earlier in enumerate(self.flags):
            if earlier.split(":", 1)[0] == name:
                if name not in _COUNTLESS:
                    self.flags[i] = f"{name}:{count + int(earlier.partition(':')[2] or 1)}"
                return
        self.flags.append(name if count == 1 and name in _COUNTLESS else f"{name}:{count}")


# Flags that read as a statement rather than a tally.
_COUNTLESS = frozenset({"t2s", "charset_mismatch", "charset_unknown"})

Step = Callable[[Draft], None]


def text_step(flag: str, rewrite: Callable[[str], tuple[str, int]]) -> Step:
    """Adapt a text rewrite returning (text, count) into a step over title and body."""

    def step(draft: Draft) -> None:
        draft.text, count = rewrite(draft.text)
        if draft.title:
            draft.title, in_title = rewrite(draft.title)
            count += in_title
        draft.flag(flag, count)

    step.__name__ = rewrite.__name__
    return step
