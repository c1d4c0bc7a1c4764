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

``browser`` needs the ``playwright`` package (``pip install 'newsarchive[browser]'``) and
Debian's ``chromium``; it is imported lazily, so the rest works without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from .settings import RENDERERS, CaptureSettings

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
