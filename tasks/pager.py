"""Articles split over pages: how many pages a page's pager says the article runs over.

News and government sites split long articles (`上一页 1 2 3 下一页`, `第2页 共3页`), and a
fetched page holds one part. The pipeline does not follow the pager; it says so, with the
`paged:N` flag, so that a researcher can find the records that hold part of an article.
"""

from __future__ import annotations

import re

from lxml import etree

# The page links of an article split over pages: `1 2 3 下一页 尾页`, `第2页 共3页`. Atomic
# pieces, repeated possessively: a line that fails near its end (`»»…» 返回首页`) must fail
# at once, not try every way of cutting its marks and digits into pieces (minutes at 30).
PAGER = re.compile(
    r"(?>\s*(?>首页|上一页|下一页|尾页|末页|\d{1,3}(?!\d)|第\s*\d{1,3}\s*页|共\s*\d{1,3}\s*页"
    r"|[<>«»|]++))++\s*"
)
PAGER_MAX = 120  # characters; a pager's row is short
_TURNS = frozenset({"上一页", "下一页"})
_TOTAL = re.compile(r"共\s*(\d{1,3})\s*页")
_NUMBERS = re.compile(r"(?<![\d.])(\d{1,3})(?![\d.])")
# Links that may turn a page: the text test is done in C, before Python sees a link.
_TURN_LINKS = etree.XPath("//a[@href][contains(., '一页')]")


def is_pager(text: str) -> bool:
    """Whether a line is nothing but page links (`1 2 3 下一页`), as the text holds them."""
    return "页" in text and len(text) <= PAGER_MAX and PAGER.fullmatch(text) is not None


def pages_stated(pager: str) -> int:
    """The pages a pager's text counts: `共3页`, the highest page number, 2 for a bare turn."""
    if total := _TOTAL.search(pager):
        return int(total[1])
    numbered = [int(n) for n in _NUMBERS.findall(pager)]
    turns = 2 if any(turn in pager for turn in _TURNS) else 1
    return max([turns, *numbered])


def pages_in_tree(tree) -> int:
    """The pages an HTML page's pager says the article runs over; 1 when it has none.

    A pager is a `上一页`/`下一页` link to another address, with the row of links around it
    (`上一页 1 2 3 下一页`, `第2页 共3页`) when there is one.
    """
    pages = 1
    for link in _TURN_LINKS(tree):
        href = (link.get("href") or "").strip()
        if "".join(link.itertext()).strip() not in _TURNS or href.startswith(("#", "javascript")):
            continue
        row = link
        for box in link.iterancestors():  # the widest box that is still only page links
            text = " ".join(box.text_content().split())
            if len(text) > PAGER_MAX or not PAGER.fullmatch(text):
                break
            row = box
        pages = max(pages, pages_stated(" ".join(row.text_content().split())))
    return pages
