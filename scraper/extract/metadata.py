"""Article metadata from every signal a page offers, ranked, with the signal recorded.

Order of trust, per field: JSON-LD (the publisher's own structured data), OpenGraph and
``article:*`` meta, other meta (Dublin Core, parsely, sailthru...), microdata
(``itemprop``), elements (``<time>``, ``rel=author``, bylines, ``<h1>``), the URL, and
last the visible text. The title is chosen in :mod:`.title`, the printed dateline and
whether it beats structured dates in :mod:`.dateline`, dates kept only in script data in
:mod:`.script_dates`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from ._dom import join_url, norm_space, parse_json
from .dateline import (
    POST_NUMBER,
    Beside,
    choose_dateline,
    datelines,
    in_local_time,
    sole_date,
    visible_wins,
)
from .dates import MONTH_PATTERN, date_from_url, parse_date
from .script_dates import date_from_scripts
from .title import headline, title_from_page

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    "scholarlyarticle", "techarticle", "report", "socialmediaposting", "discussionforumposting",
    "webpage", "posting", "medicalwebpage", "creativework", "review",
}
_BY_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reviewed|edited|text|words|story|reporting)\s+by|"
    r"author(?:ed by)?|by|von|par|por|"
    r"di|door|av|af)\s*[:\s]\s*",
    re.IGNORECASE,
)
_REPLY_PROPS = frozenset(("comment", "suggestedAnswer", "acceptedAnswer"))
_BYLINE_CLASS = re.compile(
    r"\b(?:byline|by-line|author|article-author|post-author|entry-author|writer|"
    r"contributor|reporter)(?:[-_]?name)?\b",
    re.IGNORECASE,
)
_AUTHOR_JUNK = re.compile(
    r"https?://|@|^/|[*<>{}=|]|\bupdated\b|\bpublished\b|\b\d{4}\b|\bstaff\b$|\bfollow\b|"
    r"^(?:by|name|author|admin|anonymous|guest|unknown)$",
    re.IGNORECASE,
)


_PERSON = re.compile(r"^(?:[A-Z][\w.'’-]*\s*){1,4}$|^\S+$")


@dataclass
class Metadata:
    """Fields read from a page and where each came from."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    signals: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    # JSON-LD ``articleBody``: not a field of the article, a check on the body's length
    article_body: str | None = None
    # Titles the page declares (JSON-LD headline, og:title...), best first, as (title,
    # signal): evidence for the headline the page displays, chosen in :mod:`.title`.
    title_hints: list[tuple[str, str]] = field(default_factory=list)
    # the element showing the title (:func:`.title.headline`), found once per page
    headline_element: lxml.html.HtmlElement | None = None

    def offer(self, name: str, value: Any, signal: str,
              confidence: float | None = None) -> None:
        """Set ``name`` unless a better-ranked signal already did.

        ``confidence`` (0..1) defaults to what the signal is worth for the field
        (:func:`signal_confidence`).
        """
        if value in (None, "", []) or getattr(self, name) not in (None, "", []):
            return
        self.replace(name, value, signal, confidence)

    def replace(self, name: str, value: Any, signal: str,
                confidence: float | None = None) -> None:
        """Set ``name`` over any earlier value: a later check that outranks it (the
        date printed under the headline over a structured one)."""
        # Structured data is often HTML-escaped twice ("&#8211;", "M&amp;A").
        if isinstance(value, str) and "&" in value:
            value = norm_space(html.unescape(value))
        elif isinstance(value, list):
            value = [norm_space(html.unescape(v)) if isinstance(v, str) else v for v in value]
        setattr(self, name, value)
        self.signals[name] = signal
        self.confidence[name] = signal_confidence(name, signal) if confidence is None \
            else confidence


# What each signal is worth, per field: how often it is right on the benchmark pages,
# rounded. Dates from the URL or a clock on the page are weak.
_SIGNAL_CONFIDENCE: dict[str, float] = {
    "json-ld": 0.9, "meta": 0.85, "itemprop": 0.85, "time": 0.75, "visible": 0.85,
    "h1": 0.9, "title": 0.6, "link": 0.9, "html": 0.8, "rel=author": 0.8, "byline": 0.6,
    "page time": 0.45, "url": 0.3, "text": 0.35, "script": 0.5, "sole date": 0.35,
    "langid": 0.7, "description": 0.2, "clock": 0.15,
}


def signal_confidence(name: str, signal: str) -> float:
    """How far a value from ``signal`` is to be trusted (0..1); unknown signals 0.5.

    Args:
        name: the field (``published``, ``title``...).
        signal: where the value came from (``json-ld``, ``meta:og:title``, ``url``...).
    """
    key = signal if signal in _SIGNAL_CONFIDENCE else signal.split(":")[0]
    return _SIGNAL_CONFIDENCE.get(key, 0.5)


def _json_ld_objects(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        data = parse_json(raw, lenient=True)
        if data is None:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [])
                yield item
                main = item.get("mainEntity")
                if isinstance(main, dict | list):
                    stack.append(main)


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        given, family = value.get("givenName"), value.get("familyName")
        return [f"{given} {family}"] if isinstance(given, str) and isinstance(family, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


# "Luke KimDecember 17", "Ann Lee · Dec 3, 2024": a dateline glued to the name
_DATE_AFTER = re.compile(rf"(?:(?<=[a-z])|\s+)(?:{MONTH_PATTERN})\.?\s*\d{{1,2}}(?:,?\s*\d{{4}})?$",
                         re.IGNORECASE)
_NOT_A_NAME = re.compile(
    rf"^(?:(?:{MONTH_PATTERN})\.?\s+\d|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$)"  # a date
    r"|^[\W\d_]+$"  # no letters: a user id
    r"|^[a-z_]+(?:\.[a-z_]+)*\.(?:author|authors|name|byline)$"  # unfilled ("page.author")
    r"|\b(?:says|said|wrote)\s*:$",  # a comment's head
    re.IGNORECASE,
)


def _clean_author(name: str) -> str | None:
    name = norm_space(_BY_PREFIX.sub("", norm_space(name)))
    name = _DATE_AFTER.sub("", name).strip(" ,;|·-–—\"'“”")
    if not name or len(name) > 60 or _AUTHOR_JUNK.search(name) or len(name.split()) > 6 \
            or _NOT_A_NAME.search(name):
        return None
    return name


def _authors(names: list[str]) -> list[str]:
    out: list[str] = []
    for raw in names:
        raw = html.unescape(raw)
        parts = re.split(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b)\s*", raw)
        if len(parts) > 1 and not all(_PERSON.match(p.strip()) for p in parts if p.strip()):
            # "Center for Drug Evaluation and Research", "Jane Roe, Senior Editor"
            parts = [p.split(",")[0] for p in re.split(r"\s*;\s*", raw)]
        for part in parts:
            name = _clean_author(part)
            if name and name.lower() not in {a.lower() for a in out}:
                out.append(name)
    return out


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _from_json_ld(root: lxml.html.HtmlElement, meta: Metadata) -> None:
    articles = [o for o in _json_ld_objects(root) if _types(o) & _ARTICLE_TYPES]
    # Prefer real article types over WebPage, which often wraps the site not the story.
    articles.sort(key=lambda o: "webpage" in _types(o) and len(_types(o)) == 1)
    for obj in articles:
        sig = "json-ld"
        headline = obj.get("headline") or obj.get("name")
        if isinstance(headline, str) and headline.strip():
            meta.title_hints.append((norm_space(html.unescape(headline)), sig))
        meta.offer("authors", _authors(_names(obj.get("author") or obj.get("creator"))), sig)
        for key, name in (("datePublished", "published"), ("dateCreated", "published"),
                          ("dateModified", "modified")):
            value = obj.get(key)
            if isinstance(value, str):
                meta.offer(name, parse_date(value), sig)
        lang = obj.get("inLanguage")
        meta.offer("language", lang if isinstance(lang, str) else None, sig)
        publisher = _names(obj.get("publisher"))
        meta.offer("site_name", publisher[0] if publisher else None, sig)
        desc = obj.get("description")
        meta.offer("description", norm_space(desc) if isinstance(desc, str) else None, sig)
        meta.offer("image", _first_str(obj.get("image")), sig)
        body = obj.get("articleBody")
        if isinstance(body, str) and not meta.article_body:
            meta.article_body = norm_space(body)
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            keywords = [k for k in keywords.split(",")]
        if isinstance(keywords, list):
            meta.offer("tags", [norm_space(str(k)) for k in keywords if str(k).strip()], sig)


def _in_reply(el: lxml.html.HtmlElement) -> bool:
    """Whether microdata ``el`` belongs to a comment or an answer, not to the page."""
    for scope in el.iterancestors():
        if scope.get("itemscope") is not None:
            return scope.get("itemtype", "").endswith(("/Comment", "/Answer")) or \
                scope.get("itemprop") in _REPLY_PROPS
    return False


def _meta_values(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or ""
        content = el.get("content")
        if key and content and content.strip() and not (
                el.get("itemprop") and _in_reply(el)):
            values.setdefault(key.strip().lower(), []).append(norm_space(content))
    return values


def _from_meta(mv: dict[str, list[str]], meta: Metadata) -> None:

    def first(*keys: str) -> tuple[str | None, str]:
        for key in keys:
            if key in mv:
                return mv[key][0], key
        return None, ""

    for key in ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title"):
        meta.title_hints.extend((norm_space(html.unescape(v)), f"meta:{key}")
                                for v in mv.get(key, ())[:1])
    fields: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("site_name", ("og:site_name", "application-name", "publisher")),
        ("description", ("og:description", "description", "twitter:description",
                         "dc.description")),
        ("image", ("og:image", "og:image:url", "twitter:image", "twitter:image:src")),
        ("language", ("og:locale", "content-language", "dc.language", "language")),
    )
    for fld, keys in fields:
        value, key = first(*keys)
        meta.offer(fld, value, f"meta:{key}")
    dates: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("published", ("article:published_time", "og:published_time", "datepublished",
                       "pubdate", "publishdate", "publish-date", "date", "dc.date.issued",
                       "dc.date", "dcterms.date", "dcterms.created", "parsely-pub-date",
                       "sailthru.date", "article.published", "published-date", "release_date",
                       "originalpublicationdate", "cxenseparse:recs:publishtime", "published",
                       "publication_date", "publication-date", "date_published",
                       "article_date_original")),
        ("modified", ("article:modified_time", "og:updated_time", "datemodified",
                      "dcterms.modified", "last-modified", "lastmod")),
    )
    for fld, keys in dates:
        for key in keys:
            for value in mv.get(key, ()):
                meta.offer(fld, parse_date(value), f"meta:{key}")
    for key in ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
                "sailthru.author", "byl", "twitter:creator"):
        names = [v for v in mv.get(key, ()) if not v.startswith(("http", "@"))]
        meta.offer("authors", _authors(names), f"meta:{key}")
    tags = mv.get("article:tag", []) or [
        t for v in mv.get("keywords", []) + mv.get("news_keywords", []) for t in v.split(",")
    ]
    meta.offer("tags", [norm_space(t) for t in tags if t.strip()], "meta:tags")


def _from_elements(root: lxml.html.HtmlElement, mv: dict[str, list[str]], meta: Metadata,
                   url: str | None) -> None:
    for el in root.xpath('//link[@rel="canonical"][@href]'):
        meta.offer("canonical_url", join_url(url, el.get("href").strip()), "link:canonical")
    if "og:url" in mv:
        meta.offer("canonical_url", join_url(url, mv["og:url"][0]), "meta:og:url")
    lang = root.get("lang") or root.get("xml:lang")
    meta.offer("language", lang.strip() if lang else None, "html:lang")
    for prop, name in (("datePublished", "published"), ("dateModified", "modified")):
        for el in root.xpath(f'//*[@itemprop="{prop}"]'):
            if _in_reply(el):
                continue  # a comment's or an answer's date is not the page's
            meta.offer(name, parse_date(el.get("datetime") or el.get("content")
                                        or el.text_content()), "itemprop")
    names = [norm_space(el.get("content") or el.text_content()) for el in root.xpath(
        '//*[@itemprop="author"]//*[@itemprop="name"] | //*[@itemprop="author"][not(*)]')
        if not _in_reply(el.xpath('ancestor-or-self::*[@itemprop="author"][1]')[0])]
    meta.offer("authors", _authors(names), "itemprop")
    for el in root.xpath("//article//time[@datetime] | //time[@pubdate][@datetime]"):
        meta.offer("published", parse_date(el.get("datetime")), "time")
    for el in root.xpath("//time[@datetime]"):
        # any <time> on the page: may be a clock or a sidebar's, so a printed dateline beats it
        meta.offer("published", parse_date(el.get("datetime")), "page time")
    names = [norm_space(el.text_content()) for el in root.xpath('//a[@rel="author"]')]
    meta.offer("authors", _authors(names), "rel=author")
    byline = []
    for el in root.xpath("//*[@class]"):
        if _BYLINE_CLASS.search(el.get("class", "")) and len(el.text_content()) < 120:
            byline.append(el.text_content())
            break
    meta.offer("authors", _authors(byline), "byline")


def _prefer_visible_date(meta: Metadata, root: lxml.html.HtmlElement) -> None:
    """Take the date printed beside the headline when it should beat the structured one
    (see :mod:`.dateline`)."""
    h1 = meta.headline_element
    if h1 is None:
        return
    line = choose_dateline(datelines(h1, (meta.published, meta.modified)))
    if line and visible_wins(line, meta.published, meta.signals.get("published"),
                                 meta.modified):
        meta.replace("published", line.date, "visible")


_CLOCK = re.compile(r"clock|today|current-?date|date-?now|heute|aujourd", re.IGNORECASE)


def _date_from_text(root: lxml.html.HtmlElement, beside: Beside | None,
                    ) -> tuple[str | None, str]:
    """A date in a box named for dates, and its signal: ``clock`` when the box is a
    "today" widget or clock, or sits above the headline apart from it (``beside`` says
    which: a masthead): the page's date of serving, not of writing."""
    clock = None
    for el in root.xpath(
        '//*[contains(@class,"date") or contains(@class,"time") or contains(@id,"date")'
        ' or contains(@class,"posted") or contains(@class,"meta")]'
    )[:20]:
        text = el.text_content()
        if len(text) < 200:
            found = parse_date(text)
            if found and (_CLOCK.search(f"{el.get('class', '')} {el.get('id', '')}")
                          or (beside is not None and beside.apart_above(el))):
                clock = clock or found
            elif found:
                return found, "text"
    return clock, "clock"


_NEAR_NODES = 15  # how many text pieces after the headline a byline may sit


_BY_ALONE = re.compile(r"^(?:(?:written|posted|published|reviewed)\s+)?by\s*:?$", re.IGNORECASE)
_BY_LINE = re.compile(
    r"^(?:(?:written|posted|published)\s+)?by\s*:?\s+(?P<name>[^\d|•·]+?)"
    r"(?:\s*(?:[|•·,]|\s-\s|\bon\b|\bupdated\b|\bpublished\b|\d)|$)",
    re.IGNORECASE,
)
_AUTHOR_HREF = re.compile(r"/(?:authors?|people|staff|writers?|contributors?|profiles?|team)/",
                          re.IGNORECASE)


_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*|van|von|der|de|da|del|di|le|la|bin|and|&)$")


def _looks_like_name(text: str) -> bool:
    words = text.replace(",", " ").split()
    return 0 < len(words) <= 8 and words[0][:1].isupper() and not text.endswith(".") and \
        all(_NAME_WORD.match(w) for w in words)


def _visible_byline(h1: lxml.html.HtmlElement) -> list[str]:
    """The author a reader sees beside the headline ("By Jane Roe", a link to
    /author/jane-roe), when there is one."""
    nodes = h1.xpath("following::text()[position() <= 40]")
    texts: list[tuple[str, Any]] = []
    for node in nodes:
        parent = node.getparent()
        if parent is not None and node.is_tail:
            parent = parent.getparent()
        if parent is None or parent.tag in ("script", "style", "noscript", "template"):
            continue
        text = norm_space(str(node))
        if text:
            if POST_NUMBER.match(text):
                break  # the next post of a thread ("#2") begins
            texts.append((text, node))
    for i, (text, node) in enumerate(texts[:_NEAR_NODES]):
        if _BY_ALONE.match(text) and i + 1 < len(texts):
            name = texts[i + 1][0]
            if _looks_like_name(name):
                return _authors([name])
        match = _BY_LINE.match(text)
        if match and len(text) < 120 and _looks_like_name(match["name"]):
            return _authors([match["name"]])
        parent = node.getparent()
        if not node.is_tail and parent is not None and parent.tag == "a" and \
                _AUTHOR_HREF.search(parent.get("href", "")) and _looks_like_name(text):
            return _authors([text])
    for i, (text, _node) in enumerate(texts[:_NEAR_NODES]):
        # "Jane Roe · March 2, 2024": a bare name right before the dateline.
        if 2 <= len(text.split()) <= 4 and "," not in text and not _BY_ALONE.match(text) \
                and _looks_like_name(text) and \
                any(parse_date(t) for t, _ in texts[i + 1:i + 4]):
            return _authors([text])
    return []


def _prefer_visible_byline(meta: Metadata, root: lxml.html.HtmlElement) -> None:
    """A byline under the headline names the writer; structured data often names the
    publisher, a CMS login or a handle instead."""
    h1 = meta.headline_element
    if h1 is None:
        return
    site = (meta.site_name or "").lower()
    weak = not meta.authors or meta.signals.get("authors") == "byline" or all(
        " " not in a or a.lower() == site for a in meta.authors)
    if not weak:
        return
    names = _visible_byline(h1)
    if names and names != meta.authors:
        meta.replace("authors", names, "visible")


def extract_metadata(root: lxml.html.HtmlElement, url: str | None = None) -> Metadata:
    """Read metadata from a parsed page.

    Args:
        root: the parsed document (``scraper.extract._dom.parse_html``).
        url: where the page was fetched, to resolve relative links and read URL dates.

    Returns:
        A :class:`Metadata`; fields the page does not give stay empty.
    """
    meta = Metadata()
    _from_json_ld(root, meta)
    mv = _meta_values(root)  # every <meta>, read once
    _from_meta(mv, meta)
    _from_elements(root, mv, meta, url)
    title_from_page(root, meta)
    meta.headline_element = headline(root, meta.title)
    _prefer_visible_date(meta, root)
    meta.published = in_local_time(meta.published, root)
    _prefer_visible_byline(meta, root)
    meta.offer("published", date_from_url(url), "url")
    # a clock's date is the weakest: it comes last
    clock: tuple[str | None, str] = (None, "clock")
    h1 = meta.headline_element
    beside = Beside(h1) if h1 is not None else None  # one per page: it caches what it saw
    if not meta.published:
        clock = _date_from_text(root, beside)
        if clock[1] == "text":
            meta.offer("published", *clock)
    if not meta.published:
        meta.offer("published", date_from_scripts(root), "script")
    if not meta.published:
        meta.offer("published", sole_date(root, beside), "sole date")
    if not meta.published:
        meta.offer("published", *clock)
    if meta.language:
        meta.language = meta.language.replace("_", "-").split(",")[0].strip()
        if meta.signals.get("language") == "meta:og:locale":
            meta.language = meta.language.split("-")[0].lower()
    if meta.image and url:
        meta.image = join_url(url, meta.image)
    return meta
