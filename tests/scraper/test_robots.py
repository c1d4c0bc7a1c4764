"""robots.txt: product-token matching, expiry, unreachable hosts (RFC 9309)."""

from __future__ import annotations

import asyncio

from archive.errors import FetchError
from archive.types import HttpResponse
from scraper.robots import RobotsCache, product_token

UA = "newsarchive/0.1.0 (+https://example.org/contact)"


def _response(status: int, text: str = "", headers: tuple[tuple[str, str], ...] = ()
              ) -> HttpResponse:
    return HttpResponse(url="https://s.test/robots.txt", requested_url="https://s.test/robots.txt",
                        status=status, reason="", http_version="HTTP/1.1", headers=headers,
                        request_headers=(), body=text.encode(), content=text.encode(),
                        fetched_at="2026-01-01T00:00:00+00:00", redirects=())


class _Site:
    def __init__(self, *responses: HttpResponse | Exception) -> None:
        self.responses = list(responses)
        self.calls = 0
        self.now = 1000.0

    async def fetch(self, url: str) -> HttpResponse:
        self.calls += 1
        r = self.responses[min(self.calls, len(self.responses)) - 1]
        if isinstance(r, Exception):
            raise r
        return r


def _allowed(cache: RobotsCache, path: str) -> bool:
    return asyncio.run(cache.allowed("https://s.test" + path))


def test_product_token() -> None:
    assert product_token(UA) == "newsarchive"
    assert product_token("My-Bot_2/1.0") == "My-Bot_"


def test_contact_url_in_user_agent_does_not_match_other_groups() -> None:
    site = _Site(_response(200, "User-agent: example\nDisallow: /a\n\n"
                                "User-agent: newsarchive\nDisallow: /b\n\n"
                                "User-agent: *\nDisallow: /c\n"))
    cache = RobotsCache(site.fetch, UA)
    assert _allowed(cache, "/a") and not _allowed(cache, "/b") and _allowed(cache, "/c")
    assert site.calls == 1  # cached


def test_crawl_delay_and_sitemaps() -> None:
    site = _Site(_response(200, "User-agent: *\nCrawl-delay: 2.5\nSitemap: https://s.test/sm.xml\n"))
    cache = RobotsCache(site.fetch, UA)
    assert asyncio.run(cache.crawl_delay("https://s.test/x")) == 2.5
    assert asyncio.run(cache.sitemaps("https://s.test/x")) == ["https://s.test/sm.xml"]


def test_expiry_follows_max_age_capped_at_a_day() -> None:
    site = _Site(_response(200, "User-agent: *\nDisallow: /\n",
                           (("Cache-Control", "max-age=10"),)),
                 _response(404))
    cache = RobotsCache(site.fetch, UA, clock=lambda: site.now)
    assert not _allowed(cache, "/x")
    site.now += 5
    assert cache.is_cached("https://s.test/") and not _allowed(cache, "/x")
    site.now += 6
    assert not cache.is_cached("https://s.test/")
    assert _allowed(cache, "/x") and site.calls == 2  # re-fetched: now a 404, all allowed


def test_unreachable_robots_disallows_for_a_while() -> None:
    for failure in (_response(503), _response(429),
                    FetchError("down", url="https://s.test/robots.txt", reason="timeout")):
        cache = RobotsCache(_Site(failure).fetch, UA)
        assert not _allowed(cache, "/x")


def test_missing_robots_allows_everything() -> None:
    assert _allowed(RobotsCache(_Site(_response(404)).fetch, UA), "/anything")
