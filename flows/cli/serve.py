"""`ingest serve`: every deployment of prefect.yaml served from this process, the no-worker way."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from flows.cli.common import CliError, at_least_one, command, err_console
from flows.deployments import PREFECT_FILE, load_deployments, load_flow, runner_deployment
from flows.server import ServerUnavailable, require_server


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `serve` subcommand."""
    p = command(
        sub,
        "serve",
        "run the deployments of prefect.yaml on their schedules from this process "
        "(no work pool or worker needed; needs PREFECT_API_URL)",
        handle,
    )
    p.add_argument(
        "--prefect-file",
        type=Path,
        default=PREFECT_FILE,
        help="the deployments file (default: prefect.yaml); runs start in its directory",
    )
    p.add_argument(
        "--deployment",
        action="append",
        default=None,
        metavar="NAME",
        help="serve only this deployment (deployment or flow/deployment; repeatable)",
    )
    p.add_argument(
        "--limit",
        type=at_least_one,
        default=1,
        help="flow runs at a time across all served deployments (default 1: they land in "
        "one warehouse)",
    )


def handle(args: argparse.Namespace) -> int:
    """Build the deployments from prefect.yaml, register them with the server and serve them."""
    specs = load_deployments(args.prefect_file)
    try:
        url = require_server("ingest serve")
    except ServerUnavailable as exc:
        raise CliError(str(exc)) from None
    # Served runs resolve relative parameters (sources.yaml, data/…) the way a worker's pull
    # step does: from the directory of prefect.yaml.
    root = args.prefect_file.resolve().parent
    os.chdir(root)
    loaded = [(spec, load_flow(spec, root)) for spec in specs]
    named = {f"{flow.name}/{spec.name}": (spec, flow) for spec, flow in loaded}
    if args.deployment:
        wanted = set(args.deployment)
        unknown = sorted(wanted - set(named) - {spec.name for spec in specs})
        if unknown:
            raise CliError(
                f"{args.prefect_file} has no deployment {', '.join(map(repr, unknown))}. "
                f"It has: {', '.join(named)}."
            )
        named = {n: (s, f) for n, (s, f) in named.items() if {n, s.name} & wanted}
    _refuse_worker_deployments(list(named))
    deployments = [runner_deployment(spec, flow) for spec, flow in named.values()]
    err_console().print(
        f"Serving {', '.join(named)} on {url}, "
        f"{args.limit} run(s) at a time. Ctrl-C stops serving and pauses their schedules."
    )
    from prefect import serve

    serve(*deployments, limit=args.limit, print_starting_message=False)
    # serve() returns only when Ctrl-C stopped it (SIGTERM exits inside it): it swallows the
    # interrupt once it has paused the schedules. Raised again, it ends like any command's (130).
    raise KeyboardInterrupt


def _refuse_worker_deployments(names: list[str]) -> None:
    """Serving a deployment that `prefect deploy` gave a work pool would take it over half-way."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        for name in names:
            try:
                existing = client.read_deployment_by_name(name)
            except ObjectNotFound:
                continue
            if existing.work_pool_name:
                raise CliError(
                    f"{name} is already deployed to work pool '{existing.work_pool_name}' "
                    "(by `prefect deploy`); a worker runs it. Use the worker, or delete it with "
                    f"`uv run prefect deployment delete {name}` and serve it instead."
                )
