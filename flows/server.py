"""The Prefect server a command talks to: where it is, and one clear sentence when it is not there."""

from __future__ import annotations

START_HINT = (
    "Start one with `uv run prefect server start` and "
    "`export PREFECT_API_URL=http://127.0.0.1:4200/api`"
)


class ServerUnavailable(Exception):
    """No Prefect server is configured or reachable; the message says what to do."""


def api_url() -> str | None:
    """The configured API URL (PREFECT_API_URL or the active Prefect profile), if any."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def ui_url() -> str | None:
    """The base URL of the Prefect UI that belongs to the configured API."""
    from prefect.settings import get_current_settings

    return get_current_settings().ui_url


def require_server(what: str) -> str:
    """Return the API URL after checking the server answers; raise ServerUnavailable if not."""
    from prefect.client.orchestration import get_client

    url = api_url()
    if not url:
        raise ServerUnavailable(
            f"{what} needs a Prefect server, and PREFECT_API_URL is not set. {START_HINT}."
        )
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise ServerUnavailable(
            f"cannot reach the Prefect server at {url} ({_reason(problem)}). "
            f"Start it with `uv run prefect server start`, or point PREFECT_API_URL at a running server."
        )
    return url


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
