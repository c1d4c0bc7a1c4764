"""Records in SQLite: pages, captures, versions and attributions.

One connection per process, WAL mode, a generous busy timeout so concurrent crawls,
queries and exports wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ArchiveError, RecordNotFoundError
from .schema import migrate
from .types import Article, Attribution, Capture, Record

BUSY_TIMEOUT_MS = 60_000


def site_of(url: str) -> str:
    """The site a URL belongs to: its host, lower-case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


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


@dataclass(frozen=True)
class StoredCapture:
    """What storing one capture did."""

    capture_id: int
    version_id: int | None
    new_version: bool


class ArticleStore:
    """Reads and writes archive records in one SQLite database.

    Usage::

        store = ArticleStore(Path("data/archive.sqlite"))
        record = store.record(1)
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path)
        self._depth = 0  # open ``transaction()`` blocks
        self._unindexed: int | None = None  # first version id not yet in versions_fts

    def close(self) -> None:
        self.conn.close()

    def transaction(self) -> sqlite3.Connection:
        """``with store.transaction():`` runs its block in one IMMEDIATE transaction.

        Versions added in it enter the full-text index when it commits, in one statement
        (per-row indexing costs two to three times as much), so a search made inside the
        block does not find them yet."""
        return _Tx(self)  # type: ignore[return-value]

    def _index_versions(self) -> None:
        """Add the versions written in this transaction to ``versions_fts``."""
        first, self._unindexed = self._unindexed, None
        if first is not None:  # ids only grow: every version from ``first`` on is new
            self.conn.execute("INSERT INTO versions_fts(rowid, title, body) "
                              "SELECT id, title, body FROM versions WHERE id >= ?", (first,))

    # -- pages -------------------------------------------------------------------------

    def page_id(self, url: str, now: str) -> int:
        row = self.conn.execute("SELECT id FROM pages WHERE url = ?", (url,)).fetchone()
        if row:
            return int(row[0])
        cur = self.conn.execute(
            "INSERT INTO pages(url, site, first_seen) VALUES (?, ?, ?)", (url, site_of(url), now))
        return int(cur.lastrowid or 0)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen for a page, for a conditional request."""
        row = self.conn.execute(
            "SELECT etag, last_modified FROM pages WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, page_id: int, etag: str | None, last_modified: str | None,
                       checked: str) -> None:
        self.conn.execute(
            "UPDATE pages SET etag = coalesce(?, etag), last_modified = coalesce(?, "
            "last_modified), last_checked = ? WHERE id = ?",
            (etag, last_modified, checked, page_id))

    def latest_version(self, page_id: int) -> tuple[int, str] | None:
        row = self.conn.execute(
            "SELECT id, content_hash FROM versions WHERE page_id = ? ORDER BY id DESC LIMIT 1",
            (page_id,)).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def original_payload(self, page_id: int, digest: str) -> OriginalCapture | None:
        """The first full capture of this page with this payload digest, if any."""
        row = self.conn.execute(
            "SELECT id, url, fetched_at, warc_record_id FROM captures WHERE page_id = ? "
            "AND payload_digest = ? AND kind = 'response' ORDER BY id LIMIT 1",
            (page_id, digest)).fetchone()
        if row is None:
            return None
        return OriginalCapture(int(row[0]), str(row[1]), str(row[2]), row[3])

    # -- writing -----------------------------------------------------------------------

    def add_capture(self, *, page_id: int, url: str, fetched_at: str, status: int, kind: str,
                    content_type: str | None, payload_digest: str | None,
                    content_hash: str | None, warc: tuple[str, int, int] | None,
                    crawl_id: int | None, warc_record_id: str | None = None,
                    revisit_of: int | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO captures(page_id, url, fetched_at, status, kind, content_type, "
            "payload_digest, content_hash, warc_file, warc_offset, warc_length, crawl_id, "
            "warc_record_id, revisit_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (page_id, url, fetched_at, status, kind, content_type, payload_digest, content_hash,
             *(warc or (None, None, None)), crawl_id, warc_record_id, revisit_of))
        return int(cur.lastrowid or 0)

    def add_version(self, *, page_id: int, capture_id: int, captured_at: str,
                    content_hash: str, article: Article) -> int:
        a = article
        cur = self.conn.execute(
            "INSERT INTO versions(page_id, capture_id, captured_at, content_hash, fetched_url, "
            "canonical_url, title, authors, published, modified, language, site_name, "
            "description, image, tags, body, signals) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (page_id, capture_id, captured_at, content_hash, a.url, a.canonical_url, a.title,
             json.dumps(list(a.authors)), a.published, a.modified, a.language, a.site_name,
             a.description, a.image, json.dumps(list(a.tags)), a.body, json.dumps(a.signals)))
        version_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            'INSERT INTO attributions(version_id, position, source, url, passage, start, "end", '
            "pattern) VALUES (?,?,?,?,?,?,?,?)",
            [(version_id, x.position, x.source, x.url, x.passage, x.start, x.end, x.pattern)
             for x in a.attributions])
        if self._unindexed is None:
            self._unindexed = version_id
        if not self._depth:  # outside ``transaction()``: nothing would index it later
            self._index_versions()
        return version_id

    def link_capture(self, capture_id: int, version_id: int) -> None:
        self.conn.execute("UPDATE captures SET version_id = ? WHERE id = ?",
                          (version_id, capture_id))

    # -- reading -----------------------------------------------------------------------

    def record(self, version_id: int) -> Record:
        """One archived version by id.

        Raises:
            RecordNotFoundError: no such id.
        """
        row = self.conn.execute(_RECORD_SQL + " WHERE v.id = ?", (version_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError(f"no record with id {version_id} "
                                      "(list ids with `newsarchive query`)")
        return self._record(row)

    def records(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Record]:
        """Iterate records in id order, optionally filtered by a SQL ``where`` on ``v``/``p``."""
        sql = _RECORD_SQL + (f" WHERE {where}" if where else "") + " ORDER BY v.id"
        for row in self.conn.execute(sql, params):
            yield self._record(row)

    def attributions(self, version_id: int) -> tuple[Attribution, ...]:
        rows = self.conn.execute(
            'SELECT source, url, passage, start, "end", position, pattern FROM attributions '
            "WHERE version_id = ? ORDER BY position", (version_id,))
        return tuple(Attribution(source=r[0], url=r[1], passage=r[2], start=r[3], end=r[4],
                                 position=r[5], pattern=r[6]) for r in rows)

    def capture(self, capture_id: int) -> Capture:
        row = self.conn.execute("SELECT * FROM captures WHERE id = ?", (capture_id,)).fetchone()
        if row is None:
            raise RecordNotFoundError(f"no capture with id {capture_id}")
        return capture_from_row(row)

    def captures(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Capture]:
        """Iterate captures in id order, optionally filtered by a SQL ``where``."""
        sql = "SELECT * FROM captures" + (f" WHERE {where}" if where else "") + " ORDER BY id"
        for row in self.conn.execute(sql, params):
            yield capture_from_row(row)

    def find_page(self, url: str) -> tuple[int, str]:
        """The page (id, normalised URL) for a URL as given, fetched, or canonical.

        Raises:
            RecordNotFoundError: nothing archived under that URL.
        """
        stripped = url.strip()
        candidates = [stripped, stripped.rstrip("/"), stripped + "/"]
        for sql in ("SELECT id, url FROM pages WHERE url = ?",
                    "SELECT p.id, p.url FROM captures c JOIN pages p ON p.id = c.page_id "
                    "WHERE c.url = ? LIMIT 1",
                    "SELECT p.id, p.url FROM versions v JOIN pages p ON p.id = v.page_id "
                    "WHERE v.canonical_url = ? LIMIT 1"):
            for candidate in candidates:
                row = self.conn.execute(sql, (candidate,)).fetchone()
                if row:
                    return int(row[0]), str(row[1])
        raise RecordNotFoundError(f"nothing archived for {url} "
                                  "(find URLs with `newsarchive query --json`)")

    def _record(self, row: sqlite3.Row) -> Record:
        return record_from_row(row, self.attributions(row["id"]))

    def latest_response_location(self, page_url: str) -> tuple[str, int] | None:
        """WARC file and offset of the last full payload archived for a page."""
        row = self.conn.execute(
            "SELECT c.warc_file, c.warc_offset FROM captures c JOIN pages p ON p.id = c.page_id "
            "WHERE p.url = ? AND c.kind = 'response' ORDER BY c.id DESC LIMIT 1",
            (page_url,)).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    # -- crawls ------------------------------------------------------------------------

    def start_crawl(self, seeds: list[str], settings: dict[str, Any]) -> int:
        cur = self.conn.execute(
            "INSERT INTO crawls(started_at, seeds, settings) VALUES (?, ?, ?)",
            (utc_now(), json.dumps(seeds), json.dumps(settings, default=str)))
        return int(cur.lastrowid or 0)

    def last_unfinished_crawl(self) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM crawls WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        row = self.conn.execute("SELECT seeds FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if row is None:
            raise ArchiveError(f"no crawl {crawl_id} in {self.path}")
        return list(json.loads(row[0]))

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.conn.execute("UPDATE crawls SET finished_at = ?, stats = ? WHERE id = ?",
                          (utc_now(), json.dumps(stats), crawl_id))

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("pages", "captures", "versions", "attributions"):
            out[table] = int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out


def record_from_row(row: Mapping[str, Any] | sqlite3.Row,
                    attributions: tuple[Attribution, ...]) -> Record:
    """A :class:`Record` from a ``versions`` row joined with its page (both backends)."""
    article = Article(
        url=row["fetched_url"], canonical_url=row["canonical_url"], title=row["title"],
        authors=tuple(json.loads(row["authors"])), published=row["published"],
        modified=row["modified"], language=row["language"], site_name=row["site_name"],
        description=row["description"], image=row["image"],
        tags=tuple(json.loads(row["tags"])), body=row["body"],
        attributions=attributions, signals=json.loads(row["signals"]))
    return Record(id=row["id"], url=row["page_url"], site=row["site"],
                  captured_at=row["captured_at"], capture_id=row["capture_id"],
                  content_hash=row["content_hash"], article=article)


_RECORD_SQL = (
    "SELECT v.*, p.url AS page_url, p.site AS site FROM versions v JOIN pages p ON p.id = v.page_id"
)


def capture_from_row(row: sqlite3.Row) -> Capture:
    return Capture(id=row["id"], url=row["url"], fetched_at=row["fetched_at"],
                   status=row["status"], kind=row["kind"], content_type=row["content_type"],
                   payload_digest=row["payload_digest"], warc_file=row["warc_file"],
                   warc_offset=row["warc_offset"], warc_length=row["warc_length"],
                   version_id=row["version_id"], content_hash=row["content_hash"],
                   revisit_of=row["revisit_of"], warc_record_id=row["warc_record_id"])


@dataclass(frozen=True)
class OriginalCapture:
    """The capture that holds a payload which later revisits point at."""

    capture_id: int
    url: str
    fetched_at: str
    record_id: str | None


class _Tx:
    """One IMMEDIATE transaction; nested inside another it becomes a savepoint, so a
    batch of captures commits once (``Archive.batch``) while each stays all-or-nothing.
    The outermost block indexes the transaction's new versions just before it ends."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self.conn = store.conn
        self.nested = False
        self.outermost = False

    def __enter__(self) -> sqlite3.Connection:
        self.nested = self.conn.in_transaction
        self.outermost = not self.store._depth
        self.conn.execute("SAVEPOINT capture" if self.nested else "BEGIN IMMEDIATE")
        self.store._depth += 1
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        store = self.store
        store._depth -= 1
        if exc_type is None and self.outermost:
            try:
                store._index_versions()
            except BaseException:
                self._end(failed=True)
                raise
        self._end(failed=exc_type is not None)

    def _end(self, *, failed: bool) -> None:
        if self.nested:
            if failed:
                self.conn.execute("ROLLBACK TO capture")
            self.conn.execute("RELEASE capture")
        else:
            self.conn.execute("ROLLBACK" if failed else "COMMIT")
        if failed and self.outermost:
            self.store._unindexed = None


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (crawl and export stamps)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
