"""robots.txt per RFC 9309 (parsed by protego), cached per host with an expiry.

A missing robots.txt (4xx) allows everything; an unreachable one (5xx, 429, timeout,
connection refused) disallows the host until the cache entry expires, as RFC 9309
section 2.3.1.3 asks; :meth:`RobotsCache.verdict` tells the two refusals apart, so a
crawl reports an unreachable host as a failure, not as a robots rule.
Entries live for the response's ``Cache-Control: max-age`` but never more than 24
hours (RFC 9309 section 2.4). Rules are matched against our *product token* (the
User-Agent up to its first ``/``), not the whole string: a contact URL such as
``+https://example.org/`` must not make us obey a group for ``User-agent: example``.
"""

from __future__ import annotations

import re
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
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)


def product_token(user_agent: str) -> str:
    """The robots.txt product token of a User-Agent: ``newsarchive/0.1 (+url)`` →
    ``newsarchive`` (RFC 9309 section 2.2.1)."""
    token = re.match(r"[A-Za-z_-]+", user_agent.strip())
    return token.group(0) if token else user_agent


def _lifetime(response: HttpResponse) -> float:
    match = _MAX_AGE.search(response.header("cache-control") or "")
    return min(float(match.group(1)), CACHE_SECONDS) if match else CACHE_SECONDS


@dataclass
class _Entry:
    rules: Protego | None  # None: allow all
    disallow_all: bool
    expires: float
    sitemaps: list[str] = field(default_factory=list)
    unreachable: str = ""  # why robots.txt could not be read (disallow_all then)


class RobotsCache:
    """Answers "may we fetch this URL?" for one user agent.

    Args:
        fetch: fetches a URL (the crawler's fetcher, so limits and the guard apply).
        user_agent: our full User-Agent; its product token is matched against rules.
        clock: replaces ``time.time`` (tests of expiry).

    Usage::

        robots = RobotsCache(fetcher.fetch, settings.fetch.user_agent)
        if await robots.allowed("https://example.org/news/1"):
            ...
    """

    def __init__(self, fetch: FetchFn, user_agent: str,
                 clock: Callable[[], float] = time.time) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        self.token = product_token(user_agent)
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    @staticmethod
    def _key(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def is_cached(self, url: str) -> bool:
        """True when answering for ``url`` needs no request."""
        entry = self._entries.get(self._key(url))
        return entry is not None and entry.expires > self._clock()

    async def _entry(self, url: str) -> _Entry:
        key = self._key(url)
        entry = self._entries.get(key)
        if entry is not None and entry.expires > self._clock():
            return entry
        try:
            response = await self._fetch(f"{key}/robots.txt")
        except FetchError as exc:
            entry = _Entry(None, True, self._clock() + UNREACHABLE_RETRY_SECONDS,
                           unreachable=f"{exc.reason}: {exc}")
        else:
            now = self._clock()
            if 200 <= response.status < 300:
                text = response.content[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
                try:
                    rules = Protego.parse(text)
                except Exception:  # protego on garbage: treat like an empty file
                    rules = Protego.parse("")
                entry = _Entry(rules, False, now + _lifetime(response),
                               list(rules.sitemaps))
            elif 400 <= response.status < 500 and response.status != 429:
                entry = _Entry(None, False, now + _lifetime(response))
            else:
                entry = _Entry(None, True, now + UNREACHABLE_RETRY_SECONDS,
                               unreachable=f"HTTP {response.status}")
        self._entries[key] = entry
        return entry

    async def allowed(self, url: str) -> bool:
        """May we fetch ``url``? Fetches the host's robots.txt on first use."""
        return (await self.verdict(url)) is None

    async def verdict(self, url: str) -> tuple[str, str] | None:
        """``None`` when ``url`` may be fetched, else why not: ``("robots", rule)`` for
        a robots.txt rule, ``("robots-unreachable", cause)`` when robots.txt could not be
        read (the host is treated as disallowed for a while, RFC 9309 2.3.1.3)."""
        entry = await self._entry(url)
        if entry.disallow_all:
            return "robots-unreachable", entry.unreachable or "robots.txt unreachable"
        if entry.rules is None or entry.rules.can_fetch(url, self.token):
            return None
        return "robots", f"disallowed for {self.token}"

    async def crawl_delay(self, url: str) -> float:
        """The ``Crawl-delay`` for our token (or ``*``) on the URL's host; 0 if none."""
        entry = await self._entry(url)
        if entry.rules is None:
            return 0.0
        delay = entry.rules.crawl_delay(self.token)
        return float(delay or 0.0)

    async def sitemaps(self, url: str) -> list[str]:
        """Sitemap URLs announced in the host's robots.txt."""
        return list((await self._entry(url)).sitemaps)
