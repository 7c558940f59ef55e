"""`ingest run`: run the ingest flow in this process, or trigger a deployment on the Prefect server."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from flows.cli.common import (
    CliError,
    add_warehouse_option,
    at_least_one,
    command,
    console,
    err_console,
)
from flows.cli.inprocess import add_flow_options, prefect_here, show_summary
from tasks.settings import build_settings

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

    from flows.trigger import StateSeen, TableArtifact, Triggered


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    p = command(
        sub,
        "run",
        "run the ingest flow over the configured sources, or trigger a deployment on the server",
        handle,
    )
    p.add_argument(
        "--sources",
        dest="sources_file",
        default=None,
        help="sources file (default: $INGEST_SOURCES or sources.yaml)",
    )
    add_warehouse_option(p)
    p.add_argument(
        "--source",
        dest="only",
        action="append",
        default=None,
        metavar="NAME",
        help="only this source (repeatable)",
    )
    p.add_argument("--group", default=None, help="only sources of this group")
    p.add_argument(
        "--limit",
        type=at_least_one,
        default=None,
        help="take at most this many documents, those no earlier run attempted first",
    )
    add_flow_options(p)  # no defaults: --deployment refuses in-process options that were given
    remote = p.add_argument_group("on a Prefect server (PREFECT_API_URL)")
    remote.add_argument(
        "--deployment",
        metavar="NAME",
        default=None,
        help="trigger this deployment (flow/deployment, e.g. ingest/samples) instead of running here",
    )
    remote.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a deployment parameter; VALUE is read as JSON when it parses, else as text",
    )
    remote.add_argument(
        "--watch",
        action="store_true",
        help="follow the triggered run to its end; exit 0 if it completed, 1 otherwise",
    )


def handle(args: argparse.Namespace) -> int:
    """Validate the settings before starting Prefect, run the flow, print the summary."""
    if args.deployment:
        return trigger_deployment(args)
    if args.param or args.watch:
        raise CliError("--param and --watch go with --deployment NAME.")
    settings = build_settings(
        args.sources_file,
        args.warehouse,
        args.only,
        args.group,
        args.batch_size,
        args.limit,
        args.workers,
    )
    with prefect_here("ingest") as here:
        from flows.ingest import ingest
        from tasks.batch import workers_standing_by
        from tasks.process import ProcessOptions
        from tasks.version import pipeline_version

        # The workers warm up while Prefect's server starts; the run's Runner claims them.
        with workers_standing_by(settings, ProcessOptions(pipeline_version())):
            summary = here.run(
                lambda: ingest(
                    sources_file=str(settings.sources_file),
                    warehouse=str(settings.warehouse),
                    sources=args.only,
                    group=args.group,
                    batch_size=settings.batch_size,
                    limit=settings.limit,
                    workers=settings.workers,
                )
            )
        show_summary(summary, args.json)
    return 0


# Options that shape a run in this process; a deployment takes its parameters from --param.
LOCAL_ONLY = ("sources_file", "warehouse", "only", "group", "batch_size", "limit", "workers")
LEVELS = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}


def trigger_deployment(args: argparse.Namespace) -> int:
    """Trigger a deployment on the server; with --watch, follow it and exit with its outcome."""
    given = [
        f"--{name.replace('_', '-')}" for name in LOCAL_ONLY if getattr(args, name) is not None
    ]
    if given:
        raise CliError(
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for runs in this process; "
            "with --deployment pass flow parameters as --param NAME=VALUE (e.g. --param limit=5)."
        )
    import httpx

    from flows.server import ServerUnavailable, require_server
    from flows.trigger import TriggerError, parse_params, table_artifacts, trigger

    url = None
    try:
        params = parse_params(args.param)
        url = require_server("ingest run --deployment")
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            run = trigger(client, args.deployment, params)
            err_console().print(
                f"Triggered {run.deployment} on {url}: flow run "
                f"'{run.flow_run_name}' ({run.flow_run_id})."
            )
            if run.url:
                err_console().print(f"Follow it in the UI: {run.url}")
            if not args.watch:
                _print_remote(args, run, None)
                return 0
            try:
                state = _watch(client, run)
            except KeyboardInterrupt:
                err_console().print(
                    f"Stopped watching; flow run '{run.flow_run_name}' keeps running on the server."
                )
                return 130
            _print_remote(args, run, state, table_artifacts(client, run.flow_run_id))
    except (ServerUnavailable, TriggerError) as exc:
        raise CliError(str(exc)) from None
    except httpx.HTTPStatusError as exc:
        raise CliError(
            f"the Prefect server at {url} answered {exc.response.status_code} to "
            f"{exc.request.method} {exc.request.url.path}. Check the server's log."
        ) from None
    except httpx.TransportError as exc:
        raise CliError(
            f"lost the Prefect server at {url} ({type(exc).__name__}). A triggered run goes on "
            "without this command: check it in the UI once the server is back."
        ) from None
    return 0 if state.type == "COMPLETED" else 1


def _watch(client: SyncPrefectClient, run: Triggered) -> StateSeen:
    """Print the run's states and logs as they come; return its final state."""
    from flows.trigger import Hint, LogLine, follow

    out = err_console()
    final = None
    for event in follow(client, run):
        if isinstance(event, LogLine):
            stamp = event.timestamp.astimezone().strftime("%H:%M:%S")
            level = LEVELS.get(event.level, str(event.level))
            out.print(f"{stamp} {level:<7} {escape(event.message)}")
        elif isinstance(event, Hint):
            out.print(f"[yellow]{escape(event.text)}[/]")
        else:
            out.print(
                f"[bold]state: {event.name}[/]"
                + (f" ({escape(event.message)})" if event.message else "")
            )
            if event.final:
                final = event
    assert final is not None  # follow() ends only on a final state
    return final


def _print_remote(
    args: argparse.Namespace,
    run: Triggered,
    state: StateSeen | None,
    tables: Sequence[TableArtifact] = (),
) -> None:
    """What became of the triggered run: JSON with --json, else its state and table artifacts."""
    if args.json:
        print(
            json.dumps(
                {
                    "flow_run_id": str(run.flow_run_id),
                    "flow_run_name": run.flow_run_name,
                    "deployment": run.deployment,
                    "url": run.url,
                    "state": state.name if state else None,
                    "state_type": state.type if state else None,
                    "tables": {t.key: t.rows for t in tables},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    out = console()
    for artifact in tables:
        table = Table(title=artifact.description or artifact.key)
        columns = list(artifact.rows[0]) if artifact.rows else []
        for column in columns:
            table.add_column(column)
        for row in artifact.rows:
            table.add_row(*(str(row.get(c, "")) for c in columns))
        out.print(table)
    if state is not None:
        out.print(f"flow run '{run.flow_run_name}' of {run.deployment}: {state.name}")
