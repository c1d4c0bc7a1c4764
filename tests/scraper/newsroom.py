"""A news site on 127.0.0.1 whose stories a test edits: a front page listing them, story
pages with an ETag per version (so revisits of an unchanged story get a 304), and, on
every load, a clock and a view counter that change without anyone editing anything."""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Story:
    headline: str
    paragraphs: list[str]
    etag: bool = True  # answer If-None-Match (a CDN in front of the site)

    def html(self, noise: str) -> str:
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        return (f"<html><head><title>{self.headline} | Newsroom</title></head><body>{noise}"
                f"<main><article><h1>{self.headline}</h1>{body}</article></main></body></html>")

    def tag(self) -> str:
        return hashlib.sha1(repr((self.headline, self.paragraphs)).encode()).hexdigest()[:12]


@dataclass
class Desk:
    """What the site publishes; tests change it between rounds."""

    stories: dict[str, Story] = field(default_factory=dict)
    front: list[str] = field(default_factory=list)  # slugs shown on the front page, in order
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status) served
    lock: threading.Lock = field(default_factory=threading.Lock)
    loads: itertools.count[int] = field(default_factory=itertools.count)

    def requests(self, path: str) -> list[int]:
        """The statuses served for ``path``, in order."""
        with self.lock:
            return [status for p, status in self.log if p == path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        desk = self.server.desk
        n = next(desk.loads)
        noise = (f'<div class="clock">Monday 2 March 2026 10:{n % 60:02d}:{n % 7:02d} GMT</div>'
                 f'<p class="views">{1000 + 37 * n:,} views</p>')
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            return self._send(path, 200, b"User-agent: *\nAllow: /\n", None)
        if path == "/":
            items = "".join(f'<article><h2><a href="/news/{slug}">'
                            f"{desk.stories[slug].headline}</a></h2></article>"
                            for slug in desk.front)
            page = (f"<html><head><title>Newsroom</title></head><body>{noise}<nav>"
                    f'<a href="/">Home</a></nav><main>{items}</main></body></html>')
            return self._send(path, 200, page.encode(), hashlib.sha1(items.encode()).hexdigest())
        story = desk.stories.get(path.removeprefix("/news/"))
        if story is None:
            return self._send(path, 404, b"<html><body>Not found</body></html>", None)
        return self._send(path, 200, story.html(noise).encode(),
                          story.tag() if story.etag else None)

    def _send(self, path: str, status: int, body: bytes, etag: str | None) -> None:
        quoted = f'"{etag}"' if etag else None
        if quoted and self.headers.get("If-None-Match") == quoted:
            status, body = 304, b""
        with self.server.desk.lock:
            self.server.desk.log.append((path, status))
        self.send_response(status)
        if quoted:
            self.send_header("ETag", quoted)
        if status != 304:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    desk: Desk


class Newsroom:
    """``with Newsroom() as site: site.desk.stories[...] = Story(...)``."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.desk = Desk()
        self.desk = self._server.desk
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def __enter__(self) -> Newsroom:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
