"""Fetch one page politely and safely: limits, redirects, retries, decoding.

``Fetcher.fetch`` returns an :class:`archive.types.HttpResponse` for any final HTTP
status (the crawler decides what a 404 means) and raises :class:`FetchError` for what
never produced a response: refused URLs, timeouts, oversized bodies, redirect loops.
Retries (tenacity) cover connection errors, connect and read timeouts, 408, 429 and 5xx
with exponential backoff and jitter; ``Retry-After`` is honoured up to ``backoff_max``.
A page still arriving when ``total_timeout`` runs out is not retried: a server sending
slowly is not helped by being asked again at once (``FetchError``, reason ``timeout``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import random
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

import brotli
import httpcore
import httpx
import tenacity

from archive.errors import BlockedURLError, FetchError, TooLargeError, TransientFetchError
from archive.types import HttpResponse

from .config import FetchSettings
from .netguard import GuardedBackend, Resolver, check_url
from .urls import MAX_URL_LENGTH

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _TooSlow(Exception):
    """The whole page did not arrive within ``total_timeout`` (never retried)."""


class _RetryableStatus(Exception):
    def __init__(self, response: HttpResponse, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status}")
        self.response = response
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _check_length(target: str, url: str) -> None:
    if len(target) > MAX_URL_LENGTH:
        raise BlockedURLError(f"URL of {len(target)} characters is longer than "
                              f"{MAX_URL_LENGTH}; refusing it", url=url[:200],
                              reason="url-too-long")


class _Decoder:
    """Content-Encoding decoder that refuses to inflate past ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.encodings = [e.strip().lower() for e in encoding.split(",") if e.strip()]
        self.limit, self.url = limit, url
        self.size = 0
        self._chunks: list[bytes] = []

    def _inflate(self, data: bytes, encoding: str) -> bytes:
        limit = self.limit + 1
        if encoding in ("gzip", "x-gzip", "deflate"):
            wbits = 47 if encoding != "deflate" else (15 if data[:1] == b"\x78" else -15)
            obj = zlib.decompressobj(wbits)
            out = bytearray()
            while data and len(out) < limit:
                out += obj.decompress(data, limit - len(out))
                data = obj.unconsumed_tail
                if obj.eof and obj.unused_data and encoding != "deflate":
                    data, obj = obj.unused_data, zlib.decompressobj(wbits)  # multi-member gzip
            return bytes(out)
        if encoding == "br":
            dec = brotli.Decompressor()
            out = bytearray(dec.process(data, output_buffer_limit=limit))
            while len(out) < limit and not dec.is_finished() and not dec.can_accept_more_data():
                out += dec.process(b"", output_buffer_limit=limit - len(out))
            return bytes(out)
        if encoding in ("identity", ""):
            return data
        raise FetchError(f"unsupported Content-Encoding {encoding!r}", url=self.url,
                         reason="bad-encoding")

    def decode(self, raw: bytes) -> bytes:
        data = raw
        try:
            for encoding in reversed(self.encodings):
                data = self._inflate(data, encoding)
        except (zlib.error, brotli.error) as exc:
            if not self.encodings:
                raise
            raise FetchError(f"corrupt {','.join(self.encodings)} body: {exc}", url=self.url,
                             reason="bad-encoding") from exc
        if len(data) > self.limit:
            raise TooLargeError(
                f"body inflates past {self.limit} bytes (fetch.max_bytes); refusing it",
                url=self.url, reason="too-large-decompressed")
        return data


class Fetcher:
    """Fetches pages with one shared connection pool and the configured limits.

    Usage::

        async with Fetcher(settings.fetch) as fetcher:
            response = await fetcher.fetch("https://example.org/")

    Args:
        settings: limits, timeouts, retry policy and the User-Agent.
        transport: replaces the network (tests pass ``httpx.MockTransport``).
        resolver: replaces DNS resolution (tests of the private-address guard).
        sleep: replaces ``asyncio.sleep`` between retries (tests).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        if transport is None:
            transport = _guarded_transport(self.settings, resolver)
        s = self.settings
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate, br",
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        )
        self._sleep = sleep or asyncio.sleep

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None,
                    min_retry_wait: float = 0.0,
                    on_send: Callable[[float], None] | None = None,
                    headers: Mapping[str, str] | None = None,
                    max_bytes: int | None = None) -> HttpResponse:
        """Fetch ``url``, following redirects and retrying transient failures.

        Args:
            url: an absolute http(s) URL.
            etag: sent as ``If-None-Match`` (a 304 then comes back as the response).
            last_modified: sent as ``If-Modified-Since``.
            min_retry_wait: never retry sooner than this (the crawler passes the
                host's politeness delay, so a retry is just another polite request).
            on_send: called with ``time.monotonic()`` each time request headers are
                written to the socket (every attempt and redirect): the crawler paces
                a host from the last one, as the server sees it.
            headers: extra request headers (a page requisite's ``Referer``, a rendered
                page's ``Cookie``); they override the client's defaults.
            max_bytes: a lower body limit than ``fetch.max_bytes`` for this request
                (a requisite's cap); the smaller of the two applies.

        Returns:
            The final response, whatever its status. A 429 or 503 whose
            ``Retry-After`` exceeds ``backoff_max`` is returned at once, not waited
            for here: the crawler re-queues the URL for that time.

        Raises:
            BlockedURLError: refused scheme or address (no connection made).
            TooLargeError: body above ``max_bytes``, raw or decompressed.
            TransientFetchError: connection failed or lost, connect or read timeout,
                after the retries (worth trying again later).
            FetchError: the page took longer than ``total_timeout`` (``timeout``),
                redirect loop, bad encoding.
        """
        _check_length(url, url)
        check_url(url, allow_private=self.settings.allow_private)
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        s = self.settings

        def wait(state: tenacity.RetryCallState) -> float:
            return max(self._wait(state), min_retry_wait)

        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(s.retries + 1),
            wait=wait,
            retry=tenacity.retry_if_exception(self._should_retry),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._follow(url, headers, on_send, max_bytes)
        except _RetryableStatus as exc:
            return exc.response
        except BlockedURLError as exc:
            exc.url = url  # raised at connect time, where only the host is known
            raise
        except _TooSlow as exc:
            raise FetchError(f"{url} did not arrive within {s.total_timeout:g}s "
                             "(fetch.total_timeout); not retried", url=url,
                             reason="timeout") from exc
        except httpx.ConnectTimeout as exc:
            raise TransientFetchError(f"no connection to {url} within "
                                      f"{s.connect_timeout:g}s", url=url,
                                      reason="connect-timeout") from exc
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise TransientFetchError(f"{url} stopped sending for {s.read_timeout:g}s",
                                      url=url, reason="read-timeout") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpcore.ConnectError) as exc:
            raise TransientFetchError(f"connection failed: {exc or type(exc).__name__}",
                                      url=url, reason="connection") from exc
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise BlockedURLError(f"invalid URL: {exc}", url=url, reason="invalid-url") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP error: {exc}", url=url, reason="http-error") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, _RetryableStatus):
            return exc.retry_after is None or exc.retry_after <= self.settings.backoff_max
        return isinstance(exc, httpx.TimeoutException | httpx.NetworkError
                          | httpx.RemoteProtocolError)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        s = self.settings
        # Exponential backoff with full-width jitter, so many crawlers do not retry in step.
        backoff = min(s.backoff_max, s.backoff_base * 2 ** (state.attempt_number - 1)
                      + random.uniform(0, s.backoff_base))
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), s.backoff_max)
        return float(backoff)

    async def _follow(self, url: str, headers: dict[str, str],
                      on_send: Callable[[float], None] | None = None,
                      max_bytes: int | None = None) -> HttpResponse:
        redirects: list[str] = []
        current = url
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                response = await self._redirects(current, url, headers, redirects, on_send,
                                                 max_bytes)
        except TimeoutError as exc:
            raise _TooSlow() from exc
        if response.status in RETRY_STATUSES:
            raise _RetryableStatus(response, parse_retry_after(response.header("retry-after")))
        return response

    async def _redirects(self, current: str, url: str, headers: dict[str, str],
                         redirects: list[str], on_send: Callable[[float], None] | None,
                         max_bytes: int | None) -> HttpResponse:
        """Follow redirects from ``current``; ``redirects`` collects the hops."""
        while True:
            response = await self._get(current, headers, url, tuple(redirects), on_send,
                                       max_bytes)
            location = response.header("location")
            if response.status not in _REDIRECTS or not location:
                return response
            try:
                target = urljoin(current, location.strip())
            except ValueError as exc:
                raise BlockedURLError(f"invalid redirect Location: {exc}", url=url,
                                      reason="invalid-url") from exc
            _check_length(target, url)
            if target in redirects or target == current:
                raise FetchError(f"redirect loop at {target}", url=url,
                                 reason="redirect-loop")
            if len(redirects) >= self.settings.max_redirects:
                raise FetchError(
                    f"more than {self.settings.max_redirects} redirects (fetch.max_redirects)",
                    url=url, reason="too-many-redirects")
            check_url(target, allow_private=self.settings.allow_private)
            redirects.append(current)
            current = target

    async def _get(self, url: str, headers: dict[str, str], requested: str,
                   redirects: tuple[str, ...],
                   on_send: Callable[[float], None] | None = None,
                   max_bytes: int | None = None) -> HttpResponse:
        limit = min(self.settings.max_bytes, max_bytes or self.settings.max_bytes)
        fetched_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        extensions: dict[str, Any] = {}
        if on_send is not None:
            async def trace(event: str, info: dict[str, Any]) -> None:
                if event == "http11.send_request_headers.started":
                    on_send(time.monotonic())

            extensions["trace"] = trace
            on_send(time.monotonic())  # transports without tracing: the call time
        request = self._client.build_request("GET", url, headers=headers,
                                             extensions=extensions)
        try:
            resp = await self._client.send(request, stream=True)
        except httpx.RemoteProtocolError as exc:
            if "location header" not in str(exc).lower():
                raise
            # httpx parses Location itself; a junk or 100 KB one is the page's fault,
            # not the connection's, so it is not retried.
            raise BlockedURLError(f"unusable redirect: {exc}", url=requested,
                                  reason="url-too-long" if "too long" in str(exc)
                                  else "invalid-url") from exc
        try:
            length = resp.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise TooLargeError(
                    f"Content-Length {length} exceeds {limit} bytes (fetch.max_bytes)",
                    url=url, reason="too-large")
            encoding = resp.headers.get("content-encoding", "")
            raw = bytearray()
            if resp.is_stream_consumed:  # a transport that hands over bytes already decoded
                raw += resp.content
                encoding = ""
            else:
                async for chunk in resp.aiter_raw():
                    raw += chunk
                    if len(raw) > limit:
                        raise TooLargeError(f"body exceeds {limit} bytes (fetch.max_bytes)",
                                            url=url, reason="too-large")
            if len(raw) > limit:
                raise TooLargeError(f"body exceeds {limit} bytes (fetch.max_bytes)",
                                    url=url, reason="too-large")
        finally:
            await resp.aclose()
        body = bytes(raw)
        decoder = _Decoder(encoding, limit, url)
        return HttpResponse(
            url=url, requested_url=requested, status=resp.status_code,
            reason=resp.reason_phrase, http_version=resp.http_version,
            headers=tuple((k.decode("latin-1"), v.decode("latin-1"))
                          for k, v in resp.headers.raw),
            request_headers=tuple((k.decode("latin-1"), v.decode("latin-1"))
                                  for k, v in request.headers.raw),
            body=body, content=decoder.decode(body), fetched_at=fetched_at,
            redirects=redirects,
        )


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a :class:`GuardedBackend`."""

    def __init__(self, settings: FetchSettings, resolver: Resolver | None) -> None:
        super().__init__()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=settings.allow_private,
                                           resolver=resolver),
        )


def _guarded_transport(settings: FetchSettings, resolver: Resolver | None
                       ) -> httpx.AsyncBaseTransport:
    return _GuardedTransport(settings, resolver)
