"""A local threaded HTTP server for a benchmark corpus, with validators for conditional GET.

    uv run python -m bench.server bench/corpus/n2000/pages PORT_FILE

Writes the port it listens on (127.0.0.1) to PORT_FILE and serves until killed.
Keep-alive HTTP/1.1 with TCP_NODELAY (without it http.server stalls at ~23 req/s).
"""

from __future__ import annotations

import email.utils
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve(pages: Path, port_file: Path) -> None:
    """Serve `pages` until killed."""
    cache: dict[str, tuple[bytes, str, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            name = self.path.lstrip("/")
            path = pages / name
            if "/" in name or not path.is_file():
                self._send(404, b"not found", "text/plain")
                return
            if name not in cache:
                stat = path.stat()
                etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
                modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
                cache[name] = (path.read_bytes(), etag, modified)
            body, etag, modified = cache[name]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(200, body, "text/html", {"ETag": etag, "Last-Modified": modified})

        def _send(
            self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    serve(Path(sys.argv[1]), Path(sys.argv[2]))
