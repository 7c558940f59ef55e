"""Helpers shared by the CLI commands: options, consoles, and turning known errors into sentences."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from rich.console import Console

from tasks.settings import DEFAULT_WAREHOUSE, warehouse_file
from tasks.sources import ConfigError
from warehouse.connection import LockPolicy, WarehouseLocked, WarehouseMissing
from warehouse.read import NotInWarehouse, QueryError

PIPE_WIDTH = 160


class CliError(Exception):
    """An error to print as one sentence, without a traceback."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def _width(stream: object) -> int | None:
    # Piped output has no terminal to measure; rich would squeeze tables into 80 columns.
    if getattr(stream, "isatty", lambda: False)():
        return None
    return int(os.environ.get("COLUMNS") or PIPE_WIDTH)


class _Console(Console):
    """A rich console that leaves a closed pipe to `ingest`'s entry point."""

    def on_broken_pipe(self) -> None:
        """Stop printing and raise, for `main` to end quietly as on any closed pipe (rich exits 1)."""
        self.quiet = True
        raise BrokenPipeError


def console() -> Console:
    """Console for results (stdout)."""
    return _Console(highlight=False, soft_wrap=False, width=_width(sys.stdout))


def err_console() -> Console:
    """Console for errors and progress (stderr)."""
    return _Console(stderr=True, highlight=False, width=_width(sys.stderr))


def shown_time(moment: datetime) -> str:
    """A warehouse time as the tables show it: local time with its offset (2026-11-24 17:22:11+08:00).

    `--as-of` and `--since` read it back as the same instant, with the offset or without it
    (a time without a zone is local time there too).
    """
    local = moment.astimezone()
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S}{offset[:3]}:{offset[3:]}"


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of at least 1 (`--limit`), refused with the fix."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_warehouse_option(p: argparse.ArgumentParser) -> None:
    """--warehouse PATH, defaulting to $INGEST_WAREHOUSE or data/warehouse.duckdb."""
    p.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"DuckDB file (default: $INGEST_WAREHOUSE or {DEFAULT_WAREHOUSE})",
    )


def add_wait_option(p: argparse.ArgumentParser) -> None:
    """--wait SECONDS: how long a read keeps retrying while another process holds the file."""
    p.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to keep retrying while another process holds the file (default 30)",
    )


def wait_policy(args: argparse.Namespace) -> LockPolicy:
    """How long a read retries a held warehouse file, from --wait (refused when negative)."""
    if not args.wait >= 0:  # NaN too: its deadline would never pass
        raise CliError(f"--wait must be zero or more seconds, got {args.wait:g}")
    return LockPolicy(timeout=args.wait)


def warehouse_path(args: argparse.Namespace) -> Path:
    """The warehouse path from --warehouse, the environment or the default."""
    return warehouse_file(args.warehouse, os.environ)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn configuration and warehouse errors into CliError sentences."""
    try:
        yield
    except ConfigError as exc:
        raise CliError("\n".join(exc.problems)) from None
    except (WarehouseMissing, NotInWarehouse) as exc:
        raise CliError(str(exc)) from None
    except WarehouseLocked as exc:
        raise CliError(str(exc), exit_code=3) from None
    except QueryError as exc:
        raise CliError(f"the query failed: {exc}") from None


def command(
    sub: argparse._SubParsersAction,
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """Register a subcommand whose handler runs inside friendly_errors()."""

    def run(args: argparse.Namespace) -> int:
        with friendly_errors():
            return handler(args)

    p = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(handler=run)
    return p
