"""The other shapes of the sample site: a vBulletin thread and a JSON-LD news article."""

from __future__ import annotations

from scraper.demo import site_dir
from scraper.extract import extract_article

BASE = "http://news.example"


def _extract(path: str):  # type: ignore[no-untyped-def]
    return extract_article((site_dir() / path).read_bytes(), f"{BASE}/{path}")


def test_forum_quotes_are_attributions() -> None:
    article = _extract("forum/thread-1042.html")
    assert [a.source for a in article.attributions] == ["Sergei Lavrov", "ridgeRunner"]
    assert article.attributions[0].passage.startswith("I am sure that neither")
    assert article.attributions[1].passage == "I will believe it when I see it, honestly."
    for a in article.attributions:
        assert article.body[a.start:a.end] == a.passage
    assert "Originally Posted by" not in article.body
    assert "Reply With Quote" not in article.body
    assert "Keep it civil, folks." in article.body
    assert "Join Date" not in article.body


def test_json_ld_news_article() -> None:
    article = _extract("world/vienna-talks-syria-ceasefire.html")
    assert article.title == "Vienna talks: powers agree to push for Syria ceasefire"
    assert article.authors == ("Hannah Whitcombe", "Tomasz Nowak")
    assert article.published == "2015-10-31T18:30:00+01:00"
    assert article.modified == "2015-11-01T09:05:00+01:00"
    assert article.signals["published"] == "json-ld"
    assert article.language == "en-GB"
    assert article.tags == ("Syria", "Diplomacy")
    assert "Source: Reuters" not in article.body  # an image caption
    assert "Get the morning briefing" not in article.body
    cite, via = article.attributions
    assert (cite.pattern, cite.url) == ("blockquote_cite", "https://www.un.org/press/statement-vienna")
    assert cite.passage.startswith("The participants asked the United Nations")
    assert (via.source, via.pattern) == ("Ledger Wire Service", "via")
    # A closing "Via X" with no excerpt right before it credits the whole wire story.
    assert (via.start, via.end) == (0, len(article.body))


def test_originally_published_credits_whole_article() -> None:
    article = _extract("blogs/news/veteran-who-received-teens-kidney-stands-with-family-at-funeral.html")
    (credit,) = article.attributions
    assert credit.source == "The Columbus Dispatch"
    assert (credit.start, credit.end) == (0, len(article.body))
    assert "Originally published" not in article.body
