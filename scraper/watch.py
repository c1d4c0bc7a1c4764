"""Revisit rounds: check again what the schedule says is due, until stopped.

A round claims the due pages of the revisit schedule (:mod:`archive.schedule`) and
crawls exactly those, with the crawler's politeness, robots.txt, conditional requests
(an unchanged page answers 304) and its one ingest path; the ingest path moves each
page's next check (:mod:`scraper.revisit`) and schedules the articles front pages show,
which are due at once, so the round claims again until nothing is due.
``newsarchive crawl --revisit`` runs one round (for cron); ``newsarchive watch`` runs
rounds until stopped, sleeping until the next page is due.

Processes sharing a PostgreSQL archive share its schedule: each claims different pages.

Usage::

    watcher = Watcher(settings, arc)
    watcher.add_fronts(["https://news.example/"])
    asyncio.run(watcher.run())      # until cancelled
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import platform
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from archive import Archive
from archive.schedule import FRONT, Schedule
from archive.types import HttpResponse

from .config import Settings
from .crawl import Crawler, CrawlEvent
from .fetch import Fetcher
from .ingest import Ingester
from .revisit import Tracker
from .robots import RobotsCache
from .urls import host_of, normalize_url

# A page the crawler skipped for one of these is not checked again.
_REFUSED = ("robots", "crawl-delay", "not-html", "noarchive")


@dataclass
class RoundStats:
    """What one round (or several) did."""

    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    retired: int = 0
    new_articles: int = 0
    crawls: int = 0

    def add(self, other: RoundStats) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


class Watcher:
    """Runs revisit rounds on one archive.

    Args:
        settings: all settings; ``watch`` for the schedule, the rest for the crawl of
            each round (which follows no links, reads no sitemaps and tries each page
            once: the schedule says what to fetch, and when to try a failure again).
        archive: the archive; its store holds the schedule.
        clock: the current time in epoch seconds (tests and simulations pass their own).
        fetcher: replaces the network fetcher; one is kept for all rounds.
        on_event: called after each URL, as for :class:`scraper.crawl.Crawler`.
        sleep: waits between rounds (a simulation advances its clock instead).
    """

    def __init__(self, settings: Settings, archive: Archive, *,
                 clock: Callable[[], float] = time.time, fetcher: Fetcher | None = None,
                 on_event: Callable[[CrawlEvent], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.settings = settings
        self.archive = archive
        self.clock = clock
        self.fetcher = fetcher
        self.on_event = on_event or (lambda event: None)
        self.sleep = sleep
        self.worker = f"{platform.node()}:{os.getpid()}"
        self.ingester = Ingester(archive, settings.extract, origin="crawl",
                                 honor_noarchive=settings.crawl.honor_noarchive,
                                 watch=settings.watch, clock=clock)
        assert self.ingester.tracker is not None
        self.tracker: Tracker = self.ingester.tracker
        self.schedule: Schedule = self.tracker.schedule
        # the schedule says what to fetch, and when to try a failed page again
        crawl = dataclasses.replace(settings.crawl, max_depth=0, follow_links=False,
                                    use_sitemaps=False, max_pages=0, max_attempts=1)
        self.round_settings = dataclasses.replace(settings, crawl=crawl)
        # robots.txt is read once per host for its max-age, not once per round
        self.robots = RobotsCache(self._fetch_robots, settings.fetch.user_agent, clock=clock)
        self._fetcher: Fetcher | None = None  # the current round's

    def add_fronts(self, urls: Iterable[str]) -> int:
        """Watch these front or section pages (due at once); returns how many were new."""
        pages = [(u, host_of(u)) for u in (normalize_url(x) for x in urls) if u]
        return self.schedule.add(pages, kind=FRONT, now=self.clock())

    async def round(self) -> RoundStats:
        """Check everything due now, including the articles front pages show on the way.

        Raises:
            ArchiveError: the archive cannot be written.
        """
        total = RoundStats()
        before = self.schedule.counts()
        self._fetcher = self.fetcher or Fetcher(self.settings.fetch)
        try:
            while True:
                due = self.schedule.claim(self.clock(), limit=self.settings.watch.batch,
                                          worker=self.worker, lease=self.settings.watch.lease)
                if not due:
                    break
                total.add(await self._crawl([d.url for d in due], self._fetcher))
        finally:
            if self.fetcher is None:
                await self._fetcher.aclose()
            self._fetcher = None
        after = self.schedule.counts()
        total.new_articles = max(0, after["article"] + after["retired"]
                                 - before["article"] - before["retired"])
        return total

    async def _fetch_robots(self, url: str) -> HttpResponse:
        assert self._fetcher is not None, "robots.txt is read during a round"
        response = await self._fetcher.fetch(url)
        self.archive.store_resource(response, role="robots")
        return response

    async def _crawl(self, urls: list[str], fetcher: Fetcher) -> RoundStats:
        stats = RoundStats(crawls=1)
        refused: list[str] = []

        def event(e: CrawlEvent) -> None:
            if e.outcome == "new-version":
                stats.changed += 1
            elif e.outcome in ("new", "unchanged", "not-modified"):
                stats.unchanged += 1
            elif e.outcome == "failed":
                stats.failed += 1
            elif e.outcome == "skipped" and e.detail.split(" ")[0] in _REFUSED:
                refused.append(e.url)
            self.on_event(e)

        try:
            crawler = Crawler(self.round_settings, self.archive, fetcher=fetcher,
                              on_event=event, ingester=self.ingester)
            crawler.robots = self.robots
            await crawler.run(urls)
        finally:
            now = self.clock()
            self.schedule.retire(refused, now)
            self.schedule.release(self.worker, now)  # failed or never reached: again later
        stats.checked = stats.changed + stats.unchanged
        stats.retired = len(refused)
        return stats

    def next_wake(self) -> float:
        """When the next round should start: when the next page is due, but at most
        ``watch.poll`` seconds from now (pages added by other processes are seen)."""
        now = self.clock()
        due = self.schedule.next_due()
        latest = now + self.settings.watch.poll
        return latest if due is None else max(now, min(due, latest))

    async def run(self, *, rounds: int | None = None,
                  on_round: Callable[[RoundStats], None] | None = None) -> RoundStats:
        """Run rounds until cancelled (or ``rounds`` of them), sleeping in between.

        Returns:
            The rounds' totals.
        """
        total = RoundStats()
        done = 0
        while rounds is None or done < rounds:
            stats = await self.round()
            total.add(stats)
            done += 1
            if on_round is not None:
                on_round(stats)
            if rounds is not None and done >= rounds:
                break
            wait = self.next_wake() - self.clock()
            if wait > 0:
                await self.sleep(wait)
        return total
