"""Prefect's API server for one command, started by us before anything imports Prefect.

Without PREFECT_API_URL, Prefect starts this same server itself (`SubprocessASGIServer`: uvicorn
over `prefect.server.api.server:create_app` in a subprocess, the UI off) on the first call that
needs an API. Doing it here instead saves seconds on every `ingest run`:

- Prefect's class lives in the module that builds the whole server app, so importing it cost
  the command's own process 2.6 s of CPU before the subprocess, which imports the same, began;
- started first, the server boots on one core while this process imports the flow on the other;
- the server is stopped when the command has printed its result, not at interpreter exit;
- Ctrl-C reaches the command, not the server, and the server dies with the command (below).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Prefect's own default is 20 s, which a busy 2-core machine exceeds (measured: 21 s under load
# 4-5); a first start on a new PREFECT_HOME also creates the server's database.
STARTUP_TIMEOUT_S = 120.0
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}  # unless the environment says otherwise
EPHEMERAL = {
    # What Prefect sets for its own temporary server: no UI, ephemeral services only.
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
    # What the server writes goes to a file, quoted only when it fails to start: its errors
    # must be in it even where PREFECT_SERVER_LOGGING_LEVEL quiets a standing server.
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}
STARTUP_FAILURE = 3  # uvicorn's exit code when it cannot bind, or the app cannot start
STOP_TIMEOUT_S = 10.0
# The server runs in a session of its own, so a terminal's Ctrl-C reaches the command, which
# stops the server once it has recorded the interruption; before, Ctrl-C killed the server
# too, and the run then retried every API call against it for minutes. In exchange it must
# die with the command however that ends (kill -9 included): this starts uvicorn after asking
# Linux to send it SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG; elsewhere a no-op).
_WITH_PARENT = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    sys.exit(0)
sys.argv[0] = "uvicorn"
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


class ServerFailed(RuntimeError):
    """The temporary server did not come up; the message says what to do."""


class TemporaryServer:
    """A Prefect API server in a subprocess of ours, on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.timeout = _startup_timeout()
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        self._launch()

    @property
    def api_url(self) -> str:
        """The URL clients use (PREFECT_API_URL's form)."""
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def pid(self) -> int | None:
        """The server process's id while it runs."""
        return self.process.pid if self.process is not None else None

    def wait_ready(self) -> None:
        """Return once the server answers its health check; raise ServerFailed if it cannot."""
        deadline = time.monotonic() + self.timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        relaunches = 0
        while True:
            assert self.process is not None
            code = self.process.poll()
            if code == STARTUP_FAILURE and relaunches < 3 and not _can_bind(self.port):
                # Another process took the port between our choosing it and uvicorn binding it.
                relaunches += 1
                self._launch()
                continue
            if code is not None:
                said, fix = self._said(), self._fix()
                self.stop()
                raise ServerFailed(
                    f"Prefect's temporary server exited with code {code} before it answered{said}. "
                    f"{fix}, or start a server with `uv run prefect server start` and set "
                    "PREFECT_API_URL=http://127.0.0.1:4200/api."
                )
            try:
                with opener.open(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                said = self._said()
                self.stop()
                raise ServerFailed(
                    f"Prefect's temporary server did not answer within {self.timeout:g} s{said}. "
                    f"Set {STARTUP_TIMEOUT_ENV} higher (a busy machine starts it slowly), or start "
                    "a server with `uv run prefect server start` and set PREFECT_API_URL to it."
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server and wait for it (it finishes writing its database); idempotent."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._output.close()

    def ended_early(self) -> str:
        """A sentence on the server having exited, with what it wrote; '' while it runs."""
        if self.process is None or self.process.poll() is None:
            return ""
        return f"\nPrefect's temporary server had exited (code {self.process.returncode}){self._said()}."

    def _written(self) -> str:
        """What the server wrote (kept in a file: noise unless it fails to start)."""
        self._output.seek(0)
        return self._output.read().decode("utf-8", "replace").strip()

    def _fix(self) -> str:
        """What to do about a server that exited: named where its output says what went wrong."""
        if "unable to open database file" in self._written():
            # SQLite's words when the server cannot create or write its database file.
            home = os.environ.get("PREFECT_HOME") or "~/.prefect"
            return (
                f"It could not write its database under PREFECT_HOME ({home}): point "
                "PREFECT_HOME at a writable directory (`export PREFECT_HOME=$PWD/.prefect`)"
            )
        return "Fix what it reported"

    def _said(self, lines: int = 20) -> str:
        """The end of what the server wrote, to quote in an error."""
        tail = "\n".join(self._written().splitlines()[-lines:])
        return f" (it said:\n{tail}\n)" if tail else ""

    def _launch(self) -> None:
        self.port = _free_port()
        self._output.seek(0)
        self._output.truncate()
        env = {**os.environ, **{k: os.environ.get(k) or v for k, v in QUIET.items()}, **EPHEMERAL}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WITH_PARENT,
                str(os.getpid()),
                "--app-dir",
                str(_prefect_parent()),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _prefect_parent() -> Path:
    """Where the prefect package is installed, found without importing it."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations, "prefect is not installed"
    return Path(next(iter(spec.submodule_search_locations))).parent


def _startup_timeout() -> float:
    raw = os.environ.get(STARTUP_TIMEOUT_ENV, "")
    if not raw.strip():
        return STARTUP_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:  # NaN too: its deadline would never pass
        raise ServerFailed(
            f"{STARTUP_TIMEOUT_ENV} must be a positive number of seconds, got {raw!r}"
        )
    return seconds
