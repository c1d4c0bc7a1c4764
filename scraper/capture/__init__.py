"""Capture pages as their readers saw them: requisites, browser rendering, sessions.

Public surface (pinned by ``tests/scraper/capture/test_exports.py``)::

    from scraper.capture import (
        CaptureSettings,                          # settings, documented defaults
        find_requisites, find_css_requisites,     # what a page needs (HTML, CSS)
        fetch_requisites, RequisiteResult,        # fetch them through permit + fetch
        load_cookies, CookieJar, redact_cookies,  # sessions in, secrets out of WARC
        needs_render,                             # renderer = "auto"
        BrowserRenderer, Rendered, Screenshot,    # Chromium via Playwright
        FetchFn, PermitFn, Permit, fetcher_hook,  # the two callbacks
    )

Wiring (for the crawler and the WARC writer):

- ``renderer = "http"``: fetch the page; if ``requisites``, ``fetch_requisites(page,
  fetch=..., permit=..., seen=crawl_seen)``; write the page and every
  ``RequisiteResult.responses`` item as request/response records (a payload seen before
  is a revisit), after :func:`redact_cookies`; log ``refused`` with the page.
- ``renderer = "browser"``: ``BrowserRenderer.render(url)``; write every
  ``Rendered.exchanges`` item (the document included) as request/response records,
  after :func:`redact_cookies`, and each ``Rendered.screenshots`` item as a ``resource``
  record (``WARC-Target-URI: shot.target_uri(rendered.main.url)``, ``Content-Type:
  shot.content_type``, the page's capture date); extract the article from
  ``rendered.dom_html`` with ``url=rendered.dom_url`` (from ``main.content`` when it is
  ``None``), and put the metadata record on ``rendered.main``.
- ``renderer = "auto"``: as ``http``; when ``needs_render(page.content, article.body)``,
  ``render(url, main=page)`` (the page is not fetched again, and is not in
  ``exchanges``), then as ``browser``; record ``signals["renderer"] = "browser"`` and
  ``render_signals(page.content).describe()`` for why.

``browser`` needs the ``playwright`` package (``pip install 'newsarchive[browser]'``) and
Debian's ``chromium``; it is imported lazily, so the rest works without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import RENDERERS, CaptureSettings
from .auto import needs_render, render_signals
from .cookies import (
    REDACTED,
    Cookie,
    CookieJar,
    load_cookies,
    parse_cookies,
    redact_cookies,
    redact_headers,
)
from .hooks import FetchFn, Permit, PermitFn, fetcher_hook
from .requisite_fetch import RequisiteResult, fetch_requisites
from .requisites import Requisite, find_css_requisites, find_requisites, largest_candidate

if TYPE_CHECKING:
    from .browser import BrowserRenderer, BrowserUnavailableError, Rendered, RenderError, Screenshot

_BROWSER = ("BrowserRenderer", "BrowserUnavailableError", "RenderError", "Rendered",
            "Screenshot")


def __getattr__(name: str) -> Any:
    if name in _BROWSER:
        from . import browser

        return getattr(browser, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REDACTED", "RENDERERS", "BrowserRenderer", "BrowserUnavailableError", "CaptureSettings",
    "Cookie", "CookieJar", "FetchFn", "Permit", "PermitFn", "RenderError", "Rendered",
    "Requisite", "RequisiteResult", "Screenshot", "fetch_requisites", "fetcher_hook",
    "find_css_requisites", "find_requisites", "largest_candidate", "load_cookies",
    "needs_render", "parse_cookies", "redact_cookies", "redact_headers", "render_signals",
]
