"""The archive as one object: a directory with ``archive.sqlite`` and ``warc/``.

This is the API researchers use from notebooks::

    from archive import open_archive, Query
    with open_archive("newsarchive-data") as arc:
        for hit in arc.search(Query(text='"proxy war"', source="Yahoo")):
            print(hit.record.article.title, hit.snippet)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .changelog import record_labels
from .changes import REEXTRACTED, Label, compare
from .db import open_backend
from .db.sql import utc_now
from .errors import ArchiveError, CrawlLockedError, WarcError
from .locations import DEFAULT_FILES, is_database_url, sqlite_path
from .query import Query
from .settings import ArchiveSettings
from .types import (
    Article,
    Attribution,
    Capture,
    HttpResponse,
    Record,
    Resource,
    SearchHit,
    StoreResult,
)

if TYPE_CHECKING:
    from .db import Frontier, Store
    from .warc import WarcFileWriter, WarcLocation

DB_NAME = "archive.sqlite"
WARC_DIR = "warc"
LOCK_NAME = "crawl.lock"


def content_hash(article: Article | None, payload: bytes) -> str:
    """What makes two captures the same version: the extracted article, not the bytes.

    Pages change ads, tokens and timestamps on every load; hashing what we extracted
    (title, body, dates, authors, attributions) makes those captures one version. When
    the hashes differ, :func:`archive.changes.compare` still finds captures that differ
    only in what changes on every load (a clock, counters) the same version.
    """
    if article is None or not (article.body or article.title):
        return "sha256:" + hashlib.sha256(payload).hexdigest()
    key = json.dumps([article.title, article.body, article.published, article.modified,
                      list(article.authors), [_attribution_dict(a) for a in article.attributions]],
                     ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class Archive:
    """An archive directory: records in SQLite, snapshots in WARC files.

    Args:
        path: the archive directory.
        settings: WARC rotation size and operator name.
        create: create the directory when missing (crawls); readers pass ``False``
            and get an :class:`ArchiveError` for a missing archive.
        software: written into WARC ``warcinfo`` records.
    """

    def __init__(self, path: str | Path, settings: ArchiveSettings | None = None, *,
                 create: bool = False, software: str = "newsarchive") -> None:
        self.location = sqlite_path(str(path))
        database = is_database_url(self.location)  # postgresql://: WARC files go elsewhere
        self.settings = settings or ArchiveSettings(path=str(path))
        self.path = Path(self.settings.warc_root or DEFAULT_FILES) if database \
            else Path(self.location)
        db = self.path / DB_NAME
        if not database and not db.exists():
            if not create:
                raise ArchiveError(f"no archive at {self.path} (expected {db}); "
                                   "run `newsarchive crawl` or pass --archive PATH")
            try:
                (self.path / WARC_DIR).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create archive at {self.path}: {exc}") from exc
        self.store: Store
        self.frontier: Frontier
        self.store, self.frontier = open_backend(self.location, db, create=create,
                                                 warc_dir=self.path / WARC_DIR)
        if database and create:
            (self.path / WARC_DIR).mkdir(parents=True, exist_ok=True)
        self._software = software
        self._writer: WarcFileWriter | None = None
        self._config = ""
        self._lock: IO[str] | None = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.store.close()
        self.release_lock()

    # -- writing -----------------------------------------------------------------------

    @property
    def writer(self) -> WarcFileWriter:
        if self._writer is None:
            from .warc import WarcFileWriter  # (warcio is loaded only to write or read)

            info = {"software": self._software, "format": "WARC File Format 1.1",
                    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                                  "warc-format/warc-1.1/",
                    "hostname": platform.node(), "operator": self.settings.operator}
            if self._config:
                info["config"] = self._config
            self._writer = WarcFileWriter(self.path / WARC_DIR,
                                          max_bytes=self.settings.warc_max_bytes, info=info)
        return self._writer

    def store_response(self, response: HttpResponse, article: Article | None, *,
                       page_url: str, crawl_id: int | None = None, origin: str = "crawl",
                       extractor: str | None = None,
                       origin_record_id: str | None = None) -> StoreResult:
        """Archive one fetched response and what was extracted from it.

        The WARC record is written first; the database rows that point at it are
        committed after, in one transaction, so the database never points at bytes
        that are not on disk.

        Args:
            response: the exchange as fetched (a 304 is recorded as a check).
            article: the extraction, or ``None`` for non-article content.
            page_url: the normalised URL identifying the page across captures.
            crawl_id: the crawl this capture belongs to.
            origin: how it came in (``crawl``, ``fetch``, ``import``), kept on a new version.
            extractor: the extractor that read it (its version), kept on a new version.
            origin_record_id: imported: the record's WARC-Record-ID in its source file.
        """
        from .warc import payload_digest

        store = self.store
        now = response.fetched_at
        page_id = store.page_id(page_url, now)
        etag, last_modified = response.header("etag"), response.header("last-modified")
        if response.status == 304:
            with store.transaction():
                cap = store.add_capture(page_id=page_id, url=response.url, fetched_at=now,
                                        status=304, kind="not-modified", content_type=None,
                                        payload_digest=None, content_hash=None, warc=None,
                                        crawl_id=crawl_id)
                latest = store.latest_version(page_id)
                if latest:
                    store.link_capture(cap, latest[0])
                store.set_validators(page_id, etag, last_modified, now)
            return StoreResult(cap, latest[0] if latest else None, "not-modified")
        digest = payload_digest(response.body)
        chash = content_hash(article, response.content)
        original = store.original_payload(page_id, digest)
        before = store.latest_version(page_id)
        change = self._change(before, chash, article, now, origin)
        if original is not None:
            loc = self.writer.write_revisit(response, digest=digest, refers_to_uri=original.url,
                                            refers_to_date=original.fetched_at,
                                            refers_to_id=original.record_id)
            kind = "revisit"
        else:
            new_content = article is not None and (before is None or change is not None)
            meta = _metadata(article, chash, page_url) if new_content and article else None
            loc = self.writer.write_response(response, meta, payload_digest=digest)
            kind = "response"
        with store.transaction():
            cap = store.add_capture(page_id=page_id, url=response.url, fetched_at=now,
                                    status=response.status, kind=kind,
                                    content_type=response.content_type, payload_digest=digest,
                                    content_hash=chash,
                                    warc=(loc.filename, loc.offset, loc.length),
                                    crawl_id=crawl_id, warc_record_id=loc.record_id,
                                    revisit_of=original.capture_id if original else None,
                                    origin_record_id=origin_record_id)
            store.set_validators(page_id, etag, last_modified, now)
            latest = store.latest_version(page_id)
            if latest != before:  # another worker added a version meanwhile
                change = self._change(latest, chash, article, now, origin)
            if latest is not None and (latest[1] == chash or change is None):
                store.link_capture(cap, latest[0])
                return StoreResult(cap, latest[0], "unchanged")
            if article is None:
                return StoreResult(cap, None, "new")
            version = store.add_version(page_id=page_id, capture_id=cap, captured_at=now,
                                        content_hash=chash, article=article,
                                        extractor=extractor, origin=origin)
            store.link_capture(cap, version)
            if latest is not None and change is not None:
                record_labels(store, version, latest[0], change)
        return StoreResult(cap, version, "new-version" if latest else "new")

    def _change(self, latest: tuple[int, str] | None, chash: str, article: Article | None,
                captured_at: str, origin: str) -> tuple[Label, ...] | None:
        """How a capture's article differs from the page's latest version: its labels, or
        ``None`` when it is the same content (same hash, or different only in parts
        that change on every load, or in dates: see :mod:`archive.changes`)."""
        if latest is None or article is None or latest[1] == chash:
            return None
        if origin == "reextract":  # the same capture read by a newer extractor
            return (Label(REEXTRACTED, ""),)
        old = self.store.record(latest[0])
        result = compare(old.article, article, old_at=old.captured_at, new_at=captured_at)
        return result.labels if result.changed else None

    def store_gone(self, response: HttpResponse, *, page_id: int,
                   crawl_id: int | None = None) -> StoreResult:
        """Archive the answer of a page that went away (404, 410, or a redirect to
        another page), as evidence, and mark the page gone since then.

        Args:
            response: what the page's URL answered now (the final response).
            page_id: the archived page it concerns (:meth:`Store.find_page`).
            crawl_id: the crawl this check belongs to.
        """
        from .warc import payload_digest

        digest = payload_digest(response.body)
        loc = self.writer.write_response(response, None, payload_digest=digest)
        with self.store.transaction():
            cap = self.store.add_capture(
                page_id=page_id, url=response.url, fetched_at=response.fetched_at,
                status=response.status, kind="gone", content_type=response.content_type,
                payload_digest=digest, content_hash=None,
                warc=(loc.filename, loc.offset, loc.length), crawl_id=crawl_id,
                warc_record_id=loc.record_id)
            self.store.set_gone(page_id, response.fetched_at)
        return StoreResult(cap, None, "gone")

    def store_resource(self, response: HttpResponse, *, role: str,
                       capture_id: int | None = None, crawl_id: int | None = None) -> Resource:
        """Archive an HTTP response that is not a page: a requisite (image, stylesheet,
        script, font), robots.txt, a sitemap or feed. A payload stored before (any URL)
        is written as a revisit record pointing at it, so a site's logo is kept once.

        Args:
            response: the exchange as fetched.
            role: what it is for (``image``, ``stylesheet``, ``robots``, ...).
            capture_id: the page capture it belongs to (``None``: the crawl's own).
            crawl_id: the crawl that fetched it.
        """
        from .warc import payload_digest

        digest = payload_digest(response.body)
        original = self.store.original_resource(digest)
        if original is not None:
            loc = self.writer.write_revisit(response, digest=digest, refers_to_uri=original.url,
                                            refers_to_date=original.fetched_at,
                                            refers_to_id=original.record_id)
        else:
            loc = self.writer.write_response(response, None, payload_digest=digest)
        return self._add_resource(loc, url=response.url, fetched_at=response.fetched_at,
                                  status=response.status,
                                  kind="revisit" if original else "response", role=role,
                                  content_type=response.content_type,
                                  revisit_of=original.capture_id if original else None,
                                  capture_id=capture_id, crawl_id=crawl_id)

    def store_reextraction(self, record: Record, article: Article, *, chash: str,
                           extractor: str) -> StoreResult:
        """Keep what a newer extractor reads in an archived capture: a new version of the
        page, marked ``reextract``, from the same capture (and a WARC ``metadata``
        record of the new extraction that refers to the capture's response record).
        The caller compares first: an unchanged result is not stored.

        Args:
            record: the version whose capture was read again.
            article: the new extraction.
            chash: its :func:`content_hash` (with the capture's payload).
            extractor: the extractor that made it (its version).
        """
        capture = self.store.capture(record.capture_id)
        self.writer.write_resource(capture.url, _metadata(article, chash, record.url),
                                   content_type="application/json", date=utc_now(),
                                   concurrent_to=capture.warc_record_id, rec_type="metadata")
        with self.store.transaction():
            version = self.store.add_version(page_id=record.page_id,
                                             capture_id=record.capture_id,
                                             captured_at=record.captured_at,
                                             content_hash=chash, article=article,
                                             extractor=extractor, origin="reextract")
        return StoreResult(record.capture_id, version, "new-version")

    def store_made(self, uri: str, payload: bytes, *, content_type: str, role: str,
                   fetched_at: str, capture_id: int | None,
                   concurrent_to: str | None = None, crawl_id: int | None = None) -> Resource:
        """Archive something we made of a page rather than fetched (its screenshot, its
        rendered DOM) as a WARC ``resource`` record.

        Args:
            uri: the record's target URI (e.g. ``urn:view:https://...``).
            payload: the bytes (a PNG, HTML).
            content_type: their media type.
            role: ``screenshot``, ``dom``, ...
            fetched_at: when it was made (ISO 8601).
            capture_id: the page capture it shows.
            concurrent_to: the WARC-Record-ID of that capture's response record.
        """
        loc = self.writer.write_resource(uri, payload, content_type=content_type,
                                         date=fetched_at, concurrent_to=concurrent_to)
        return self._add_resource(loc, url=uri, fetched_at=fetched_at, status=None,
                                  kind="resource", role=role, content_type=content_type,
                                  revisit_of=None, capture_id=capture_id, crawl_id=crawl_id)

    def _add_resource(self, loc: WarcLocation, *, url: str, fetched_at: str,
                      status: int | None, kind: str, role: str, content_type: str | None,
                      revisit_of: int | None, capture_id: int | None,
                      crawl_id: int | None) -> Resource:
        with self.store.transaction():
            rid = self.store.add_resource(
                url=url, fetched_at=fetched_at, status=status, kind=kind, role=role,
                content_type=content_type, payload_digest=loc.payload_digest,
                warc=(loc.filename, loc.offset, loc.length), warc_record_id=loc.record_id,
                revisit_of=revisit_of, capture_id=capture_id, crawl_id=crawl_id)
        return Resource(id=rid, url=url, fetched_at=fetched_at, status=status, kind=kind,
                        role=role, content_type=content_type,
                        payload_digest=loc.payload_digest, warc_file=loc.filename,
                        warc_offset=loc.offset, warc_length=loc.length,
                        warc_record_id=loc.record_id, revisit_of=revisit_of,
                        capture_id=capture_id)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Commit many ``store_response`` calls in one transaction (imports, benchmarks).

        Each capture's WARC bytes are still written before its rows, and the rows of the
        whole batch commit together, so the database never points at missing bytes.

        On SQLite the batch's articles enter the full-text index when it commits (one
        statement for the batch keeps ingest fast), so until then a text search or
        ``trace`` made inside the block does not find them; a browse (no text) and
        ``record`` do, as does everything on PostgreSQL. The import and the benchmark
        search only after their batches; a crawl commits each capture on its own.
        """
        with self.store.transaction():
            yield

    def expect(self, pages: Iterable[tuple[str, str]]) -> None:
        """Say which pages a batch is about to store, as (page URL, fetched at) pairs, so
        the store finds or makes them together (on PostgreSQL one statement instead of a
        round trip each). Only a hint: a page not named is found as it comes."""
        self.store.prepare_pages(list(pages))

    @contextlib.contextmanager
    def batches(self, size: int, before_commit: Callable[[], None] | None = None,
                ) -> Iterator[Callable[[], None]]:
        """Consecutive :meth:`batch` transactions of ``size`` items each, for a long run
        that must keep what it did: a kill or a bad input loses one batch at most.

        The block calls the function it is given after each item. ``before_commit``
        runs inside each transaction just before it commits, the last one included (a
        checkpoint then commits with the work it records); not when the block raises.
        """
        count = 0
        with contextlib.ExitStack() as stack:
            stack.enter_context(self.batch())

            def item_done() -> None:
                nonlocal count
                count += 1
                if count % size == 0:
                    if before_commit is not None:
                        before_commit()
                    stack.close()
                    stack.enter_context(self.batch())

            yield item_done
            if before_commit is not None:
                before_commit()

    def set_crawl_config(self, config: dict[str, Any]) -> None:
        """Record the crawl's settings in the ``warcinfo`` of every WARC file opened
        from now on (``config`` field, JSON)."""
        self._config = json.dumps(config, default=str, sort_keys=True, separators=(",", ":"))
        if self._writer is not None:
            self._writer.info["config"] = self._config

    # -- reading -----------------------------------------------------------------------

    def history(self, url: str) -> History:
        """Every capture and version of the page at ``url`` (as given, fetched or
        canonical), oldest first.

        Raises:
            RecordNotFoundError: nothing archived for that URL.
        """
        page_id, page_url = self.store.find_page(url)
        captures = list(self.store.captures("page_id = ?", (page_id,)))
        versions = list(self.store.records("v.page_id = ?", (page_id,)))
        gone = self.store.rows("SELECT gone_since FROM pages WHERE id = ?", (page_id,))
        return History(url=page_url, captures=captures, versions=versions,
                       gone_since=gone[0][0] if gone else None)

    def record(self, record_id: int) -> Record:
        """One record (article version) by id. Raises ``RecordNotFoundError``."""
        return self.store.record(record_id)

    def records(self) -> Iterator[Record]:
        """Every record, oldest first."""
        return self.store.records()

    def search(self, query: Query) -> list[SearchHit]:
        """Full-text search with filters; see :class:`archive.query.Query`."""
        return self.store.search(query)

    def raw(self, record_id: int) -> bytes:
        """The archived payload of a record, exactly as fetched (transfer- and
        content-decoding undone, no charset conversion)."""
        from .warc import read_record

        record = self.record(record_id)
        capture = self.store.capture(record.capture_id)
        if capture.warc_file is None or capture.warc_offset is None:
            raise WarcError(f"record {record_id} has no archived payload")
        headers, payload = read_record(self.path / WARC_DIR / capture.warc_file,
                                       capture.warc_offset)
        if headers.get("WARC-Type") == "revisit":
            raise WarcError(f"record {record_id} points at a revisit record; "
                            "run `newsarchive verify`")
        return payload

    def screenshot(self, capture_id: int) -> bytes | None:
        """The full-page PNG taken when a capture was rendered in a browser, if any."""
        from .browse import screenshot

        return screenshot(self.store, capture_id, warc_dir=self.path / WARC_DIR)

    def rendered_dom(self, capture_id: int) -> bytes | None:
        """The DOM of a capture rendered in a browser (what its article was read from),
        or None when it was not rendered."""
        from .warc import read_record

        found = self.store.resources("capture_id = ? AND role = 'dom'", (capture_id,))
        if not found or found[-1].warc_file is None or found[-1].warc_offset is None:
            return None
        return read_record(self.path / WARC_DIR / found[-1].warc_file, found[-1].warc_offset)[1]

    def latest_payload(self, page_url: str) -> bytes | None:
        """The last full payload archived for a page (a 304 re-uses it for links)."""
        from .warc import read_record

        row = self.store.latest_response_location(page_url)
        if row is None:
            return None
        return read_record(self.path / WARC_DIR / row[0], int(row[1]))[1]

    # -- locking -----------------------------------------------------------------------

    def acquire_lock(self, wait: float = 0.0) -> None:
        """Take the archive's crawl lock, so two crawls never run on one archive.

        Args:
            wait: seconds to wait for another crawl to finish (0 = fail at once).

        Raises:
            CrawlLockedError: another crawl holds the lock (names its pid).
        """
        fh = (self.path / LOCK_NAME).open("a+")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "unknown"
                    fh.close()
                    raise CrawlLockedError(
                        f"another crawl (pid {holder}) is running on {self.path}; "
                        "this one exits without touching it. Use --wait SECONDS to queue "
                        "behind it.", holder=holder) from exc
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock = fh

    def release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.truncate(0)
            self._lock.close()
            self._lock = None

    # -- crawls ------------------------------------------------------------------------

    def start_crawl(self, seeds: list[str], settings: dict[str, Any], *, delay: float,
                    hosts: dict[str, str], kind: str = "crawl") -> int:
        """Record a new crawl and queue its seeds (depth 0): one way for the crawler and
        ``crawl --seed-only`` alike.

        Args:
            seeds: normalised seed URLs.
            settings: the crawl's settings, stored with it (workers read its scope rules)
                and written into the ``warcinfo`` of WARC files opened from now on.
            delay: seconds between requests to one host.
            hosts: each seed's host (the frontier queues URLs by host).
            kind: ``crawl``, or ``import`` for an import job's queued files.

        Returns:
            The crawl's id.
        """
        self.set_crawl_config(settings)
        with self.store.transaction():  # a crawl without its seeds queued never exists
            crawl_id = self.store.start_crawl(seeds, settings, kind)
            self.frontier.begin(crawl_id, delay=delay, fresh=True)
            self.frontier.add([(u, hosts[u], 0, None) for u in seeds], crawl_id)
        return crawl_id

    def resume_crawl(self, crawl_id: int, *, delay: float) -> list[str]:
        """Continue a stored crawl: work on its frontier; returns its seeds."""
        seeds = self.store.crawl_seeds(crawl_id)
        self.frontier.begin(crawl_id, delay=delay, fresh=False)
        return seeds

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.store.finish_crawl(crawl_id, stats)


@dataclass(frozen=True)
class History:
    """A page's captures (every fetch), versions (every distinct content), and since when
    it is gone, if it is."""

    url: str
    captures: list[Capture]
    versions: list[Record]
    gone_since: str | None = None  # when the page started answering 404/410 or redirecting

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "gone_since": self.gone_since,
                "captures": [c.to_dict() for c in self.captures],
                "versions": [{"id": v.id, "captured_at": v.captured_at,
                              "capture_id": v.capture_id, "content_hash": v.content_hash,
                              "title": v.article.title} for v in self.versions]}


def _attribution_dict(a: Attribution) -> dict[str, Any]:
    # by hand: dataclasses.asdict deep-copies and is the slowest step of an ingest
    return {"source": a.source, "passage": a.passage, "start": a.start, "end": a.end,
            "position": a.position, "pattern": a.pattern, "url": a.url}


def _metadata(article: Article, chash: str, page_url: str) -> bytes:
    a = article
    data = {"page_url": page_url, "content_hash": chash, "url": a.url,
            "canonical_url": a.canonical_url, "title": a.title, "authors": list(a.authors),
            "published": a.published, "modified": a.modified, "language": a.language,
            "site_name": a.site_name, "tags": list(a.tags), "body_chars": len(a.body),
            "body_sha256": hashlib.sha256(a.body.encode()).hexdigest(),
            "attributions": [_attribution_dict(x) for x in a.attributions]}
    return json.dumps({"extracted-article": data}, ensure_ascii=False).encode()


def open_archive(path: str | Path, settings: ArchiveSettings | None = None, *,
                 create: bool = False) -> Archive:
    """Open the archive at ``path`` (see :class:`Archive`)."""
    return Archive(path, settings, create=create)
