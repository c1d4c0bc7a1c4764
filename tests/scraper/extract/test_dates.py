"""Reading dates as pages write them (scraper.extract.dates)."""

from __future__ import annotations

import pytest

from scraper.extract.dates import date_from_url, parse_date, parse_iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-11-02", "2015-11-02"),
        ("November 2, 2015", "2015-11-02"),
        ("Nov. 2nd, 2015", "2015-11-02"),
        ("2 November 2015", "2015-11-02"),
        ("le 2 novembre 2015", "2015-11-02"),
        ("2. November 2015", "2015-11-02"),
        ("2 de noviembre de 2015", "2015-11-02"),
        ("2 ноября 2015 г.", "2015-11-02"),
        ("2 листопада 2015", "2015-11-02"),
        ("2 listopada 2015", "2015-11-02"),
        ("2. listopadu 2015", "2015-11-02"),
        ("2 Kasım 2015", "2015-11-02"),
        ("2. marraskuuta 2015", "2015-11-02"),
        ("2015. november 2.", "2015-11-02"),
        ("2015年11月2日", "2015-11-02"),
        ("2015년 11월 2일", "2015-11-02"),
        ("2015/11/02", "2015-11-02"),
        ("02.11.2015", "2015-11-02"),  # day first where it is ambiguous
        ("11/25/2015", "2015-11-25"),  # unambiguous month first
    ],
)
def test_dates_in_many_formats_and_languages(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "no date here", "© 1875 Company", "2 Mars rover 2015x",
                                  "2015年13月2日", "November 2015"])
def test_no_date_or_an_implausible_one_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_month_first_when_asked() -> None:
    assert parse_date("02/11/2015", prefer_dmy=False) == "2015-02-11"


def test_iso_keeps_time_and_offset() -> None:
    assert parse_iso("2015-11-02T10:04:05Z") == "2015-11-02T10:04:05+00:00"
    assert parse_iso("2015-11-02 10:04 -0500") == "2015-11-02T10:04:00-05:00"
    assert parse_iso("2015-11-02T25:00") == "2015-11-02"


def test_date_from_url_path() -> None:
    assert date_from_url("https://example.org/2015/11/02/slug") == "2015-11-02"
    assert date_from_url("https://example.org/news/20151102-slug") == "2015-11-02"
    assert date_from_url("https://example.org/2015/13/02/slug") is None
    assert date_from_url(None) is None
