"""Pin scraper.capture's public surface."""

from __future__ import annotations

import scraper.capture as capture


def test_capture_exports() -> None:
    assert sorted(capture.__all__) == sorted([
        "REDACTED", "RENDERERS", "BrowserRenderer", "BrowserUnavailableError",
        "CaptureSettings", "Cookie", "CookieJar", "FetchFn", "Permit", "PermitFn",
        "RenderError", "Rendered", "Requisite", "RequisiteResult", "Screenshot",
        "fetch_requisites", "fetcher_hook", "find_css_requisites", "find_requisites",
        "largest_candidate", "load_cookies", "needs_render", "parse_cookies",
        "redact_cookies", "redact_headers", "render_signals"])
    for name in capture.__all__:
        assert getattr(capture, name) is not None


def test_settings_defaults_are_documented() -> None:
    import dataclasses

    doc = capture.CaptureSettings.__doc__ or ""
    for field in dataclasses.fields(capture.CaptureSettings):
        assert f"{field.name}:" in doc, field.name
