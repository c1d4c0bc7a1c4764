"""Sitemaps (index, gzip, Google News), RSS/Atom feeds, links and feed <link>s."""

from __future__ import annotations

import gzip

import pytest

from scraper.discovery import DiscoveryError, links_from_html, parse_sitemap_or_feed

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://s.test/a?utm_source=x</loc><lastmod>2026-01-02</lastmod>
    <news:news><news:publication><news:name>The Test</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2026-01-02T10:00:00Z</news:publication_date>
      <news:title>Headline A</news:title></news:news></url>
  <url><loc>/b</loc></url>
</urlset>"""


def test_google_news_sitemap_fields() -> None:
    found = parse_sitemap_or_feed(NEWS, "https://s.test/news.xml")
    assert found.pages == ["https://s.test/a", "https://s.test/b"]
    entry = found.entries["https://s.test/a"]
    assert (entry.news_title, entry.news_published, entry.news_language,
            entry.news_publication, entry.lastmod) == (
        "Headline A", "2026-01-02T10:00:00Z", "en", "The Test", "2026-01-02")


def test_gzipped_sitemap_index() -> None:
    index = gzip.compress(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          b"<sitemap><loc>https://s.test/s1.xml.gz</loc></sitemap>"
                          b"<sitemap><loc>https://s.test/s2.xml</loc></sitemap></sitemapindex>")
    found = parse_sitemap_or_feed(index, "https://s.test/index.xml.gz")
    assert found.sitemaps == ["https://s.test/s1.xml.gz", "https://s.test/s2.xml"]


def test_rss_and_atom() -> None:
    rss = (b"<rss version='2.0'><channel><item><link>https://s.test/1</link></item>"
           b"<item><guid>https://s.test/2</guid></item>"
           b"<item><guid isPermaLink='false'>tag:x</guid></item></channel></rss>")
    assert parse_sitemap_or_feed(rss, "https://s.test/rss").pages == [
        "https://s.test/1", "https://s.test/2"]
    atom = (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>"
            b"<link rel='self' href='/self'/><link href='/post'/></entry></feed>")
    assert parse_sitemap_or_feed(atom, "https://s.test/atom").pages == ["https://s.test/post"]


@pytest.mark.parametrize(("data", "reason"), [
    (b"<rss><channel><item>", "bad-xml"),
    (b"<html><body>not xml</body></html>", "not-a-sitemap"),
    (b'<!DOCTYPE x [<!ENTITY a "b">]><urlset>&a;</urlset>', "unsafe-xml"),
    (gzip.compress(b"\0" * 100)[:-12] + b"garbage!", "bad-xml"),
])
def test_unusable_documents_raise_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DiscoveryError) as info:
        parse_sitemap_or_feed(data, "https://s.test/x.xml")
    assert info.value.reason in (reason, "bad-gzip")


def test_links_feeds_nofollow_and_base() -> None:
    page = (b'<html><head><base href="https://s.test/dir/">'
            b'<link rel="alternate" type="application/rss+xml" href="feed.xml">'
            b'<link rel="alternate" type="application/atom+xml" href="/atom">'
            b'<link rel="alternate" hreflang="fr" href="/fr/"></head><body>'
            b'<a href="a.html#top">a</a><a rel="nofollow" href="/x">x</a>'
            b'<a href="mailto:x@y.z">m</a><a href="a.html?utm_medium=m">dup</a></body></html>')
    found = links_from_html(page, "https://s.test/")
    assert found.pages == ["https://s.test/dir/a.html"]
    assert found.feeds == ["https://s.test/dir/feed.xml", "https://s.test/atom"]
