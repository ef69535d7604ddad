"""A loopback HTTP server for fetch tests: Range requests, byte counting, injectable faults.

Routes map URL paths (as in the products' real layouts) to local files or bytes. Faults per
path: ``"404"``, ``"500"``, ``"drop"`` (headers, then ``drop_fraction`` of the body, then the
connection is closed), ``"stall"`` (as ``"drop"``, but the connection is held open
``slow_seconds`` before it closes: a server that stops sending), ``"slow"`` (sleeps
``slow_seconds`` before answering).
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@dataclass
class Log:
    """What the server sent: one entry per request (method, path, range, bytes of body)."""

    requests: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    #: The query string of each request, in the same order.
    queries: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, path: str, rng: str | None, sent: int, query: str = "") -> None:
        with self.lock:
            self.requests.append((method, path, rng, sent))
            self.queries.append(query)

    def bytes_for(self, suffix: str = "") -> int:
        return sum(n for _, p, _, n in self.requests if p.endswith(suffix) or suffix in p)

    def count(self, suffix: str = "") -> int:
        return sum(1 for _, p, _, _ in self.requests if p.endswith(suffix) or suffix in p)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.queries.clear()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up (timeouts, dropped connections) are part of the tests


class LoopbackServer:
    """Serve ``routes`` ({path: file or bytes}) on 127.0.0.1 in a thread."""

    def __init__(self) -> None:
        self.routes: dict[str, Path | bytes] = {}
        self.faults: dict[str, str] = {}
        self.slow_seconds = 3.0
        #: Share of the body sent before a "drop" closes the connection.
        self.drop_fraction = 0.0
        self.log = Log()
        self._connections: set[socket.socket] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def setup(self) -> None:
                super().setup()
                server._connections.add(self.connection)

            def do_HEAD(self) -> None:
                self._serve(body=False)

            def do_GET(self) -> None:
                self._serve(body=True)

            def _serve(self, body: bool) -> None:
                path, query = urlsplit(self.path).path, urlsplit(self.path).query
                rng = self.headers.get("Range")
                fault = server.faults.get(path)
                if fault == "slow":
                    time.sleep(server.slow_seconds)
                if fault in ("404", "500") or path not in server.routes:
                    code = 500 if fault == "500" else 404
                    msg = b"error"
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    if body:
                        self.wfile.write(msg)
                    server.log.add(self.command, path, rng, 0, query)
                    return
                src = server.routes[path]
                data = src if isinstance(src, bytes) else None
                size = len(data) if data is not None else Path(src).stat().st_size  # type: ignore[arg-type]
                start, end = 0, size - 1
                m = _RANGE.match(rng or "")
                if m and (m.group(1) or m.group(2)):
                    if m.group(1):
                        start = int(m.group(1))
                        end = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
                    else:
                        start = max(0, size - int(m.group(2)))
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
                else:
                    self.send_response(200)
                length = end - start + 1
                self.send_header("Content-Length", str(length))
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if not body:
                    server.log.add(self.command, path, rng, 0, query)
                    return
                if data is None:
                    with open(src, "rb") as fh:  # type: ignore[arg-type]
                        fh.seek(start)
                        chunk = fh.read(length)
                else:
                    chunk = data[start:end + 1]
                if fault in ("drop", "stall"):
                    chunk = chunk[: int(len(chunk) * server.drop_fraction)]
                try:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                server.log.add(self.command, path, rng, len(chunk), query)
                if fault == "stall":
                    time.sleep(server.slow_seconds)
                if fault in ("drop", "stall"):
                    self.close_connection = True
                    self.connection.shutdown(2)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut open (keep-alive) connections: the network is gone."""
        self._httpd.shutdown()
        self._httpd.server_close()
        for conn in list(self._connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


@contextmanager
def serving() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
