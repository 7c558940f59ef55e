"""Trigger a deployment on the Prefect server and follow its flow run to the end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from flows.server import ui_url

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.responses import DeploymentResponse

# A run still unclaimed after this long most likely has no worker (or `ingest serve`) to run it.
UNCLAIMED_HINT_AFTER = 30.0
# Logs reach the server in batches, not in timestamp order: re-read this far back each poll.
LOG_LOOKBACK = timedelta(seconds=15)
# Once the run is final its process may still be sending its last log lines (batched every
# PREFECT_LOGGING_TO_API_BATCH_INTERVAL seconds, and once more as it exits); they are read
# until none has come for that interval and one poll more, but for no longer than this.
SETTLE_AT_MOST = 30.0


class TriggerError(Exception):
    """The run could not be triggered or followed; the message says why and what to do."""


@dataclass(frozen=True)
class Triggered:
    """A flow run created from a deployment."""

    flow_run_id: UUID
    flow_run_name: str
    deployment: str  # flow/deployment
    work_pool: str | None
    url: str | None  # the run's page in the UI


@dataclass(frozen=True)
class LogLine:
    """One log record of the run."""

    timestamp: datetime
    level: int
    message: str


@dataclass(frozen=True)
class StateSeen:
    """The run entered a new state."""

    name: str
    type: str  # SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CRASHED, CANCELLED, …
    message: str | None
    final: bool


@dataclass(frozen=True)
class Hint:
    """Something the person watching should know, e.g. that no worker seems to be running."""

    text: str


@dataclass(frozen=True)
class TableArtifact:
    """A table artifact of the run."""

    key: str | None
    description: str | None
    rows: list[dict[str, Any]]


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """Turn `k=v` strings into parameters: values are JSON when they parse as JSON, else strings."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise TriggerError(f"--param '{pair}' is not NAME=VALUE; write e.g. --param limit=5.")
        try:
            params[key.strip()] = json.loads(raw)
        except ValueError:
            params[key.strip()] = raw
    return params


def trigger(client: SyncPrefectClient, name: str, params: dict[str, Any]) -> Triggered:
    """Create a flow run of the named deployment with these parameter overrides."""
    from prefect.exceptions import PrefectHTTPStatusError

    deployment = find_deployment(client, name)
    flow_name = client.read_flow(deployment.flow_id).name
    full_name = f"{flow_name}/{deployment.name}"
    known = (deployment.parameter_openapi_schema or {}).get("properties") or {}
    unknown = sorted(set(params) - set(known))
    if known and unknown:
        raise TriggerError(
            f"{full_name} has no parameter {', '.join(map(repr, unknown))}. "
            f"Its parameters: {', '.join(known)}."
        )
    try:
        run = client.create_flow_run_from_deployment(deployment.id, parameters=params)
    except PrefectHTTPStatusError as exc:
        raise TriggerError(
            f"the server refused to start {full_name}: {_detail(exc)}. Check the --param values."
        ) from None
    base = ui_url()
    return Triggered(
        flow_run_id=run.id,
        flow_run_name=run.name,
        deployment=full_name,
        work_pool=deployment.work_pool_name,
        url=f"{base}/runs/flow-run/{run.id}" if base else None,
    )


def find_deployment(client: SyncPrefectClient, name: str) -> DeploymentResponse:
    """A deployment by `flow/deployment`, or by its own name when that is unambiguous."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.exceptions import ObjectNotFound

    if "/" in name:
        try:
            return client.read_deployment_by_name(name)
        except ObjectNotFound:
            pass
        candidates = []
    else:
        candidates = client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name]))
        )
        if len(candidates) == 1:
            return candidates[0]
    known = _deployment_names(client)
    if len(candidates) > 1:
        matches = [n for n in known if n.endswith(f"/{name}")]
        raise TriggerError(
            f"more than one deployment is called '{name}': {', '.join(matches)}. "
            "Name it as flow/deployment."
        )
    listed = f"Deployments there: {', '.join(known)}." if known else "It has no deployments."
    raise TriggerError(
        f"no deployment '{name}' on the Prefect server. {listed} "
        "Create them with `uv run prefect deploy --all`, or serve them with `ingest serve`."
    )


def _deployment_names(client: SyncPrefectClient) -> list[str]:
    flows = {f.id: f.name for f in client.read_flows()}
    return sorted(f"{flows.get(d.flow_id, '?')}/{d.name}" for d in client.read_deployments())


def follow(
    client: SyncPrefectClient, triggered: Triggered, poll: float = 1.0
) -> Iterator[LogLine | StateSeen | Hint]:
    """Yield the run's state changes and log lines until it reaches a final state.

    The final state comes last, after the log lines the run's process sent once it was
    already final (see `SETTLE_AT_MOST`).
    """
    logs = _LogReader(client, triggered.flow_run_id)
    started = time.monotonic()
    last_state: tuple[str, str] | None = None
    hinted = False
    while True:
        run = client.read_flow_run(triggered.flow_run_id)
        yield from logs.new()
        state = run.state
        if state is not None and state.is_final():
            final = StateSeen(state.name, state.type.value, state.message, True)
            break
        if state is not None and (state.name, state.type.value) != last_state:
            last_state = (state.name, state.type.value)
            yield StateSeen(state.name, state.type.value, state.message, False)
        unclaimed = state is None or state.name in ("Scheduled", "Late")
        if unclaimed and not hinted and time.monotonic() - started > UNCLAIMED_HINT_AFTER:
            hinted = True
            yield Hint(_unclaimed_hint(triggered))
        time.sleep(poll)
    yield from _last_logs(logs, poll)
    yield final


def _last_logs(logs: _LogReader, poll: float) -> Iterator[LogLine]:
    """The log lines still on their way once the run is final: until they stop coming."""
    from prefect.settings import get_current_settings

    quiet = get_current_settings().logging.to_api.batch_interval + poll
    now = time.monotonic()
    give_up, last_line = now + SETTLE_AT_MOST, now
    while (now := time.monotonic()) - last_line < quiet and now < give_up:
        time.sleep(min(poll, quiet))
        for line in logs.new():
            last_line = time.monotonic()
            yield line


def _unclaimed_hint(triggered: Triggered) -> str:
    if triggered.work_pool:
        return (
            f"no worker has picked the run up yet: is `uv run prefect worker start --pool "
            f"{triggered.work_pool}` running against this server?"
        )
    return "nothing has picked the run up yet: is `ingest serve` running against this server?"


class _LogReader:
    """Reads a run's logs incrementally, each record once."""

    def __init__(self, client: SyncPrefectClient, flow_run_id: UUID):
        self.client = client
        self.flow_run_id = flow_run_id
        self.seen: set[UUID] = set()
        self.since: datetime | None = None

    def new(self) -> Iterator[LogLine]:
        from prefect.client.schemas.filters import (
            LogFilter,
            LogFilterFlowRunId,
            LogFilterTimestamp,
        )
        from prefect.client.schemas.sorting import LogSort

        after = self.since - LOG_LOOKBACK if self.since else None
        page, offset = 200, 0
        while True:
            batch = self.client.read_logs(
                log_filter=LogFilter(
                    flow_run_id=LogFilterFlowRunId(any_=[self.flow_run_id]),
                    timestamp=LogFilterTimestamp(after_=after) if after else None,
                ),
                limit=page,
                offset=offset,
                sort=LogSort.TIMESTAMP_ASC,
            )
            for log in batch:
                if log.id in self.seen:
                    continue
                self.seen.add(log.id)
                self.since = max(self.since, log.timestamp) if self.since else log.timestamp
                yield LogLine(log.timestamp, log.level, log.message)
            if len(batch) < page:
                return
            offset += page


def table_artifacts(client: SyncPrefectClient, flow_run_id: UUID) -> list[TableArtifact]:
    """The run's table artifacts, as rows."""
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterType,
    )

    found = client.read_artifacts(
        artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            type=ArtifactFilterType(any_=["table"]),
        )
    )
    tables = []
    for artifact in found:
        data = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
        if isinstance(data, dict):  # column-wise: {"col": [values…]}
            data = [
                dict(zip(data, values, strict=True)) for values in zip(*data.values(), strict=True)
            ]
        tables.append(TableArtifact(artifact.key, artifact.description, list(data or [])))
    return tables


def _detail(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    try:
        detail = response.json().get("detail") if response is not None else None
    except ValueError:
        detail = None
    return str(detail or exc).strip()
