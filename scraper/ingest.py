"""One way in for every page, however it arrived: a crawl, a worker, ``fetch``, ``import``
or ``reextract`` all hand a response to :meth:`Ingester.ingest`.

It decides, in one place: whether the response is an article page (content type, HTTP
status), whether a page went away (404/410, or a redirect to the site's home page),
whether the page forbids archiving (``noarchive``), the page's URL (one rule,
:func:`page_url_for`), the extraction, and the store; and it returns the outcome for the
caller to count. So the same article reaches the same page whichever way it came in.

Usage::

    ingester = Ingester(archive, settings.extract, origin="fetch")
    done = ingester.ingest(response, requested_url="https://example.org/a")
    print(done.outcome, done.page_url)
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive import Archive
from archive.errors import RecordNotFoundError
from archive.types import HTML_TYPES, Article, HttpResponse, StoreResult, mime_of
from archive.warc import payload_digest

from ._version import __version__
from .config import ExtractSettings, WatchSettings
from .extract import Extractor
from .revisit import Tracker
from .urls import host_of, normalize_url

GONE_STATUSES = frozenset({404, 410})
# outcomes that archived something: the page is in the archive after them
ARCHIVED = frozenset({"new", "new-version", "unchanged", "not-modified", "gone"})
LIVE = frozenset({"crawl", "fetch"})  # origins of captures made now (the schedule follows them)
_ROLES = (("image/", "image"), ("text/css", "stylesheet"), ("font/", "font"),
          ("application/font", "font"), ("application/javascript", "script"),
          ("text/javascript", "script"), ("video/", "media"), ("audio/", "media"))


def role_of(content_type: str | None) -> str:
    """What a non-page response is for, by its media type (``other`` when unknown)."""
    mime = mime_of(content_type)
    return next((role for prefix, role in _ROLES if mime.startswith(prefix)), "other")

_META_ROBOTS = re.compile(
    rb"<meta\b[^>]*\bname\s*=\s*[\"']?(?:robots|newsarchive)\b[^>]*>", re.IGNORECASE)
_CONTENT = re.compile(rb"\bcontent\s*=\s*[\"']([^\"']*)", re.IGNORECASE)


@dataclass(frozen=True)
class Ingested:
    """What happened to one response.

    ``outcome``: ``new``, ``new-version``, ``unchanged``, ``not-modified``, ``gone`` (the
    page's removal was archived), ``duplicate`` (imported before), ``resource`` (not a
    page, archived as a resource: an image, a stylesheet...), ``not-html``,
    ``noarchive`` (the page asks not to be archived), ``extract-error`` (archived
    without an article), or ``http-<status>`` (nothing archived).
    """

    outcome: str
    page_url: str | None = None
    result: StoreResult | None = None
    article: Article | None = None
    detail: str = ""

    @property
    def archived(self) -> bool:
        return self.outcome in ARCHIVED or self.outcome == "extract-error"


def page_url_for(final_url: str, canonical: str | None) -> str | None:
    """The one rule for a page's identity: its canonical URL when that is on the same
    host and not merely the home page (a common misconfiguration), else the URL the
    content was served from (after redirects). ``None``: not an http(s) URL."""
    url = normalize_url(final_url)
    if url is None:
        return None
    norm = normalize_url(canonical or "", url)
    if not norm or host_of(norm) != host_of(url):
        return url
    if _is_home(norm) and not _is_home(url):
        return url
    return norm


def _is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def noarchive(response: HttpResponse) -> bool:
    """Whether the page asks not to be archived: ``X-Robots-Tag: noarchive`` or a
    ``<meta name="robots" content="noarchive">`` (or ``none``) in its head."""
    header = (response.header("x-robots-tag") or "").lower()
    if "noarchive" in header or re.search(r"\bnone\b", header):
        return True
    head = response.content[:65536]
    for tag in _META_ROBOTS.findall(head):
        content = _CONTENT.search(tag)
        words = {w.strip().lower() for w in (content.group(1) if content else b"").split(b",")}
        if b"noarchive" in words or b"none" in words:
            return True
    return False


def extractor_version(settings: ExtractSettings) -> str:
    """Which extractor read a page: the release and a digest of the extraction code and
    its settings, so a version made by changed rules is told from one made before."""
    digest = hashlib.sha256(repr(settings).encode())
    package = Path(__file__).with_name("extract")
    for path in sorted(package.rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


class Ingester:
    """Archives responses the one way (see the module docstring).

    Args:
        archive: where captures go.
        settings: how pages are read.
        origin: recorded on new versions: ``crawl``, ``fetch``, ``import``, ``reextract``.
        crawl_id: the crawl captures belong to.
        honor_noarchive: skip pages that ask not to be archived (recorded as such).
        keep_other: archive 2xx responses that are not pages as resources (an import
            keeps a collection's images and styles for replay); else skip them.
        watch: the revisit schedule's settings; live captures (``crawl``, ``fetch``)
            update the schedule and front-page lists (:mod:`scraper.revisit`).
        clock: the current time for the schedule (epoch seconds; tests simulate it).
    """

    def __init__(self, archive: Archive, settings: ExtractSettings, *, origin: str = "crawl",
                 crawl_id: int | None = None, honor_noarchive: bool = True,
                 keep_other: bool = False, watch: WatchSettings | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.archive = archive
        self.extractor = Extractor(settings)
        self.origin = origin
        self.crawl_id = crawl_id
        self.honor_noarchive = honor_noarchive
        self.keep_other = keep_other
        self.version = extractor_version(settings)
        self.tracker = Tracker(archive, watch, clock=clock) if origin in LIVE else None

    def ingest(self, response: HttpResponse, *, requested_url: str | None = None,
               article: Article | None = None, origin_record_id: str | None = None
               ) -> Ingested:
        """Archive one response if it is an article page; say what happened.

        Args:
            response: the final response (after redirects).
            requested_url: the URL asked for, when it differs from ``response.url``
                (a crawl's frontier URL): a 304, 404 or redirect concerns its page.
            article: an extraction made already (from a rendered DOM, or in another
                process); extracted here when ``None``.
            origin_record_id: imported: the record's WARC-Record-ID in its source file,
                so importing a file twice adds nothing.
        """
        requested = requested_url or response.url
        done = self.route(response, requested, origin_record_id)
        if done is None:
            done = self.store(response, article or self.extract(response), origin_record_id)
        return self.track(response, requested, done)

    def track(self, response: HttpResponse, requested: str, done: Ingested) -> Ingested:
        """Tell the revisit schedule what a live capture found (no-op for imports);
        returns ``done``. The last step of every way in: :meth:`ingest` and
        :func:`scraper.pagecapture.archive_page`."""
        if self.tracker is not None:
            self.tracker.observe(response, requested, done)
        return done

    def route(self, response: HttpResponse, requested: str,
              origin_record_id: str | None) -> Ingested | None:
        """Everything decided before extraction, archived when it needs no article (a
        304, a gone page, a resource); ``None``: an article page to extract, then pass to
        :meth:`store`. Pipelines that extract elsewhere (other processes) use the three
        steps; :meth:`ingest` is them in a row."""
        if response.status == 304:
            page = self._archived_page(requested)
            result = self.archive.store_response(
                response, None, page_url=page or normalize_url(requested) or requested,
                crawl_id=self.crawl_id)
            return Ingested("not-modified", page, result)
        if self._went_away(response, requested):
            page_id = self._archived_page_id(requested)
            if page_id is not None:
                result = self.archive.store_gone(response, page_id=page_id,
                                                 crawl_id=self.crawl_id)
                return Ingested("gone", self._archived_page(requested), result)
        if not 200 <= response.status < 300:
            return Ingested(f"http-{response.status}", detail=response.reason)
        if origin_record_id is not None and self.archive.store.imported(
                origin_record_id, response.url, response.fetched_at,
                payload_digest(response.body)):
            return Ingested("duplicate")
        mime = response.mime
        if mime and mime not in HTML_TYPES:
            if not self.keep_other:
                return Ingested("not-html", detail=mime)
            self.archive.store_resource(response, role=role_of(mime), crawl_id=self.crawl_id)
            return Ingested("resource", detail=mime)
        if self.honor_noarchive and noarchive(response):
            return Ingested("noarchive", detail="the page asks not to be archived")
        return None

    def extract(self, response: HttpResponse) -> Article | Exception:
        """The article of a response, or what the extractor raised on it."""
        try:
            return self.extractor.extract(response.content, response.url,
                                          response.content_type)
        except Exception as exc:  # a parser bug on one page must not stop a crawl
            return exc

    @staticmethod
    def page_of(response: HttpResponse, article: Article | Exception) -> str | None:
        """The page :meth:`store` files a response under: its canonical URL when the
        page names one on its own site, else the URL fetched; ``None`` if not http(s)."""
        if isinstance(article, Exception):
            return normalize_url(response.url) or response.url
        return page_url_for(response.url, article.canonical_url)

    def store(self, response: HttpResponse, article: Article | Exception,
              origin_record_id: str | None) -> Ingested:
        """Archive an article page (or, when extraction failed, its capture alone)."""
        page = self.page_of(response, article)
        if isinstance(article, Exception):
            fetched = page or response.url  # page_of never gives None for a failed page
            result = self.archive.store_response(
                response, None, page_url=fetched, crawl_id=self.crawl_id,
                origin_record_id=origin_record_id)
            return Ingested("extract-error", fetched, result,
                            detail=f"{type(article).__name__}: {article}")
        if page is None:
            return Ingested("not-html", detail="not an http(s) URL")
        result = self.archive.store_response(
            response, article, page_url=page, crawl_id=self.crawl_id, origin=self.origin,
            extractor=self.version, origin_record_id=origin_record_id)
        return Ingested(result.outcome, page, result, article)

    def _went_away(self, response: HttpResponse, requested: str) -> bool:
        if response.status in GONE_STATUSES:
            return True
        if not response.redirects or not 200 <= response.status < 300:
            return False
        final, asked = normalize_url(response.url), normalize_url(requested)
        return bool(final and asked and final != asked and _is_home(final)
                    and not _is_home(asked))

    def _archived_page_id(self, url: str) -> int | None:
        try:
            return self.archive.store.find_page(url)[0]
        except RecordNotFoundError:
            return None

    def _archived_page(self, url: str) -> str | None:
        try:
            return self.archive.store.find_page(url)[1]
        except RecordNotFoundError:
            return None

