"""Find URLs to crawl: links in pages, XML sitemaps (index, gzip, news) and feeds.

XML is parsed with defusedxml, so entity expansion bombs ("billion laughs") and
external entities are refused; gzip'd sitemaps are inflated with a size cap. A
document that cannot be used raises :class:`DiscoveryError` with a short reason
(``bad-xml``, ``unsafe-xml``, ``too-large-decompressed``, ``not-a-sitemap``), which
the crawler records as the URL's failure.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import lxml.html
from defusedxml import DefusedXmlException

from archive.errors import FetchError

from .extract._dom import parse_html, to_text
from .urls import normalize_url

MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org limit, uncompressed
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit per file
MAX_LINKS_PER_PAGE = 5000
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/rdf+xml")


class DiscoveryError(FetchError):
    """A sitemap or feed that cannot be used (invalid, unsafe, too large, unknown)."""


@dataclass(frozen=True)
class SitemapEntry:
    """What a sitemap says about one URL, including Google News sitemap fields.

    Attributes:
        lastmod: ``<lastmod>`` as written (W3C datetime).
        news_title: ``<news:title>``.
        news_published: ``<news:publication_date>``.
        news_language: ``<news:language>`` of ``<news:publication>``.
        news_publication: ``<news:name>`` of ``<news:publication>``.
    """

    lastmod: str | None = None
    news_title: str | None = None
    news_published: str | None = None
    news_language: str | None = None
    news_publication: str | None = None


@dataclass
class Discovered:
    """URLs found in one document.

    ``entries`` holds sitemap metadata for the pages that had any.
    """

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    kind: str = "sitemap"  # what the document was: sitemap | feed
    entries: dict[str, SitemapEntry] = field(default_factory=dict)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def document_base(root: lxml.html.HtmlElement, page_url: str) -> str:
    """The URL a page's relative links resolve against: its first ``<base href>``, if
    it has one, else the page's own URL."""
    for el in root.iter("base"):
        href = el.get("href")
        if href:
            return normalize_url(href, page_url) or page_url
        break
    return page_url


def links_from_html(content: bytes, base_url: str, content_type: str | None = None
                    ) -> Discovered:
    """Normalised ``<a href>`` targets and ``<link rel=alternate>`` feeds of a page.

    At most ``MAX_LINKS_PER_PAGE`` page links are kept; ``rel=nofollow`` is obeyed.
    """
    root = parse_html(to_text(content, content_type))
    base = document_base(root, base_url)
    found = Discovered()
    seen: set[str] = set()
    for el in root.iter("a", "area"):
        if "nofollow" in (el.get("rel") or "").lower():
            continue
        url = normalize_url(el.get("href") or "", base)
        if url and url not in seen:
            seen.add(url)
            found.pages.append(url)
            if len(found.pages) >= MAX_LINKS_PER_PAGE:
                break
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "alternate" in rel and (el.get("type") or "").lower().strip() in _FEED_TYPES:
            url = normalize_url(el.get("href") or "", base)
            if url and url not in found.feeds:
                found.feeds.append(url)
    return found


def _inflate(data: bytes, url: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        if len(data) > MAX_SITEMAP_BYTES:
            raise DiscoveryError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes", url=url,
                                 reason="too-large")
        return data
    obj = zlib.decompressobj(47)
    try:
        out = obj.decompress(data, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise DiscoveryError(f"corrupt gzip sitemap: {exc}", url=url, reason="bad-gzip") from exc
    if len(out) > MAX_SITEMAP_BYTES:
        raise DiscoveryError(f"sitemap inflates past {MAX_SITEMAP_BYTES} bytes; refusing it",
                             url=url, reason="too-large-decompressed")
    return out


def _parse_xml(data: bytes, url: str) -> Element:
    try:
        return SafeET.fromstring(_inflate(data, url))  # type: ignore[no-any-return]
    except DefusedXmlException as exc:
        raise DiscoveryError(f"unsafe XML refused ({type(exc).__name__}): entity "
                             "declarations are not accepted in sitemaps and feeds",
                             url=url, reason="unsafe-xml") from exc
    except (SafeET.ParseError, ValueError, RecursionError) as exc:
        raise DiscoveryError(f"invalid XML: {exc}", url=url, reason="bad-xml") from exc


def _text(el: Element, name: str) -> str | None:
    for child in el.iter():
        if child is not el and _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _entry(url_el: Element) -> SitemapEntry | None:
    lastmod = next((c.text.strip() for c in url_el if _local(c.tag) == "lastmod" and c.text),
                   None)
    news = next((c for c in url_el if _local(c.tag) == "news"), None)
    if news is None:
        return SitemapEntry(lastmod=lastmod) if lastmod else None
    return SitemapEntry(lastmod=lastmod, news_title=_text(news, "title"),
                        news_published=_text(news, "publication_date"),
                        news_language=_text(news, "language"),
                        news_publication=_text(news, "name"))


def _loc(el: Element) -> str:
    return next((c.text.strip() for c in el if _local(c.tag) == "loc" and c.text), "")


def parse_sitemap_or_feed(data: bytes, base_url: str) -> Discovered:
    """URLs from a sitemap (plain, gzip'd, news), sitemap index, RSS 2.0/1.0 or Atom.

    Args:
        data: the document (gzip'd or not).
        base_url: its URL, for relative links and error messages.

    Returns:
        The page URLs (at most ``MAX_SITEMAP_URLS``), child sitemaps and sitemap metadata.

    Raises:
        DiscoveryError: invalid or unsafe XML, too large, or none of these formats.
    """
    root = _parse_xml(data, base_url)
    kind = _local(root.tag)
    found = Discovered()
    if kind == "urlset":
        for url_el in root:
            url = normalize_url(_loc(url_el), base_url)
            if url:
                found.pages.append(url)
                entry = _entry(url_el)
                if entry is not None:
                    found.entries[url] = entry
            if len(found.pages) >= MAX_SITEMAP_URLS:
                break
    elif kind == "sitemapindex":
        for sm in root:
            url = normalize_url(_loc(sm), base_url)
            if url:
                found.sitemaps.append(url)
            if len(found.sitemaps) >= MAX_SITEMAP_URLS:
                break
    elif kind in ("rss", "rdf"):
        found.kind = "feed"
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = next((c.text for c in item if _local(c.tag) == "link" and c.text), None)
            if link is None:  # RSS 2.0: a permalink guid stands in for a missing link
                link = next((c.text for c in item if _local(c.tag) == "guid" and c.text
                             and c.get("isPermaLink", "true") != "false"), None)
            url = normalize_url((link or "").strip(), base_url)
            if url:
                found.pages.append(url)
            if len(found.pages) >= MAX_SITEMAP_URLS:
                break
    elif kind == "feed":
        found.kind = "feed"
        for atom_entry in root:
            if _local(atom_entry.tag) != "entry":
                continue
            for c in atom_entry:
                if _local(c.tag) == "link" and c.get("rel", "alternate") == "alternate":
                    url = normalize_url(c.get("href") or "", base_url)
                    if url:
                        found.pages.append(url)
                        break
            if len(found.pages) >= MAX_SITEMAP_URLS:
                break
    else:
        raise DiscoveryError(f"XML root <{kind}> is not a sitemap, RSS or Atom feed",
                             url=base_url, reason="not-a-sitemap")
    return found


def looks_like_xml(content_type: str | None, data: bytes) -> bool:
    """True for sitemap/feed responses (by type, or by the first bytes)."""
    ctype = (content_type or "").lower()
    if "xml" in ctype or "rss" in ctype or "atom" in ctype:
        return True
    if data[:2] == b"\x1f\x8b":
        return True
    head = data[:4096].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return head[:5] in (b"<?xml", b"<urls", b"<rss ", b"<feed", b"<site")


__all__ = ["Discovered", "DiscoveryError", "SitemapEntry", "links_from_html",
           "looks_like_xml", "parse_sitemap_or_feed"]
