"""The two callbacks every capture request goes through, and reference implementations.

Capture code never opens a connection itself. Each request (a requisite, or anything a
rendered page asks for) is first put to ``permit(url)``, which answers ``None`` (go
ahead) or a refusal reason, and may wait (a host's politeness delay); then to
``fetch(url, headers, max_bytes=...)``, which returns an :class:`HttpResponse` or raises
:class:`FetchError`. The crawler supplies both, so robots.txt, the private-address guard
and per-host delays hold for requisites and for every request a page's scripts make.

Refusal reasons are short tokens, as ``FetchError.reason``: ``robots``,
``private-address``, ``scheme``, ``too-large``, ``timeout``, ``page-cap`` ...
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol
from urllib.parse import urlsplit

from archive.errors import BlockedURLError
from archive.types import HttpResponse

from ..fetch import Fetcher
from ..netguard import check_url
from ..robots import RobotsCache


class FetchFn(Protocol):
    """Fetches one URL with the given request headers, refusing bodies over ``max_bytes``.

    Raises :class:`archive.errors.FetchError` (with a ``reason``) when there is no
    response. Redirects may be followed (the final response's ``url`` says where it
    ended) or returned as 3xx responses; both are handled.
    """

    def __call__(self, url: str, headers: Mapping[str, str], *,
                 max_bytes: int) -> Awaitable[HttpResponse]: ...


PermitFn = Callable[[str], Awaitable[str | None]]


def fetcher_hook(fetcher: Fetcher) -> FetchFn:
    """A :data:`FetchFn` over our :class:`~scraper.fetch.Fetcher` (guard, limits, retries)."""

    async def fetch(url: str, headers: Mapping[str, str], *, max_bytes: int) -> HttpResponse:
        return await fetcher.fetch(url, headers=headers, max_bytes=max_bytes)

    return fetch


class Permit:
    """A reference ``permit``: address guard, robots.txt and a per-host delay, in process.

    The crawler has its own host scheduler (shared through the database on PostgreSQL)
    and should pass that instead; this one serves tests, benchmarks and one-off use.

    Usage::

        permit = Permit(robots=RobotsCache(fetcher.fetch, ua), allow_private=False,
                        delay=1.0)
        reason = await permit("https://cdn.example/logo.png")   # None: go ahead

    Args:
        robots: answers robots.txt questions; ``None`` skips robots.
        allow_private: as ``fetch.allow_private``.
        delay: seconds between two requests to one host.
        clock: replaces ``time.monotonic`` (tests).
    """

    def __init__(self, *, robots: RobotsCache | None = None, allow_private: bool = False,
                 delay: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._robots = robots
        self._allow_private = allow_private
        self._delay = delay
        self._clock = clock
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, url: str) -> str | None:
        try:
            check_url(url, allow_private=self._allow_private)
        except BlockedURLError as exc:
            return exc.reason
        if self._robots is not None and not await self._robots.allowed(url):
            return "robots"
        if self._delay > 0:
            host = (urlsplit(url).hostname or "").lower()
            lock = self._locks.setdefault(host, asyncio.Lock())
            async with lock:
                wait = self._next.get(host, 0.0) - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next[host] = self._clock() + self._delay
        return None
