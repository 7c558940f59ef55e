"""Helpers shared by the reliability tests: a good page, tight limits, warehouse lookups."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, query

from warehouse.connection import open_connection

GOOD_HTML = (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
PARAGRAPH = "河南省直机关各级党组织和广大共产党员深入贯彻习近平总书记重要指示精神，在疫情防控阻击战中奋勇当先。"
ARTICLE = (
    "<html><head><title>疫情防控</title></head><body><article><h1>疫情防控</h1>"
    f"<p>{PARAGRAPH}</p></article></body></html>"
)
NO_DELAY = {"delay": 0, "concurrency": 8}
# Tight limits so every fault resolves in seconds; LIMIT is what a whole run may take.
# Not tighter: the good page beside each bad one must still arrive within them while two
# extraction workers start on a loaded 2-core machine.
FAST = {
    "connect_timeout": 2,
    "read_timeout": 2,
    "total_timeout": 4,
    "retries": 1,
    "backoff": 0.01,
    "max_backoff": 0.05,
    "max_bytes": 1_000_000,
}
EXTRACT_TIMEOUT = 3
LIMIT = 45.0


def observations_of(root: Path, locator: str) -> list[dict]:
    """Every observation of one locator, oldest first, as dicts."""
    cols = [r[0] for r in query(root, "select column_name from (describe observations)")]
    rows = query(
        root, "select * from observations where locator = ? order by observed_at", [locator]
    )
    return [dict(zip(cols, r, strict=True)) for r in rows]


def landed(root: Path, locator: str) -> bool:
    """Whether the document has a version."""
    return bool(query(root, "select 1 from articles where locator = ?", [locator]))


def warehouse_rows(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on the warehouse, opened the way the pipeline opens it (migrations run)."""
    conn = open_connection(warehouse)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def article_pages(root: Path, count: int, prefix: str = "doc") -> list[str]:
    """Write `count` distinct small articles as .txt files under root/docs; return their names."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        name = f"{prefix}{i:04d}.txt"
        (docs / name).write_text(
            f"第{i}号通知\n{PARAGRAPH}\n这是第{i}篇文章的正文，编号{i * 7919}。\n", encoding="utf-8"
        )
        names.append(name)
    return names
