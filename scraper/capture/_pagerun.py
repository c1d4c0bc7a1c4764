"""One rendered page's traffic: every browser request served through permit and fetch.

:class:`PageRun` is the route handler of one browser context. It never lets the
browser reach the network: a request is answered from the renderer's cache, from a
response fetched for this page already (a redirect's target), or by ``permit`` then
``fetch`` and ``route.fulfill``; anything else is aborted and listed with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request, Route, WebSocketRoute

from archive.errors import FetchError
from archive.types import HttpResponse

from ..config import CaptureSettings
from .hooks import FetchFn, PermitFn

# Request headers the browser computes that our fetcher sets itself (or must not send):
# its User-Agent names us, it negotiates and decodes Content-Encoding, and a Range or
# conditional request would record a partial or empty body.
_DROP_REQUEST = frozenset({
    "host", "connection", "content-length", "user-agent", "accept-encoding", "range",
    "if-none-match", "if-modified-since", "if-range", "upgrade-insecure-requests",
    "priority", "pragma", "cache-control", "keep-alive", "te", "trailer",
    "transfer-encoding", "upgrade", "proxy-authorization", "proxy-connection"})
# The body handed to the browser is decoded, so these would lie about it.
_DROP_RESPONSE = frozenset({"content-encoding", "content-length", "transfer-encoding",
                            "connection", "keep-alive"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CACHEABLE = ("text/css", "application/javascript", "text/javascript", "font/", "image/",
              "application/font", "application/x-font", "application/wasm")
_DISPLAYABLE = ("text/", "image/", "application/xhtml", "application/xml",
                "application/json", "application/javascript")
QUIET_TIMEOUT = 5.0  # seconds for an abort/close nobody waits on
PAGE_FETCHES = 6  # requests of one page fetched at once, as a browser's per-host limit


def forward_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The browser's request headers worth sending on (``Cookie``, ``Referer``,
    ``Accept``, a script's own ``X-`` headers), without hop-by-hop and ``sec-`` ones."""
    return {k: v for k, v in headers.items()
            if k.lower() not in _DROP_REQUEST and not k.lower().startswith(("sec-", ":"))}


def fulfil_headers(response: HttpResponse) -> dict[str, str]:
    """Response headers for ``route.fulfill``: repeated ones joined (``Set-Cookie`` by
    newline, as Playwright splits it), encoding and length dropped."""
    out: dict[str, str] = {}
    for name, value in response.headers:
        key = name.lower()
        if key in _DROP_RESPONSE:
            continue
        if key in out:
            out[key] += ("\n" if key == "set-cookie" else ", ") + value
        else:
            out[key] = value
    return out


def is_download(response: HttpResponse) -> bool:
    """A navigation response a browser would save rather than show."""
    disposition = (response.header("content-disposition") or "").strip().lower()
    if disposition.startswith("attachment"):
        return True
    mime = response.mime
    return bool(mime) and not (mime.startswith(_DISPLAYABLE) or mime.endswith("+xml"))


class ResponseCache:
    """Static responses (styles, scripts, fonts, images) kept for later pages, LRU by
    bytes, as a browser cache would serve them without a request."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, HttpResponse] = OrderedDict()
        self._bytes = 0

    def get(self, url: str) -> HttpResponse | None:
        item = self._items.get(url)
        if item is not None:
            self._items.move_to_end(url)
        return item

    def offer(self, response: HttpResponse) -> None:
        size = len(response.content)
        control = (response.header("cache-control") or "").lower()
        if (response.status != 200 or size > self.max_bytes // 4 or "no-store" in control
                or "private" in control or not response.mime.startswith(_CACHEABLE)):
            return
        if response.url in self._items:
            return
        self._items[response.url] = response
        self._bytes += size
        while self._bytes > self.max_bytes and self._items:
            _, old = self._items.popitem(last=False)
            self._bytes -= len(old.content)


class PageRun:
    """The state of one render attempt: what was fetched, refused, and is in flight."""

    def __init__(self, *, url: str, fetch: FetchFn, permit: PermitFn,
                 settings: CaptureSettings, cache: ResponseCache | None,
                 prefetched: HttpResponse | None) -> None:
        self.url = url
        self._fetch, self._permit = fetch, permit
        self.settings = settings
        self._cache = cache
        self.exchanges: list[HttpResponse] = []
        self.refused: list[tuple[str, str]] = []
        self.issues: list[tuple[str, str]] = []
        self.cached: list[str] = []
        self.main: HttpResponse | None = None
        self.main_refusal: str | None = None
        self.page: Any = None  # the Playwright Page, once created
        self._ready: dict[str, HttpResponse] = {}
        if prefetched is not None:
            self._ready[prefetched.url] = prefetched
            if prefetched.requested_url != prefetched.url:
                self._ready[prefetched.requested_url] = prefetched
        self._requests = 0
        self._bytes = 0
        self._slots = asyncio.Semaphore(PAGE_FETCHES)
        self._tasks: set[asyncio.Task[None]] = set()
        self.inflight = 0
        self.started = 0  # requests begun, for "did scrolling ask for anything?"
        self.last_change = asyncio.get_running_loop().time()
        self.closed = False
        self.crashed = False
        self.errors: list[BaseException] = []

    # -- idle tracking -------------------------------------------------------------
    def _begin(self) -> None:
        self.started += 1
        self.inflight += 1
        self.last_change = asyncio.get_running_loop().time()

    def _end(self) -> None:
        self.inflight -= 1
        self.last_change = asyncio.get_running_loop().time()

    async def wait_idle(self, until: float) -> bool:
        """Wait until no request has been in flight for ``settle_idle`` seconds, or
        until the loop time ``until``; True when idle was reached."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self.inflight == 0 and now - self.last_change >= self.settings.settle_idle:
                return True
            if now >= until:
                return False
            await asyncio.sleep(min(0.05, max(0.0, until - now)))

    # -- routing ---------------------------------------------------------------------
    async def route(self, route: Route, request: Request) -> None:
        """The context's handler for every request (``context.route("**/*", ...)``)."""
        if self.closed:
            await quietly(route.abort("aborted"))
            return
        task = asyncio.current_task()
        inner = asyncio.ensure_future(self._serve(route, request))
        self._tasks.add(inner)
        try:
            await inner
        except asyncio.CancelledError:
            if task is not None and task.cancelling():
                raise
        finally:
            self._tasks.discard(inner)

    async def websocket(self, ws: WebSocketRoute) -> None:
        """WebSockets never connect: refused (our fetcher speaks HTTP only)."""
        self.refused.append((ws.url, "websocket"))
        await quietly(ws.close(code=1008, reason="refused by the archiver"))

    def _is_main_navigation(self, request: Request) -> bool:
        try:
            return (request.is_navigation_request() and self.page is not None
                    and request.frame == self.page.main_frame)
        except PlaywrightError:
            return False

    def _from_other_page(self, request: Request) -> str | None:
        """``popup`` for a request of another page (a new tab or window), ``worker``
        for one Playwright cannot tie to a frame (a worker's); else ``None``."""
        try:
            frame = request.frame
        except PlaywrightError:
            return "worker"
        if self.page is not None and frame.page != self.page:
            return "popup"
        return None

    async def _serve(self, route: Route, request: Request) -> None:
        self._begin()
        try:
            await self._answer(route, request)
        except PlaywrightError:
            pass  # the page went away while we answered: nothing left to tell it
        except asyncio.CancelledError:
            await quietly(route.abort("aborted"))
            raise
        except Exception as exc:  # a bug in a callback: abort, then raise after the page
            self.errors.append(exc)
            await quietly(route.abort("failed"))
        finally:
            self._end()

    async def _answer(self, route: Route, request: Request) -> None:
        url = request.url
        main_nav = self._is_main_navigation(request)
        navigation = main_nav or _is_navigation(request)
        # a later main-frame navigation that fails keeps the current document with
        # ERR_ABORTED; other refusals say "blocked by client"
        abort_code = "aborted" if main_nav and self.main is not None else "blockedbyclient"

        def refuse(reason: str) -> Any:
            self.refused.append((url, reason))
            if main_nav and self.main is None:
                self.main_refusal = reason
            return route.abort(abort_code)

        if not url.startswith(("http://", "https://")):
            await refuse("scheme")
            return
        other = self._from_other_page(request)
        if other:
            await refuse(other)
            return
        if request.method != "GET":
            await refuse(f"method-{request.method}")
            return
        ready = self._ready.get(url)
        if ready is not None:
            await self._deliver(route, url, ready, main_nav)
            return
        cached = self._cache.get(url) if self._cache else None
        if cached is not None:
            self.cached.append(url)
            await route.fulfill(status=cached.status, headers=fulfil_headers(cached),
                                body=cached.content)
            return
        if self._requests >= self.settings.page_max_requisites:
            await refuse("page-cap")
            return
        if self._bytes >= self.settings.page_max_bytes:
            await refuse("page-bytes")
            return
        self._requests += 1
        async with self._slots:
            reason = await self._permit(url)
            if reason is not None:
                await refuse(reason)
                return
            headers = forward_headers(await request.all_headers())
            limit = min(self.settings.requisite_max_bytes,
                        self.settings.page_max_bytes - self._bytes)
            if main_nav and self.main is None:
                limit = self.settings.page_max_bytes  # the document: the fetcher's own cap
            try:
                response = await self._fetch(url, headers, max_bytes=max(1, limit))
            except FetchError as exc:
                await refuse(exc.reason)
                return
        self._bytes += len(response.content)
        if navigation and is_download(response):
            if main_nav and self.main is None:
                self.main = response
                self.exchanges.append(response)
                self.issues.append(("not-rendered", response.mime or "attachment"))
            self.refused.append((url, "download"))
            await route.abort("aborted")
            return
        self.exchanges.append(response)
        if self._cache is not None:
            self._cache.offer(response)
        await self._deliver(route, url, response, main_nav)

    async def _deliver(self, route: Route, url: str, response: HttpResponse,
                       main_nav: bool) -> None:
        if response.url != url:
            # the fetcher followed redirects: let the browser follow one to the final
            # URL too (so the document's base URL is right), served from what we have
            self._ready[response.url] = response
            await route.fulfill(status=302, headers={"location": response.url}, body=b"")
            return
        if main_nav and self.main is None and response.status not in _REDIRECTS:
            self.main = response
        await route.fulfill(status=response.status, headers=fulfil_headers(response),
                            body=response.content)

    async def finish(self) -> None:
        """Stop serving: cancel what is in flight, abort what comes later."""
        self.closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _is_navigation(request: Request) -> bool:
    try:
        return request.is_navigation_request()
    except PlaywrightError:
        return False


async def quietly(action: Any) -> None:
    """Await a Playwright call whose failure no longer matters; a closed context may
    never answer it, so it gets a short limit instead of a pending task forever."""
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(action, QUIET_TIMEOUT)
