"""The replay origin: archived pages served on their own port, never the app's.

An archived page's scripts run here, so the app's origin must not be this one: the
page's frame is sandboxed (``<iframe sandbox>`` without ``allow-same-origin``) and every
response carries ``Content-Security-Policy: sandbox`` too, which gives the document an
opaque origin even when opened outside the frame. It cannot read the app's cookies or
DOM, and its requests may only reach this origin, which answers nothing but archived
bytes. Paths are ``/TIMESTAMP/URL`` (rewritten: links point back here) and
``/TIMESTAMPid_/URL`` (the bytes as archived); behind a token, both sit under
``/k/KEY`` where the key is derived from the token (:func:`security.replay_key`).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..browse import ReplayHit, replay_lookup
from ..types import HTML_TYPES, mime_of
from .readers import ReaderPool
from .rewrite import Rewriter
from .security import ASGIApp, Guard, Receive, Scope, Send, replay_key

_PATH = re.compile(r"^/(\d{1,14})(id_)?/(.+)$", re.DOTALL)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


def _iso(timestamp: str) -> str:
    t = timestamp.ljust(14, "0")
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+00:00"


def _target(raw: str, query: bytes) -> str:
    url = re.sub(r"^(https?):/+", r"\1://", raw)  # clients may fold the //
    return url + (f"?{query.decode('latin-1')}" if query else "")


class ReplayApp:
    """ASGI app answering replay paths from the archive (see the module docstring).

    Args:
        pool: reader threads with the archive open.
        key: when set, every path must start with ``/k/KEY``.
        app_port: the app's port, the only origin allowed to frame these pages.
    """

    def __init__(self, pool: ReaderPool, *, key: str | None, app_port: int | None) -> None:
        self.pool = pool
        self.key = key
        self.app_port = app_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # nothing to set up: the pool is the caller's
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.answer(request)
        await response(scope, receive, send)

    def _origin(self, request: Request, port: int | None) -> str:
        host = request.url.hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"{request.url.scheme}://{host}" + (f":{port}" if port else "")

    def _headers(self, request: Request) -> dict[str, str]:
        own = self._origin(request, request.url.port)
        ancestors = self._origin(request, self.app_port) if self.app_port else "'none'"
        return {
            "Content-Security-Policy": "sandbox allow-scripts; "
            f"default-src {own} data: blob: 'unsafe-inline' 'unsafe-eval'; "
            f"form-action 'none'; frame-ancestors {ancestors}",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, max-age=3600",
        }

    async def answer(self, request: Request) -> Response:
        headers = self._headers(request)
        path = request.scope["path"]
        prefix = ""
        if self.key is not None:
            lead = f"/k/{self.key}"
            if not path.startswith(lead + "/"):
                return PlainTextResponse("not found\n", status_code=404, headers=headers)
            path, prefix = path[len(lead):], lead
        match = _PATH.match(path)
        if match is None:
            return PlainTextResponse("not an archived URL (expected /TIMESTAMP/URL)\n",
                                     status_code=404, headers=headers)
        timestamp, raw, target = match.group(1), bool(match.group(2)), match.group(3)
        url = _target(target, request.scope.get("query_string", b""))
        hit: ReplayHit | None = await self.pool.run(
            lambda arc: replay_lookup(arc.store, url, _iso(timestamp), warc_dir=arc.path / "warc"))
        if hit is None:
            return PlainTextResponse(f"not archived: {url}\n", status_code=404, headers=headers)
        ctype = hit.content_type or "application/octet-stream"
        body = hit.payload
        mime = mime_of(ctype)
        if not raw and mime in (*HTML_TYPES, "text/css"):
            rewriter = Rewriter(hit.url, self._origin(request, request.url.port) + prefix,
                                timestamp)
            charset = _CHARSET.search(ctype)
            if mime == "text/css":
                text = body.decode(charset.group(1) if charset else "utf-8", errors="replace")
                body = rewriter.css(text).encode()
                ctype = "text/css; charset=utf-8"
            else:
                body = rewriter.html(body, charset.group(1) if charset else None)
                ctype = "text/html; charset=utf-8"
        headers["Content-Type"] = ctype
        headers["X-Archive-Capture"] = str(hit.capture_id)
        headers["X-Archive-Date"] = hit.fetched_at
        return Response(body, status_code=200, headers=headers)


def create_replay_app(pool: ReaderPool, *, token: str | None = None, loopback_only: bool = True,
                      app_port: int | None = None) -> ASGIApp:
    """The replay origin's ASGI app (read-only; its key derived from ``token``)."""
    app = ReplayApp(pool, key=replay_key(token) if token else None, app_port=app_port)
    # No token check here: the replay key in the path is this origin's secret. Requests
    # come from sandboxed (opaque-origin) frames, so the origin check stays off.
    return Guard(app, token=None, loopback_only=loopback_only, headers={}, same_origin=False)
