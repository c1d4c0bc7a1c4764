"""Browser tests run when Chromium and Playwright are here; under CI they must run."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def chromium() -> str:
    """The Chromium executable; skips (fails under ``CI``) when it or Playwright is missing."""
    try:
        import playwright.async_api  # noqa: F401

        from scraper.capture.browser import find_browser

        return find_browser()
    except Exception as exc:  # ImportError or BrowserUnavailableError: same verdict
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need chromium and playwright under CI: {exc}")
        pytest.skip(f"no browser: {exc}")
