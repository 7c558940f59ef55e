"""The normaliser: a fixed sequence of small named steps over a draft article.

Each step is a plain function; the ones that only rewrite text are adapted with
`text_step`, which applies them to title and body and turns their count into a
flag. The order matters and is documented in docs/normalisation.md:

1. markup       stray tags, `?/font>` remnants, entities, invisible characters
2. mojibake     GBK byte-shift runs re-decoded in step (needs the raw characters,
                and the pinyin letters that a shift left glued to them)
3. pinyin       `戰(zhàn)場` → `戰場` (after mojibake: `l(fā)` is a shifted `發(fā)`)
4. script       source script recorded, Traditional converted with OpenCC tw2s
5. punctuation  `?` for a character the encoding lost made `□`, full-width letters
                and digits made ASCII, then half-width marks in Chinese text
                made full-width
6. whitespace   one paragraph per line, indents and blank lines gone
7. boilerplate  line classifier: chrome, editor's notes, credits set aside
8. metadata     title, date, publisher, authors, editors from the set-aside lines,
                then from markup where the text says nothing
"""

from __future__ import annotations

import re

from tasks.normalise.boilerplate import drop_boilerplate, no_article
from tasks.normalise.draft import Draft, Step, text_step
from tasks.normalise.markup import strip_markup
from tasks.normalise.metadata import read_metadata
from tasks.normalise.mojibake import repair_mojibake
from tasks.normalise.pinyin import remove_pinyin
from tasks.normalise.punctuation import (
    ascii_letters_and_digits,
    fullwidth_punctuation,
    mark_missing,
)
from tasks.normalise.script import convert_script, record_script
from tasks.normalise.whitespace import tidy_paragraphs
from tasks.records import Article, Extracted, Rejected

_MISSING = text_step("missing_characters", mark_missing)
_ASCII = text_step("alnum_halfwidth", ascii_letters_and_digits)
_FULLWIDTH = text_step("punctuation_fullwidth", fullwidth_punctuation)


def punctuate(draft: Draft) -> None:
    """Mark lost characters first: a `?` made `？` could no longer be told from a question."""
    _MISSING(draft)
    _ASCII(draft)
    _FULLWIDTH(draft)


STEPS: tuple[tuple[str, Step], ...] = (
    ("markup", text_step("markup_removed", strip_markup)),
    ("mojibake", repair_mojibake),
    ("pinyin", text_step("pinyin_removed", remove_pinyin)),
    ("script", convert_script),
    ("punctuation", punctuate),
    ("whitespace", tidy_paragraphs),
    ("boilerplate", drop_boilerplate),
    ("metadata", read_metadata),
)


STEP_NAMES = frozenset(name for name, _ in STEPS)
# What a skipped step still does: facts about the page it records, as opposed to repairs.
WHEN_SKIPPED: dict[str, Step] = {"script": record_script}


def normalise(
    extracted: Extracted,
    *,
    url: str | None,
    charset: str | None,
    flags: tuple[str, ...] = (),
    skip: frozenset[str] = frozenset(),
) -> Article:
    """Run every step (but those named in `skip`) over an extracted page; return the Article.

    Skipping steps is for looking at what a step does (`ingest extract --skip-step`) and
    for comparing normaliser releases; a run that skips steps must say so in its pipeline
    version. A skipped step's repairs are left out, not the facts it records: skipping
    `script` keeps the text in its own script but still detects `source_script`.
    """
    unknown = skip - STEP_NAMES
    if unknown:
        raise ValueError(f"no normalisation step named {', '.join(sorted(unknown))}")
    draft = Draft(
        text=extracted.text,
        is_html=extracted.is_html,
        flags=list(flags),
        extracted=extracted if extracted.is_html else None,
    )
    for name, step in STEPS:
        if name not in skip:
            step(draft)
        elif name in WHEN_SKIPPED:
            WHEN_SKIPPED[name](draft)
    if not draft.text.strip():
        raise Rejected(
            "normalise", "empty_text", "no article text is left after removing site chrome"
        )
    if no_article(draft.text):
        raise Rejected(
            "normalise",
            "empty_text",
            f"only {len(''.join(draft.text.split()))} characters without a sentence are left "
            "after removing site chrome (a column's names, a lone credit): no article",
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


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


def _language(text: str, hint: str | None) -> str | None:
    sample = text[:1000]  # enough to tell Chinese from not
    letters = len(_LETTER.findall(sample))
    if letters and len(_HAN.findall(sample)) / letters > 0.3:
        return "zh"
    return hint
