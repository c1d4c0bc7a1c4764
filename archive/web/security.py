"""What keeps a served archive read-only and private: the request guard and headers.

* Only GET and HEAD are answered (there are no write endpoints to protect).
* Listening beyond loopback needs a token; each request carries it as
  ``Authorization: Bearer TOKEN``, a ``newsarchive_token`` cookie, or once as
  ``?token=TOKEN`` (which sets the cookie and redirects to the same URL without it).
* On loopback, a request naming another host is refused (DNS rebinding: a web page
  whose name points at 127.0.0.1 must not read the archive).
* A request that a page of another origin made (``Origin`` or ``Sec-Fetch-Site``
  say so) is refused, unless it is a top-level navigation: an archived page running in
  the replay frame cannot read the app's API, even on loopback without a token.
* Every response says what it may load and that it may not be framed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "newsarchive_token"
TOKEN_ENV = "NEWSARCHIVE_TOKEN"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    """True when binding ``host`` reaches only this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def replay_key(token: str) -> str:
    """The replay origin's own secret, derived from the token: an archived page can
    read its own URL (and so this key), which must not give it the app's token."""
    return hmac.new(token.encode(), b"newsarchive replay", hashlib.sha256).hexdigest()[:32]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def respond(send: Send, status: int, text: str,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A short plain-text answer (refusals, redirects)."""
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: methods, token, host and origin checks, and response headers.

    Args:
        app: the wrapped application.
        token: required on every request when set (compared in constant time).
        loopback_only: refuse a ``Host`` that is not a loopback name.
        headers: added to every response (Content-Security-Policy, ...).
        same_origin: refuse requests another origin's page made.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, loopback_only: bool,
                 headers: dict[str, str], same_origin: bool = True) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only
        self.same_origin = same_origin
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await respond(send, 405, "read-only: only GET and HEAD are served\n",
                          [(b"allow", b"GET, HEAD")])
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if self.loopback_only and _hostname(host) not in LOOPBACK_NAMES:
            await respond(send, 400, f"unexpected Host {host!r}: this server answers on "
                          "127.0.0.1/localhost only (pass --host and --token to serve "
                          "other names)\n")
            return
        if self.same_origin and _cross_origin(headers, scope, host):
            await respond(send, 403, "requests from other origins are refused\n")
            return
        if self.token is not None:
            refusal = await self._check_token(scope, headers, send)
            if refusal:
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _check_token(self, scope: Scope, headers: dict[str, str], send: Send) -> bool:
        """True when the request was answered here (refused, or redirected)."""
        assert self.token is not None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                          keep_blank_values=True)
        given = dict(query).get("token")
        if given is not None and _same(given, self.token):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
            cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            await respond(send, 303, "token accepted\n",
                          [(b"location", location.encode()), (b"set-cookie", cookie.encode())])
            return True
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and _same(auth[7:].strip(), self.token):
            return False
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header: as if none were sent
            jar = SimpleCookie()
        if COOKIE in jar and _same(jar[COOKIE].value, self.token):
            return False
        await respond(send, 401, "this archive needs its token: open the URL with "
                      "?token=TOKEN once, or send 'Authorization: Bearer TOKEN'\n",
                      [(b"www-authenticate", b"Bearer")])
        return True


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[:host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cross_origin(headers: dict[str, str], scope: Scope, host: str) -> bool:
    site = headers.get("sec-fetch-site")
    if site in ("cross-site", "same-site") and headers.get("sec-fetch-mode") != "navigate":
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    scheme = scope.get("scheme", "http")
    return origin != f"{scheme}://{host}"
