"""HTML tables before extraction: data tables kept as rows of text, disclosure tables read as metadata.

trafilatura runs with tables off (see `ExtractOptions`): old government sites lay whole
pages out in tables, and with tables on the navigation comes out in one table with the
body. Off, a table's content is dropped, which loses the data tables that statistical
bulletins, budgets and notices carry. So before trafilatura sees the tree:

* a **data table** — a leaf table (no table inside) of at least two rows with two or more
  cells, short cells, little link text, no form — becomes a `<div>` of `<p>` lines, one per
  row (a `<caption>` first), cells joined by ROW_SEPARATOR, which trafilatura keeps as
  paragraphs and the boilerplate step keeps as the article's rows;
* an **information-disclosure table** (政府信息公开: 索引号, 发布机构, 成文日期, 标题, 文号 …,
  labels and their values) is metadata, not text: it is taken out, and its title,
  publication date and publisher are handed to extraction's declared metadata (the date
  written, 成文日期, only as a date of last resort);
* every other table (layout, navigation) is left for trafilatura to see through, as before.

The tree is changed in place and put back by `restore`, so what reads it later (declared
and inferred metadata) sees the page as parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from tasks.normalise.labels import (
    DISCLOSURE_LINE,
    DISCLOSURE_MIN,
    ROW_SEPARATOR,
    disclosure_fields,
    plain_label,
)

CELL_MAX = 200  # characters; a longer cell holds a layout's body, not a datum
LINK_SHARE_MAX = 0.5  # of a table's text; a navigation table is mostly links

_LEAF_TABLES = etree.XPath("//table[not(.//table)]")
_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
_CELLS = etree.XPath("./td | ./th")
_LINK_TEXT = etree.XPath(".//a//text()")
_FORM = etree.XPath(".//form | .//input | .//select | .//textarea")
_SPACES = re.compile(r"\s+")
# A disclosure label alone in its cell (the value in the next), or with a colon and its
# value after it (`索引号：…`).
_LABELLED = DISCLOSURE_LINE


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What an information-disclosure table states about the document, by field."""

    title: str | None = None
    published: str | None = None
    written: str | None = None  # the date written (成文日期): a date of last resort
    publisher: str | None = None


# What `restore` puts back: (parent, element put in, table taken out).
Swaps = list[tuple[etree._Element, etree._Element, etree._Element]]


def prepare_tables(tree) -> tuple[Disclosure | None, Swaps]:
    """Render the tree's data tables as rows of text and take out its disclosure table.

    Returns the disclosure table's metadata (the first such table's), and what to put back.
    """
    disclosure, swaps = None, []
    for table in _LEAF_TABLES(tree):
        parent = table.getparent()
        rows = [[_cell_text(cell) for cell in _CELLS(row)] for row in _ROWS(table)]
        if parent is None or _is_layout(table, rows):
            continue
        if (found := _disclosure(rows)) is not None:
            disclosure = disclosure or found
            swaps.append(swap(parent, table, etree.Element("div")))
        elif _is_data(table, rows):
            swaps.append(swap(parent, table, _rendered(table, rows)))
    return disclosure, swaps


def restore(swaps: Swaps) -> None:
    """Put the elements `swap` took out (tables, `tasks.lists`' lists) back where they stood."""
    for parent, new, table in reversed(swaps):
        table.tail = new.tail
        parent.replace(new, table)


def swap(parent, table, new) -> tuple[etree._Element, etree._Element, etree._Element]:
    """Put `new` where `table` (or any element) stood, for `restore` to undo."""
    new.tail = table.tail
    parent.replace(table, new)
    return parent, new, table


def _cell_text(cell) -> str:
    return _SPACES.sub(" ", cell.text_content()).strip()


def _is_layout(table, rows: list[list[str]]) -> bool:
    """A long cell, or ARIA's word for it: a table laying out a page."""
    long_cell = any(len(cell) > CELL_MAX for cells in rows for cell in cells)
    return long_cell or table.get("role") in ("presentation", "none")


def _is_data(table, rows: list[list[str]]) -> bool:
    """Two rows of two cells or more, short text, not links or a form: a table of data."""
    if sum(len(cells) >= 2 for cells in rows) < 2:
        return False  # one cell a row lays a page out
    text = sum(len(cell) for cells in rows for cell in cells)
    links = sum(len(t.strip()) for t in _LINK_TEXT(table))
    return text > 0 and links <= text * LINK_SHARE_MAX and not _FORM(table)


def _rendered(table, rows: list[list[str]]) -> etree._Element:
    """The table as a `<div>` of `<p>` lines: its caption, then each row's cells joined."""
    # The table's class and id go with it: trafilatura prunes by them (`footer`, `sidebar`).
    div = etree.Element("div", {k: v for k, v in table.attrib.items() if k in ("class", "id")})
    caption = table.find("caption")
    lines = [_cell_text(caption)] if caption is not None else []
    lines += [ROW_SEPARATOR.join(cells) for cells in rows if any(cells)]
    for line in lines:
        if line:
            etree.SubElement(div, "p").text = line
    return div


def _disclosure(rows: list[list[str]]) -> Disclosure | None:
    """The fields of an information-disclosure table, if the table is one.

    One is a table of labels (`索引号：`, `发布机构`, `成文日期` …) each followed by its value,
    in the same cell or the next: at least DISCLOSURE_MIN distinct labels, in more than one
    row. A list of documents headed `名称 | 文号 | 发布日期` has its labels in one row, and is data.
    """
    pairs: list[tuple[str, str]] = []
    label_rows = 0
    for cells in rows:
        in_row = 0
        for i, cell in enumerate(cells):
            match = _LABELLED.match(cell)
            if match is None:
                continue
            in_row += 1
            pairs.append((match["label"], match["value"] or "".join(cells[i + 1 : i + 2])))
        label_rows += in_row > 0
    if len({plain_label(label) for label, _ in pairs}) < DISCLOSURE_MIN or label_rows < 2:
        return None
    fields = disclosure_fields(pairs)
    return Disclosure(
        title=fields.get("title"),
        published=fields.get("published"),
        written=fields.get("written"),
        publisher=fields.get("publisher"),
    )
