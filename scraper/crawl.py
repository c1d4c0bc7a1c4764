"""The crawl loop: many hosts at once, each at its polite pace, resumable.

The frontier lives in the archive database (``archive.frontier``); this module keeps
only a small in-memory window of claimed URLs grouped by host. Each host has at most
one request in flight and a next-allowed start time (``per_host_delay``, raised by
robots.txt ``Crawl-delay``), while up to ``concurrency`` hosts are fetched in parallel.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from archive import Archive
from archive.errors import ArchiveError, FetchError
from archive.frontier import FrontierItem
from archive.types import HttpResponse

from .config import Settings
from .discovery import links_from_html, looks_like_xml, parse_sitemap_or_feed
from .extract import Extractor
from .fetch import Fetcher
from .netguard import check_url
from .robots import RobotsCache
from .urls import host_of, normalize_url

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class CrawlStats:
    """What a crawl did, for the end-of-run summary."""

    fetched: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    discovered: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = dict(self.skipped)
        data["failed"] = dict(self.failed)
        return data


@dataclass(frozen=True)
class CrawlEvent:
    """Reported to the progress callback after each URL."""

    url: str
    outcome: str  # new | new-version | unchanged | not-modified | skipped | failed | discovered
    detail: str = ""
    pending: int = 0


class Scope:
    """Which URLs a crawl may queue: its sites, allow/deny regexes."""

    def __init__(self, seeds: list[str], settings: Settings) -> None:
        self.hosts = {host_of(s) for s in seeds} | {d.lower() for d in settings.crawl.domains}
        self.sites = {h.split(":")[0].removeprefix("www.") for h in self.hosts}
        self.allow = [re.compile(p) for p in settings.crawl.allow]
        self.deny = [re.compile(p) for p in settings.crawl.deny]

    def add_seed(self, url: str) -> None:
        self.hosts.add(host_of(url))
        self.sites.add(host_of(url).split(":")[0].removeprefix("www."))

    def __contains__(self, url: str) -> bool:
        host = host_of(url)
        name = host.split(":")[0].removeprefix("www.")
        if host not in self.hosts and not any(name == s or name.endswith("." + s)
                                              for s in self.sites if not s[0].isdigit()):
            return False
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)


class Crawler:
    """Crawls seeds into an archive.

    Usage::

        with open_archive("data", create=True) as arc:
            stats = asyncio.run(Crawler(settings, arc).run(["https://example.org/"]))

    Args:
        settings: all settings (fetch limits, crawl scope and pace, extraction).
        archive: where captures go; also holds the frontier.
        fetcher: replaces the network fetcher (tests).
        on_event: called after each URL is handled (progress display).
    """

    def __init__(self, settings: Settings, archive: Archive, *, fetcher: Fetcher | None = None,
                 on_event: Callable[[CrawlEvent], None] | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self.fetcher = fetcher or Fetcher(settings.fetch)
        self._own_fetcher = fetcher is None
        self.extractor = Extractor(settings.extract)
        self.robots = RobotsCache(self.fetcher.fetch, settings.fetch.user_agent)
        self.on_event = on_event or (lambda event: None)
        self.stats = CrawlStats()
        self._host_next: dict[str, float] = {}
        self._busy: set[str] = set()
        self._queues: dict[str, collections.deque[FrontierItem]] = {}
        self._sitemaps_seen: set[str] = set()
        self.crawl_id = 0
        self.scope = Scope([], settings)

    async def run(self, seeds: list[str], *, resume: bool = False) -> CrawlStats:
        """Crawl until the frontier is empty or ``max_pages`` is reached.

        Args:
            seeds: start URLs (ignored on resume, which reuses the stored crawl).
            resume: continue the last unfinished crawl of this archive.

        Raises:
            ArchiveError: nothing to resume, or the archive cannot be written.
        """
        frontier = self.archive.frontier
        if resume:
            crawl_id = self.archive.last_unfinished_crawl()
            if crawl_id is None:
                raise ArchiveError("no unfinished crawl to resume in this archive")
            self.crawl_id = crawl_id
            row = self.archive.store.conn.execute(
                "SELECT seeds FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
            seeds = json.loads(row[0])
            frontier.requeue_in_flight()
        normalized = [u for u in (normalize_url(s) for s in seeds) if u]
        self.scope = Scope(normalized, self.settings)
        if not resume:
            self.crawl_id = self.archive.start_crawl(normalized, asdict(self.settings))
            frontier.clear()
            frontier.add([(u, host_of(u), 0, None) for u in normalized], self.crawl_id)
        try:
            await self._loop()
        finally:
            if self._own_fetcher:
                await self.fetcher.aclose()
            self._release_unstarted()
        if frontier.pending() == 0:
            self.archive.finish_crawl(self.crawl_id, self.stats.to_dict())
        return self.stats

    def _release_unstarted(self) -> None:
        for queue in self._queues.values():
            for item in queue:
                self.archive.frontier.retry_later(item.url, 0, "not started")
        self._queues.clear()

    def _limit_reached(self) -> bool:
        limit = self.settings.crawl.max_pages
        return bool(limit) and self.stats.fetched >= limit

    async def _loop(self) -> None:
        frontier = self.archive.frontier
        concurrency = self.settings.crawl.concurrency
        running: set[asyncio.Task[None]] = set()
        while True:
            buffered = sum(len(q) for q in self._queues.values())
            if buffered < concurrency * 4 and not self._limit_reached():
                for item in frontier.claim(max(concurrency * 8, 50)):
                    self._queues.setdefault(item.host, collections.deque()).append(item)
            now = time.monotonic()
            wake = now + 1.0
            for host, queue in list(self._queues.items()):
                if len(running) >= concurrency or self._limit_reached():
                    break
                if not queue or host in self._busy:
                    continue
                ready = self._host_next.get(host, 0.0)
                if ready > now:
                    wake = min(wake, ready)
                    continue
                item = queue.popleft()
                if not queue:
                    del self._queues[host]
                self._busy.add(host)
                self.stats.fetched += 1
                running.add(asyncio.create_task(self._visit(item)))
            if not running:
                if self._limit_reached() or (not self._queues and frontier.pending() == 0):
                    return
                if not self._queues:
                    due = frontier.next_due()
                    if due is not None:
                        await asyncio.sleep(max(0.05, min(due - time.time(), 5.0)))
                        continue
                await asyncio.sleep(max(0.01, wake - time.monotonic()))
                continue
            done, running = await asyncio.wait(
                running, timeout=max(0.01, wake - time.monotonic()),
                return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # archive errors abort the crawl; everything else is recorded

    async def _visit(self, item: FrontierItem) -> None:
        host = item.host
        start = time.monotonic()
        try:
            await self._handle(item)
        finally:
            delay = self.settings.crawl.per_host_delay
            if self.settings.crawl.respect_robots:
                with contextlib.suppress(FetchError):
                    delay = max(delay, await self.robots.crawl_delay(item.url))
            self._host_next[host] = max(start + delay, time.monotonic())
            self._busy.discard(host)

    def _event(self, url: str, outcome: str, detail: str = "") -> None:
        self.on_event(CrawlEvent(url, outcome, detail, self.archive.frontier.pending()))

    def _fail(self, url: str, reason: str, message: str) -> None:
        self.stats.failed[reason] += 1
        self.archive.frontier.finish(url, "failed", f"{reason}: {message}")
        self._event(url, "failed", f"{reason}: {message}")

    def _skip(self, url: str, reason: str) -> None:
        self.stats.skipped[reason] += 1
        self.archive.frontier.finish(url, "skipped", reason)
        self._event(url, "skipped", reason)

    async def _handle(self, item: FrontierItem) -> None:
        url = item.url
        crawl = self.settings.crawl
        try:
            check_url(url, allow_private=self.settings.fetch.allow_private)
            if crawl.respect_robots and not await self.robots.allowed(url):
                self._skip(url, "robots")
                return
            if crawl.use_sitemaps and crawl.respect_robots:
                for sitemap in await self.robots.sitemaps(url):
                    self._queue_sitemap(sitemap, item)
            etag, last_modified = self.archive.store.validators(url)
            response = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            self._fail(url, exc.reason, str(exc))
            return
        if response.status == 304:
            self.archive.store_response(response, None, page_url=url, crawl_id=self.crawl_id)
            self.stats.not_modified += 1
            self.archive.frontier.finish(url, "done")
            self._event(url, "not-modified")
            archived = self.archive.latest_payload(url)
            if archived is not None:  # unchanged page, but its links still lead somewhere
                self._follow_links(item, archived, response.url, None)
            return
        if not 200 <= response.status < 300:
            self._fail(url, f"http-{response.status}", response.reason or "")
            return
        await self._handle_ok(item, response)

    async def _handle_ok(self, item: FrontierItem, response: HttpResponse) -> None:
        url = item.url
        ctype = (response.content_type or "").split(";")[0].strip().lower()
        if looks_like_xml(ctype, response.content) and ctype not in _HTML_TYPES:
            found = parse_sitemap_or_feed(response.content, response.url)
            if found is None:
                self._fail(url, "bad-xml", "not a sitemap or feed")
                return
            for sitemap in found.sitemaps:
                self._queue_sitemap(sitemap, item)
            self._queue(found.pages, item, depth=item.depth)
            self.archive.frontier.finish(url, "done")
            self._event(url, "discovered", f"{len(found.pages)} URLs")
            return
        if ctype and ctype not in _HTML_TYPES:
            self._skip(url, f"not-html ({ctype})")
            return
        article = await asyncio.to_thread(self.extractor.extract, response.content,
                                          response.url, response.content_type)
        page_url = self._page_url(url, article.canonical_url)
        result = self.archive.store_response(response, article, page_url=page_url,
                                             crawl_id=self.crawl_id)
        final = normalize_url(response.url)
        if final and final != url:
            self.archive.frontier.add([(final, host_of(final), item.depth, url)], self.crawl_id)
            self.archive.frontier.finish(final, "done")
        self.archive.frontier.finish(url, "done")
        if result.outcome == "new":
            self.stats.new += 1
        elif result.outcome == "new-version":
            self.stats.new_versions += 1
        else:
            self.stats.unchanged += 1
        self._event(url, result.outcome, article.title or "")
        self._follow_links(item, response.content, response.url, response.content_type)

    def _follow_links(self, item: FrontierItem, content: bytes, base_url: str,
                      content_type: str | None) -> None:
        if self.settings.crawl.follow_links and item.depth < self.settings.crawl.max_depth:
            links = links_from_html(content, base_url, content_type)
            self._queue(links.pages, item, depth=item.depth + 1)
            if self.settings.crawl.use_sitemaps:
                for feed in links.feeds:
                    self._queue_sitemap(feed, item)

    def _page_url(self, url: str, canonical: str | None) -> str:
        """The page identity: the canonical URL when it is on the same host and not
        merely the home page (a common misconfiguration), else the fetched URL."""
        norm = normalize_url(canonical or "", url)
        if not norm or host_of(norm) != host_of(url):
            return url
        if norm.rstrip("/").count("/") <= 2 and url.rstrip("/").count("/") > 2:
            return url
        return norm

    def _queue(self, urls: list[str], parent: FrontierItem, *, depth: int) -> None:
        items = [(u, host_of(u), depth, parent.url) for u in urls if u in self.scope]
        if items:
            added = self.archive.frontier.add(items, self.crawl_id)
            self.stats.discovered += added

    def _queue_sitemap(self, url: str, parent: FrontierItem) -> None:
        norm = normalize_url(url)
        if norm and norm not in self._sitemaps_seen and norm in self.scope:
            self._sitemaps_seen.add(norm)
            self.archive.frontier.add([(norm, host_of(norm), parent.depth, parent.url)],
                                      self.crawl_id)
