"""The article links a front or section page shows: in page order, with the headline
shown for each, and its position (1 = the first).

A front page links to much besides articles: its menus, sections, tags, authors,
log-in and subscription pages, other sites, "most read" and sponsored boxes (which
rotate on every load). Those are left out, so the list is the page's editorial choice
and two loads of an unchanged front page give the same list. An article linked several
times (a picture, the headline, "3 comments") is one entry, at its first place, with
its headline text (a heading's text first, else the longest text; "Read more" is not
a headline).

Usage::

    for link in front_links(html_bytes, "https://news.example/"):
        print(link.position, link.headline, link.url)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from archive.frontpage import FrontLink

from .discovery import document_base
from .extract._dom import parse_html, to_text
from .urls import normalize_url

MAX_FRONT_LINKS = 500  # links recorded per capture (a front page shows far fewer)

# Blocks that are not the page's editorial list: navigation, footers, boxes of the most
# read or sponsored stories (they change on every load), ads, newsletters, sharing.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|megamenu|breadcrumbs?|footer|masthead|"
    r"most-?read|most-?popular|most-?viewed|popular|trending|sponsor(?:ed)?|promoted|"
    r"partners?|advert(?:isement)?s?|ads?|ad-slot|outbrain|taboola|newsletter|social|"
    r"share|sharing|skip|cookie|paywall)(?:$|[\s_-])", re.IGNORECASE)
_NOT_ARTICLE_SEGMENTS = frozenset((
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections",
    "author", "authors", "people", "profile", "profiles", "search", "login", "log-in",
    "signin", "sign-in", "signup", "sign-up", "register", "subscribe", "subscription",
    "subscriptions", "account", "newsletter", "newsletters", "about", "about-us",
    "contact", "contact-us", "privacy", "privacy-policy", "terms", "cookies", "help",
    "faq", "feed", "feeds", "rss", "page", "archive", "archives", "careers", "jobs",
    "advertise", "shop", "store", "events", "podcasts"))
_FILE_TYPES = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|xml|rss|atom|json|js|css|zip|"
                         r"mp[34]|mov|avi|ico)$", re.IGNORECASE)
_PAGE_TYPES = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$", re.IGNORECASE)
_DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/|$)|/(?:19|20)\d{6}(?:/|$)")
_GENERIC = re.compile(
    r"^(?:read (?:more|on|the (?:full )?(?:story|article))|more|continue(?: reading)?|"
    r"full story|watch|listen|video|live|comments?|\d+(?: comments?)?|image|photo|"
    r"click here|here|»|›|→)\W*$", re.IGNORECASE)


def site_of(host: str) -> str:
    """A host without its port and ``www.``."""
    return host.split(":")[0].lower().removeprefix("www.")


def is_article_url(url: str, front_url: str) -> bool:
    """Whether a link from a front page looks like an article of the same site: not the
    home or front page itself, not a section, tag, author or service page, and its path
    ends in a slug of several words, a numeric id, a page file or follows a date."""
    target, front = urlsplit(url), urlsplit(front_url)
    site, front_site = site_of(target.netloc), site_of(front.netloc)
    if not (site == front_site or site.endswith("." + front_site)
            or front_site.endswith("." + site)):
        return False
    path = target.path
    segments = [s for s in path.split("/") if s]
    if not segments or (path.rstrip("/") == front.path.rstrip("/") and site == front_site):
        return False
    if _FILE_TYPES.search(path) or any(s.lower() in _NOT_ARTICLE_SEGMENTS
                                       for s in segments[:-1] + segments[-1:]):
        return False
    last = segments[-1]
    stem = _PAGE_TYPES.sub("", last)
    if stem.lower() in ("index", "default", "home", "main"):
        return False
    words = [w for w in re.split(r"[-_+.]", stem) if w]
    return bool(len(words) >= 3 or re.search(r"\d{4,}", last) or _PAGE_TYPES.search(last)
                or (_DATE_PATH.search(path) and len(segments) >= 3))


def _is_chrome(el: lxml.html.HtmlElement) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("nav", "script", "style", "noscript", "template", "svg", "form"):
        return True
    role = (el.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "search"):
        return True
    if tag in ("header", "footer") and next(
            el.iterancestors("article", "main", "section", "li"), None) is None:
        return True  # the site's own header and footer, not a teaser's
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(names.strip() and _CHROME.search(names))


def _text(a: lxml.html.HtmlElement) -> str:
    text = " ".join(a.text_content().split())
    if text:
        return text
    img = next(a.iter("img"), None)
    alt = img.get("alt") if img is not None else None
    return " ".join((a.get("aria-label") or a.get("title") or alt or "").split())


def _in_heading(a: lxml.html.HtmlElement) -> bool:
    return any(isinstance(x.tag, str) and x.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
               for x in (a, *a.iterancestors(), *a.iterdescendants()))


def front_links(content: bytes | str, base_url: str, content_type: str | None = None,
                *, limit: int = MAX_FRONT_LINKS) -> list[FrontLink]:
    """The article links of a front or section page (see the module docstring).

    Args:
        content: the page, as fetched.
        base_url: its URL (after redirects), to resolve links and know its site.
        content_type: the HTTP Content-Type, for its charset.
        limit: at most this many links.

    Returns:
        The links in page order, positions from 1; never raises for any page content.
    """
    root = parse_html(to_text(content, content_type))
    base = document_base(root, base_url)
    for el in list(root.iter()):
        if el.getparent() is not None and _is_chrome(el):
            el.drop_tree()
    order: list[str] = []
    texts: dict[str, list[tuple[bool, str]]] = {}
    for a in root.iter("a"):
        url = normalize_url(a.get("href") or "", base)
        if url is None or not is_article_url(url, base_url):
            continue
        if url not in texts:
            if len(order) >= limit:
                continue
            order.append(url)
            texts[url] = []
        text = _text(a)
        if text and not _GENERIC.match(text):
            texts[url].append((_in_heading(a), text))
    return [FrontLink(position=n, url=url, headline=_headline(texts[url]))
            for n, url in enumerate(order, 1)]


def _headline(found: list[tuple[bool, str]]) -> str:
    headed = [text for heading, text in found if heading]
    if headed:
        return headed[0]
    return max((text for _, text in found), key=len, default="")
