"""A real HTTP server on 127.0.0.1 whose pages and misbehaviours a test defines.

Keep-alive HTTP/1.1 with TCP_NODELAY: without it Python's http.server stalls
at about 23 requests/s (Nagle against delayed ACK).
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Page:
    """A canned response, answering conditional requests when it has validators."""

    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


class Site:
    """Routes, request log and hit counts of one local test server."""

    def __init__(self) -> None:
        self.routes: dict[str, Page | Handler] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0  # TCP connections accepted
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # ends the misbehaving handlers when the test is done
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def handle(self) -> None:  # once per connection, for all its requests
                with site._lock:
                    site.connections += 1
                super().handle()

            def do_GET(self) -> None:
                path = self.path
                with site._lock:
                    site.hits[path] += 1
                    site.requests.append((path, dict(self.headers.items())))
                route = site.routes.get(path) or site.routes.get(path.split("?", 1)[0])
                if route is None:
                    site.send(self, Page(b"<html><body>not found</body></html>", status=404))
                elif isinstance(route, Page):
                    site.send(self, route)
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT"""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + path

    def page(self, path: str, body: bytes | str, **kwargs: object) -> str:
        """Serve `body` at `path`; returns the URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Page(data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def handler(self, path: str, fn: Handler) -> str:
        """Serve `path` with a custom function of the request handler; returns the URL."""
        self.routes[path] = fn
        return self.url(path)

    @staticmethod
    def send(request: BaseHTTPRequestHandler, page: Page) -> None:
        """Write a Page as the response, or 304 when the request's validators match."""
        inm = request.headers.get("If-None-Match")
        ims = request.headers.get("If-Modified-Since")
        if (page.etag and inm == page.etag) or (page.last_modified and ims == page.last_modified):
            request.send_response(304)
            if page.etag:
                request.send_header("ETag", page.etag)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        request.send_response(page.status)
        if page.content_type:
            request.send_header("Content-Type", page.content_type)
        if page.etag:
            request.send_header("ETag", page.etag)
        if page.last_modified:
            request.send_header("Last-Modified", page.last_modified)
        for key, value in page.headers.items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(page.body)))
        request.end_headers()
        request.wfile.write(page.body)

    def start(self) -> Site:
        """Start serving in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # Misbehaving servers, written byte by byte so each fault is the real thing on the wire.

    @staticmethod
    def _head(request: BaseHTTPRequestHandler, **headers: str) -> None:
        """Start a 200 text/html response with these headers, on a connection that then closes."""
        request.close_connection = True
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        for key, value in headers.items():
            request.send_header(key.replace("_", "-"), value)
        request.end_headers()

    def endless(self, path: str, chunk: bytes, interval: float = 0.0) -> str:
        """A 200 text/html response whose chunked body never ends (until the client hangs up)."""

        def serve(request: BaseHTTPRequestHandler) -> None:
            self._head(request, Transfer_Encoding="chunked")
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            try:
                while not self.stopping.wait(interval):
                    request.wfile.write(frame)
            except OSError:
                pass  # the client gave up, as it should

        return self.handler(path, serve)

    def stall(self, path: str, head: bytes | None, seconds: float = 60.0) -> str:
        """Accept, then send nothing for `seconds`; with `head`, stall after sending headers and it."""

        def serve(request: BaseHTTPRequestHandler) -> None:
            request.close_connection = True
            if head is not None:
                self._head(request, Content_Length=str(len(head) * 10))
                request.wfile.write(head)
                request.wfile.flush()
            self.stopping.wait(seconds)

        return self.handler(path, serve)

    def reset_mid_body(self, path: str, body: bytes, after: int) -> str:
        """Promise `body`, send its first `after` bytes, then abort the connection with a RST."""

        def serve(request: BaseHTTPRequestHandler) -> None:
            self._head(request, Content_Length=str(len(body)))
            request.wfile.write(body[:after])
            request.wfile.flush()
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            request.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            request.connection.close()

        return self.handler(path, serve)

    def drip(self, path: str, body: bytes, interval: float) -> str:
        """Send `body` one byte every `interval` seconds: each read succeeds, the whole never ends."""

        def serve(request: BaseHTTPRequestHandler) -> None:
            self._head(request, Content_Length=str(len(body)))
            try:
                for i in range(len(body)):
                    if self.stopping.wait(interval):
                        return
                    request.wfile.write(body[i : i + 1])
                    request.wfile.flush()
            except OSError:
                pass

        return self.handler(path, serve)
