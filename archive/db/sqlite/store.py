"""Records in SQLite: pages, captures, versions, attributions, resources and crawls.

One connection per process, WAL mode, a generous busy timeout so concurrent crawls,
queries and exports wait for each other instead of failing with "database is locked".
sqlite3's own errors are translated here into :class:`~archive.errors.ArchiveError`
(:func:`translated`), so callers see one exception tree.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ...errors import ArchiveError, RecordNotFoundError
from ...query import Query
from ...types import (
    Article,
    Attribution,
    Capture,
    OriginalCapture,
    Record,
    Resource,
    SearchHit,
)
from ..sql import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_SELECT,
    FIND_PAGE,
    LATEST_RESPONSE,
    ORIGINAL_CAPTURE,
    ORIGINAL_RESOURCE,
    RECORD_SQL,
    RESOURCE_COLUMNS,
    RESOURCE_SELECT,
    SAME_CAPTURE,
    SQLITE,
    VERSION_COLUMNS,
    attribution_from_row,
    attribution_rows,
    capture_from_row,
    original_from_row,
    record_from_row,
    resource_from_row,
    site_of,
    utc_now,
    version_values,
)
from .schema import migrate

BUSY_TIMEOUT_MS = 60_000

P = ParamSpec("P")
R = TypeVar("R")


def database_error(exc: sqlite3.Error, where: str) -> ArchiveError:
    """The archive error for a driver error: what happened and what to do."""
    text = str(exc)
    hint = ""
    if "full" in text or "disk I/O" in text:
        hint = " Free disk space and run again (a crawl continues with --resume)."
    elif "locked" in text or "busy" in text:
        hint = " Another process holds the database; try again when it is done."
    elif "malformed" in text or "not a database" in text:
        hint = " The file is damaged: run `newsarchive verify`, restore a backup."
    return ArchiveError(f"archive database {where}: {text}.{hint}")


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn sqlite3 errors raised by a store method into ``ArchiveError``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            store = args[0]
            raise database_error(exc, str(getattr(store, "where", "?"))) from exc

    return wrapper


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises:
        ArchiveError: not a database, or unreadable.
        SchemaVersionError: written by a newer newsarchive.
    """
    try:
        with _setup_lock(path):
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # new databases only (WAL fixes the size): a version row (~2.5 KB) took a 4 KiB
            # page to itself, leaving 40% of the table empty; 8 KiB pages hold three
            conn.execute("PRAGMA page_size = 8192")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # 256 MiB, allocated only as used: an ingest inserts into indexes on random keys
            # (URLs, digests, dates), whose pages outgrow a smaller cache by ~200,000 records
            conn.execute("PRAGMA cache_size = -262144")
            conn.execute("PRAGMA temp_store = MEMORY")  # sorts for index builds and queries
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, str(path))
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is not a readable newsarchive database: {exc}") from exc
    return conn


@contextlib.contextmanager
def _setup_lock(path: Path) -> Iterator[None]:
    """Hold ``<database>.lock`` while a connection sets the database up, so processes
    opening one archive at once do it one after another (PostgreSQL's migrate takes an
    advisory lock for the same reason).

    SQLite alone does not serialise it: turning a new file to WAL fails at once with
    "database is locked" (no busy wait) when another connection is at it, and migrations
    read the schema version before their transaction, so a late one re-ran an idempotent
    migration and wrote an older version back, after which the archive no longer opened.
    Held for milliseconds (a migration of a large archive: as long as that takes).
    """
    try:
        fh = path.with_name(path.name + ".lock").open("a")
    except OSError as exc:
        raise ArchiveError(f"cannot open {path}: {exc}") from exc
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # released when the file closes
        yield


class SqliteStore:
    """Reads and writes archive records in one SQLite database
    (see :class:`archive.db.base.Store`).

    Usage::

        store = SqliteStore(Path("data/archive.sqlite"))
        record = store.record(1)
    """

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        self.conn = connect(path)
        self._depth = 0  # open ``transaction()`` blocks
        self._unindexed: int | None = None  # first version id not yet in versions_fts

    def close(self) -> None:
        self.conn.close()

    def transaction(self) -> _Tx:
        """``with store.transaction():`` runs its block in one IMMEDIATE transaction.

        Versions added in it enter the full-text index when it commits, in one statement
        (per-row indexing costs two to three times as much), so a search made inside the
        block does not find them yet."""
        return _Tx(self)

    def _index_versions(self) -> None:
        """Add the versions written in this transaction to ``versions_fts``."""
        first, self._unindexed = self._unindexed, None
        if first is not None:  # ids only grow: every version from ``first`` on is new
            self.conn.execute("INSERT INTO versions_fts(rowid, title, body) "
                              "SELECT id, title, body FROM versions WHERE id >= ?", (first,))

    @translated
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params))]

    @translated
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.conn.execute(sql, tuple(params)).rowcount)

    @translated
    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, (tuple(r) for r in rows))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, tuple(params)).fetchone()
        return row

    # -- pages -------------------------------------------------------------------------

    def prepare_pages(self, pages: Sequence[tuple[str, str]]) -> None:
        """Nothing to do: a page's look-up costs no round trip here."""

    @translated
    def page_id(self, url: str, now: str) -> int:
        row = self._one("SELECT id FROM pages WHERE url = ?", (url,))
        if row:
            return int(row[0])
        cur = self.conn.execute(
            "INSERT INTO pages(url, site, first_seen) VALUES (?, ?, ?)", (url, site_of(url), now))
        return int(cur.lastrowid or 0)

    @translated
    def find_page(self, url: str) -> tuple[int, str]:
        """The page (id, normalised URL) for a URL as given, fetched, or canonical.

        Raises:
            RecordNotFoundError: nothing archived under that URL.
        """
        stripped = url.strip()
        candidates = [stripped, stripped.rstrip("/"), stripped + "/"]
        for sql in FIND_PAGE:
            for candidate in candidates:
                row = self._one(sql, (candidate,))
                if row:
                    return int(row[0]), str(row[1])
        raise RecordNotFoundError(f"nothing archived for {url} "
                                  "(find URLs with `newsarchive query --json`)")

    @translated
    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen for a page, for a conditional request."""
        row = self._one("SELECT etag, last_modified FROM pages WHERE url = ?", (url,))
        return (row[0], row[1]) if row else (None, None)

    @translated
    def set_validators(self, page_id: int, etag: str | None, last_modified: str | None,
                       checked: str) -> None:
        self.conn.execute(
            "UPDATE pages SET etag = coalesce(?, etag), last_modified = coalesce(?, "
            "last_modified), last_checked = ?, gone_since = NULL WHERE id = ?",
            (etag, last_modified, checked, page_id))

    @translated
    def set_gone(self, page_id: int, since: str) -> None:
        self.conn.execute("UPDATE pages SET gone_since = coalesce(gone_since, ?), "
                          "last_checked = ? WHERE id = ?", (since, since, page_id))

    @translated
    def latest_version(self, page_id: int) -> tuple[int, str] | None:
        row = self._one("SELECT id, content_hash FROM versions WHERE page_id = ? "
                        "ORDER BY id DESC LIMIT 1", (page_id,))
        return (int(row[0]), str(row[1])) if row else None

    @translated
    def original_payload(self, page_id: int, digest: str) -> OriginalCapture | None:
        """The first full capture of this page with this payload digest, if any."""
        row = self._one(ORIGINAL_CAPTURE, (page_id, digest))
        return original_from_row(row)

    @translated
    def latest_response_location(self, page_url: str) -> tuple[str, int] | None:
        """WARC file and offset of the last full payload archived for a page."""
        row = self._one(LATEST_RESPONSE, (page_url,))
        return (str(row[0]), int(row[1])) if row else None

    @translated
    def imported(self, origin_record_id: str | None, url: str, fetched_at: str,
                 digest: str) -> bool:
        if origin_record_id and self._one(
                "SELECT 1 FROM captures WHERE origin_record_id = ?", (origin_record_id,)):
            return True
        return self._one(SAME_CAPTURE, (url, fetched_at, digest) * 2) is not None

    # -- writing -----------------------------------------------------------------------

    @translated
    def add_capture(self, *, page_id: int, url: str, fetched_at: str, status: int, kind: str,
                    content_type: str | None, payload_digest: str | None,
                    content_hash: str | None, warc: tuple[str, int, int] | None,
                    crawl_id: int | None, warc_record_id: str | None = None,
                    revisit_of: int | None = None,
                    origin_record_id: str | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO captures(page_id, url, fetched_at, status, kind, content_type, "
            "payload_digest, content_hash, warc_file, warc_offset, warc_length, crawl_id, "
            "warc_record_id, revisit_of, origin_record_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (page_id, url, fetched_at, status, kind, content_type, payload_digest, content_hash,
             *(warc or (None, None, None)), crawl_id, warc_record_id, revisit_of,
             origin_record_id))
        return int(cur.lastrowid or 0)

    @translated
    def add_version(self, *, page_id: int, capture_id: int, captured_at: str,
                    content_hash: str, article: Article, extractor: str | None = None,
                    origin: str = "crawl") -> int:
        cur = self.conn.execute(
            f"INSERT INTO versions({VERSION_COLUMNS}) VALUES ({','.join('?' * 20)})",
            version_values(page_id=page_id, capture_id=capture_id, captured_at=captured_at,
                           content_hash=content_hash, article=article, extractor=extractor,
                           origin=origin))
        version_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            f"INSERT INTO attributions({ATTRIBUTION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
            attribution_rows(version_id, article))
        if self._unindexed is None:
            self._unindexed = version_id
        if not self._depth:  # outside ``transaction()``: nothing would index it later
            self._index_versions()
        return version_id

    @translated
    def link_capture(self, capture_id: int, version_id: int) -> None:
        self.conn.execute("UPDATE captures SET version_id = ? WHERE id = ?",
                          (version_id, capture_id))

    @translated
    def add_resource(self, *, url: str, fetched_at: str, status: int | None, kind: str,
                     role: str, content_type: str | None, payload_digest: str | None,
                     warc: tuple[str, int, int], warc_record_id: str | None,
                     revisit_of: int | None, capture_id: int | None,
                     crawl_id: int | None) -> int:
        cur = self.conn.execute(
            f"INSERT INTO resources({RESOURCE_COLUMNS}) VALUES ({','.join('?' * 14)})",
            (url, fetched_at, status, kind, role, content_type, payload_digest, *warc,
             warc_record_id, revisit_of, capture_id, crawl_id))
        return int(cur.lastrowid or 0)

    @translated
    def original_resource(self, digest: str) -> OriginalCapture | None:
        row = self._one(ORIGINAL_RESOURCE, (digest,))
        return original_from_row(row)

    @translated
    def resources(self, where: str = "", params: tuple[Any, ...] = ()) -> list[Resource]:
        sql = RESOURCE_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY id"
        return [resource_from_row(r) for r in self.conn.execute(sql, params)]

    # -- reading -----------------------------------------------------------------------

    @translated
    def record(self, version_id: int) -> Record:
        """One archived version by id.

        Raises:
            RecordNotFoundError: no such id.
        """
        row = self._one(RECORD_SQL + " WHERE v.id = ?", (version_id,))
        if row is None:
            raise RecordNotFoundError(f"no record with id {version_id} "
                                      "(list ids with `newsarchive query`)")
        return record_from_row(row, self.attributions(row["id"]))

    def records(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Record]:
        """Iterate records in id order, optionally filtered by a SQL ``where`` on ``v``/``p``."""
        sql = RECORD_SQL + (f" WHERE {where}" if where else "") + " ORDER BY v.id"
        try:
            for row in self.conn.execute(sql, params):
                yield record_from_row(row, self.attributions(row["id"]))
        except sqlite3.Error as exc:
            raise database_error(exc, self.where) from exc

    @translated
    def attributions(self, version_id: int) -> tuple[Attribution, ...]:
        return tuple(attribution_from_row(r)
                     for r in self.conn.execute(ATTRIBUTION_SELECT, (version_id,)))

    @translated
    def capture(self, capture_id: int) -> Capture:
        row = self._one("SELECT * FROM captures WHERE id = ?", (capture_id,))
        if row is None:
            raise RecordNotFoundError(f"no capture with id {capture_id}")
        return capture_from_row(row)

    @translated
    def captures(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Capture]:
        """Captures in id order, optionally filtered by a SQL ``where``."""
        sql = "SELECT * FROM captures" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        return iter([capture_from_row(r) for r in self.conn.execute(sql, params)])

    @translated
    def counts(self) -> dict[str, int]:
        return {table: int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("pages", "captures", "versions", "attributions")}

    @translated
    def search(self, query: Query) -> list[SearchHit]:
        from .query import search

        return search(self, query)

    @translated
    def matching(self, query: Query, columns: str, *, limit: int, order: str = ""
                 ) -> list[tuple[Any, ...]]:
        from .query import matching_sql

        sql, params = matching_sql(query, columns, order)
        return self.rows(sql, [*params, limit])

    def integrity_problems(self) -> list[str]:
        try:
            check = str(self.conn.execute("PRAGMA quick_check").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            check = str(exc)
        return [] if check == "ok" else [f"database check: {check}"]

    # -- crawls ------------------------------------------------------------------------

    @translated
    def start_crawl(self, seeds: list[str], settings: dict[str, Any], kind: str = "crawl"
                    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO crawls(started_at, seeds, settings, kind) VALUES (?, ?, ?, ?)",
            (utc_now(), json.dumps(seeds), json.dumps(settings, default=str), kind))
        return int(cur.lastrowid or 0)

    def last_unfinished_crawl(self, kind: str = "crawl") -> int | None:
        found = self.unfinished_crawls(kind)
        return found[-1] if found else None

    @translated
    def unfinished_crawls(self, kind: str = "crawl") -> list[int]:
        return [int(r[0]) for r in self.conn.execute(
            "SELECT id FROM crawls WHERE finished_at IS NULL AND kind = ? ORDER BY id",
            (kind,))]

    @translated
    def set_crawl_stats(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.conn.execute("UPDATE crawls SET stats = ? WHERE id = ?",
                          (json.dumps(stats), crawl_id))

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        return [str(s) for s in self._crawl_json(crawl_id, "seeds")]

    def crawl_settings(self, crawl_id: int) -> dict[str, Any]:
        return dict(self._crawl_json(crawl_id, "settings"))

    @translated
    def _crawl_json(self, crawl_id: int, column: str) -> Any:
        row = self._one(f"SELECT {column} FROM crawls WHERE id = ?", (crawl_id,))
        if row is None:
            raise RecordNotFoundError(f"no crawl {crawl_id} in {self.where}")
        return json.loads(row[0])

    @translated
    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.conn.execute("UPDATE crawls SET finished_at = ?, stats = ? WHERE id = ?",
                          (utc_now(), json.dumps(stats), crawl_id))


class _Tx:
    """One IMMEDIATE transaction; nested inside another it becomes a savepoint, so a
    batch of captures commits once (``Archive.batch``) while each stays all-or-nothing.
    The outermost block indexes the transaction's new versions just before it ends."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.conn = store.conn
        self.nested = False
        self.outermost = False

    def __enter__(self) -> sqlite3.Connection:
        self.nested = self.conn.in_transaction
        self.outermost = not self.store._depth
        try:
            self.conn.execute("SAVEPOINT capture" if self.nested else "BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise database_error(exc, self.store.where) from exc
        self.store._depth += 1
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        store = self.store
        store._depth -= 1
        try:
            if exc_type is None and self.outermost:
                try:
                    store._index_versions()
                except BaseException:
                    self._end(failed=True)
                    raise
            self._end(failed=exc_type is not None)
        except sqlite3.Error as exc:
            raise database_error(exc, store.where) from exc

    def _end(self, *, failed: bool) -> None:
        if self.nested:
            if failed:
                self.conn.execute("ROLLBACK TO capture")
            self.conn.execute("RELEASE capture")
        else:
            self.conn.execute("ROLLBACK" if failed else "COMMIT")
        if failed and self.outermost:
            self.store._unindexed = None
