"""Metadata ranking: the visible dateline, URL dates."""

from __future__ import annotations

from scraper.extract import extract_article
from scraper.extract.dates import date_from_url

_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "Rain returns to the valley", "datePublished": "%s"}</script>'
)


def _page(ld_date: str | None, dateline: str) -> str:
    head = _LD % ld_date if ld_date else ""
    return (
        f"<html><head>{head}</head><body><h1>Rain returns to the valley</h1>"
        f"<p class='byline'>By Ann Lee</p><p>{dateline}</p>"
        "<p>The first storm of the season arrived on Tuesday, filling reservoirs.</p>"
        "</body></html>"
    )


def test_visible_dateline_fills_missing_date() -> None:
    art = extract_article(_page(None, "Published on July 18, 2025"))
    assert art.published == "2025-07-18"
    assert art.signals["published"] == "visible"


def test_visible_dateline_beats_conflicting_structured_date() -> None:
    art = extract_article(_page("2019-01-04", "March 2, 2024"))
    assert art.published == "2024-03-02"


def test_updated_line_does_not_replace_publication_date() -> None:
    art = extract_article(_page("2019-01-04", "Updated: March 2, 2024"))
    assert art.published == "2019-01-04"


def test_date_a_time_zone_away_keeps_structured_value() -> None:
    art = extract_article(_page("2024-03-02T23:30:00-08:00", "March 3, 2024"))
    assert art.published == "2024-03-02T23:30:00-08:00"


def test_url_date_followed_by_slug_punctuation() -> None:
    assert date_from_url("https://ex.org/articles/2025-12-15+Rust+backend") == "2025-12-15"
