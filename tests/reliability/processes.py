"""Processes the fault tests start and end: `ingest` runs, a holder and a knocker of the warehouse file.

Every process here is started by the test and ended by its PID (also when the
test fails), never by name.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from conftest import ROOT

INGEST = str(Path(sys.executable).parent / "ingest")
# Opening retries while a run lands a batch, as a person re-running `duckdb FILE` would: the
# run holds the file while it lands (up to 5 s at a time), and a test starting the holder
# cannot time it.
HOLD = """
import sys, time, duckdb
deadline = time.monotonic() + 30
while True:
    try:
        conn = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException as exc:
        if "lock" not in str(exc) or time.monotonic() > deadline:
            raise
        time.sleep(0.02)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


AS_IN_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


# `ingest` as a terminal runs it (see AS_IN_A_TERMINAL), plus a thread that presses Ctrl-C
# (SIGINT to the process group) the moment the main thread runs a given line of a given
# function, after that function has returned `skip` times: inside one SQL statement, a moment
# no output line marks and no timer from outside hits. The thread only watches the stack.
CTRL_C_INSIDE = """
import linecache, os, signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
function, line, skip = sys.argv[1], sys.argv[2], int(sys.argv[3])
main_thread = threading.main_thread().ident

# The main thread's frame of `function` (its id) and the line it runs, if it is in one.
def running():
    frame = sys._current_frames().get(main_thread)
    while frame is not None and frame.f_code.co_name != function:
        frame = frame.f_back
    if frame is None:
        return None
    return id(frame), linecache.getline(frame.f_code.co_filename, frame.f_lineno)

def watch():
    returned, inside = 0, False
    while True:
        now = running()
        if now is not None and returned >= skip and line in now[1]:
            time.sleep(0.005)  # still there: the statement runs in DuckDB, not in Python
            if running() == now:
                os.killpg(os.getpgrp(), signal.SIGINT)
                print(f"Ctrl-C pressed inside {function} at: {line}", flush=True)
                return
        returned += inside and now is None
        inside = now is not None
        time.sleep(0.0002)

threading.Thread(target=watch, daemon=True).start()
sys.argv = ["ingest", *sys.argv[4:]]
from flows.cli import main
sys.exit(main())
"""


class Ingest:
    """An `ingest …` subprocess whose combined output is read line by line as it comes."""

    def __init__(
        self,
        *args: str,
        cwd: Path,
        env: dict[str, str] | None = None,
        terminal: bool = False,
        ctrl_c_inside: tuple[str, str, int] | None = None,
    ):
        self.args = args
        # A terminal's command gets SIGINT's default action; one started from a background job
        # (CI under nohup, say) inherits it ignored, and Python then never raises
        # KeyboardInterrupt. The wrapper restores the default, then becomes `ingest`.
        command = [sys.executable, "-c", AS_IN_A_TERMINAL, INGEST] if terminal else [INGEST]
        if ctrl_c_inside is not None:
            function, line, skip = ctrl_c_inside
            command = [sys.executable, "-c", CTRL_C_INSIDE, function, line, str(skip)]
            terminal = True
        self.proc = subprocess.Popen(
            [*command, *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            # A process group of its own, as a shell gives a command: Ctrl-C goes to all of it.
            start_new_session=terminal,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """Block until an output line matches `pattern`; fail if the process ends first."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matched {pattern!r} in {timeout} s:\n{self.output}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"ingest ended before {pattern!r}:\n{self.output}")
            if match := regex.search(line):
                return match

    def finish(self, timeout: float = 300) -> int:
        """Wait for the process to end; return its exit code."""
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    @property
    def output(self) -> str:
        """Everything the process printed so far."""
        return "".join(self.lines)

    def children(self) -> list[int]:
        """PIDs of the process's direct children (its extraction workers)."""
        found = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            with suppress(OSError):
                found += [int(p) for p in (task / "children").read_text().split()]
        return found

    def ctrl_c(self) -> None:
        """What a terminal's Ctrl-C does: SIGINT to the command's process group (started by us)."""
        os.killpg(self.proc.pid, signal.SIGINT)

    def kill(self) -> None:
        """SIGKILL the process (by its PID) and reap it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(10)


@contextmanager
def ingest(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    terminal: bool = False,
    ctrl_c_inside: tuple[str, str, int] | None = None,
) -> Iterator[Ingest]:
    """Start `ingest …`; whatever happens in the block, the process is gone after it.

    `ctrl_c_inside` = (function, a piece of one of its lines, returns to skip) presses Ctrl-C
    when the command runs that line (see CTRL_C_INSIDE); `terminal` is then implied.
    """
    run = Ingest(*args, cwd=cwd, env=env, terminal=terminal, ctrl_c_inside=ctrl_c_inside)
    try:
        yield run
    finally:
        run.kill()


@contextmanager
def holding(warehouse: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the warehouse open read-write, as `duckdb FILE` does."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        if holder.poll() is None:
            os.kill(holder.pid, signal.SIGTERM)
        holder.wait(30)


# Waits for "go", then opens the file read-only as a `duckdb` shell would, again and again,
# until it gets in; reports whether the first try found the file held and how long it took.
KNOCK = """
import json, sys, time, duckdb
print("ready", flush=True)
sys.stdin.readline()
started, first_locked = time.monotonic(), None
while True:
    try:
        duckdb.connect(sys.argv[1], read_only=True).close()
        break
    except duckdb.IOException as exc:
        if "lock" not in str(exc) or time.monotonic() - started > 20:
            raise
        first_locked = True if first_locked is None else first_locked
        time.sleep(0.01)
print(json.dumps({"first_locked": bool(first_locked), "waited": time.monotonic() - started}))
"""


class Knocker:
    """A process that tries to open the warehouse when told to, and says how it went."""

    def __init__(self, proc: subprocess.Popen[str]):
        self.proc = proc

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def result(self) -> dict[str, float]:
        out, err = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, err
        return json.loads(out)


@contextmanager
def knocker(warehouse: Path) -> Iterator[Knocker]:
    """A process waiting to open the warehouse read-only; `go()` starts it knocking."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KNOCK, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield Knocker(proc)
    finally:
        if proc.poll() is None:
            proc.kill()  # by its PID: the process this test started
            proc.wait()


def gone(pids: list[int], timeout: float = 15) -> list[int]:
    """Wait for processes to exit; return those still alive (after ending them by PID)."""
    deadline = time.monotonic() + timeout
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _alive(p)]
        time.sleep(0.1)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    return alive


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"
