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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .backend import DEFAULT_FILES, is_database_url, open_backend, sqlite_path
from .errors import ArchiveError, WarcError
from .frontier import Frontier
from .query import Query, search
from .settings import ArchiveSettings
from .store import ArticleStore
from .types import Article, Attribution, Capture, HttpResponse, Record, SearchHit
from .warc import WarcFileWriter, payload_digest, read_record

DB_NAME = "archive.sqlite"
WARC_DIR = "warc"
LOCK_NAME = "crawl.lock"


def content_hash(article: Article | None, payload: bytes) -> str:
    """What makes two captures the same version: the extracted article, not the bytes.

    Pages change ads, tokens and timestamps on every load; hashing what we extracted
    (title, body, dates, authors, attributions) makes those captures one version.
    """
    if article is None or not (article.body or article.title):
        return "sha256:" + hashlib.sha256(payload).hexdigest()
    key = json.dumps([article.title, article.body, article.published, article.modified,
                      list(article.authors), [_attribution_dict(a) for a in article.attributions]],
                     ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class StoreResult:
    """What archiving one response did."""

    capture_id: int
    version_id: int | None
    outcome: str  # new | new-version | unchanged | not-modified


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
                       page_url: str, crawl_id: int | None = None) -> StoreResult:
        """Archive one fetched response and what was extracted from it.

        The WARC record is written first; the database rows that point at it are
        committed after, in one transaction, so the database never points at bytes
        that are not on disk.

        Args:
            response: the exchange as fetched (a 304 is recorded as a check).
            article: the extraction, or ``None`` for non-article content.
            page_url: the normalised URL identifying the page across captures.
            crawl_id: the crawl this capture belongs to.
        """
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
        if original is not None:
            loc = self.writer.write_revisit(response, digest=digest, refers_to_uri=original.url,
                                            refers_to_date=original.fetched_at,
                                            refers_to_id=original.record_id)
            kind = "revisit"
        else:
            before = store.latest_version(page_id)
            new_content = article is not None and (before is None or before[1] != chash)
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
                                    revisit_of=original.capture_id if original else None)
            store.set_validators(page_id, etag, last_modified, now)
            latest = store.latest_version(page_id)
            if latest is not None and latest[1] == chash:
                store.link_capture(cap, latest[0])
                return StoreResult(cap, latest[0], "unchanged")
            if article is None:
                return StoreResult(cap, None, "new")
            version = store.add_version(page_id=page_id, capture_id=cap, captured_at=now,
                                        content_hash=chash, article=article)
            store.link_capture(cap, version)
        return StoreResult(cap, version, "new-version" if latest else "new")

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
        return History(url=page_url, captures=captures, versions=versions)

    def record(self, record_id: int) -> Record:
        """One record (article version) by id. Raises ``RecordNotFoundError``."""
        return self.store.record(record_id)

    def records(self) -> Iterator[Record]:
        """Every record, oldest first."""
        return self.store.records()

    def search(self, query: Query) -> list[SearchHit]:
        """Full-text search with filters; see :class:`archive.query.Query`."""
        if isinstance(self.store, ArticleStore):
            return search(self.store, query)
        from .pgquery import search as pg_search

        return pg_search(self.store, query)

    def raw(self, record_id: int) -> bytes:
        """The archived payload of a record, exactly as fetched (transfer- and
        content-decoding undone, no charset conversion)."""
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

    def latest_payload(self, page_url: str) -> bytes | None:
        """The last full payload archived for a page (a 304 re-uses it for links)."""
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
            ArchiveError: another crawl holds the lock (names its pid).
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
                    raise ArchiveError(
                        f"another crawl (pid {holder}) is running on {self.path}; "
                        "this one exits without touching it. Use --wait SECONDS to queue "
                        "behind it.") from exc
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

    def start_crawl(self, seeds: list[str], settings: dict[str, Any]) -> int:
        self.set_crawl_config(settings)
        return self.store.start_crawl(seeds, settings)

    def last_unfinished_crawl(self) -> int | None:
        return self.store.last_unfinished_crawl()

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        """The seeds a crawl was started with."""
        return self.store.crawl_seeds(crawl_id)

    def use_crawl(self, crawl_id: int) -> None:
        """Claim only this crawl's URLs from now on. A SQLite frontier holds one crawl;
        a shared PostgreSQL one holds every crawl that workers are draining."""
        if not isinstance(self.frontier, Frontier):
            self.frontier.use_crawl(crawl_id)

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.store.finish_crawl(crawl_id, stats)


@dataclass(frozen=True)
class History:
    """A page's captures (every fetch) and versions (every distinct content)."""

    url: str
    captures: list[Capture]
    versions: list[Record]

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "captures": [c.to_dict() for c in self.captures],
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
