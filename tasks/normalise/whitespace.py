"""Whitespace and paragraph structure: one paragraph per line, no indents, no blank lines."""

from __future__ import annotations

import re

from tasks.normalise.draft import Draft

_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002-\u200a\u202f\u205f]+")


def tidy_lines(text: str) -> list[str]:
    """Split into stripped, non-empty lines with inner runs of spaces collapsed."""
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if line:
            lines.append(line)
    return lines


def tidy_paragraphs(draft: Draft) -> None:
    """One paragraph per line, for the title and the body."""
    draft.text = "\n".join(tidy_lines(draft.text))
    if draft.title:
        draft.title = " ".join(tidy_lines(draft.title)) or None
