"""Many generated news sites on 127.0.0.1 (one port each = one host each), recording
when each request arrived, so tests can check per-host politeness across processes."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.faults.sites import article_html


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        with srv.lock:
            srv.requests.append((time.monotonic(), self.path))
        if srv.latency:
            time.sleep(srv.latency)
        if self.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif self.path == "/":
            body = ("<html><body>" + "".join(
                f'<a href="/a/{n}.html">{n}</a> ' for n in range(srv.pages)) + "</body></html>"
                    ).encode()
        elif self.path.startswith("/a/") and self.path.endswith(".html") and \
                self.path[3:-5].isdigit() and int(self.path[3:-5]) < srv.pages:
            body = article_html(int(self.path[3:-5]))
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
            pass  # a worker killed mid-response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    pages: int
    latency: float
    requests: list[tuple[float, str]]
    lock: threading.Lock


class MultiHostSite:
    """``with MultiHostSite(hosts=20, pages=100) as sites: sites.roots`` — each host
    serves ``/`` linking to ``/a/0.html`` ... ``/a/{pages-1}.html``."""

    def __init__(self, hosts: int = 20, pages: int = 100, latency: float = 0.0) -> None:
        self.servers: list[_Server] = []
        for _ in range(hosts):
            server = _Server(("127.0.0.1", 0), _Handler)
            server.pages, server.latency = pages, latency
            server.requests, server.lock = [], threading.Lock()
            self.servers.append(server)
        self._threads = [threading.Thread(target=s.serve_forever, daemon=True)
                         for s in self.servers]

    @property
    def roots(self) -> list[str]:
        return [f"http://127.0.0.1:{s.server_address[1]}/" for s in self.servers]

    def requests(self) -> dict[str, list[tuple[float, str]]]:
        """Per host (``127.0.0.1:port``): (arrival time, path), in arrival order."""
        out = {}
        for s in self.servers:
            with s.lock:
                out[f"127.0.0.1:{s.server_address[1]}"] = sorted(s.requests)
        return out

    def __enter__(self) -> MultiHostSite:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()
