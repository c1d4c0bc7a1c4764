"""Record types shared by the crawler and the archive.

A leaf module: it imports nothing of ours, so ``archive`` stays readable without
``scraper`` and both sides agree on one shape for an article.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Attribution:
    """A passage of an article credited to another source.

    ``start``/``end`` are character offsets of ``passage`` in the article body
    (``body[start:end] == passage``); ``position`` is the 0-based order in the page.
    """

    source: str
    passage: str
    start: int
    end: int
    position: int
    pattern: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class Article:
    """What the extractor read from one page.

    Dates are ISO 8601 strings (with the offset when the page gives one). ``signals``
    names, per field, where the value came from (``json-ld``, ``og``, ``time``, ...).
    """

    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    body: str = ""
    attributions: tuple[Attribution, ...] = ()
    signals: dict[str, str] = field(default_factory=dict)
    # per field (title, authors, published, modified, body), how far to trust it, 0..1
    confidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["attributions"] = [a.to_dict() for a in self.attributions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        values = dict(data)
        values["authors"] = tuple(values.get("authors") or ())
        values["tags"] = tuple(values.get("tags") or ())
        values["attributions"] = tuple(
            Attribution(**a) for a in values.get("attributions") or ()
        )
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True, kw_only=True)
class Capture:
    """One fetch of one URL, and where its bytes live in the WARC files.

    ``kind`` is ``response`` (new payload), ``revisit`` (same payload as an earlier
    capture, written once), ``not-modified`` (the server answered 304) or ``gone`` (the
    page answered 404/410 or redirected elsewhere: the answer is archived as evidence).
    """

    id: int
    url: str
    fetched_at: str
    status: int
    kind: str
    content_type: str | None
    payload_digest: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    version_id: int | None = None
    content_hash: str | None = None
    revisit_of: int | None = None  # for a revisit: the capture whose record holds the payload
    warc_record_id: str | None = None
    origin_record_id: str | None = None  # imported: the WARC-Record-ID in the source file

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class Record:
    """One archived version of an article: a distinct content of one URL.

    ``origin`` says how the version came in (``crawl``, ``fetch``, ``import`` or
    ``reextract``: the same capture read again by a newer extractor), ``extractor`` which
    newsarchive extracted it, and ``gone_since`` when its page started answering 404/410
    or redirecting away (``None``: still there at the last check). ``version`` is its
    number among the page's versions (1 = first), ``latest`` whether it is the current
    one; ``status``, ``warc_file`` and ``warc_offset`` locate the capture it came from.
    """

    id: int
    url: str
    site: str
    captured_at: str
    capture_id: int
    content_hash: str
    article: Article
    page_id: int = 0
    origin: str = "crawl"
    extractor: str | None = None
    gone_since: str | None = None
    version: int = 1
    latest: bool = True
    status: int | None = None
    warc_file: str | None = None
    warc_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Flat dict: the record's fields, then the article's (its ``url`` as fetched
        becomes ``fetched_url``)."""
        data: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "site": self.site,
            "captured_at": self.captured_at,
            "capture_id": self.capture_id,
            "content_hash": self.content_hash,
            "page_id": self.page_id,
            "version": self.version,
            "latest": self.latest,
            "origin": self.origin,
            "extractor": self.extractor,
            "gone_since": self.gone_since,
            "status": self.status,
            "warc_file": self.warc_file,
            "warc_offset": self.warc_offset,
        }
        article = self.article.to_dict()
        article["fetched_url"] = article.pop("url")
        data.update(article)
        return data


@dataclass(frozen=True, kw_only=True)
class SearchHit:
    """A query result: the record and a highlighted snippet of where it matched."""

    record: Record
    snippet: str
    score: float


# Media types of HTML documents (the pages an archive reads articles from).
HTML_TYPES = ("text/html", "application/xhtml+xml")


def mime_of(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-case, without parameters."""
    return (content_type or "").split(";")[0].strip().lower()


@dataclass(frozen=True, kw_only=True)
class HttpResponse:
    """One HTTP exchange as fetched, ready to be written to WARC.

    ``body`` is the payload exactly as received (still content-encoded, e.g. gzip);
    ``content`` is the same payload decoded, which is what extraction reads.
    """

    url: str
    requested_url: str
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    request_headers: tuple[tuple[str, str], ...]
    body: bytes
    content: bytes
    fetched_at: str
    redirects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The first value of a response header (case-insensitive)."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def mime(self) -> str:
        """The media type of the response, lower-case, without parameters."""
        return mime_of(self.content_type)


@dataclass(frozen=True)
class OriginalCapture:
    """The first full capture of a payload, which later revisit records point at."""

    capture_id: int
    url: str
    fetched_at: str
    record_id: str | None


@dataclass(frozen=True)
class StoreResult:
    """What archiving one response did.

    ``outcome``: ``new`` (a new page), ``new-version``, ``unchanged``, ``not-modified``
    (a 304), ``gone`` (404/410 or redirected away) or ``duplicate`` (already imported).
    """

    capture_id: int
    version_id: int | None
    outcome: str


@dataclass(frozen=True)
class FrontierItem:
    """A URL claimed from the crawl frontier."""

    url: str
    host: str
    depth: int
    attempts: int
    source_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Resource:
    """A WARC record kept for a page that is not the page itself: a requisite (image,
    stylesheet, script, font), its screenshot or rendered DOM, or the robots.txt,
    sitemap or feed a crawl read.

    ``kind`` is the WARC record type (``response``, ``revisit`` for a payload stored
    before, ``resource`` for what we made: a screenshot, a DOM); ``role`` what it is for.
    ``capture_id`` is the page capture it belongs to (``None`` for robots.txt, sitemaps).
    """

    id: int
    url: str
    fetched_at: str
    status: int | None
    kind: str
    role: str
    content_type: str | None
    payload_digest: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    warc_record_id: str | None = None
    revisit_of: int | None = None
    capture_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
