"""A generated news site on 127.0.0.1 for fault tests: N linked articles, optional latency."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def article_html(n: int, size: int = 1) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of article {n}, with words, commas, and a quote from a minister "
        f"about the talks in Vienna and the ceasefire that followed.</p>" for i in range(3 * size))
    links = "".join(f'<li><a href="/a/{m}.html">Article {m}</a></li>' for m in (n + 1, n + 2))
    return (f"<html><head><title>Article {n} | Fault Daily</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>Article {n}</h1>"
            f"<time datetime='2020-01-{1 + n % 28:02d}'>x</time>{paragraphs}"
            f"<p>Originally posted by Source {n % 5}</p><p>Quoted passage number {n}.</p>"
            f"</article><ul class='related'>{links}</ul></body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        with srv.lock:
            srv.hits[self.path] += 1
            srv.arrivals.append((time.monotonic(), self.path))
        if srv.latency:
            time.sleep(srv.latency)
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.path == "/":
            body = ("<html><body>" + "".join(
                f'<a href="/a/{n}.html">{n}</a> ' for n in range(srv.pages)) + "</body></html>"
                    ).encode()
        elif self.path.startswith("/a/") and self.path.endswith(".html"):
            try:
                n = int(self.path[3:-5])
            except ValueError:
                n = -1
            if not 0 <= n < srv.pages:
                self.send_error(404)
                return
            with srv.lock:
                srv.served.add(self.path)
            body = article_html(n, srv.size)
        else:
            self.send_error(404)
            return
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler was killed mid-response: that is the point of these tests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    pages: int
    latency: float
    size: int
    hits: Counter[str]
    served: set[str]
    arrivals: list[tuple[float, str]]
    lock: threading.Lock


class GeneratedSite:
    """``with GeneratedSite(pages=50, latency=0.02) as site: site.url("/")``."""

    def __init__(self, pages: int = 50, latency: float = 0.0, size: int = 1) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.pages, self._server.latency, self._server.size = pages, latency, size
        self._server.hits = Counter()
        self._server.served = set()
        self._server.arrivals = []
        self._server.lock = threading.Lock()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def host(self) -> str:
        return self.base_url.removeprefix("http://")

    def arrivals(self) -> list[tuple[float, str]]:
        """(arrival time, path) of every request, in arrival order."""
        with self._server.lock:
            return sorted(self._server.arrivals)

    @property
    def served(self) -> set[str]:
        """Article paths answered with 200."""
        return self._server.served

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def __enter__(self) -> GeneratedSite:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
