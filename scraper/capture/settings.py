"""Settings for capturing a page as readers saw it (requisites, browser, cookies).

A frozen dataclass like the others in ``scraper/config.py``, where it will move (as
``[capture]`` or split between ``[crawl]`` and ``[fetch]``); each default is documented
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Renderer = Literal["http", "browser", "auto"]
RENDERERS: tuple[str, ...] = ("http", "browser", "auto")


@dataclass(frozen=True, kw_only=True)
class CaptureSettings:
    """How a page's requisites are fetched and how (and whether) it is rendered.

    Attributes:
        requisites: fetch what an archived page needs to display (images, stylesheets
            and what they import, fonts, scripts, icons) with the plain fetcher.
            On by default: without them a replay shows a broken page and loses the photos.
        requisite_max_bytes: largest single requisite (bytes, after decompression); a
            larger one is refused (``too-large``), so one video poster cannot eat the page.
        page_max_requisites: requisites fetched for one page; the rest are listed as
            refused (``page-cap``). Also caps the requests of one rendered page.
        page_max_bytes: total requisite bytes for one page (and all bytes of one
            rendered page); past it, further requests are refused (``page-bytes``).
        requisite_concurrency: requisites of one page fetched at once (the permit
            callback still paces each host).
        css_depth: levels of ``@import`` followed from a page's stylesheets.
        renderer: ``http`` (fetch with httpx only), ``browser`` (render every page in
            Chromium) or ``auto`` (fetch with httpx; render only the pages that need it,
            see :func:`scraper.capture.auto.needs_render`).
        browser_path: the Chromium executable; empty means ``chromium`` (then
            ``chromium-browser``) on PATH. A browser is never downloaded.
        browser_concurrency: pages rendered at once (one browser, one context per page).
        warm_pages: keep up to ``browser_concurrency`` fresh contexts opened ahead, so a
            render does not wait for Chromium to start a page (a few hundred ms each).
        page_timeout: seconds for one rendered page, from navigation to DOM and
            screenshot. A page that never settles is cut at this point, and what it
            fetched so far is kept (``timed_out``).
        settle_idle: seconds without a request in flight after which a loaded page
            counts as settled (the network-idle rule, as browsertrix and Playwright's
            ``networkidle`` use; ours counts only the requests we serve).
        settle_max: longest wait (seconds) for network idle after the load event; a page
            polling forever is cut here rather than at ``page_timeout``.
        scroll_steps: viewport heights scrolled after load, so lazy images ask for
            their sources (as browsertrix's autoscroll behaviour does). 0 disables it.
        dom_max_bytes: largest rendered DOM returned (characters of serialized HTML);
            a larger one is cut and flagged ``dom-truncated``.
        screenshot: take a full-page PNG (``urn:fullPage:``) and a viewport JPEG
            thumbnail (``urn:thumbnail:``) of each rendered page.
        screenshot_max_height: full-page screenshots are clipped to this many CSS
            pixels (flagged ``screenshot-clipped``): a 50 MB DOM must not give a 2 GB PNG.
        cache_bytes: bytes of static responses (styles, scripts, fonts, images) the
            renderer keeps and serves again to later pages without fetching them, as a
            browser cache does. 0 disables it.
        cookies: a Netscape ``cookies.txt`` file; its cookies are sent by both fetchers,
            each only to its own domain, path and scheme. Empty means none.
    """

    requisites: bool = True
    requisite_max_bytes: int = 5_000_000
    page_max_requisites: int = 200
    page_max_bytes: int = 50_000_000
    requisite_concurrency: int = 4
    css_depth: int = 2
    renderer: Renderer = "http"
    browser_path: str = ""
    browser_concurrency: int = 2
    warm_pages: bool = True
    page_timeout: float = 30.0
    settle_idle: float = 0.5
    settle_max: float = 10.0
    scroll_steps: int = 10
    dom_max_bytes: int = 5_000_000
    screenshot: bool = True
    screenshot_max_height: int = 10_000
    cache_bytes: int = 64_000_000
    cookies: str = ""
