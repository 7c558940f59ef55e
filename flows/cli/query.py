"""`ingest query`: run SQL read-only against the warehouse."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal

from rich.table import Table

from flows.cli.common import (
    add_wait_option,
    add_warehouse_option,
    command,
    console,
    err_console,
    wait_policy,
    warehouse_path,
)
from warehouse.read import run_query


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `query` subcommand."""
    p = command(sub, "query", "run SQL read-only and print the result", handle)
    p.add_argument("sql", help='e.g. "select title, published from articles limit 5"')
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add_wait_option(p)
    add_warehouse_option(p)


def handle(args: argparse.Namespace) -> int:
    """Run the query and print it in the chosen format."""
    result = run_query(warehouse_path(args), args.sql, wait_policy(args))
    columns = result.columns
    if args.format in ("csv", "json"):
        columns = unique_names(result.columns)
        renamed = [
            (i, given, name)
            for i, (given, name) in enumerate(zip(result.columns, columns, strict=True), 1)
            if given != name
        ]
        if renamed:
            repeated = ", ".join(dict.fromkeys(given for _, given, _ in renamed))
            calls = ", ".join(f"column {i} {name}" for i, _, name in renamed)
            err_console().print(
                f"note: more than one column is named {repeated}, so this output calls {calls} "
                "to keep every value; give each column its own alias (AS name) to choose"
            )
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in result.rows])
    elif args.format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in result.rows]
        print(json.dumps(records, ensure_ascii=False, indent=2, default=_json_default))
    else:
        table = Table(show_lines=False)
        for name in result.columns:
            table.add_column(name, overflow="fold")
        for row in result.rows:
            table.add_row(*(_cell(v) for v in row))
        console().print(table)
        console().print(f"{len(result.rows)} row(s)")
    return 0


def unique_names(columns: list[str]) -> list[str]:
    """Column names made unique for formats that key by name: a repeat of `a` becomes `a_2`.

    A suffix never takes a name the result already has (`a, a, a_2` gives `a, a_3, a_2`).
    """
    given = set(columns)
    taken: set[str] = set()
    names = []
    for name in columns:
        unique, n = name, 2
        while unique in taken or (unique != name and unique in given):
            unique, n = f"{name}_{n}", n + 1
        taken.add(unique)
        names.append(unique)
    return names


def _plain(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return "" if value is None else value


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    text = str(_plain(value))
    return text if len(text) <= 200 else text[:199] + "…"


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
