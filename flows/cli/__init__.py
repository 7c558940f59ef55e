"""The `ingest` command line.

Commands that run no flow (extract, query, history, status, check, dupes, search,
export) never import Prefect, so they answer in well under a second. Every command module
is imported to build the parser, so what only one handler needs and is slow to import
(pyarrow, requests) is imported in that handler: `ingest --help` took 0.36 s instead of
0.56, `ingest status` 0.43 s instead of 0.63.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from flows.cli import (
    check,
    dupes,
    export,
    extract,
    history,
    query,
    reprocess,
    run,
    search,
    serve,
    status,
)
from flows.cli.common import CliError, err_console

COMMANDS = (run, reprocess, extract, history, query, status, check, search, dupes, export, serve)

# What a shell reports for a command killed by SIGPIPE (128 + 13), as `cat big | head` does.
BROKEN_PIPE_EXIT = 141


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    top = argparse.ArgumentParser(
        prog="ingest",
        description="Turn Chinese-language news and government pages into a versioned DuckDB corpus.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ingest` script."""
    args = parser().parse_args(argv)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe is found here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        # The reader went away (`| head`): what it wanted was printed, so end quietly. Stdout
        # points at devnull so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_EXIT
    except CliError as exc:
        err_console().print(f"[bold red]error:[/] {exc}", highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console().print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
