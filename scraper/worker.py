"""Crawl workers that share one archive and one frontier in PostgreSQL.

``seed_crawl`` starts a crawl without fetching: it records the seeds and the crawl's
settings (scope rules, depth, per-host delay) and queues the seeds. ``run_worker``
drains every unfinished crawl, each with the settings it was started with, and returns
when the frontier is empty (or keeps polling). Start as many workers as you like, on
as many machines: they coordinate only through the database (see
:mod:`archive.pgfrontier`), and each writes its own WARC files.

Usage::

    crawl_id, queued = seed_crawl(settings, ["https://example.org/"])
    stats = run_worker(settings)            # in each worker process
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from archive import Archive
from archive.backend import is_database_url, sqlite_path
from archive.errors import ConfigError

from . import __version__
from .config import CrawlSettings, Settings
from .crawl import Crawler, CrawlEvent, CrawlStats
from .urls import host_of, normalize_url

# What a crawl decides for every worker (taken from the crawl's stored settings); the
# rest (concurrency, fetch limits, user agent, max_pages) is each worker's own.
CRAWL_KEYS = ("per_host_delay", "max_depth", "follow_links", "use_sitemaps",
              "respect_robots", "domains", "allow", "deny", "max_attempts", "retry_delay",
              "host_backoff_max", "host_max_failures", "max_crawl_delay")


def seed_crawl(settings: Settings, seeds: list[str]) -> tuple[int, int]:
    """Start a crawl and queue its seeds without fetching anything.

    Args:
        settings: the crawl's settings; ``archive.path`` names the archive (a
            ``postgresql://`` URL for shared work, or a SQLite archive for
            ``crawl --resume`` later).
        seeds: start URLs.

    Returns:
        The new crawl's id and how many URLs were queued.

    Raises:
        ConfigError: no valid seed URL.
        ArchiveError: the archive cannot be opened or written.
    """
    normalized = [u for u in (normalize_url(s) for s in seeds) if u]
    if not normalized:
        raise ConfigError("no seed URLs to queue")
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=f"newsarchive/{__version__}") as arc:
        crawl_id = arc.start_crawl(normalized, dataclasses.asdict(settings))
        arc.use_crawl(crawl_id)
        arc.frontier.clear()
        added = arc.frontier.add([(u, host_of(u), 0, None) for u in normalized], crawl_id)
    return crawl_id, added


def settings_for_crawl(local: Settings, stored: dict[str, Any]) -> Settings:
    """This worker's settings with the crawl-wide ones (``CRAWL_KEYS``) from ``stored``."""
    known = {f.name for f in dataclasses.fields(CrawlSettings)}
    crawl = stored.get("crawl") or {}
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in crawl.items() if k in CRAWL_KEYS and k in known}
    return dataclasses.replace(local, crawl=dataclasses.replace(local.crawl, **values))


def run_worker(settings: Settings, *, follow: bool = False, poll: float = 5.0,
               lease: float | None = None,
               on_event: Callable[[CrawlEvent], None] | None = None) -> CrawlStats:
    """Drain the shared frontier: every unfinished crawl, oldest first.

    Args:
        settings: this worker's settings; ``archive.path`` is a ``postgresql://`` URL and
            ``archive.warc_root`` where this worker's WARC files go.
        follow: keep polling for new crawls instead of returning when all are drained.
        poll: seconds between polls with ``follow``.
        lease: seconds a claim lasts without renewal (default
            :data:`archive.pgfrontier.LEASE_SECONDS`).
        on_event: progress callback, as for :class:`Crawler`.

    Returns:
        What this worker did, summed over the crawls it worked on.

    Raises:
        ConfigError: the archive is not a database URL.
        ArchiveError: the database cannot be reached, holds no archive, or fails.
    """
    if not is_database_url(sqlite_path(settings.archive.path)):
        raise ConfigError(f"a worker needs a shared database: --archive postgresql://... "
                          f"(got {settings.archive.path!r}); a SQLite archive is crawled "
                          "by one `newsarchive crawl` at a time")
    from archive.pgfrontier import PgFrontier
    from archive.pgstore import PgArticleStore

    total = CrawlStats()
    with Archive(settings.archive.path, settings.archive,
                 software=f"newsarchive/{__version__}") as arc:
        store, frontier = arc.store, arc.frontier
        assert isinstance(store, PgArticleStore)
        assert isinstance(frontier, PgFrontier)
        if lease is not None:
            frontier.lease = lease
        # hold about as many hosts as this worker fetches from at once, plus a buffer:
        # enough to stay busy, without hoarding hosts that other workers could fetch from.
        # One URL per host at a time, so the database spaces every request to a host.
        frontier.max_hosts = 2 * settings.crawl.concurrency
        while True:
            for crawl_id in store.unfinished_crawls():
                crawl_settings = settings_for_crawl(settings, store.crawl_settings(crawl_id))
                frontier.use_crawl(crawl_id, crawl_settings.crawl.per_host_delay)
                crawler = Crawler(crawl_settings, arc, on_event=on_event)
                _add(total, asyncio.run(crawler.run([], resume=True, crawl_id=crawl_id)))
                if _limit_reached(settings, total):
                    return total
            if not follow:
                return total
            time.sleep(poll)


def _limit_reached(settings: Settings, stats: CrawlStats) -> bool:
    return bool(settings.crawl.max_pages) and stats.fetched >= settings.crawl.max_pages


def _add(total: CrawlStats, stats: CrawlStats) -> None:
    for f in dataclasses.fields(CrawlStats):
        mine, theirs = getattr(total, f.name), getattr(stats, f.name)
        if isinstance(mine, int):
            setattr(total, f.name, mine + theirs)
        else:
            mine.update(theirs)
