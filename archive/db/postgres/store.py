"""Records in PostgreSQL (see :class:`archive.db.base.Store`). Connections come from a
pool (psycopg 3); a transaction pins one connection to the calling thread until it ends,
and a second, autocommit one for what must not wait for its rows (see :mod:`.pending`,
which holds and sends them). psycopg's own errors are translated here, where connections
are handed out, into :class:`~archive.errors.ArchiveError`, so callers see one exception
tree.

Usage::

    store = PgStore("postgresql://crawler@db.example/news", create=True)
    record = store.record(1)
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ...errors import ArchiveError, NewsarchiveError, RecordNotFoundError
from ...locations import redact
from ...query import Query, filter_clauses
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
    ATTRIBUTION_SELECT,
    FIND_PAGE,
    LATEST_RESPONSE,
    ORIGINAL_CAPTURE,
    ORIGINAL_RESOURCE,
    POSTGRES,
    RECORD_SQL,
    RESOURCE_SELECT,
    SAME_CAPTURE,
    VERSION_COLUMNS,
    attribution_from_row,
    attribution_rows,
    capture_from_row,
    ids_in,
    original_from_row,
    record_from_row,
    resource_from_row,
    site_of,
    utc_now,
    version_values,
)
from .pending import Pending
from .schema import migrate

POOL_MAX = 8  # connections per process: the crawl loop, WARC readers, the lease keeper
CONNECT_TIMEOUT = 15.0  # seconds to wait for the first connection before giving up

Conn = psycopg.Connection[tuple[Any, ...]]


# RECORD_SQL plus each version's attributions (as ATTRIBUTION_SELECT orders them), and
# without the search column, whose text form is larger than the body
assert RECORD_SQL.startswith("SELECT v.*, ")
RECORD_WITH_CREDITS = (
    "SELECT (SELECT json_agg(json_build_array(a.source, a.url, a.passage, a.start, a.\"end\", "
    "a.position, a.pattern) ORDER BY a.position) FROM attributions a "
    "WHERE a.version_id = v.id) AS credits, v.id, "
    + ", ".join(f"v.{c.strip()}" for c in VERSION_COLUMNS.split(","))
    + ", " + RECORD_SQL.removeprefix("SELECT v.*, "))


# a batch's pages found or made at once: those made come back with true (all statements
# of a WITH see one snapshot, so the first SELECT does not see the rows ``added`` makes)
PREPARE_PAGES = (
    b"WITH given AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
    b"AS g(url, site, first_seen)), "
    b"added AS (INSERT INTO pages(url, site, first_seen) SELECT url, site, first_seen "
    b"FROM given g WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.url = g.url) "
    b"ON CONFLICT (url) DO NOTHING RETURNING id, url) "
    b"SELECT p.id, p.url, false FROM pages p JOIN given g ON g.url = p.url "
    b"UNION ALL SELECT id, url, true FROM added")


def worker_name() -> str:
    """This process, as recorded on claims and captures: ``host:pid``."""
    return f"{platform.node()}:{os.getpid()}"


def _q(sql: str) -> bytes:
    # psycopg's types want literal SQL; ours is literal, written once for both backends
    # with ``?`` placeholders, which become ``%s`` (and a LIKE's ``%`` is escaped).
    return sql.replace("%", "%%").replace("?", "%s").encode()


class PgStore:
    """Reads and writes archive records in one PostgreSQL database.

    Args:
        url: ``postgresql://user:password@host:port/dbname`` (libpq parameters allowed).
        create: set up the schema in an empty database; readers pass ``False`` and get an
            :class:`ArchiveError` for a database without an archive.
        pool_max: most connections this process opens in each of its two pools (the
            second holds transactions' look-up connections).
        warc_dir: where this process writes WARC files. Captures record their file by
            absolute path, so any machine that mounts it there reads it back.

    Raises:
        ArchiveError: the server cannot be reached, or holds no archive.
        SchemaVersionError: written by a newer newsarchive.
    """

    dialect = POSTGRES

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
        # a transaction's second connection (see ``connection``); what it commits is a
        # new page or a sequence's ids, which the transaction's own commit comes after
        # in the log: that commit's flush makes them durable too, so theirs need not wait
        self.aside_pool: ConnectionPool[Conn] = ConnectionPool(
            url, min_size=0, max_size=pool_max, open=False, name="newsarchive-aside",
            kwargs={"autocommit": True, "options": "-c synchronous_commit=off"})
        try:
            self.aside_pool.open()
            with self.pool.connection() as conn:
                if not create and not _has_archive(conn):
                    raise ArchiveError(f"no archive in {self.where}; run `newsarchive crawl` "
                                       "or `newsarchive migrate` with this --archive first")
                migrate(conn, self.where)
        except BaseException:
            self.close()
            raise

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` first when the store closes (stops the lease keeper)."""
        self._closers.append(callback)

    def close(self) -> None:
        for callback in self._closers:
            callback()
        self.aside_pool.close()
        self.pool.close()

    @contextlib.contextmanager
    def connection(self, *, aside: bool = False) -> Iterator[Conn]:
        """The calling thread's transaction connection, else one from the pool; driver
        errors raised while it is in use become ``ArchiveError``. In a transaction, the
        rows it has not sent go first, and the server confirms them.

        ``aside``: in a transaction, its second connection instead (autocommit; it does
        not see the transaction's rows), for a statement that must not wait for them:
        the reads :class:`Pending` completes, a new page, ids."""
        pinned: Conn | None = getattr(self._local, "conn", None)
        try:
            if pinned is None:
                with self.pool.connection() as conn:
                    yield conn
            elif aside:
                if self._local.aside is None:
                    self._local.aside = self.aside_pool.getconn(timeout=CONNECT_TIMEOUT)
                yield self._local.aside
            else:
                pending: Pending = self._local.pending
                if pending.unsent:
                    pending.sync(pinned)
                yield pinned
        except (psycopg.Error, PoolTimeout) as exc:
            if isinstance(exc, NewsarchiveError):
                raise
            reason = " ".join(str(exc).split())
            raise ArchiveError(f"archive database {self.where}: {reason}") from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Conn]:
        """``with store.transaction():`` runs its block in one transaction (nested: a
        savepoint). Store calls made in the block on this thread join it; the rows they
        add reach the server in bulk (see :mod:`.pending`), by the end of the block."""
        pinned: Conn | None = getattr(self._local, "conn", None)
        if pinned is None:
            with self.connection() as conn:
                pending = self._local.pending = Pending()
                self._local.conn, self._local.aside = conn, None
                try:
                    with conn.transaction():
                        try:
                            yield conn
                            pending.sync(conn)
                        except BaseException as exc:
                            pending.settle(exc)
                            raise
                finally:
                    if self._local.aside is not None:
                        self.aside_pool.putconn(self._local.aside)
                    self._local.conn = self._local.pending = self._local.aside = None
            return
        pending = self._local.pending
        pending.begin(f"newsarchive_{len(pending.marks) + 1}".encode())
        try:
            yield pinned
        except BaseException:
            # undo the block, keep the transaction; on a broken connection that fails
            # too, and the error raised is the first one
            with contextlib.suppress(psycopg.Error):
                pending.undo(pinned)
            raise
        with self.connection(aside=True):  # its errors translated
            pending.release(pinned)

    def _pending(self) -> Pending | None:
        return getattr(self._local, "pending", None)

    @contextlib.contextmanager
    def _rows(self) -> Iterator[Pending]:
        """The open transaction's :class:`Pending`; outside one, a transaction of its
        own around the block (its rows then reach the server when the block ends)."""
        if (pending := self._pending()) is not None:
            yield pending
            return
        with self.transaction():
            yield self._local.pending

    def _add(self, table: str, make: Callable[[int], tuple[Any, ...]]) -> int:
        """Buffer a new row of ``table`` made from its id; returns the id."""
        with self._rows() as pending:
            with self.connection(aside=True) as conn:
                row_id = pending.take_id(conn, table)
            pending.add((table, make(row_id)))
        return row_id

    def _buffer(self, kind: str, row: tuple[Any, ...]) -> None:
        with self._rows() as pending:
            pending.add((kind, row))

    def _created(self, page_id: int) -> bool:
        """Whether this transaction created the page: then all its rows are in the
        transaction's :class:`Pending`, and there is nothing to look up."""
        pending = self._pending()
        return pending is not None and page_id in pending.created

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connection() as conn:
            return list(conn.execute(_q(sql), tuple(params)).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.connection() as conn:
            return int(conn.execute(_q(sql), tuple(params)).rowcount)

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            with self.connection() as conn, conn.cursor() as cur:
                cur.executemany(_q(sql), batch)

    def _one(self, sql: str, params: Sequence[Any] = (), *, aside: bool = False
             ) -> tuple[Any, ...] | None:
        with self.connection(aside=aside) as conn:
            return conn.execute(_q(sql), tuple(params)).fetchone()

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(_q(sql), tuple(params)).fetchall()

    # -- pages -------------------------------------------------------------------------

    def prepare_pages(self, pages: Sequence[tuple[str, str]]) -> None:
        """Find or make the pages of a batch in one statement (on the second connection,
        as :meth:`page_id` does a page at a time): the batch's captures then cost no
        round trip each. A page another worker is adding meanwhile is left to
        :meth:`page_id`."""
        pending = self._pending()
        if pending is None:
            return
        todo = {url: now for url, now in sorted(pages, key=lambda p: p[1], reverse=True)
                if url not in pending.pages}  # the earliest time of a URL given twice
        if not todo:
            return
        with self.connection(aside=True) as conn:
            rows = conn.execute(PREPARE_PAGES, (list(todo), [site_of(u) for u in todo],
                                                list(todo.values()))).fetchall()
        for page_id, url, created in rows:
            pending.pages[url] = int(page_id)
            if created:
                pending.created.add(int(page_id))

    def page_id(self, url: str, now: str) -> int:
        # one round trip on the second connection: the page's id, or a new page's (second
        # column true), committed at once, so no other worker's transaction waits on it.
        # A new page stays if the transaction is undone: a URL known, without captures,
        # as after a crawl whose fetch failed.
        pending = self._pending()
        if pending is not None and (known := pending.pages.get(url)) is not None:
            return known
        row = self._one(
            "WITH found AS (SELECT id FROM pages WHERE url = ?), "
            "added AS (INSERT INTO pages(url, site, first_seen) SELECT ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM found) ON CONFLICT (url) DO NOTHING RETURNING id) "
            "SELECT id, false FROM found UNION ALL SELECT id, true FROM added",
            (url, url, site_of(url), now), aside=True)
        if row is None:  # two workers added it at once: the winner's, committed by now
            row = self._one("SELECT id, false FROM pages WHERE url = ?", (url,), aside=True)
        assert row is not None
        if pending is not None:
            pending.pages[url] = int(row[0])
            if row[1]:
                pending.created.add(int(row[0]))
        return int(row[0])

    def find_page(self, url: str) -> tuple[int, str]:
        """The page (id, normalised URL) for a URL as given, fetched, or canonical.

        Raises:
            RecordNotFoundError: nothing archived under that URL.
        """
        stripped = url.strip()
        for sql in FIND_PAGE:
            for candidate in (stripped, stripped.rstrip("/"), stripped + "/"):
                row = self._one(sql, (candidate,))
                if row:
                    return int(row[0]), str(row[1])
        raise RecordNotFoundError(f"nothing archived for {url} "
                                  "(find URLs with `newsarchive query --json`)")

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen for a page, for a conditional request."""
        row = self._one("SELECT etag, last_modified FROM pages WHERE url = ?", (url,))
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, page_id: int, etag: str | None, last_modified: str | None,
                       checked: str) -> None:
        self._buffer("validators", (page_id, etag, last_modified, checked))

    def set_gone(self, page_id: int, since: str) -> None:
        self.execute("UPDATE pages SET gone_since = coalesce(gone_since, ?), last_checked = ? "
                     "WHERE id = ?", (since, since, page_id))

    def latest_version(self, page_id: int) -> tuple[int, str] | None:
        pending = self._pending()
        if pending is not None and page_id in pending.latest:  # unsent, so the newest
            return pending.latest[page_id]
        if self._created(page_id):
            return None
        row = self._one("SELECT id, content_hash FROM versions WHERE page_id = ? "
                        "ORDER BY id DESC LIMIT 1", (page_id,), aside=True)
        return (int(row[0]), str(row[1])) if row else None

    def original_payload(self, page_id: int, digest: str) -> OriginalCapture | None:
        """The first full capture of this page with this payload digest, if any."""
        if not self._created(page_id) and (found := original_from_row(self._one(
                ORIGINAL_CAPTURE, (page_id, digest), aside=True))):
            return found
        pending = self._pending()
        return pending.originals.get((page_id, digest)) if pending else None

    def latest_response_location(self, page_url: str) -> tuple[str, int] | None:
        """WARC file and offset of the last full payload archived for a page."""
        row = self._one(LATEST_RESPONSE, (page_url,))
        return (str(row[0]), int(row[1])) if row else None

    def imported(self, origin_record_id: str | None, url: str, fetched_at: str,
                 digest: str) -> bool:
        pending = self._pending()
        if pending is not None and (origin_record_id in pending.origins
                                    or (url, fetched_at, digest) in pending.seen):
            return True
        if origin_record_id and self._one(
                "SELECT 1 FROM captures WHERE origin_record_id = ?", (origin_record_id,),
                aside=True):
            return True
        return self._one(SAME_CAPTURE, (url, fetched_at, digest) * 2, aside=True) is not None

    # -- writing -----------------------------------------------------------------------

    def add_capture(self, *, page_id: int, url: str, fetched_at: str, status: int, kind: str,
                    content_type: str | None, payload_digest: str | None,
                    content_hash: str | None, warc: tuple[str, int, int] | None,
                    crawl_id: int | None, warc_record_id: str | None = None,
                    revisit_of: int | None = None,
                    origin_record_id: str | None = None) -> int:
        located = self._locate(warc) or (None, None, None)
        return self._add("captures", lambda capture_id: (
            capture_id, page_id, url, fetched_at, status, kind, content_type, payload_digest,
            content_hash, *located, crawl_id, warc_record_id, revisit_of, self.worker,
            origin_record_id, None))

    def _locate(self, warc: tuple[str, int, int] | None) -> tuple[str, int, int] | None:
        if warc is None:
            return None
        return str(self.warc_dir / warc[0]), warc[1], warc[2]  # absolute: a path stays as is

    def add_version(self, *, page_id: int, capture_id: int, captured_at: str,
                    content_hash: str, article: Article, extractor: str | None = None,
                    origin: str = "crawl") -> int:
        values = version_values(page_id=page_id, capture_id=capture_id,
                                captured_at=captured_at, content_hash=content_hash,
                                article=article, extractor=extractor, origin=origin)
        with self._rows():  # the version and its attributions, together
            version_id = self._add("versions", lambda version_id: (version_id, *values))
            for row in attribution_rows(version_id, article):
                self._buffer("attributions", row)
        return version_id

    def link_capture(self, capture_id: int, version_id: int) -> None:
        self._buffer("link", (capture_id, version_id))

    def add_resource(self, *, url: str, fetched_at: str, status: int | None, kind: str,
                     role: str, content_type: str | None, payload_digest: str | None,
                     warc: tuple[str, int, int], warc_record_id: str | None,
                     revisit_of: int | None, capture_id: int | None,
                     crawl_id: int | None) -> int:
        located = self._locate(warc)
        assert located is not None
        return self._add("resources", lambda resource_id: (
            resource_id, url, fetched_at, status, kind, role, content_type, payload_digest,
            *located, warc_record_id, revisit_of, capture_id, crawl_id, self.worker))

    def original_resource(self, digest: str) -> OriginalCapture | None:
        if found := original_from_row(self._one(ORIGINAL_RESOURCE, (digest,), aside=True)):
            return found
        pending = self._pending()
        return pending.resources.get(digest) if pending else None

    def resources(self, where: str = "", params: tuple[Any, ...] = ()) -> list[Resource]:
        sql = RESOURCE_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY id"
        return [resource_from_row(r) for r in self.rows(sql, params)]

    # -- reading -----------------------------------------------------------------------

    def record(self, version_id: int) -> Record:
        """One archived version by id.

        Raises:
            RecordNotFoundError: no such id.
        """
        found = self.records_by_id([version_id])
        if version_id not in found:
            raise RecordNotFoundError(f"no record with id {version_id} "
                                      "(list ids with `newsarchive query`)")
        return found[version_id]

    def records_by_id(self, ids: Sequence[int]) -> dict[int, Record]:
        """The records with these ids (those that exist), with their attributions, in
        one statement: a page of search hits costs one round trip, not two a hit."""
        if not ids:
            return {}
        rows = self._dicts(RECORD_WITH_CREDITS + " WHERE v.id " + ids_in(ids), ids)
        return {int(row["id"]): record_from_row(row, tuple(
            attribution_from_row(a) for a in row["credits"] or ())) for row in rows}

    def records(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Record]:
        """Iterate records in id order, optionally filtered by a SQL ``where`` on ``v``/``p``
        (``?`` placeholders, as for SQLite)."""
        sql = RECORD_SQL + (f" WHERE {where}" if where else "") + " ORDER BY v.id"
        with self.connection() as conn, conn.transaction(), \
                conn.cursor(name="records", row_factory=dict_row) as cur:
            cur.itersize = 500
            cur.execute(_q(sql), params)
            for row in cur:
                yield record_from_row(row, self.attributions(row["id"]))

    def attributions(self, version_id: int) -> tuple[Attribution, ...]:
        return tuple(attribution_from_row(r) for r in self.rows(ATTRIBUTION_SELECT,
                                                                (version_id,)))

    def capture(self, capture_id: int) -> Capture:
        rows = self._dicts("SELECT * FROM captures WHERE id = ?", (capture_id,))
        if not rows:
            raise RecordNotFoundError(f"no capture with id {capture_id}")
        return capture_from_row(rows[0])

    def captures(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Capture]:
        """Captures in id order, optionally filtered by a SQL ``where``."""
        sql = "SELECT * FROM captures" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        return iter([capture_from_row(row) for row in self._dicts(sql, params)])

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("pages", "captures", "versions", "attributions"):
            row = self._one(f"SELECT count(*) FROM {table}")
            out[table] = int(row[0]) if row else 0
        return out

    def search(self, query: Query) -> list[SearchHit]:
        from .query import search

        return search(self, query)

    def matching(self, query: Query, columns: str, *, limit: int, order: str = ""
                 ) -> list[tuple[Any, ...]]:
        from .query import to_tsquery

        where, params = filter_clauses(query)
        if query.tree is not None:
            where.insert(0, "v.search @@ to_tsquery('simple', ?)")
            params.insert(0, to_tsquery(query.tree))
        sql = (f"SELECT {columns} FROM versions v JOIN pages p ON p.id = v.page_id"
               + (" WHERE " + " AND ".join(where) if where else "")
               + (f" ORDER BY {order}" if order else "") + " LIMIT ?")
        return self.rows(sql, [*params, limit])

    def integrity_problems(self) -> list[str]:
        """None to report: PostgreSQL checks its own pages as it reads them."""
        return []

    # -- crawls ------------------------------------------------------------------------

    def start_crawl(self, seeds: list[str], settings: dict[str, Any], kind: str = "crawl"
                    ) -> int:
        row = self._one("INSERT INTO crawls(started_at, seeds, settings, kind) "
                        "VALUES (?, ?, ?, ?) RETURNING id",
                        (utc_now(), json.dumps(seeds), json.dumps(settings, default=str), kind))
        assert row is not None
        return int(row[0])

    def last_unfinished_crawl(self, kind: str = "crawl") -> int | None:
        found = self.unfinished_crawls(kind)
        return found[-1] if found else None

    def unfinished_crawls(self, kind: str = "crawl") -> list[int]:
        """Crawls (or jobs) with work left, oldest first (the order workers drain them)."""
        return [int(r[0]) for r in self.rows(
            "SELECT id FROM crawls WHERE finished_at IS NULL AND kind = ? ORDER BY id",
            (kind,))]

    def set_crawl_stats(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self._one("UPDATE crawls SET stats = ? WHERE id = ? RETURNING id",
                  (json.dumps(stats), crawl_id))

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        return [str(s) for s in self._crawl_json(crawl_id, "seeds")]

    def crawl_settings(self, crawl_id: int) -> dict[str, Any]:
        """The settings a crawl was started with (its scope rules, delays, depth)."""
        return dict(self._crawl_json(crawl_id, "settings"))

    def _crawl_json(self, crawl_id: int, column: str) -> Any:
        row = self._one(f"SELECT {column} FROM crawls WHERE id = ?", (crawl_id,))
        if row is None:
            raise RecordNotFoundError(f"no crawl {crawl_id} in {self.where}")
        return json.loads(row[0])

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        """Mark a crawl finished (the first worker to see it drained does)."""
        self._one("UPDATE crawls SET finished_at = ?, stats = ? "
                  "WHERE id = ? AND finished_at IS NULL RETURNING id",
                  (utc_now(), json.dumps(stats), crawl_id))


def _has_archive(conn: Conn) -> bool:
    row = conn.execute(b"SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    return bool(row and row[0])
