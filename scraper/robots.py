"""robots.txt per RFC 9309 (parsed by protego), cached per host with an expiry.

A missing robots.txt (4xx) allows everything; an unreachable one (5xx, timeout)
disallows the host until the cache entry expires, as RFC 9309 section 2.3.1.3 asks.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from archive.errors import FetchError
from archive.types import HttpResponse

CACHE_SECONDS = 24 * 3600
UNREACHABLE_RETRY_SECONDS = 600
MAX_ROBOTS_BYTES = 500_000  # RFC 9309: parse at least 500 KiB

FetchFn = Callable[[str], Awaitable[HttpResponse]]


@dataclass
class _Entry:
    rules: Protego | None  # None: allow all
    disallow_all: bool
    expires: float
    sitemaps: list[str] = field(default_factory=list)


class RobotsCache:
    """Answers "may we fetch this URL?" for one user agent.

    Args:
        fetch: fetches a URL (the crawler's fetcher, so limits and the guard apply).
        user_agent: our full User-Agent; its product token is matched against rules.
    """

    def __init__(self, fetch: FetchFn, user_agent: str) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        self._entries: dict[str, _Entry] = {}

    async def _entry(self, url: str) -> _Entry:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        entry = self._entries.get(key)
        if entry is not None and entry.expires > time.time():
            return entry
        try:
            response = await self._fetch(f"{key}/robots.txt")
        except FetchError:
            entry = _Entry(None, True, time.time() + UNREACHABLE_RETRY_SECONDS)
        else:
            if 200 <= response.status < 300:
                text = response.content[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
                rules = Protego.parse(text)
                entry = _Entry(rules, False, time.time() + CACHE_SECONDS,
                               list(rules.sitemaps))
            elif 400 <= response.status < 500:
                entry = _Entry(None, False, time.time() + CACHE_SECONDS)
            else:
                entry = _Entry(None, True, time.time() + UNREACHABLE_RETRY_SECONDS)
        self._entries[key] = entry
        return entry

    async def allowed(self, url: str) -> bool:
        entry = await self._entry(url)
        if entry.disallow_all:
            return False
        return entry.rules is None or bool(entry.rules.can_fetch(url, self.user_agent))

    async def crawl_delay(self, url: str) -> float:
        entry = await self._entry(url)
        if entry.rules is None:
            return 0.0
        delay = entry.rules.crawl_delay(self.user_agent)
        return float(delay or 0.0)

    async def sitemaps(self, url: str) -> list[str]:
        return list((await self._entry(url)).sitemaps)
