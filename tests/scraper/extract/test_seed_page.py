"""The page newsarchive was created from: title, date, body and its four attributions."""

from __future__ import annotations

import pytest

from scraper.demo import site_dir
from scraper.extract import extract_article
from tests.conftest import SEED_PATH

URL = "http://blog.example" + SEED_PATH
SOURCES = ["Sott", "The Guardian", "Infowars", "Yahoo"]
PARAGRAPHS = [
    "While it is not a secret to many that there may be a proxy war",
    "In the previous months, we can recall",
    "There were differences and conflicts like what happened on September 1, 2015",
    "Overcoming differences takes time",
    "Sergei Lavrov, Russia's Foreign Minister announced important matters.",
    "Earlier that day, United States Military Officials",
    "Lavrov also told the reporters",
    "The cooperation between two giant countries",
]
BOILERPLATE = ["Other Articles", "Previous:", "Leave a comment", "Comments will be approved",
               "Skip to content", "Free shipping", "Newsletter", "We use cookies", "Share",
               "Powered by Shopify", "About Us", "Originally posted by"]


@pytest.fixture(scope="module")
def article():  # type: ignore[no-untyped-def]
    html = (site_dir() / SEED_PATH.lstrip("/")).read_bytes()
    return extract_article(html, URL)


def test_title_once(article) -> None:  # type: ignore[no-untyped-def]
    assert article.title == "USA and Russia Unite Against A Shared Enemy"
    assert article.body.count("USA and Russia Unite Against A Shared Enemy") == 0


def test_published_date(article) -> None:  # type: ignore[no-untyped-def]
    assert article.published is not None
    assert article.published[:10] == "2015-11-02"


def test_body_has_every_paragraph_in_order(article) -> None:  # type: ignore[no-untyped-def]
    positions = [article.body.index(p) for p in PARAGRAPHS]
    assert positions == sorted(positions)
    assert len(article.body.split("\n\n")) == len(PARAGRAPHS)


@pytest.mark.parametrize("text", BOILERPLATE)
def test_body_has_no_boilerplate(article, text: str) -> None:  # type: ignore[no-untyped-def]
    assert text not in article.body


def test_attributions_in_order_with_passages(article) -> None:  # type: ignore[no-untyped-def]
    assert [a.source for a in article.attributions] == SOURCES
    assert [a.position for a in article.attributions] == [0, 1, 2, 3]
    expected_starts = [PARAGRAPHS[2], PARAGRAPHS[4], PARAGRAPHS[5], PARAGRAPHS[6]]
    for attribution, start in zip(article.attributions, expected_starts, strict=True):
        assert attribution.passage.startswith(start)
        assert "\n\n" not in attribution.passage  # exactly the one paragraph after the line
        assert article.body[attribution.start:attribution.end] == attribution.passage
        assert attribution.pattern == "originally_posted_by"


def test_attribution_links(article) -> None:  # type: ignore[no-untyped-def]
    links = [a.url for a in article.attributions]
    assert links[0] is not None and links[0].startswith("https://www.sott.net/")
    assert links[1:] == [None, None, None]


def test_metadata_signals_recorded(article) -> None:  # type: ignore[no-untyped-def]
    assert article.signals["published"] == "time"
    assert article.site_name == "Patriot Outpost"
    assert article.language == "en"
    assert article.canonical_url == "http://blog.example" + SEED_PATH
