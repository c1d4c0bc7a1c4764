"""Serve a directory of pages on 127.0.0.1 in a background thread.

Used by ``newsarchive demo`` and by the tests. ``{base}`` in ``.xml`` and ``.txt``
files becomes the server's own origin, so sitemaps and feeds point back at it.
Responses carry an ETag, and ``If-None-Match`` gets a 304, like a real server.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


def site_dir() -> Path:
    """The bundled sample site."""
    return Path(str(resources.files("scraper.demo") / "site"))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the crawler reports what happened

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        path = unquote(urlsplit(self.path).path)
        root = self.server.root
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        elif not target.suffix and target.with_suffix(".html").is_file():
            target = target.with_suffix(".html")  # "pretty" URLs, as most CMSs serve
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            self._send(404, b"<html><body><h1>Not found</h1></body></html>", "text/html")
            return
        data = target.read_bytes()
        if target.suffix in (".xml", ".txt"):
            data = data.replace(b"{base}", self.server.base_url.encode())
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype == "text/html" and b"ISO-8859-1" not in data[:400]:
            ctype = "text/html; charset=utf-8"
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, etag)
            return
        self._send(200, data, ctype, etag)

    def _send(self, status: int, data: bytes, ctype: str | None, etag: str | None = None
              ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    base_url: str
    requests: list[str]


class SiteServer:
    """A static site on ``http://127.0.0.1:<free port>``.

    Usage::

        with SiteServer(site_dir()) as server:
            print(server.url("/index.html"))
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.root = root
        self._server.requests = []
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._server.base_url = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        """Request paths received so far, in order."""
        return self._server.requests

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
