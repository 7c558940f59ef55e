"""Headless Chromium driven over the DevTools protocol: open a page, wait for text, take a screenshot.

No browser download and no internet: Debian's `chromium` package, a fresh profile, and the
`websockets` client that Prefect already installs.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from itertools import count
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,1000",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """Path of the Chromium binary, or None when it is not installed."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless Chromium process with one page; use as a context manager."""

    def __init__(self, binary: str, profile: Path, log: Path, start_timeout: float = 60):
        profile.mkdir(parents=True, exist_ok=False)  # an empty profile, every time
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._ids = count(1)
        try:
            port = self._devtools_port(profile, start_timeout)
            self.ws: ClientConnection = connect(self._page_socket(port), max_size=None)
            self.call("Page.enable")
            self.call("Runtime.enable")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _devtools_port(self, profile: Path, timeout: float) -> int:
        """Chromium writes the port it chose into the profile once it listens."""
        marker = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.proc.returncode}")
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            time.sleep(0.1)
        raise TimeoutError(f"chromium did not open its DevTools port within {timeout:.0f} s")

    @staticmethod
    def _page_socket(port: int) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result, skipping events in between."""
        ident = next(self._ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if message.get("id") != ident:
                continue
            if "error" in message:
                raise RuntimeError(f"{method}: {message['error']}")
            return message.get("result", {})

    def goto(self, url: str) -> None:
        """Navigate; the single-page app renders afterwards, so wait for text next."""
        self.call("Page.navigate", url=url)

    def text(self) -> str:
        """The visible text of the page."""
        result = self.call(
            "Runtime.evaluate",
            expression="document.body ? document.body.innerText : ''",
            returnByValue=True,
        )
        return str(result.get("result", {}).get("value") or "")

    def wait_for_text(self, *needles: str, timeout: float = 60) -> str:
        """Wait until every needle is on the page; return the page text."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            missing = [n for n in needles if n not in text]
            if not missing:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"not on the page after {timeout:.0f} s: {missing!r}\n--- page text ---\n"
                    f"{text[:3000]}"
                )
            time.sleep(0.25)

    def hover_text(self, needle: str) -> None:
        """Move the mouse over the innermost element whose text contains the needle."""
        x, y = self._centre(needle)
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    def click_text(self, needle: str) -> None:
        """Click the innermost element whose whole text is the needle (a tab, a link)."""
        x, y = self._centre(needle, exact=True)
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def _centre(self, needle: str, exact: bool = False) -> tuple[float, float]:
        test = "t === n" if exact else "t.includes(n)"
        script = f"""(() => {{
            const n = {json.dumps(needle)};
            const hits = [...document.querySelectorAll('body *')].filter(e => {{
                const t = e.textContent.trim();
                return e.children.length === 0 && e.getClientRects().length && {test};
            }});
            if (!hits.length) return null;
            const r = hits[0].getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }})()"""
        result = self.call("Runtime.evaluate", expression=script, returnByValue=True)
        point = result.get("result", {}).get("value")
        if not point:
            raise AssertionError(f"nothing visible on the page shows {needle!r}")
        return point[0], point[1]

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the page."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the connection and stop the browser (its own process group)."""
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        # Renderer and helper processes live in the session Chromium was started in.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()
