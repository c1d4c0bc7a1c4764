"""A hostile web server on 127.0.0.1: bombs, drips, silence, loops and junk.

Each route misbehaves in one way. Handlers run in daemon threads and every endless
behaviour stops when the server does, so a test that fails never hangs the suite.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import brotli

MB = 1 << 20


def gzip_bomb(gigabytes: float = 1.0) -> bytes:
    """About 1 MB of gzip that inflates to ``gigabytes`` GB of zeros (cheap to build:
    after a full flush every 1 MB block compresses to the same bytes)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MB
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    return first + block * (int(gigabytes * 1024) - 1) + comp.flush()


_PAYLOAD = b"\0" * (20 * MB)
BOMBS = {"gzip": gzip.compress(_PAYLOAD, 1), "deflate": zlib.compress(_PAYLOAD, 1),
         "br": brotli.compress(_PAYLOAD, quality=1)}
del _PAYLOAD

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol4;</loc></url></urlset>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&xxe;</loc></url></urlset>"""


def html(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body>{body}</body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer._Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.server.log.append((time.monotonic(), self.path))
        path = urlsplit(self.path).path
        routes = self.server.routes
        prefixes = sorted((p for p in routes if p.endswith("/") and path.startswith(p)),
                          key=len, reverse=True)
        for prefix in ([path] if path in routes else []) + prefixes[:1]:
            # the crawler may hang up on us, as it should
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                routes[prefix](self)
            return
        self.send(404, b"not found", "text/plain")

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def stream(self, chunks: Iterator[bytes], ctype: str = "text/html",
               delay: float = 0.0) -> None:
        """No Content-Length: the body runs until we close (HTTP/1.0 style)."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in chunks:
            if self.server.stopping.is_set():
                return
            self.wfile.write(chunk)
            self.wfile.flush()
            if delay:
                time.sleep(delay)


Route = Callable[[_Handler], None]


class HostileServer:
    """Serve ``routes`` (path, or prefix ending in ``/`` → handler) on 127.0.0.1."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        routes: dict[str, Route]
        requests: list[str]
        log: list[tuple[float, str]]
        stopping: threading.Event

    def __init__(self, routes: dict[str, Route]) -> None:
        self._server = self._Server(("127.0.0.1", 0), _Handler)
        self._server.routes = routes
        self._server.requests = []
        self._server.log = []
        self._server.stopping = threading.Event()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    @property
    def log(self) -> list[tuple[float, str]]:
        """``(time.monotonic(), path)`` of every request, in arrival order."""
        return self._server.log

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
