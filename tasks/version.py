"""The pipeline version every landed version records."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

# Bump when a change to extraction or normalisation can change output for the same
# input bytes: `reprocess` then lands new versions where the output differs.
# 3: UTF-8 read as GBK, 著 in context, titles, labels, boilerplate sentences
# 4: data tables, disclosure blocks, hard wraps, full-width ASCII, □ for lost characters,
#    notices, captions, comment sections, unlabelled date lines, HTML info lines
# 5: lists, end marks, credits closing any paragraph, padded headings, closing dates, title
#    decoration, comment halves, times (ISO, 12-hour, day-first), author lists, JSON-LD
NORMALISER_REVISION = 5


@cache
def pipeline_version() -> str:
    """Package version, normaliser revision and the extractor's version, e.g. 0.1.0+n5.t2.3.1."""
    try:
        package = version("zh-corpus")
    except PackageNotFoundError:
        package = "0+unknown"
    try:
        extractor = version("trafilatura")
    except PackageNotFoundError:
        extractor = "unknown"
    return f"{package}+n{NORMALISER_REVISION}.t{extractor}"


@cache
def user_agent(contact: str | None = None) -> str:
    """The User-Agent header: names the project and, when configured, how to reach its operator."""
    try:
        package = version("zh-corpus")
    except PackageNotFoundError:
        package = "0"
    suffix = f"; +{contact}" if contact else ""
    return f"zh-corpus/{package} (research corpus builder{suffix})"
