"""A loopback test site with several host names, a trap for forbidden traffic, and a fetcher.

One threaded server on ``127.0.0.1`` answers for every test host (``news.test``,
``cdn.test``, ...) by its ``Host`` header. The fetcher is our real :class:`Fetcher` with
the address guard on (``allow_private=False``) and a transport that plays DNS: test host
names go to the loopback server, ``intranet.test`` "resolves" to a private address and is
refused as :class:`GuardedBackend` would, and any other name fails. So nothing ever leaves
the machine: private-address tests aim at :class:`Trap`, a loopback listener that
counts connections (it must count none).
"""

from __future__ import annotations

import functools
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

from archive.errors import BlockedURLError
from scraper.config import FetchSettings
from scraper.fetch import Fetcher

HOSTS = ("news.test", "cdn.test", "img.test", "other.test")
PRIVATE_NAMES = {"intranet.test": "10.0.0.5"}  # what the stub DNS says; never dialled

TITLE = "Harbour cranes return after the long strike"
PARAGRAPHS = [
    "The harbour's six cranes moved again on Monday morning, ending a strike that had "
    "left container ships waiting at anchor for nineteen days.",
    "Dock workers voted late on Sunday to accept a pay offer of four per cent this year "
    "and three per cent next year, with a review of night-shift rules in the spring.",
    "Shipping agents said the backlog of forty vessels would take at least two weeks to "
    "clear, and that perishable cargo had already been diverted to other ports.",
    "The port authority thanked residents for their patience and promised a public "
    "meeting on the noise of round-the-clock loading once the queue has gone.",
]
ARTICLE_TEXT = " ".join(PARAGRAPHS)


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid solid-colour PNG, made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\0" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


@functools.cache
def gzip_bomb(megabytes: int = 100) -> bytes:
    """About 100 KB of gzip that inflates to ``megabytes`` MB of zeros."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join(comp.compress(block) for _ in range(megabytes)) + comp.flush()


APP_JS = b"""
fetch('/api/story.json').then(r => r.json()).then(d => {
  const root = document.getElementById('root');
  root.innerHTML = '<article><h1>' + d.title + '</h1>' +
    d.paragraphs.map(p => '<p>' + p + '</p>').join('') + '</article>';
  document.title = d.title;
  if (window.afterStory) window.afterStory();
});
const lazy = new IntersectionObserver((entries) => {
  for (const e of entries) if (e.isIntersecting) {
    e.target.src = e.target.dataset.src; lazy.unobserve(e.target);
  }
});
document.querySelectorAll('img.lazy').forEach(img => lazy.observe(img));
"""

SITE_CSS = b"""@import url("/static/print.css");
@font-face { font-family: Story; src: url("/static/story.woff2") format("woff2"),
  url("/static/story.ttf") format("truetype"); }
body { font-family: Story, serif; }
.masthead { background: url(http://cdn.test/img/masthead.png) no-repeat; height: 40px; }
"""


def article_page(extra_head: str = "", extra_body: str = "", script: str = "") -> bytes:
    """The script-rendered article: an empty ``#root`` filled from ``/api/story.json``,
    a stylesheet, an ``og:image``, a ``srcset`` and a lazy image below the fold."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Loading</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/favicon.ico">
<meta property="og:image" content="http://cdn.test/img/og.png">
{extra_head}</head><body><div class="masthead"></div>
<div id="root"></div>
<noscript>Please enable JavaScript to read this story.</noscript>
<img src="http://img.test/photo-320.png"
     srcset="http://img.test/photo-320.png 320w, http://img.test/photo-1200.png 1200w"
     alt="cranes">
<div style="height:2600px"></div>
<img class="lazy" src="/static/blank.png" data-src="http://cdn.test/img/lazy.png" alt="lazy">
{extra_body}
<script>{script}</script>
<script src="/static/app.js"></script>
</body></html>""".encode()


Handler = Callable[["_Request"], tuple[int, dict[str, str], bytes]]


class _Request:
    def __init__(self, handler: BaseHTTPRequestHandler, host: str, path: str) -> None:
        self.host, self.path = host, path
        self.headers = handler.headers


class _HTTPHandler(BaseHTTPRequestHandler):
    server: SiteServer._Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path
        self.server.site.log.append((host, path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.server.site.routes.get((host, urlsplit(path).path))
        if route is None:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        else:
            status, headers, body = route(_Request(self, host, path))
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class SiteServer:
    """The multi-host loopback site. ``routes[(host, path)]`` → handler."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        site: SiteServer

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.release = threading.Event()  # frees handlers that stall on purpose
        self._server = self._Server(("127.0.0.1", 0), _HTTPHandler)
        self._server.site = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._add_defaults()

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def add(self, host: str, path: str, body: bytes | str, ctype: str = "text/html",
            status: int = 200, headers: dict[str, str] | None = None) -> None:
        data = body.encode() if isinstance(body, str) else body
        extra = dict(headers or {})

        def handler(_req: _Request) -> tuple[int, dict[str, str], bytes]:
            return status, {"Content-Type": ctype, **extra}, data

        self.routes[(host, path)] = handler

    def paths(self, host: str | None = None) -> list[str]:
        return [p for h, p, _ in self.log if host is None or h == host]

    def _add_defaults(self) -> None:
        story = json.dumps({"title": TITLE, "paragraphs": PARAGRAPHS}).encode()
        self.add("news.test", "/article", article_page())
        self.add("news.test", "/api/story.json", story, "application/json")
        self.add("news.test", "/static/app.js", APP_JS, "application/javascript")
        self.add("news.test", "/static/site.css", SITE_CSS, "text/css")
        self.add("news.test", "/static/print.css", b"@media print { body { color: #000 } }",
                 "text/css")
        self.add("news.test", "/static/story.woff2", b"wOF2" + b"\0" * 60, "font/woff2")
        self.add("news.test", "/static/story.ttf", b"\0\1\0\0" + b"\0" * 60, "font/ttf")
        self.add("news.test", "/static/blank.png", png(1, 1, (255, 255, 255)), "image/png")
        self.add("news.test", "/favicon.ico", png(2, 2, (0, 0, 200)), "image/png")
        self.add("cdn.test", "/img/og.png", png(12, 6, (0, 120, 0)), "image/png")
        self.add("cdn.test", "/img/masthead.png", png(20, 4, (90, 90, 90)), "image/png")
        self.add("cdn.test", "/img/lazy.png", png(8, 8, (0, 0, 255)), "image/png")
        self.add("img.test", "/photo-320.png", png(32, 24), "image/png")
        self.add("img.test", "/photo-1200.png", png(120, 90), "image/png")


class Trap:
    """A loopback listener standing in for a private address: it counts connections
    and answers nothing. Every test aiming at a private target asserts it stayed at 0."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> Trap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)  # let a connection that was on its way be counted
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


class LoopbackDNS(httpx.AsyncBaseTransport):
    """Plays DNS for the fetcher: test hosts go to the loopback site, ``PRIVATE_NAMES``
    are refused as the connect-time guard refuses them, anything else fails. IP
    literals never get here: the fetcher's ``check_url`` refuses private ones first, and
    a public one (none in these tests) fails like an unknown name."""

    def __init__(self, port: int) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._port = port
        self.dialled: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.dialled.append(host)
        if host in PRIVATE_NAMES:
            raise BlockedURLError(
                f"refused {host}: resolves to non-public address {PRIVATE_NAMES[host]}",
                url=str(request.url), reason="private-address")
        if host not in HOSTS:
            raise httpx.ConnectError(f"no such test host {host}", request=request)
        port = request.url.port
        request.headers["Host"] = host if port is None else f"{host}:{port}"
        request.url = request.url.copy_with(host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def make_fetcher(port: int, **overrides: Any) -> Fetcher:
    """Our fetcher with the guard on, on the loopback DNS, no retries."""
    settings = FetchSettings(allow_private=False, retries=0, connect_timeout=10,
                             read_timeout=60, total_timeout=120, **overrides)
    return Fetcher(settings, transport=LoopbackDNS(port))
