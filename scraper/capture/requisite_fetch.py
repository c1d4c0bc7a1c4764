"""Fetch a page's requisites with the plain fetcher, within caps, through permit and fetch.

Each requisite URL is put to the caller's ``permit`` (robots.txt, the address guard,
the host's delay: requisites on CDNs are outside the crawl's link scope but not outside
its manners) and then to ``fetch``. Stylesheets are read for what they import, to
``css_depth`` levels. A URL already in the caller's ``seen`` set is not fetched again
(a site's logo once per crawl, not once per page); the set is updated as URLs are taken,
and a URL that failed or did not fit this page's caps is left out of it, so a later
page may fetch it.

What is refused or fails is listed with its reason, never raised: one broken image
must not lose the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableSet
from dataclasses import dataclass

from archive.errors import FetchError
from archive.types import HTML_TYPES, HttpResponse

from ..config import CaptureSettings
from .cookies import CookieJar
from .hooks import FetchFn, PermitFn
from .requisites import Requisite, find_css_requisites, find_requisites

_ACCEPT = {
    "stylesheet": "text/css,*/*;q=0.1",
    "image": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "icon": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "font": "font/woff2,font/woff,*/*;q=0.5",
    "script": "*/*",
    "media": "*/*",
}


@dataclass(frozen=True, kw_only=True)
class RequisiteResult:
    """What fetching one page's requisites gave.

    Attributes:
        responses: every response fetched, in completion order (any HTTP status: a 404
            requisite is archived as the 404 it was).
        refused: ``(url, reason)`` for each requisite not fetched or failed:
            the permit's reason, a :class:`FetchError` reason (``too-large``,
            ``too-large-decompressed``, ``timeout`` ...), ``page-cap`` or ``page-bytes``.
    """

    responses: tuple[HttpResponse, ...]
    refused: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        """Bytes received (as on the wire) for all responses."""
        return sum(len(r.body) for r in self.responses)


def _is_css(response: HttpResponse, requisite: Requisite) -> bool:
    ctype = response.mime
    return ctype == "text/css" or (requisite.kind == "stylesheet" and ctype in ("", "text/plain"))


def _is_html(response: HttpResponse) -> bool:
    if response.mime:
        return response.mime in HTML_TYPES
    return response.content.lstrip()[:1] == b"<"


class _Run:
    def __init__(self, page: HttpResponse, fetch: FetchFn, permit: PermitFn,
                 seen: MutableSet[str], settings: CaptureSettings,
                 cookies: CookieJar | None) -> None:
        self.page, self.fetch, self.permit = page, fetch, permit
        self.seen, self.settings, self.cookies = seen, settings, cookies
        self.responses: list[HttpResponse] = []
        self.refused: list[tuple[str, str]] = []
        self.taken = 0
        self.bytes = 0
        self.slots = asyncio.Semaphore(max(1, settings.requisite_concurrency))
        self.group: asyncio.TaskGroup | None = None

    def offer(self, requisites: list[Requisite], referer: str, depth: int) -> None:
        for req in requisites:
            if req.url in self.seen:
                continue
            if self.taken >= self.settings.page_max_requisites:
                self.refused.append((req.url, "page-cap"))  # left for a later page
                continue
            self.seen.add(req.url)
            self.taken += 1
            assert self.group is not None
            self.group.create_task(self.one(req, referer, depth))

    def headers(self, req: Requisite, referer: str) -> dict[str, str]:
        headers = {"Accept": _ACCEPT[req.kind], "Referer": referer}
        cookie = self.cookies.header_for(req.url) if self.cookies else None
        if cookie:
            headers["Cookie"] = cookie
        return headers

    async def one(self, req: Requisite, referer: str, depth: int) -> None:
        async with self.slots:
            await self._one(req, referer, depth)

    async def _one(self, req: Requisite, referer: str, depth: int) -> None:
        if self.bytes >= self.settings.page_max_bytes:
            self.refused.append((req.url, "page-bytes"))
            self.seen.discard(req.url)
            return
        reason = await self.permit(req.url)
        if reason is not None:
            self.refused.append((req.url, reason))
            return
        remaining = self.settings.page_max_bytes - self.bytes
        try:
            response = await self.fetch(
                req.url, self.headers(req, referer),
                max_bytes=max(1, min(self.settings.requisite_max_bytes, remaining)))
        except FetchError as exc:
            reason = exc.reason
            if reason.startswith("too-large") and remaining < self.settings.requisite_max_bytes:
                reason = "page-bytes"
            self.refused.append((req.url, reason))
            self.seen.discard(req.url)  # a later page may try again
            return
        self.bytes += len(response.content)
        self.responses.append(response)
        if response.url != req.url:
            self.seen.add(response.url)
        if depth < self.settings.css_depth and response.status == 200 and _is_css(response, req):
            css = response.content.decode("utf-8", "replace")
            self.offer(find_css_requisites(css, response.url), response.url, depth + 1)


async def fetch_requisites(
    page: HttpResponse,
    *,
    fetch: FetchFn,
    permit: PermitFn,
    seen: MutableSet[str],
    settings: CaptureSettings | None = None,
    cookies: CookieJar | None = None,
) -> RequisiteResult:
    """Fetch the requisites of one fetched HTML page.

    Args:
        page: the page's response (its ``content`` is read, its final ``url`` is the
            base and the ``Referer``).
        fetch: fetches one URL (see :class:`~scraper.capture.hooks.FetchFn`).
        permit: ``None`` to allow a URL, else the reason to refuse it; may wait.
        seen: URLs already captured or taken in this crawl; skipped here, and updated.
        settings: caps and depth (``CaptureSettings()`` by default).
        cookies: sent to each requisite's own domain only.

    Returns:
        The responses and the refusals with their reasons (nothing for a page that is
        not HTML). Never raises for a requisite's failure.
    """
    settings = settings or CaptureSettings()
    run = _Run(page, fetch, permit, seen, settings, cookies)
    seen.add(page.url)
    if not _is_html(page):
        return RequisiteResult(responses=(), refused=())
    async with asyncio.TaskGroup() as group:
        run.group = group
        run.offer(find_requisites(page.content, page.url), page.url, 0)
    return RequisiteResult(responses=tuple(run.responses), refused=tuple(run.refused))

