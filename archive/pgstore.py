"""Records in PostgreSQL: the same pages, captures, versions and attributions as
:class:`archive.store.ArticleStore`, with the same method names, so ``Archive`` uses
either. Connections come from a pool (psycopg 3); a transaction pins one connection
to the calling thread until it ends.

Usage::

    store = PgArticleStore("postgresql://crawler@db.example/news", create=True)
    record = store.record(1)
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from .backend import redact
from .errors import ArchiveError, RecordNotFoundError
from .pgschema import migrate
from .store import record_from_row, utc_now
from .types import Article, Attribution, Capture, Record

POOL_MAX = 8  # connections per process: the crawl loop, WARC readers, the lease keeper
CONNECT_TIMEOUT = 15.0  # seconds to wait for the first connection before giving up

Conn = psycopg.Connection[tuple[Any, ...]]


def worker_name() -> str:
    """This process, as recorded on claims and captures: ``host:pid``."""
    return f"{platform.node()}:{os.getpid()}"


def _q(sql: str) -> bytes:
    # psycopg's types want literal SQL; ours is literal, with where clauses from callers
    # written for SQLite, whose ``?`` placeholders become ``%s``.
    return sql.replace("?", "%s").encode()


class OriginalCapture(NamedTuple):
    """The first full capture of a payload (``[0]`` URL, ``[1]`` time, as before)."""

    url: str
    fetched_at: str
    capture_id: int
    record_id: str | None


class PgArticleStore:
    """Reads and writes archive records in one PostgreSQL database.

    Args:
        url: ``postgresql://user:password@host:port/dbname`` (libpq parameters allowed).
        create: set up the schema in an empty database; readers pass ``False`` and get an
            :class:`ArchiveError` for a database without an archive.
        pool_max: most connections this process opens.
        warc_dir: where this process writes WARC files. Captures record their file by
            absolute path, so any machine that mounts it there reads it back.

    Raises:
        ArchiveError: the server cannot be reached, or holds no archive.
        SchemaVersionError: written by a newer newsarchive.
    """

    def __init__(self, url: str, *, create: bool = False, pool_max: int = POOL_MAX,
                 warc_dir: Path | None = None) -> None:
        self.url = url
        self.warc_dir = (warc_dir or Path("newsarchive-data", "warc")).resolve()
        self.where = redact(url)
        self.worker = worker_name()
        self._local = threading.local()
        self._closers: list[Callable[[], None]] = []
        try:  # once directly, so a wrong URL fails fast with the server's own reason
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT)).close()
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            raise ArchiveError(f"cannot connect to {self.where}: {reason}. Check that the "
                               "server runs and the URL (user, password, host, port, "
                               "database)") from exc
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            url, min_size=1, max_size=pool_max, kwargs={"autocommit": True}, open=False,
            name="newsarchive")
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except PoolTimeout as exc:
            self.pool.close()
            raise ArchiveError(
                f"cannot connect to {self.where} within {CONNECT_TIMEOUT:.0f}s; check that "
                "the server runs and the URL (user, password, host, port, database)") from exc
        try:
            with self.pool.connection() as conn:
                if not create and not _has_archive(conn):
                    raise ArchiveError(f"no archive in {self.where}; run `newsarchive crawl` "
                                       "or `newsarchive migrate` with this --archive first")
                migrate(conn, self.where)
        except BaseException:
            self.pool.close()
            raise

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` first when the store closes (stops the lease keeper)."""
        self._closers.append(callback)

    def close(self) -> None:
        for callback in self._closers:
            callback()
        self.pool.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Conn]:
        """The calling thread's transaction connection, else one from the pool."""
        pinned: Conn | None = getattr(self._local, "conn", None)
        if pinned is not None:
            yield pinned
            return
        with self.pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Conn]:
        """``with store.transaction():`` runs its block in one transaction (nested: a
        savepoint). Store calls made in the block on this thread join it."""
        with self.connection() as conn:
            outer = getattr(self._local, "conn", None)
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield conn
            finally:
                self._local.conn = outer

    def _one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> tuple[Any, ...] | None:
        with self.connection() as conn:
            return conn.execute(_q(sql), params).fetchone()

    def _dicts(self, sql: str, params: tuple[Any, ...] | list[Any] = ()
               ) -> list[dict[str, Any]]:
        with self.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(_q(sql), params).fetchall()

    # -- pages -------------------------------------------------------------------------

    def page_id(self, url: str, now: str) -> int:
        from .store import site_of

        row = self._one("SELECT id FROM pages WHERE url = ?", (url,))
        if row is None:  # two workers may add one page at once: the loser reads the winner's
            row = self._one("INSERT INTO pages(url, site, first_seen) VALUES (?, ?, ?) "
                            "ON CONFLICT (url) DO NOTHING RETURNING id", (url, site_of(url), now))
        if row is None:
            row = self._one("SELECT id FROM pages WHERE url = ?", (url,))
        assert row is not None
        return int(row[0])

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen for a page, for a conditional request."""
        row = self._one("SELECT etag, last_modified FROM pages WHERE url = ?", (url,))
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, page_id: int, etag: str | None, last_modified: str | None,
                       checked: str) -> None:
        self._one("UPDATE pages SET etag = coalesce(?, etag), last_modified = coalesce(?, "
                  "last_modified), last_checked = ? WHERE id = ? RETURNING id",
                  (etag, last_modified, checked, page_id))

    def latest_version(self, page_id: int) -> tuple[int, str] | None:
        row = self._one("SELECT id, content_hash FROM versions WHERE page_id = ? "
                        "ORDER BY id DESC LIMIT 1", (page_id,))
        return (int(row[0]), str(row[1])) if row else None

    def original_payload(self, page_id: int, digest: str) -> OriginalCapture | None:
        """The first full capture of this page with this payload digest, if any."""
        row = self._one("SELECT url, fetched_at, id, warc_record_id FROM captures "
                        "WHERE page_id = ? AND payload_digest = ? AND kind = 'response' "
                        "ORDER BY id LIMIT 1", (page_id, digest))
        return OriginalCapture(str(row[0]), str(row[1]), int(row[2]), row[3]) if row else None

    def find_page(self, url: str) -> tuple[int, str]:
        """The page (id, normalised URL) for a URL as given, fetched, or canonical.

        Raises:
            RecordNotFoundError: nothing archived under that URL.
        """
        stripped = url.strip()
        for sql in ("SELECT id, url FROM pages WHERE url = ?",
                    "SELECT p.id, p.url FROM captures c JOIN pages p ON p.id = c.page_id "
                    "WHERE c.url = ? LIMIT 1",
                    "SELECT p.id, p.url FROM versions v JOIN pages p ON p.id = v.page_id "
                    "WHERE v.canonical_url = ? LIMIT 1"):
            for candidate in (stripped, stripped.rstrip("/"), stripped + "/"):
                row = self._one(sql, (candidate,))
                if row:
                    return int(row[0]), str(row[1])
        raise RecordNotFoundError(f"nothing archived for {url} "
                                  "(find URLs with `newsarchive query --json`)")

    def latest_response_location(self, page_url: str) -> tuple[str, int] | None:
        """WARC file and offset of the last full payload archived for a page."""
        row = self._one(
            "SELECT c.warc_file, c.warc_offset FROM captures c JOIN pages p ON p.id = c.page_id "
            "WHERE p.url = ? AND c.kind = 'response' ORDER BY c.id DESC LIMIT 1", (page_url,))
        return (str(row[0]), int(row[1])) if row else None

    # -- writing -----------------------------------------------------------------------

    def add_capture(self, *, page_id: int, url: str, fetched_at: str, status: int, kind: str,
                    content_type: str | None, payload_digest: str | None,
                    content_hash: str | None, warc: tuple[str, int, int] | None,
                    crawl_id: int | None, warc_record_id: str | None = None,
                    revisit_of: int | None = None) -> int:
        row = self._one(
            "INSERT INTO captures(page_id, url, fetched_at, status, kind, content_type, "
            "payload_digest, content_hash, warc_file, warc_offset, warc_length, crawl_id, "
            "warc_record_id, revisit_of, worker) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "RETURNING id",
            (page_id, url, fetched_at, status, kind, content_type, payload_digest, content_hash,
             *(self._locate(warc) or (None, None, None)), crawl_id, warc_record_id, revisit_of,
             self.worker))
        assert row is not None
        return int(row[0])

    def _locate(self, warc: tuple[str, int, int] | None) -> tuple[str, int, int] | None:
        if warc is None:
            return None
        return str(self.warc_dir / warc[0]), warc[1], warc[2]  # absolute: a path stays as is

    def add_version(self, *, page_id: int, capture_id: int, captured_at: str,
                    content_hash: str, article: Article) -> int:
        a = article
        row = self._one(
            "INSERT INTO versions(page_id, capture_id, captured_at, content_hash, fetched_url, "
            "canonical_url, title, authors, published, modified, language, site_name, "
            "description, image, tags, body, signals) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "RETURNING id",
            (page_id, capture_id, captured_at, content_hash, a.url, a.canonical_url, a.title,
             json.dumps(list(a.authors)), a.published, a.modified, a.language, a.site_name,
             a.description, a.image, json.dumps(list(a.tags)), a.body, json.dumps(a.signals)))
        assert row is not None
        version_id = int(row[0])
        if a.attributions:
            with self.connection() as conn, conn.cursor() as cur:
                cur.executemany(
                    b'INSERT INTO attributions(version_id, position, source, url, passage, '
                    b'start, "end", pattern) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)',
                    [(version_id, x.position, x.source, x.url, x.passage, x.start, x.end,
                      x.pattern) for x in a.attributions])
        return version_id

    def link_capture(self, capture_id: int, version_id: int) -> None:
        self._one("UPDATE captures SET version_id = ? WHERE id = ? RETURNING id",
                  (version_id, capture_id))

    # -- reading -----------------------------------------------------------------------

    def record(self, version_id: int) -> Record:
        """One archived version by id.

        Raises:
            RecordNotFoundError: no such id.
        """
        rows = self._dicts(_RECORD_SQL + " WHERE v.id = ?", (version_id,))
        if not rows:
            raise RecordNotFoundError(f"no record with id {version_id} "
                                      "(list ids with `newsarchive query`)")
        return self._record(rows[0])

    def records(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Record]:
        """Iterate records in id order, optionally filtered by a SQL ``where`` on ``v``/``p``
        (``?`` placeholders, as for SQLite)."""
        sql = _RECORD_SQL + (f" WHERE {where}" if where else "") + " ORDER BY v.id"
        with self.pool.connection() as conn, conn.transaction(), \
                conn.cursor(name="records", row_factory=dict_row) as cur:
            cur.itersize = 500
            cur.execute(_q(sql), params)
            for row in cur:
                yield self._record(row)

    def attributions(self, version_id: int) -> tuple[Attribution, ...]:
        rows = self._dicts('SELECT source, url, passage, start, "end", position, pattern '
                           "FROM attributions WHERE version_id = ? ORDER BY position",
                           (version_id,))
        return tuple(Attribution(**r) for r in rows)

    def capture(self, capture_id: int) -> Capture:
        rows = self._dicts("SELECT * FROM captures WHERE id = ?", (capture_id,))
        if not rows:
            raise RecordNotFoundError(f"no capture with id {capture_id}")
        return _capture(rows[0])

    def captures(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Capture]:
        """Iterate captures in id order, optionally filtered by a SQL ``where``."""
        sql = "SELECT * FROM captures" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        for row in self._dicts(sql, params):
            yield _capture(row)

    def _record(self, row: dict[str, Any]) -> Record:
        return record_from_row(row, self.attributions(row["id"]))

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("pages", "captures", "versions", "attributions"):
            row = self._one(f"SELECT count(*) FROM {table}")
            out[table] = int(row[0]) if row else 0
        return out

    # -- crawls ------------------------------------------------------------------------

    def start_crawl(self, seeds: list[str], settings: dict[str, Any]) -> int:
        row = self._one("INSERT INTO crawls(started_at, seeds, settings) VALUES (?, ?, ?) "
                        "RETURNING id",
                        (utc_now(), json.dumps(seeds), json.dumps(settings, default=str)))
        assert row is not None
        return int(row[0])

    def last_unfinished_crawl(self) -> int | None:
        row = self._one("SELECT id FROM crawls WHERE finished_at IS NULL ORDER BY id DESC "
                        "LIMIT 1")
        return int(row[0]) if row else None

    def unfinished_crawls(self) -> list[int]:
        """Crawls with work left, oldest first (the order workers drain them in)."""
        with self.connection() as conn:
            return [int(r[0]) for r in conn.execute(
                b"SELECT id FROM crawls WHERE finished_at IS NULL ORDER BY id")]

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        row = self._one("SELECT seeds FROM crawls WHERE id = ?", (crawl_id,))
        if row is None:
            raise ArchiveError(f"no crawl {crawl_id} in {self.where}")
        return list(json.loads(row[0]))

    def crawl_settings(self, crawl_id: int) -> dict[str, Any]:
        """The settings a crawl was started with (its scope rules, delays, depth)."""
        row = self._one("SELECT settings FROM crawls WHERE id = ?", (crawl_id,))
        if row is None:
            raise ArchiveError(f"no crawl {crawl_id} in {self.where}")
        return dict(json.loads(row[0]))

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        """Mark a crawl finished (the first worker to see it drained does)."""
        self._one("UPDATE crawls SET finished_at = ?, stats = ? "
                  "WHERE id = ? AND finished_at IS NULL RETURNING id",
                  (utc_now(), json.dumps(stats), crawl_id))


_RECORD_SQL = (
    "SELECT v.*, p.url AS page_url, p.site AS site FROM versions v JOIN pages p ON p.id = v.page_id"
)
_CAPTURE_FIELDS = ("id", "url", "fetched_at", "status", "kind", "content_type",
                   "payload_digest", "warc_file", "warc_offset", "warc_length", "version_id")
_OPTIONAL_FIELDS = ("content_hash", "revisit_of", "warc_record_id")


def _capture(row: dict[str, Any]) -> Capture:
    known = set(Capture.__dataclass_fields__)
    values = {k: row[k] for k in (*_CAPTURE_FIELDS, *_OPTIONAL_FIELDS) if k in known}
    return Capture(**values)


def _has_archive(conn: Conn) -> bool:
    row = conn.execute(b"SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    return bool(row and row[0])

