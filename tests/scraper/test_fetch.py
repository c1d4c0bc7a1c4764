"""Fetching: retries, Retry-After, limits, redirects, decoding and the address guard."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import zlib

import brotli
import httpx
import pytest

from archive.errors import BlockedURLError, FetchError, TooLargeError, TransientFetchError
from scraper.config import FetchSettings
from scraper.demo import SiteServer
from scraper.fetch import Fetcher, parse_retry_after

SETTINGS = FetchSettings(retries=2, backoff_base=0.01, backoff_max=5.0)


def _fetcher(handler, settings: FetchSettings = SETTINGS, sleeps: list[float] | None = None):  # type: ignore[no-untyped-def]
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return Fetcher(settings, transport=httpx.MockTransport(handler), sleep=sleep)


async def _achunks(chunks: tuple[bytes, ...]):  # type: ignore[no-untyped-def]
    for chunk in chunks:
        yield chunk


def _chunks(*chunks: bytes):  # type: ignore[no-untyped-def]
    """A streamed (not preloaded) body, as a real server sends it."""
    return _achunks(chunks)


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _fetch(fetcher: Fetcher, url: str = "https://news.example/a", **kw):  # type: ignore[no-untyped-def]
    async with fetcher:
        return await fetcher.fetch(url, **kw)


def test_503_then_success_is_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503 if len(calls) < 3 else 200, text="ok")

    response = _run(_fetch(_fetcher(handler)))
    assert response.status == 200 and len(calls) == 3


def test_retry_after_is_honoured() -> None:
    sleeps: list[float] = []
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "3"})
        return httpx.Response(200, text="ok")

    assert _run(_fetch(_fetcher(handler, sleeps=sleeps))).status == 200
    assert sleeps == [3.0]


def test_retries_exhausted_returns_last_response() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(500)

    assert _run(_fetch(_fetcher(handler))).status == 500
    assert len(calls) == 3


def test_404_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(404)

    assert _run(_fetch(_fetcher(handler))).status == 404
    assert len(calls) == 1


def test_parse_retry_after_http_date() -> None:
    import datetime as dt

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:10 GMT", now) == 10.0
    assert parse_retry_after("garbage") is None


def test_too_large_by_content_length_and_by_stream() -> None:
    small = dataclasses.replace(SETTINGS, max_bytes=100)

    def declared(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_chunks(b"x"), headers={"Content-Length": "500"})

    with pytest.raises(TooLargeError):
        _run(_fetch(_fetcher(declared, small)))

    def undeclared(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_chunks(b"x" * 60, b"x" * 60))

    with pytest.raises(TooLargeError):
        _run(_fetch(_fetcher(undeclared, small)))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compression_bomb_refused(encoding: str) -> None:
    payload = b"\0" * 5_000_000
    body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding](payload)
    settings = dataclasses.replace(SETTINGS, max_bytes=1_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_chunks(body), headers={"Content-Encoding": encoding})

    with pytest.raises(TooLargeError) as info:
        _run(_fetch(_fetcher(handler, settings)))
    assert info.value.reason == "too-large-decompressed"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_body_kept_raw_and_decoded(encoding: str) -> None:
    html = b"<html><body><p>hello</p></body></html>"
    body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding](html)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_chunks(body), headers={"Content-Encoding": encoding})

    response = _run(_fetch(_fetcher(handler)))
    assert response.body == body and response.content == html


def test_redirect_loop_and_limit() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        target = "/b" if request.url.path == "/a" else "/a"
        return httpx.Response(302, headers={"Location": target})

    with pytest.raises(FetchError) as info:
        _run(_fetch(_fetcher(loop)))
    assert info.value.reason == "redirect-loop"

    def endless(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(301, headers={"Location": f"/{n + 1}"})

    with pytest.raises(FetchError) as info:
        _run(_fetch(_fetcher(endless), "https://news.example/0"))
    assert info.value.reason == "too-many-redirects"


def test_redirect_followed_and_recorded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return httpx.Response(200, text="fine")

    response = _run(_fetch(_fetcher(handler), "https://news.example/old"))
    assert response.url == "https://news.example/new"
    assert response.redirects == ("https://news.example/old",)
    assert response.requested_url == "https://news.example/old"


def test_redirect_to_private_address_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    with pytest.raises(BlockedURLError) as info:
        _run(_fetch(_fetcher(handler)))
    assert info.value.reason == "private-address"


def test_conditional_headers_sent() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(304)

    response = _run(_fetch(_fetcher(handler), etag='"abc"', last_modified="Mon, 02 Nov 2015"))
    assert response.status == 304
    assert seen["if-none-match"] == '"abc"' and seen["if-modified-since"] == "Mon, 02 Nov 2015"
    assert seen["user-agent"].startswith("newsarchive/")


@pytest.mark.parametrize(("error", "reason"), [
    (httpx.ReadTimeout, "read-timeout"), (httpx.ConnectTimeout, "connect-timeout"),
    (httpx.ConnectError, "connection")])
def test_stalled_connections_are_transient_and_retried(error: type[Exception],
                                                       reason: str) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        raise error("stalled", request=request)  # type: ignore[call-arg]

    with pytest.raises(TransientFetchError) as info:
        _run(_fetch(_fetcher(handler, dataclasses.replace(SETTINGS, retries=2))))
    assert info.value.reason == reason and len(calls) == 3


def test_a_page_too_slow_to_finish_is_not_retried() -> None:
    """A server that is sending, just slowly, is not helped by being asked again at once:
    the whole-page limit ends the fetch once, with reason ``timeout``."""
    calls = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        await asyncio.sleep(30)  # cut short by total_timeout, long before it ends
        return httpx.Response(200)  # pragma: no cover

    slow = dataclasses.replace(SETTINGS, retries=3, total_timeout=0.2)
    with pytest.raises(FetchError) as info:
        _run(_fetch(_fetcher(handler, slow)))
    assert info.value.reason == "timeout" and not isinstance(info.value, TransientFetchError)
    assert len(calls) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/", "http://[::1]/", "http://10.1.2.3/",
                                 "http://192.168.0.1/", "http://172.16.5.4/", "http://localhost/",
                                 "file:///etc/passwd", "gopher://x.org/"])
def test_guard_refuses_before_connecting(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover
        raise AssertionError("a request was sent")

    with pytest.raises(BlockedURLError):
        _run(_fetch(_fetcher(handler), url))


def test_guard_checks_resolved_addresses_without_connecting() -> None:
    """DNS says 10.0.0.5 (rebinding): refused inside the connection, before connect."""
    resolved = []

    async def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["10.0.0.5"]

    async def go() -> None:
        async with Fetcher(FetchSettings(retries=0), resolver=resolver) as fetcher:
            await fetcher.fetch("http://rebind.example/")

    with pytest.raises(BlockedURLError) as info:
        _run(go())
    assert resolved == ["rebind.example"]
    assert "10.0.0.5" in str(info.value)


def test_guard_blocks_loopback_server_unless_allowed() -> None:
    with SiteServer(__import__("scraper.demo", fromlist=["site_dir"]).site_dir()) as server:
        async def go(allow: bool) -> int:
            async with Fetcher(FetchSettings(retries=0, allow_private=allow)) as fetcher:
                return (await fetcher.fetch(server.url("/"))).status

        with pytest.raises(BlockedURLError):
            _run(go(False))
        assert server.requests == []  # refused before any connection
        assert _run(go(True)) == 200
        assert server.requests == ["/"]
