"""Crawl workers that share one archive and one frontier in PostgreSQL.

A crawl is queued by ``crawl --seed-only`` (:func:`scraper.crawl.start_crawl`: the same
seeding as a plain crawl); :func:`run_worker` drains every unfinished crawl, each with
the settings it was started with, and returns when the frontier is empty (or keeps
polling). Start as many workers as you like, on as many machines: they coordinate only
through the database (see :mod:`archive.db.postgres.frontier`), and each writes its own
WARC files.

Usage::

    stats = run_worker(settings)            # in each worker process
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from archive import Archive
from archive.errors import ConfigError
from archive.locations import is_database_url, sqlite_path

from ._version import __version__
from .config import CrawlSettings, Settings
from .crawl import Crawler, CrawlEvent, CrawlStats, limit_reached
from .warcimport import JOB as IMPORT_JOB
from .warcimport import run_import_job

# What a crawl decides for every worker (taken from the crawl's stored settings); the
# rest (concurrency, fetch limits, user agent, max_pages) is each worker's own.
CRAWL_KEYS = ("per_host_delay", "max_depth", "follow_links", "use_sitemaps",
              "respect_robots", "domains", "allow", "deny", "max_attempts", "retry_delay",
              "host_backoff_max", "host_max_failures", "max_crawl_delay", "honor_noarchive")


def settings_for_crawl(local: Settings, stored: dict[str, Any]) -> Settings:
    """This worker's settings with the crawl-wide ones (``CRAWL_KEYS``) from ``stored``.

    Raises:
        ConfigError: a stored value fails the settings' own checks.
    """
    known = {f.name for f in dataclasses.fields(CrawlSettings)}
    crawl = stored.get("crawl") or {}
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in crawl.items() if k in CRAWL_KEYS and k in known}
    return dataclasses.replace(local, crawl=dataclasses.replace(local.crawl, **values))


def run_worker(settings: Settings, *, follow: bool = False, poll: float = 5.0,
               lease: float | None = None, jobs: int = 1,
               on_event: Callable[[CrawlEvent], None] | None = None) -> CrawlStats:
    """Drain the shared frontier: every unfinished crawl, oldest first, then every
    queued import job (``import --seed-only``).

    Args:
        settings: this worker's settings; ``archive.path`` is a ``postgresql://`` URL and
            ``archive.warc_root`` where this worker's WARC files go.
        follow: keep polling for new crawls instead of returning when all are drained.
        poll: seconds between polls with ``follow``.
        lease: seconds a claim lasts without renewal (default
            :data:`archive.db.postgres.LEASE_SECONDS`).
        jobs: extraction processes for import jobs.
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
    total = CrawlStats()
    with Archive(settings.archive.path, settings.archive,
                 software=f"newsarchive/{__version__}") as arc:
        # hold about as many hosts as this worker fetches from at once, plus a buffer:
        # enough to stay busy, without hoarding hosts that other workers could fetch from.
        arc.frontier.share(lease=lease, max_hosts=2 * settings.crawl.concurrency)
        while True:
            for crawl_id in arc.store.unfinished_crawls():
                crawl_settings = settings_for_crawl(settings, arc.store.crawl_settings(crawl_id))
                crawler = Crawler(crawl_settings, arc, on_event=on_event)
                total.add(asyncio.run(crawler.run([], crawl_id=crawl_id)))
                if limit_reached(settings, total):
                    return total
            for job_id in arc.store.unfinished_crawls(IMPORT_JOB):  # queued WARC files
                run_import_job(arc, job_id, settings.extract, jobs=jobs)
            if not follow:
                return total
            time.sleep(poll)
