"""Find URLs to crawl: links in pages, XML sitemaps (index, gzip, news) and feeds.

XML is parsed with defusedxml, so entity expansion bombs and external entities are
refused; gzip'd sitemaps are inflated with a size cap.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .extract._dom import parse_html, to_text
from .urls import normalize_url

MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org limit, uncompressed
MAX_LINKS_PER_PAGE = 5000
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass
class Discovered:
    """URLs found in one document."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def links_from_html(content: bytes, base_url: str, content_type: str | None = None
                    ) -> Discovered:
    """Normalised ``<a href>`` targets and ``<link rel=alternate>`` feeds of a page."""
    root = parse_html(to_text(content, content_type))
    base = base_url
    for el in root.iter("base"):
        href = el.get("href")
        if href:
            base = normalize_url(href, base_url) or base_url
        break
    found = Discovered()
    seen: set[str] = set()
    for el in root.iter("a", "area"):
        url = normalize_url(el.get("href") or "", base)
        if url and url not in seen and "nofollow" not in (el.get("rel") or ""):
            seen.add(url)
            found.pages.append(url)
            if len(found.pages) >= MAX_LINKS_PER_PAGE:
                break
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower()
        if "alternate" in rel and (el.get("type") or "").lower() in _FEED_TYPES:
            url = normalize_url(el.get("href") or "", base)
            if url:
                found.feeds.append(url)
    return found


def _inflate(data: bytes) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data[:MAX_SITEMAP_BYTES]
    obj = zlib.decompressobj(47)
    out = obj.decompress(data, MAX_SITEMAP_BYTES + 1)
    if len(out) > MAX_SITEMAP_BYTES:
        raise ValueError(f"sitemap inflates past {MAX_SITEMAP_BYTES} bytes")
    return out


def _parse_xml(data: bytes) -> Element | None:
    try:
        return SafeET.fromstring(_inflate(data))  # type: ignore[no-any-return]
    except (SafeET.ParseError, DefusedXmlException, ValueError, zlib.error):
        return None


def parse_sitemap_or_feed(data: bytes, base_url: str) -> Discovered | None:
    """URLs from a sitemap, sitemap index, RSS 2.0 or Atom document.

    Returns ``None`` when ``data`` is none of these (or is unsafe XML).
    """
    root = _parse_xml(data)
    if root is None:
        return None
    kind = _local(root.tag)
    found = Discovered()
    if kind == "urlset":
        for url_el in root:
            loc = next((c.text for c in url_el if _local(c.tag) == "loc" and c.text), None)
            url = normalize_url(loc or "", base_url)
            if url:
                found.pages.append(url)
    elif kind == "sitemapindex":
        for sm in root:
            loc = next((c.text for c in sm if _local(c.tag) == "loc" and c.text), None)
            url = normalize_url(loc or "", base_url)
            if url:
                found.sitemaps.append(url)
    elif kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) == "item":
                link = next((c.text for c in item if _local(c.tag) == "link" and c.text), None)
                url = normalize_url((link or "").strip(), base_url)
                if url:
                    found.pages.append(url)
    elif kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            for c in entry:
                if _local(c.tag) == "link" and c.get("rel", "alternate") == "alternate":
                    url = normalize_url(c.get("href") or "", base_url)
                    if url:
                        found.pages.append(url)
                        break
    else:
        return None
    return found


def looks_like_xml(content_type: str | None, data: bytes) -> bool:
    """True for sitemap/feed responses (by type, or by the first bytes)."""
    ctype = (content_type or "").lower()
    if "xml" in ctype or "rss" in ctype or "atom" in ctype:
        return True
    head = _inflate(data[:4096]) if data[:2] != b"\x1f\x8b" else b"<?xml"
    return head.lstrip()[:5] in (b"<?xml", b"<urls", b"<rss ", b"<feed", b"<site")


__all__ = ["Discovered", "links_from_html", "looks_like_xml", "parse_sitemap_or_feed"]
