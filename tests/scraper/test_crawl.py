"""Crawling the sample site into an archive: discovery, robots, re-crawl, lock, resume."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time

import pytest

from archive import Archive
from archive.errors import ConfigError, CrawlLockedError
from scraper.config import Settings
from scraper.crawl import Crawler
from scraper.demo import SiteServer
from tests.conftest import SEED_PATH
from tests.scraper.hostile.server import HostileServer, _Handler, html


def _crawl(settings: Settings, archive: Archive, seeds: list[str], **kw):  # type: ignore[no-untyped-def]
    return asyncio.run(Crawler(settings, archive).run(seeds, **kw))


def test_crawl_archives_every_article(site: SiteServer, settings: Settings,
                                      archive: Archive) -> None:
    stats = _crawl(settings, archive, [site.url("/")])
    titles = {r.article.title for r in archive.records()}
    assert "USA and Russia Unite Against A Shared Enemy" in titles
    assert "Vienna talks: powers agree to push for Syria ceasefire" in titles
    assert "Lavrov on military cooperation - what do you make of it?" in titles
    assert stats.new == len(titles) and not stats.failed
    assert stats.skipped["robots"] >= 1  # /forum/search.php is disallowed
    assert "/forum/search.php" not in site.requests
    assert site.requests[0] == "/robots.txt"
    # one record per article despite ?utm_ links, #fragments and canonical URLs
    urls = [r.url for r in archive.records()]
    assert len(urls) == len(set(urls))
    assert not any("utm_" in u or "#" in u for u in urls)
    assert sum(1 for u in urls if "vienna" in u) == 1


def test_recrawl_is_conditional_and_adds_no_versions(site: SiteServer, settings: Settings,
                                                     archive: Archive) -> None:
    first = _crawl(settings, archive, [site.url("/")])
    site.requests.clear()
    second = _crawl(settings, archive, [site.url("/")])
    assert second.new == 0 and second.new_versions == 0
    assert second.not_modified == first.new
    assert archive.store.counts()["versions"] == first.new


def test_max_pages_and_resume(site: SiteServer, settings: Settings, archive: Archive) -> None:
    limited = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl, max_pages=3))
    stats = _crawl(limited, archive, [site.url("/")])
    assert stats.fetched == 3
    assert archive.store.last_unfinished_crawl() is not None
    before = set(site.requests)
    resumed = _crawl(settings, archive, [], resume=True)
    assert resumed.fetched > 0
    assert archive.store.last_unfinished_crawl() is None
    pages = [p for p in site.requests if p.endswith(".html")]
    assert len(pages) == len(set(pages)), "a page was fetched twice across crash and resume"
    assert before


def test_resume_without_a_crawl_starts_the_configured_one(
        site: SiteServer, settings: Settings, archive: Archive) -> None:
    with pytest.raises(ConfigError, match="no seed URLs"):
        _crawl(settings, archive, [], resume=True)  # nothing to resume, nothing configured
    configured = dataclasses.replace(settings, crawl=dataclasses.replace(
        settings.crawl, seeds=(site.url(SEED_PATH),), max_depth=0))
    stats = _crawl(configured, archive, [], resume=True)
    assert stats.new >= 1 and archive.store.last_unfinished_crawl() is None
    assert archive.store.crawl_seeds(stats.crawl_id) == [site.url(SEED_PATH)]


def test_private_addresses_refused_by_default(site: SiteServer, settings: Settings,
                                              archive: Archive) -> None:
    strict = dataclasses.replace(settings, fetch=dataclasses.replace(settings.fetch,
                                                                      allow_private=False))
    stats = _crawl(strict, archive, [site.url(SEED_PATH)])
    assert stats.failed["private-address"] == 1
    assert site.requests == []


def test_second_crawl_on_same_archive_is_refused(settings: Settings, archive: Archive) -> None:
    archive.acquire_lock()
    with Archive(settings.archive.path) as other, pytest.raises(CrawlLockedError,
                                                                  match="another crawl"):
        other.acquire_lock(wait=0.3)


# -- politeness, retries and resume against servers on 127.0.0.1 -----------------------

def _fast(settings: Settings, **crawl: object) -> Settings:
    return dataclasses.replace(settings, crawl=dataclasses.replace(
        settings.crawl, retry_delay=0.01, **crawl))  # type: ignore[arg-type]


def _links(n: int) -> bytes:
    return html("".join(f'<a href="/p/{i}">p{i}</a>' for i in range(n)))


def test_crawl_delay_is_honoured_start_to_start(settings: Settings, archive: Archive) -> None:
    routes = {"/robots.txt": lambda h: h.send(200, b"User-agent: *\nCrawl-delay: 0.3\n",
                                              "text/plain"),
              "/": lambda h: h.send(200, _links(3)), "/p/": lambda h: h.send(200, html("x"))}
    with HostileServer(routes) as server:
        _crawl(_fast(settings), archive, [server.url("/")])
        times = [t for t, _ in server.log]
    assert [p for _, p in server.log][:2] == ["/robots.txt", "/"]
    assert len(times) == 5
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.29, gaps  # robots.txt counts as a request too


def test_huge_crawl_delay_skips_the_host(settings: Settings, archive: Archive) -> None:
    routes = {"/robots.txt": lambda h: h.send(200, b"User-agent: *\nCrawl-delay: 86400\n",
                                              "text/plain")}
    with HostileServer(routes) as server:
        stats = _crawl(_fast(settings), archive, [server.url("/")])
        assert server.requests == ["/robots.txt"]
    assert stats.skipped["crawl-delay"] == 1


def test_429_with_long_retry_after_is_requeued_not_hammered(settings: Settings,
                                                            archive: Archive) -> None:
    calls: list[float] = []

    def page(h: _Handler) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            h.send(429, b"slow down", headers={"Retry-After": "1"})
        else:
            h.send(200, html("<p>fine</p>"))

    s = _fast(settings, respect_robots=False)
    s = dataclasses.replace(s, fetch=dataclasses.replace(s.fetch, retries=2, backoff_max=0.5))
    with HostileServer({"/": page}) as server:
        stats = _crawl(s, archive, [server.url("/")])
    assert stats.retried == 1 and stats.new == 1 and not stats.failed
    assert calls[1] - calls[0] >= 0.95  # Retry-After beyond backoff_max: the frontier waits


def test_transient_failures_retried_up_to_max_attempts(settings: Settings,
                                                       archive: Archive) -> None:
    with HostileServer({"/": lambda h: h.send(503, b"down")}) as server:
        stats = _crawl(_fast(settings, respect_robots=False, max_attempts=3), archive,
                       [server.url("/")])
        assert server.requests == ["/"] * 3
    assert stats.failed == {"http-503": 1} and stats.retried == 2
    row = archive.store.conn.execute("SELECT attempts, last_error FROM frontier").fetchone()
    assert row[0] == 3 and row[1].startswith("http-503")


def test_failing_host_is_backed_off_then_given_up(settings: Settings, archive: Archive) -> None:
    routes = {"/": lambda h: h.send(200, _links(20)),
              "/p/": lambda h: h.send(503, b"down")}
    with HostileServer(routes) as server:
        s = _fast(settings, respect_robots=False, host_max_failures=3, max_attempts=5,
                  host_backoff_max=1.0, per_host_delay=0.1)
        start = time.monotonic()
        stats = _crawl(s, archive, [server.url("/")])
        log = list(server.log)
    failures = [t for t, p in log if p != "/"]
    assert len(failures) == 3  # then the host is given up for this run
    assert failures[2] - failures[1] >= 0.19 and failures[1] - failures[0] >= 0.09  # doubling
    assert stats.skipped["host-unavailable"] == 20
    assert time.monotonic() - start < 5


def test_seeds_from_config(site: SiteServer, settings: Settings, archive: Archive) -> None:
    s = dataclasses.replace(settings, crawl=dataclasses.replace(
        settings.crawl, seeds=(site.url(SEED_PATH),), max_depth=0))
    stats = _crawl(s, archive, [])
    assert stats.new >= 1 and SEED_PATH in site.requests


def test_resume_does_not_refetch_what_was_archived_before_the_kill(
        site: SiteServer, settings: Settings, archive: Archive) -> None:
    """Killed after archiving a page but before marking it done (and before queueing
    its links): resume finds it in the archive, re-reads its links, fetches it not."""
    limited = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl,
                                                                      max_pages=2))
    _crawl(limited, archive, [site.url("/")])
    conn = archive.store.conn
    home = site.url("/")
    conn.execute("UPDATE frontier SET state = 'in-flight' WHERE url = ?", (home,))
    conn.execute("DELETE FROM frontier WHERE source_url = ? AND state = 'queued'", (home,))
    site.requests.clear()
    resumed = _crawl(settings, archive, [], resume=True)
    assert resumed.recovered == 1
    assert "/" not in site.requests
    assert archive.store.last_unfinished_crawl() is None
    assert resumed.new > 0  # the home page's links were queued again from the archive
