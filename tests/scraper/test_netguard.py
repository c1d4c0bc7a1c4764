"""Where the crawler may go: public http(s) only, checked on every connection (issue 6)."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest

from archive import Archive
from scraper.config import Settings
from scraper.crawl import Crawler
from scraper.fetch import Fetcher
from scraper.netguard import check_url, is_public_address
from tests.scraper.hostile.server import HostileServer, html

PRIVATE = ["http://127.0.0.1/", "http://127.8.9.10/", "http://10.0.0.1/", "http://172.16.0.1/",
           "http://172.31.255.255/", "http://192.168.1.1/", "http://169.254.169.254/",
           "http://[::1]/", "http://[fc00::1]/", "http://[fd12::1]/", "http://[fe80::1]/",
           "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://localhost/",
           "http://db.internal/"]


@pytest.mark.parametrize("url", PRIVATE)
def test_private_targets_refused_with_reason(url: str) -> None:
    """Refused before connecting, reason private-address (unless fetch.allow_private)."""
    from archive.errors import BlockedURLError

    with pytest.raises(BlockedURLError) as info:
        check_url(url, allow_private=False)
    assert info.value.reason == "private-address"
    assert "fetch.allow_private" in str(info.value)
    check_url(url, allow_private=True)  # the explicit setting for local sites and the demo


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.org/", "javascript:alert(1)",
                                 "data:text/html,hi", "gopher://x.org/"])
def test_other_schemes_refused(url: str) -> None:
    """Refused before connecting, reason scheme."""
    from archive.errors import BlockedURLError

    with pytest.raises(BlockedURLError) as info:
        check_url(url, allow_private=True)
    assert info.value.reason in ("scheme", "invalid-url")


def test_public_addresses() -> None:
    """Public addresses pass the guard; private, loopback, link-local and ULA do not."""
    assert is_public_address("93.184.216.34") and is_public_address("2606:4700::1111")
    assert not is_public_address("100.64.0.1")  # carrier-grade NAT is not public either


def test_public_page_links_and_redirects_into_private_network(settings: Settings,
                                                              archive: Archive) -> None:
    """A public page links to, and redirects to, private and non-http targets: each is
    recorded as failed with its reason, and no request ever leaves for it."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        if request.url.path == "/":
            return httpx.Response(200, content=html(
                '<a href="http://10.0.0.7/admin">a</a><a href="http://192.168.0.1/">b</a>'
                '<a href="/go-meta">c</a><a href="/go-file">d</a>'), headers={
                "Content-Type": "text/html"})
        if request.url.path == "/go-meta":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})
        if request.url.path == "/go-file":
            return httpx.Response(302, headers={"Location": "file:///etc/passwd"})
        return httpx.Response(404)

    strict = dataclasses.replace(
        settings, fetch=dataclasses.replace(settings.fetch, allow_private=False),
        crawl=dataclasses.replace(settings.crawl, respect_robots=False,
                                  domains=("10.0.0.7", "192.168.0.1")))
    fetcher = Fetcher(strict.fetch, transport=httpx.MockTransport(handler))
    stats = asyncio.run(Crawler(strict, archive, fetcher=fetcher).run(["https://news.example/"]))
    assert stats.failed == {"private-address": 3, "scheme": 1}
    assert all(u.startswith("https://news.example/") for u in sent)
    errors = dict(archive.store.conn.execute(
        "SELECT url, last_error FROM frontier WHERE state = 'failed'").fetchall())
    assert errors["https://news.example/go-file"].startswith("scheme: refused file URL")


def test_dns_rebinding_refused_at_connect(settings: Settings, archive: Archive) -> None:
    """A name that resolves to loopback (rebinding) is refused inside the connection,
    on the address actually used; the loopback server never sees a request."""
    with HostileServer({"/": lambda h: h.send(200, html("secret"))}) as server:
        port = server.base_url.rsplit(":", 1)[1]

        async def resolver(host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

        strict = dataclasses.replace(
            settings, fetch=dataclasses.replace(settings.fetch, allow_private=False),
            crawl=dataclasses.replace(settings.crawl, respect_robots=False))
        fetcher = Fetcher(strict.fetch, resolver=resolver)
        stats = asyncio.run(Crawler(strict, archive, fetcher=fetcher).run(
            [f"http://rebind.example:{port}/"]))
        assert stats.failed == {"private-address": 1}
        assert server.requests == []
