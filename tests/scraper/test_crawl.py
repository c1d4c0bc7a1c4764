"""Crawling the sample site into an archive: discovery, robots, re-crawl, lock, resume."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from archive import Archive
from archive.errors import ArchiveError
from scraper.config import Settings
from scraper.crawl import Crawler
from scraper.demo import SiteServer
from tests.conftest import SEED_PATH


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
    assert archive.last_unfinished_crawl() is not None
    before = set(site.requests)
    resumed = _crawl(settings, archive, [], resume=True)
    assert resumed.fetched > 0
    assert archive.last_unfinished_crawl() is None
    pages = [p for p in site.requests if p.endswith(".html")]
    assert len(pages) == len(set(pages)), "a page was fetched twice across crash and resume"
    assert before


def test_resume_without_crawl_is_an_error(settings: Settings, archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="no unfinished crawl"):
        _crawl(settings, archive, [], resume=True)


def test_private_addresses_refused_by_default(site: SiteServer, settings: Settings,
                                              archive: Archive) -> None:
    strict = dataclasses.replace(settings, fetch=dataclasses.replace(settings.fetch,
                                                                      allow_private=False))
    stats = _crawl(strict, archive, [site.url(SEED_PATH)])
    assert stats.failed["private-address"] == 1
    assert site.requests == []


def test_second_crawl_on_same_archive_is_refused(settings: Settings, archive: Archive) -> None:
    archive.acquire_lock()
    with Archive(settings.archive.path) as other, pytest.raises(ArchiveError,
                                                                  match="another crawl"):
        other.acquire_lock(wait=0.3)
