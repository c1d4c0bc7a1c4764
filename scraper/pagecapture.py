"""A page kept as its readers saw it: the HTML, what it needs to display, and (rendered in
a browser when ``capture.renderer`` asks) the text its scripts draw and a screenshot.

:func:`archive_page` is how a crawl (and ``fetch``) archives a fetched page: routed and
extracted by the :class:`~scraper.ingest.Ingester` (the one way in), then completed by a
:class:`PageCapture`:

- ``http``: the page's requisites (images, stylesheets and what they import, fonts,
  scripts) are fetched with the plain fetcher, when ``capture.requisites`` is on;
- ``browser``: the page is rendered in Chromium; every request it makes is fetched by
  our fetcher (so robots.txt, the private-address guard and host delays hold) and kept;
  the article is extracted from the rendered DOM; a full-page PNG and a thumbnail are
  kept as WARC ``resource`` records (``urn:fullPage:``, ``urn:thumbnail:``, as
  browsertrix-crawler writes them) and the rendered DOM as one too (``urn:dom:``);
- ``auto``: as ``http``, but a page whose body came out empty or tiny while it shows
  signs of client-side rendering is rendered as ``browser`` does, and ``signals``
  says so (``renderer``, ``render_reason``).

Everything a page needed is archived as a resource of the page's capture, so ``export
--wacz`` packs it with the page and a replay shows the page with its images and styles.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import MutableSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archive import Archive
from archive.errors import FetchError
from archive.types import Article, HttpResponse

from .capture import (
    CookieJar,
    PermitFn,
    fetch_requisites,
    fetcher_hook,
    load_cookies,
    needs_render,
    render_signals,
)
from .config import CaptureSettings
from .fetch import Fetcher
from .ingest import Ingested, Ingester, role_of

if TYPE_CHECKING:
    from .capture import BrowserRenderer, Rendered


@dataclass
class Completed:
    """What completing one page gave: the article to keep (from the rendered DOM when
    the page was rendered), the responses it needed, screenshots and the DOM, and what
    was refused (``(url, reason)``)."""

    article: Article
    responses: list[HttpResponse] = field(default_factory=list)
    rendered: Rendered | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)


class PageCapture:
    """Completes fetched pages (see the module docstring). One per crawl; closes its
    browser, if it started one, in :meth:`aclose`.

    Args:
        settings: ``capture`` settings.
        fetcher: the crawl's fetcher (its guard, limits and retries apply to every
            requisite and to every request of a rendered page).
        permit: says whether (and when) a URL may be fetched: robots.txt, the address
            guard, the host's delay.
        user_agent: the browser's User-Agent (the crawl's own).
    """

    def __init__(self, settings: CaptureSettings, fetcher: Fetcher, permit: PermitFn, *,
                 user_agent: str) -> None:
        self.settings = settings
        self.fetch = fetcher_hook(fetcher)
        self.permit = permit
        self.user_agent = user_agent
        self.cookies: CookieJar | None = load_cookies(settings.cookies) \
            if settings.cookies else None
        self.seen: MutableSet[str] = set()  # requisites fetched in this crawl: once each
        self._renderer: BrowserRenderer | None = None
        self._starting = asyncio.Lock()

    @property
    def active(self) -> bool:
        """Whether completing a page does anything with these settings."""
        return self.settings.requisites or self.settings.renderer != "http"

    async def _browser(self) -> BrowserRenderer:
        async with self._starting:
            if self._renderer is None:
                from .capture import BrowserRenderer

                renderer = BrowserRenderer(self.settings, fetch=self.fetch, permit=self.permit,
                                           cookies=self.cookies, user_agent=self.user_agent)
                await renderer.start()
                self._renderer = renderer
        return self._renderer

    async def aclose(self) -> None:
        if self._renderer is not None:
            await self._renderer.aclose()
            self._renderer = None

    async def complete(self, response: HttpResponse, article: Article,
                       extract: Ingester) -> Completed:
        """The page with what it needs; renders it when the settings ask for it."""
        mode = self.settings.renderer
        reason = ""
        if mode == "auto" and needs_render(response.content, article.body):
            reason = render_signals(response.content).describe()
        if mode == "browser" or reason:
            try:
                rendered = await (await self._browser()).render(response.url, main=response)
            except FetchError as exc:  # not rendered: kept as the plain fetcher got it
                completed = await self._requisites(response, article)
                completed.refused.insert(0, (response.url, f"render: {exc.reason}"))
                return completed
            article = await self._from_dom(rendered, article, extract, reason or mode)
            return Completed(article, list(rendered.exchanges), rendered,
                             list(rendered.refused))
        return await self._requisites(response, article)

    async def _requisites(self, response: HttpResponse, article: Article) -> Completed:
        if not self.settings.requisites:
            return Completed(article)
        found = await fetch_requisites(response, fetch=self.fetch, permit=self.permit,
                                       seen=self.seen, settings=self.settings,
                                       cookies=self.cookies)
        return Completed(article, list(found.responses), refused=list(found.refused))

    async def _from_dom(self, rendered: Rendered, article: Article, extract: Ingester,
                        why: str) -> Article:
        """The article as the rendered DOM shows it, with the signals that say so."""
        if rendered.dom_html is not None:
            dom = dataclasses.replace(rendered.main, url=rendered.dom_url,
                                      content=rendered.dom_html.encode("utf-8"),
                                      headers=(("Content-Type", "text/html; charset=utf-8"),))
            from_dom = await asyncio.to_thread(extract.extract, dom)
            if isinstance(from_dom, Article):
                article = from_dom
        signals = {**article.signals, "renderer": "browser"}
        if why not in ("browser", ""):
            signals["render_reason"] = why
        return dataclasses.replace(article, signals=signals)


def keep(archive: Archive, capture_id: int, completed: Completed, *,
         crawl_id: int | None) -> None:
    """Archive what a page needed as resources of its capture: requisites or a rendered
    page's exchanges (a payload kept before becomes a revisit record), its screenshots
    and its rendered DOM."""
    for response in completed.responses:
        archive.store_resource(response, role=role_of(response.content_type),
                               capture_id=capture_id, crawl_id=crawl_id)
    rendered = completed.rendered
    if rendered is None:
        return
    page = archive.store.capture(capture_id)
    for shot in rendered.screenshots:
        archive.store_made(shot.target_uri(rendered.main.url), shot.data,
                           content_type=shot.content_type, role="screenshot",
                           fetched_at=rendered.main.fetched_at, capture_id=capture_id,
                           concurrent_to=page.warc_record_id, crawl_id=crawl_id)
    if rendered.dom_html is not None:  # what the text was read from (reextract reads it)
        archive.store_made(f"urn:dom:{rendered.main.url}", rendered.dom_html.encode("utf-8"),
                           content_type="text/html; charset=utf-8", role="dom",
                           fetched_at=rendered.main.fetched_at, capture_id=capture_id,
                           concurrent_to=page.warc_record_id, crawl_id=crawl_id)


async def archive_page(ingester: Ingester, capture: PageCapture | None,
                       response: HttpResponse, *, requested_url: str) -> tuple[Ingested,
                                                                                 Completed | None]:
    """Archive a fetched page the one way (route, extract, complete, store); returns what
    the ingester did and, for an article page, what completing it gave.

    Extraction (CPU-bound) runs in a worker thread; the archive calls stay on the
    calling thread (the store's connection).
    """
    done = ingester.route(response, requested_url, None)
    if done is not None:
        return ingester.track(response, requested_url, done), None
    article = await asyncio.to_thread(ingester.extract, response)
    if isinstance(article, Exception) or capture is None or not capture.active:
        done = ingester.store(response, article, None)
        return ingester.track(response, requested_url, done), None
    completed = await capture.complete(response, article, ingester)
    done = ingester.store(response, completed.article, None)
    if done.result is not None:
        keep(ingester.archive, done.result.capture_id, completed,
             crawl_id=ingester.crawl_id)
    return ingester.track(response, requested_url, done), completed
