"""Pages that are not articles although nothing failed: soft 404s, and markup nested past reach.

A site that answers "页面不存在" with status 200 would otherwise land its error
page as an article, and a new version of it whenever the template changes. When
extraction finds nothing, the reason a person needs is often more specific than
"no main text": the page is an error page, or its markup nests deeper than the
HTML parser follows.
"""

from __future__ import annotations

import re

from tasks.records import Rejected

# "page/article does not exist / was deleted", "cannot find the page", "404 not found".
_SOFT_404 = re.compile(
    r"(页面|頁面|网页|網頁|文章|信息|資訊|内容|內容|稿件|栏目|欄目|链接|鏈接)\s*(已|已经|已經)?\s*"
    r"(不存在|未找到|找不到|无法找到|無法找到|被删除|被刪除|删除|刪除|下线|下線|过期|過期|失效)"
    r"|(找不到|无法找到|無法找到|未找到|无法访问|無法訪問)\s*(该|該|此|您要的|您访问的|您訪問的)?\s*"
    r"(页面|頁面|网页|網頁|文章)"
    r"|404\s*(not\s*found|错误|錯誤|页面|頁面|网页|網頁)|page\s+not\s+found",
    re.IGNORECASE,
)
# An error page says little: a title match counts up to this much text, a body match up to less.
TITLE_MATCH_MAX_CHARS = 2000
TEXT_MATCH_MAX_CHARS = 200
# libxml2's HTML parser stops descending at this depth; text below it is silently dropped.
PARSER_MAX_DEPTH = 255
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
# Void elements never nest; these may omit their end tags, so they do not count either.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
    ]
)


def soft_404(title: str | None, text: str) -> Rejected | None:
    """The rejection for an error page served as a normal page, or None for an article."""
    text = text.strip()
    for where, value, limit in (
        ("title", title or "", TITLE_MATCH_MAX_CHARS),
        ("text", text, TEXT_MATCH_MAX_CHARS),
    ):
        # Length first: an article too long to be an error page costs no search.
        if len(text) <= limit and (match := _SOFT_404.search(value)):
            value = " ".join(value.split())
            quoted = value if len(value) <= 40 else match.group(0)
            return Rejected(
                "extract",
                "soft_404",
                f"the page is an error page served with a success status: its {where} says "
                f"'{quoted}'. The document was probably removed; nothing was landed",
            )
    return None


def explain_empty(html: str, rejection: Rejected) -> Rejected:
    """A more specific reason for a page extraction found nothing in, when there is one."""
    if rejection.reason != "empty_extraction":
        return rejection
    title_match = _TITLE.search(html, 0, 64 * 1024)
    title = title_match.group(1) if title_match else None
    visible = re.sub(r"<[^>]*>", " ", _SKIPPED.sub(" ", html[: 64 * 1024]))
    visible = re.sub(r"\s+", " ", visible)
    if (found := soft_404(title, visible)) is not None:
        return found
    depth = markup_depth(html)
    if depth > PARSER_MAX_DEPTH:
        return Rejected(
            "extract",
            "too_deeply_nested",
            f"the markup nests elements {depth:,} levels deep; the HTML parser stops at "
            f"{PARSER_MAX_DEPTH}, so the text inside cannot be reached",
        )
    return rejection


def markup_depth(html: str) -> int:
    """The deepest element nesting in the markup, counting unclosed elements as open."""
    depth = deepest = 0
    for match in _TAG.finditer(_SKIPPED.sub(" ", html)):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest
