"""The crawl loop: many hosts at once, each at its polite pace, resumable.

The frontier lives in the archive database (``archive.frontier``); this module keeps
only a small in-memory window of claimed URLs per host. Each host has at most one
request in flight and a next-allowed start time: ``per_host_delay`` start to start,
raised by robots.txt ``Crawl-delay``, by ``Retry-After`` and by a backoff that doubles
with each failure in a row. Up to ``concurrency`` hosts are fetched in parallel, the
one that has waited longest first.

The frontier is an interface (:class:`archive.db.Frontier`): the same loop drains a
SQLite archive's frontier alone or a PostgreSQL one shared with other workers. Every
page goes into the archive through :class:`scraper.ingest.Ingester`, as it does from
``fetch`` and ``import``; robots.txt, sitemaps and feeds are archived too, as resources.

Failures are sorted in two kinds. Transient ones (connection errors, connect and read
timeouts, 408, 429, 5xx) send the URL back to the frontier with a later
``next_attempt_at`` until ``max_attempts``; a host with ``host_max_failures`` of them in
a row is given up for the run. Everything else (a page too slow to finish within
``fetch.total_timeout``, refused address, too large, redirect loop, 404, bad XML...) is
recorded at once with its reason. Nothing a server sends can stop the crawl: only
archive errors (disk, database) do.

Crash safety: a page's links are queued before the page is marked done, and on
``--resume`` a URL left in-flight that is already in the archive for this crawl is
not fetched again; its links are re-read from the archived copy.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from archive import Archive
from archive.errors import BlockedURLError, ConfigError, FetchError, TransientFetchError
from archive.types import HTML_TYPES, FrontierItem, HttpResponse

from .config import Settings
from .discovery import DiscoveryError, links_from_html, looks_like_xml, parse_sitemap_or_feed
from .fetch import RETRY_STATUSES, Fetcher, parse_retry_after
from .ingest import Ingester
from .netguard import check_url
from .pagecapture import PageCapture, archive_page
from .robots import RobotsCache
from .urls import host_of, normalize_url

_REFRESH_SECONDS = 1.0


@dataclass
class CrawlStats:
    """What a crawl did, for the end-of-run summary."""

    fetched: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    discovered: int = 0
    retried: int = 0
    recovered: int = 0
    gone: int = 0
    requisites: int = 0  # responses kept for pages to display (images, styles, ...)
    rendered: int = 0  # pages rendered in a browser
    left: int = 0  # URLs still queued when the run stopped (max_pages reached)
    crawl_id: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = dict(self.skipped)
        data["failed"] = dict(self.failed)
        return data

    @property
    def archived(self) -> int:
        """Pages whose state this run archived (new, changed, unchanged, 304, gone)."""
        return self.new + self.new_versions + self.unchanged + self.not_modified + self.gone

    def count(self, outcome: str) -> None:
        """Count one archiving outcome (see :class:`scraper.ingest.Ingested`)."""
        if outcome == "new":
            self.new += 1
        elif outcome == "new-version":
            self.new_versions += 1
        elif outcome == "not-modified":
            self.not_modified += 1
        elif outcome == "gone":
            self.gone += 1
        else:
            self.unchanged += 1

    def add(self, other: CrawlStats) -> None:
        """Add another run's counts to these (a worker's total over several crawls)."""
        for name, value in vars(other).items():
            if name == "crawl_id":
                continue
            mine = getattr(self, name)
            if isinstance(mine, collections.Counter):
                mine.update(value)
            else:
                setattr(self, name, mine + value)


def limit_reached(settings: Settings, stats: CrawlStats) -> bool:
    """Whether a run has made its ``crawl.max_pages`` fetches (0: no limit)."""
    limit = settings.crawl.max_pages
    return bool(limit) and stats.fetched >= limit


@dataclass(frozen=True)
class CrawlEvent:
    """Reported to the progress callback after each URL."""

    url: str
    # new | new-version | unchanged | not-modified | gone | skipped | failed | retry |
    # discovered
    outcome: str
    detail: str = ""
    pending: int = 0
    crawl_id: int = 0


class Scope:
    """Which URLs a crawl may queue: its sites, allow/deny regexes."""

    def __init__(self, seeds: list[str], settings: Settings) -> None:
        self.hosts = {host_of(s) for s in seeds} | {d.lower() for d in settings.crawl.domains}
        self.sites = {h.split(":")[0].removeprefix("www.") for h in self.hosts}
        self.allow = [re.compile(p) for p in settings.crawl.allow]
        self.deny = [re.compile(p) for p in settings.crawl.deny]

    def __contains__(self, url: str) -> bool:
        host = host_of(url)
        name = host.split(":")[0].removeprefix("www.")
        if host not in self.hosts and not any(name == s or name.endswith("." + s)
                                              for s in self.sites if not s[0].isdigit()):
            return False
        if any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)


class _Transient(Exception):
    """A failure worth another attempt later (and a strike against the host)."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


def start_crawl(archive: Archive, settings: Settings, seeds: list[str]) -> int:
    """Record a new crawl with its settings and queue its seeds: the one way a crawl
    starts, for ``crawl`` and ``crawl --seed-only`` alike.

    Args:
        archive: the archive (its frontier receives the seeds).
        settings: stored with the crawl; workers read its scope rules from there.
        seeds: seed URLs; when empty, ``crawl.seeds`` from the settings.

    Raises:
        ConfigError: no valid seed URL.
    """
    normalized = [u for u in (normalize_url(s) for s in (seeds or settings.crawl.seeds)) if u]
    if not normalized:
        raise ConfigError("no seed URLs: give some, or set crawl.seeds in config.toml")
    return archive.start_crawl(normalized, asdict(settings),
                               delay=settings.crawl.per_host_delay,
                               hosts={u: host_of(u) for u in normalized})


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
        ingester: the ingest path to use (a revisit round passes its own, on its clock).
    """

    def __init__(self, settings: Settings, archive: Archive, *, fetcher: Fetcher | None = None,
                 on_event: Callable[[CrawlEvent], None] | None = None,
                 ingester: Ingester | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self.fetcher = fetcher or Fetcher(settings.fetch)
        self._own_fetcher = fetcher is None
        self.ingester = ingester or Ingester(archive, settings.extract, origin="crawl",
                                             honor_noarchive=settings.crawl.honor_noarchive,
                                             watch=settings.watch)
        self.robots = RobotsCache(self._fetch_robots, settings.fetch.user_agent)
        self.capture = PageCapture(settings.capture, self.fetcher, self._permit,
                                   user_agent=settings.fetch.user_agent)
        self._host_locks: dict[str, asyncio.Lock] = {}
        self.on_event = on_event or (lambda event: None)
        self.stats = CrawlStats()
        self._host_next: dict[str, float] = {}
        self._host_failures: collections.Counter[str] = collections.Counter()
        self._abandoned: set[str] = set()
        self._busy: set[str] = set()
        self._queues: dict[str, collections.deque[FrontierItem]] = {}
        self._hosts: set[str] = set()  # hosts that may have due work
        self._refreshed = 0.0
        self._pending = (0, 0.0)
        self._sitemaps_seen: set[str] = set()
        self.crawl_id = 0
        self.scope = Scope([], settings)

    async def run(self, seeds: list[str], *, resume: bool = False,
                  crawl_id: int | None = None) -> CrawlStats:
        """Crawl until the frontier is empty or ``max_pages`` is reached.

        Args:
            seeds: start URLs; when empty, ``crawl.seeds`` from the settings.
            resume: continue the last unfinished crawl of this archive, if there is one
                (its own seeds and frontier); otherwise start a new one from ``seeds``.
            crawl_id: continue this crawl (a worker draining a shared frontier).

        Raises:
            ConfigError: a new crawl without seed URLs.
            ArchiveError: the archive cannot be written.
        """
        if resume and crawl_id is None:
            crawl_id = self.archive.store.last_unfinished_crawl()
        if crawl_id is not None:
            self.crawl_id = crawl_id
            seeds = self.archive.resume_crawl(crawl_id, delay=self.settings.crawl.per_host_delay)
            self.scope = Scope(seeds, self.settings)
            self.ingester.crawl_id = crawl_id
            self._recover_in_flight()
        else:
            self.crawl_id = start_crawl(self.archive, self.settings, seeds)
            self.scope = Scope(self.archive.store.crawl_seeds(self.crawl_id), self.settings)
            self.ingester.crawl_id = self.crawl_id
        self.stats.crawl_id = self.crawl_id
        try:
            await self._loop()
        finally:
            await self.capture.aclose()
            if self._own_fetcher:
                await self.fetcher.aclose()
            self._release_unstarted()
        self.stats.left = self.archive.frontier.pending()
        if self.stats.left == 0:
            self.archive.finish_crawl(self.crawl_id, self.stats.to_dict())
        return self.stats

    # -- scheduling --------------------------------------------------------------------

    def _refill(self) -> None:
        """Claim more URLs when few are buffered: a few per host, from hosts with none."""
        buffered = sum(len(q) for q in self._queues.values())
        if buffered >= self.settings.crawl.concurrency * 2:
            return
        have = {h for h, q in self._queues.items() if q} | self._busy
        for item in self.archive.frontier.refill(self.settings.crawl.concurrency * 4, have):
            self._queues.setdefault(item.host, collections.deque()).append(item)
            self._hosts.add(item.host)

    def _recover_in_flight(self) -> None:
        """After a kill: URLs already archived in this crawl are done (their links are
        re-read from the archive); the others are queued again."""
        frontier = self.archive.frontier
        lost = []
        for item in frontier.recover():
            page = frontier.captured_page(item.url, self.crawl_id)
            payload = self.archive.latest_payload(page) if page else None
            if payload is None:
                lost.append(item.url)
                continue
            with contextlib.suppress(Exception):  # a page we cannot parse has no links
                self._follow_links(item, payload, item.url, None)
            frontier.finish(item.url, "done")
            self.stats.recovered += 1
        frontier.release(lost)

    def _release_unstarted(self) -> None:
        self.archive.frontier.release([i.url for q in self._queues.values() for i in q])
        self._queues.clear()

    def _limit_reached(self) -> bool:
        return limit_reached(self.settings, self.stats)

    def _next_item(self, host: str) -> FrontierItem | None:
        queue = self._queues.get(host)
        if not queue:
            self._queues.pop(host, None)
            return None
        return queue.popleft()

    async def _loop(self) -> None:
        frontier = self.archive.frontier
        concurrency = self.settings.crawl.concurrency
        running: set[asyncio.Task[None]] = set()
        while True:
            now = time.monotonic()
            if now - self._refreshed >= _REFRESH_SECONDS or not (running or self._hosts):
                self._refill()
                self._refreshed = now
            wake = now + _REFRESH_SECONDS
            # Longest-waiting host first, so no host starves when hosts outnumber slots.
            for _, host in sorted((self._host_next.get(h, 0.0), h)
                                  for h in self._hosts - self._busy):
                if len(running) >= concurrency or self._limit_reached():
                    break
                ready = self._host_next.get(host, 0.0)
                if ready > now:
                    wake = min(wake, ready)
                    break  # sorted: every later host is later still
                item = self._next_item(host)
                if item is None:
                    self._hosts.discard(host)
                    continue
                self._busy.add(host)
                self.stats.fetched += 1
                running.add(asyncio.create_task(self._visit(item)))
            if not running:
                if self._limit_reached():
                    return
                if not self._hosts:
                    if frontier.pending() == 0:
                        return
                    due = frontier.next_due()
                    if due is not None and due > time.time():
                        await asyncio.sleep(max(0.01, min(due - time.time(), 5.0)))
                    self._refreshed = 0.0
                    continue
                await asyncio.sleep(max(0.001, wake - time.monotonic()))
                continue
            done, running = await asyncio.wait(
                running, timeout=max(0.001, wake - time.monotonic()),
                return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # archive errors abort the crawl; everything else is recorded

    # -- politeness --------------------------------------------------------------------

    async def _host_delay(self, url: str) -> float:
        delay = self.settings.crawl.per_host_delay
        if self.settings.crawl.respect_robots:
            with contextlib.suppress(FetchError):
                delay = max(delay, await self.robots.crawl_delay(url))
        return delay

    async def _visit(self, item: FrontierItem) -> None:
        host = item.host
        start = time.monotonic()
        try:
            start = await self._handle(item, start)
        finally:
            delay = await self._host_delay(item.url)
            strikes = self._host_failures[host]
            if strikes:  # a host that keeps failing waits longer each time
                delay = max(delay, min(self.settings.crawl.host_backoff_max,
                                       (delay or 1.0) * 2 ** (strikes - 1)))
            # Start to start, from when the last request (retries included) was written
            # to the socket, so a busy event loop cannot squeeze two requests together.
            self._host_next[host] = max(start + delay, self._host_next.get(host, 0.0))
            self.archive.frontier.set_host_delay(host, delay)  # shared: pace all workers
            self._busy.discard(host)

    async def _permit(self, url: str) -> str | None:
        """May a page's requisite (or a request its scripts make) be fetched now? The
        same rules as a page: the address guard, robots.txt and the host's delay
        (waited for here: requisites on a CDN are paced like pages)."""
        try:
            check_url(url, allow_private=self.settings.fetch.allow_private)
        except BlockedURLError as exc:
            return exc.reason
        if self.settings.crawl.respect_robots:
            refused = await self.robots.verdict(url)
            if refused is not None:
                return refused[0]
        host = host_of(url)
        async with self._host_locks.setdefault(host, asyncio.Lock()):
            delay = await self._host_delay(url)
            wait = self._host_next.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._host_next[host] = time.monotonic() + delay
        return None

    def _pending_count(self) -> int:
        _, at = self._pending
        if time.monotonic() - at > 0.5:
            self._pending = (self.archive.frontier.pending(), time.monotonic())
        return self._pending[0]

    def _event(self, url: str, outcome: str, detail: str = "") -> None:
        self.on_event(CrawlEvent(url, outcome, detail, self._pending_count(), self.crawl_id))

    def _fail(self, url: str, reason: str, message: str) -> None:
        self.stats.failed[reason] += 1
        self.archive.frontier.finish(url, "failed", f"{reason}: {message}"[:2000])
        self._event(url, "failed", f"{reason}: {message}"[:500])

    def _skip(self, url: str, reason: str, detail: str = "") -> None:
        self.stats.skipped[reason] += 1
        self.archive.frontier.finish(url, "skipped", f"{reason} {detail}".strip())
        self._event(url, "skipped", f"{reason} {detail}".strip())

    def _give_up_host(self, host: str, reason: str, keep: str, *, failed: bool = False
                      ) -> None:
        """Close the host's other URLs for this run (skipped, or failed when the host
        itself is failing)."""
        self._abandoned.add(host)
        state = "failed" if failed else "skipped"
        closed = self.archive.frontier.give_up_host(host, state, reason, keep=keep)
        self._queues.pop(host, None)
        self._hosts.discard(host)
        (self.stats.failed if failed else self.stats.skipped)[reason] += closed

    def _transient(self, item: FrontierItem, exc: _Transient) -> None:
        crawl = self.settings.crawl
        host = item.host
        self._host_failures[host] += 1
        if exc.retry_after is not None:
            self._host_next[host] = max(self._host_next.get(host, 0.0),
                                        time.monotonic() + exc.retry_after)
        if item.attempts >= crawl.max_attempts:
            self._fail(item.url, exc.reason, f"{exc} (after {item.attempts} attempts)")
        else:
            wait = crawl.retry_delay * 2 ** (item.attempts - 1)
            wait = max(wait, exc.retry_after or 0.0)
            self.archive.frontier.retry_later(item.url, time.time() + wait,
                                              f"{exc.reason}: {exc}"[:2000])
            self.stats.retried += 1
            self._event(item.url, "retry", f"{exc.reason}; again in {wait:.0f}s")
        if self._host_failures[host] >= crawl.host_max_failures:
            self._give_up_host(host, "host-unavailable", keep=item.url)

    # -- one URL -----------------------------------------------------------------------

    async def _handle(self, item: FrontierItem, start: float) -> float:
        """Handle one claimed URL; returns when its page request started."""
        url = item.url
        crawl = self.settings.crawl
        if item.host in self._abandoned:
            self._skip(url, "host-unavailable")
            return start
        try:
            check_url(url, allow_private=self.settings.fetch.allow_private)
            if crawl.respect_robots:
                fetched_robots = not self.robots.is_cached(url)
                refused = await self.robots.verdict(url)
                if refused is not None and refused[0] == "robots-unreachable":
                    # RFC 9309: an unreachable robots.txt disallows the host for now; the
                    # host is failing, not forbidding, so this is a failure, said so
                    self._fail(url, refused[0], f"robots.txt cannot be read ({refused[1]}); "
                               "the host is treated as disallowed for this run (RFC 9309)")
                    self._give_up_host(item.host, refused[0], keep=url, failed=True)
                    return start
                if refused is not None:
                    self._skip(url, "robots")
                    return start
                delay = await self._host_delay(url)
                if delay > crawl.max_crawl_delay:
                    self._skip(url, "crawl-delay", f"({delay:g}s > crawl.max_crawl_delay)")
                    self._give_up_host(item.host, "crawl-delay", keep=url)
                    return start
                if crawl.use_sitemaps:
                    for sitemap in await self.robots.sitemaps(url):
                        self._queue_sitemap(sitemap, item)
                if fetched_robots:  # robots.txt was a request too: keep the pace
                    await asyncio.sleep(delay)
                    start = time.monotonic()
            etag, last_modified = self.archive.store.validators(url)
            sent = [start]
            cookies = self.capture.cookies.header_for(url) if self.capture.cookies else ""
            try:
                response = await self.fetcher.fetch(
                    url, etag=etag, last_modified=last_modified,
                    min_retry_wait=await self._host_delay(url), on_send=sent.append,
                    headers={"Cookie": cookies} if cookies else None)
            finally:
                start = sent[-1]
                # the page's requisites on its own host wait their turn after it
                self._host_next[item.host] = max(self._host_next.get(item.host, 0.0),
                                                 start + await self._host_delay(url))
            if response.status in RETRY_STATUSES:
                raise _Transient(f"http-{response.status}", response.reason or "",
                                 parse_retry_after(response.header("retry-after")))
        except TransientFetchError as exc:
            self._transient(item, _Transient(exc.reason, str(exc)))
            return start
        except FetchError as exc:
            self._fail(url, exc.reason, str(exc))
            return start
        except _Transient as exc:
            self._transient(item, exc)
            return start
        self._host_failures.pop(item.host, None)
        if response.status == 304:
            archived = self.archive.latest_payload(url)
            if archived is not None:  # unchanged page, but its links still lead somewhere
                self._follow_links_safely(item, archived, response.url, None)
            self._done(item, self.ingester.ingest(response, requested_url=url).outcome)
        elif 200 <= response.status < 300 and response.mime not in HTML_TYPES \
                and looks_like_xml(response.content_type, response.content):
            await self._discover(item, response)
        else:
            done, completed = await archive_page(self.ingester, self.capture, response,
                                                 requested_url=url)
            if completed is not None:
                self.stats.requisites += len(completed.responses)
                self.stats.rendered += completed.rendered is not None
            if done.archived and 200 <= response.status < 300:
                self._follow_links_safely(item, response.content, response.url,
                                          response.content_type)
                final = normalize_url(response.url)
                if final and final != url:
                    self.archive.frontier.add([(final, host_of(final), item.depth, url)],
                                              self.crawl_id)
                    self.archive.frontier.finish(final, "done")
            if done.outcome == "extract-error" or done.outcome.startswith("http-"):
                self._fail(url, done.outcome, done.detail)
            elif done.outcome in ("not-html", "noarchive"):
                self._skip(url, done.outcome, f"({done.detail[:80]})" if done.detail else "")
            else:
                self._done(item, done.outcome, (done.article.title if done.article else "")
                           or "")
        return start

    def _done(self, item: FrontierItem, outcome: str, detail: str = "") -> None:
        self.stats.count(outcome)
        self.archive.frontier.finish(item.url, "done")
        self._event(item.url, outcome, detail)

    async def _discover(self, item: FrontierItem, response: HttpResponse) -> None:
        """A sitemap or feed: archive it (evidence of what a site published when) and
        queue what it lists."""
        url = item.url
        try:
            found = await asyncio.to_thread(parse_sitemap_or_feed, response.content,
                                            response.url)
        except DiscoveryError as exc:
            self._fail(url, exc.reason, str(exc))
            return
        self.archive.store_resource(response, role=found.kind, crawl_id=self.crawl_id)
        for sitemap in found.sitemaps:
            self._queue_sitemap(sitemap, item)
        self._queue(found.pages, item, depth=item.depth)
        self.archive.frontier.finish(url, "done")
        self._event(url, "discovered", f"{len(found.pages)} URLs")

    async def _fetch_robots(self, url: str) -> HttpResponse:
        """Fetch a robots.txt for the cache, and archive the answer (evidence of what
        the site allowed when it was crawled)."""
        response = await self.fetcher.fetch(url)
        self.archive.store_resource(response, role="robots", crawl_id=self.crawl_id or None)
        return response

    def _follow_links_safely(self, item: FrontierItem, content: bytes, base_url: str,
                             content_type: str | None) -> None:
        try:
            self._follow_links(item, content, base_url, content_type)
        except (ValueError, RecursionError, MemoryError) as exc:
            self._event(item.url, "discovered", f"links unreadable: {exc}")

    def _follow_links(self, item: FrontierItem, content: bytes, base_url: str,
                      content_type: str | None) -> None:
        if self.settings.crawl.follow_links and item.depth < self.settings.crawl.max_depth:
            links = links_from_html(content, base_url, content_type)
            self._queue(links.pages, item, depth=item.depth + 1)
            if self.settings.crawl.use_sitemaps:
                for feed in links.feeds:
                    self._queue_sitemap(feed, item)

    def _queue(self, urls: list[str], parent: FrontierItem, *, depth: int) -> None:
        items = [(u, host_of(u), depth, parent.url) for u in urls if u in self.scope]
        if items:
            added = self.archive.frontier.add(items, self.crawl_id)
            self.stats.discovered += added
            if added:
                self._hosts |= {h for _, h, _, _ in items} - self._abandoned

    def _queue_sitemap(self, url: str, parent: FrontierItem) -> None:
        norm = normalize_url(url)
        if norm and norm not in self._sitemaps_seen and norm in self.scope:
            self._sitemaps_seen.add(norm)
            if self.archive.frontier.add([(norm, host_of(norm), parent.depth, parent.url)],
                                         self.crawl_id):
                self._hosts.add(host_of(norm))
