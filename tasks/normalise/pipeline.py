"""The normaliser: a fixed sequence of small named steps over a draft article.

Each step is a plain function; the ones that only rewrite text are adapted with
`text_step`, which applies them to title and body and turns their count into a
flag. The order matters and is documented in docs/normalisation.md.
"""

from __future__ import annotations

from tasks.normalise.draft import Draft, Step, text_step
from tasks.normalise.markup import strip_markup
from tasks.normalise.script import convert_script
from tasks.normalise.whitespace import tidy_paragraphs
from tasks.records import Article, Extracted, Rejected

STEPS: tuple[tuple[str, Step], ...] = (
    ("markup", text_step("markup_removed", strip_markup)),
    ("script", convert_script),
    ("whitespace", tidy_paragraphs),
)


def normalise(
    extracted: Extracted, *, url: str | None, charset: str | None, flags: tuple[str, ...] = ()
) -> Article:
    """Run every step over an extracted page and return the clean Article."""
    draft = Draft(
        text=extracted.text,
        title=extracted.title,
        published=extracted.published,
        publisher=extracted.publisher,
        authors=[extracted.author] if extracted.author else [],
        is_html=extracted.is_html,
        flags=list(flags),
    )
    for _, step in STEPS:
        step(draft)
    if not draft.text.strip():
        raise Rejected(
            "normalise", "empty_text", "no article text is left after removing site chrome"
        )
    return Article(
        title=draft.title or None,
        text=draft.text,
        published=draft.published,
        publisher=draft.publisher,
        authors=tuple(draft.authors),
        editors=tuple(draft.editors),
        url=url,
        language=_language(draft.text, extracted.language),
        source_script=draft.source_script,
        charset=charset,
        flags=tuple(draft.flags),
    )


def _language(text: str, hint: str | None) -> str | None:
    sample = text[:4000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters and han / letters > 0.3:
        return "zh"
    return hint
