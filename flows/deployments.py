"""prefect.yaml read as data: the deployments it declares, and the same deployments served from one process.

`prefect deploy --all` reads the file with Prefect's own loader; `ingest serve` reads it
here, so schedules, parameters and concurrency limits are written once, in the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tasks.sources import ConfigError

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.flows import Flow
    from prefect.schedules import Schedule

PREFECT_FILE = Path("prefect.yaml")
COLLISION_STRATEGIES = ("ENQUEUE", "CANCEL_NEW")
SCHEDULE_KEYS = {"cron", "interval", "rrule", "timezone", "active", "parameters", "slug", "day_or"}


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule of a deployment, as written: exactly one of cron, interval or rrule."""

    cron: str | None
    interval: timedelta | None
    rrule: str | None
    timezone: str
    active: bool = True
    day_or: bool = True
    slug: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)  # overrides for this schedule


@dataclass(frozen=True)
class ConcurrencySpec:
    """A deployment's concurrency limit and what happens to a run that finds it full."""

    limit: int
    collision_strategy: str = "ENQUEUE"


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml."""

    name: str
    entrypoint: str  # path/to/file.py:function, relative to the file's directory
    parameters: Mapping[str, Any]
    schedules: tuple[ScheduleSpec, ...]
    concurrency: ConcurrencySpec | None
    description: str | None
    tags: tuple[str, ...]
    work_pool: str | None
    file: str  # the prefect.yaml it came from, and where in it, for messages
    line: int


def load_deployments(path: Path = PREFECT_FILE) -> list[DeploymentSpec]:
    """Read every deployment of a prefect.yaml; raise ConfigError naming file, line and fix."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [f"{name}: no such file. Run from the project directory, or pass --prefect-file."]
        ) from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(
            [f"{name}{where}: not valid YAML. Check indentation and quoting."]
        ) from None
    items = data.get("deployments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError([f"{name}: no 'deployments:' list. Add at least one deployment."])
    lines = _item_lines(root)
    specs, problems = [], []
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else 0
        try:
            specs.append(_deployment(item, name, line))
        except ValueError as exc:
            problems.append(f"{name} line {line}: {exc}")
    if problems:
        raise ConfigError(problems)
    return specs


def _item_lines(root: yaml.Node | None) -> list[int]:
    """1-based start line of each item of the top-level 'deployments' list."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "deployments" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _deployment(item: object, file: str, line: int) -> DeploymentSpec:
    if not isinstance(item, dict):
        raise ValueError("each deployment must be a mapping with 'name' and 'entrypoint'.")
    name = item.get("name")
    entrypoint = item.get("entrypoint")
    if not isinstance(name, str) or not name:
        raise ValueError("deployment has no 'name'. Give it one.")
    if not isinstance(entrypoint, str) or ":" not in entrypoint:
        raise ValueError(
            f"deployment '{name}': 'entrypoint' must be path/to/file.py:flow_function."
        )
    schedules = []
    for n, raw in enumerate(item.get("schedules") or [], start=1):
        try:
            schedules.append(_schedule(raw))
        except ValueError as exc:
            raise ValueError(f"deployment '{name}', schedule {n}: {exc}") from None
    limit = item.get("concurrency_limit")
    if isinstance(limit, int):
        concurrency: ConcurrencySpec | None = ConcurrencySpec(limit)
    elif (
        isinstance(limit, dict)
        and isinstance(limit.get("limit"), int)
        and limit.get("collision_strategy", "ENQUEUE") in COLLISION_STRATEGIES
    ):
        concurrency = ConcurrencySpec(limit["limit"], limit.get("collision_strategy", "ENQUEUE"))
    elif limit is None:
        concurrency = None
    else:
        raise ValueError(
            f"deployment '{name}': 'concurrency_limit' must be a number or "
            f"{{limit: N, collision_strategy: {'|'.join(COLLISION_STRATEGIES)}}}."
        )
    pool = item.get("work_pool") or {}
    return DeploymentSpec(
        name=name,
        entrypoint=entrypoint,
        parameters=dict(item.get("parameters") or {}),
        schedules=tuple(schedules),
        concurrency=concurrency,
        description=item.get("description"),
        tags=tuple(item.get("tags") or ()),
        work_pool=pool.get("name") if isinstance(pool, dict) else None,
        file=file,
        line=line,
    )


def _schedule(raw: object) -> ScheduleSpec:
    if not isinstance(raw, dict):
        raise ValueError("write a schedule as a mapping, e.g. {cron: '30 2 * * *', timezone: …}.")
    unknown = sorted(set(raw) - SCHEDULE_KEYS)
    if unknown:
        raise ValueError(
            f"unknown key {', '.join(map(repr, unknown))}. Allowed: {', '.join(sorted(SCHEDULE_KEYS))}."
        )
    kinds = [k for k in ("cron", "interval", "rrule") if raw.get(k) is not None]
    if len(kinds) != 1:
        raise ValueError("give exactly one of 'cron', 'interval' or 'rrule'.")
    if not raw.get("timezone"):
        # `prefect deploy` would silently use UTC; the sites publish on Beijing time.
        raise ValueError("no 'timezone'. Add one, e.g. 'timezone: Asia/Shanghai'.")
    interval = raw.get("interval")
    if interval is not None and not isinstance(interval, int | float):
        raise ValueError(f"'interval' must be a number of seconds, got {interval!r}.")
    return ScheduleSpec(
        cron=raw.get("cron"),
        interval=None if interval is None else timedelta(seconds=interval),
        rrule=raw.get("rrule"),
        timezone=raw["timezone"],
        active=bool(raw.get("active", True)),
        day_or=bool(raw.get("day_or", True)),
        slug=raw.get("slug"),
        parameters=dict(raw.get("parameters") or {}),
    )


def load_flow(spec: DeploymentSpec, root: Path) -> Flow:
    """Import the flow a deployment's entrypoint names, relative to the project root."""
    from prefect.flows import load_flow_from_entrypoint

    path, function = spec.entrypoint.rsplit(":", 1)
    try:
        return load_flow_from_entrypoint(f"{root / path}:{function}")
    except Exception as exc:  # any import-time error of the flow's module lands here
        raise ConfigError(
            [
                f"{spec.file} line {spec.line}: deployment '{spec.name}': cannot load "
                f"'{spec.entrypoint}' ({type(exc).__name__}: {exc}). Fix the entrypoint, or "
                "comment the deployment out until its flow exists."
            ]
        ) from None


def runner_deployment(spec: DeploymentSpec, flow: Flow) -> RunnerDeployment:
    """The deployment as `serve` takes it: same name, parameters, schedules and limit as the file."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    limit = None
    if spec.concurrency is not None:
        limit = ConcurrencyLimitConfig(
            limit=spec.concurrency.limit,
            collision_strategy=spec.concurrency.collision_strategy,  # type: ignore[arg-type]
        )
    return flow.to_deployment(
        name=spec.name,
        parameters=_with_env(dict(spec.parameters)),
        schedules=[prefect_schedule(s) for s in spec.schedules],
        concurrency_limit=limit,
        description=spec.description,
        tags=list(spec.tags),
    )


def prefect_schedule(spec: ScheduleSpec) -> Schedule:
    """The schedule as a Prefect schedule object."""
    from prefect.schedules import Schedule

    return Schedule(**asdict(spec))  # the fields are named as Prefect names them


def _with_env(parameters: dict[str, Any]) -> dict[str, Any]:
    """Fill `{{ $VAR }}` placeholders from the environment, as `prefect deploy` does."""
    from prefect.utilities.templating import apply_values

    return apply_values(parameters, os.environ, remove_notset=False)
