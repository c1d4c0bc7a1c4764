"""Database backends behind two interfaces: :class:`Store` (records) and :class:`Frontier`
(the crawl queue).

SQLite (``archive.db.sqlite``) suits one machine; PostgreSQL (``archive.db.postgres``)
lets crawl workers on many machines share one archive and one frontier. The backend is
chosen by the archive's location (:mod:`archive.locations`); the PostgreSQL package is
imported only when used, so psycopg is needed only by those who use it.
"""

from __future__ import annotations

from pathlib import Path

from ..locations import is_database_url
from .base import Frontier, QueueItem, Store
from .sql import Dialect

__all__ = ["Dialect", "Frontier", "QueueItem", "Store", "open_backend"]


def open_backend(location: str, db: Path, *, create: bool, warc_dir: Path | None = None
                 ) -> tuple[Store, Frontier]:
    """Open the store and frontier for an archive location.

    Args:
        location: the ``--archive`` value.
        db: the SQLite database file (used when ``location`` is not a database URL).
        create: set up a missing PostgreSQL schema (SQLite creates files on its own).
        warc_dir: where this process writes WARC files (PostgreSQL records absolute paths).

    Raises:
        ArchiveError: the database cannot be opened, or (PostgreSQL) holds no archive
            and ``create`` is false.
        SchemaVersionError: written by a newer newsarchive.
    """
    if not is_database_url(location):
        from .sqlite import SqliteFrontier, SqliteStore

        store = SqliteStore(db)
        return store, SqliteFrontier(store.conn, store.where)
    try:
        from .postgres import PgFrontier, PgStore
    except ImportError as exc:  # the postgres extra is not installed
        from ..errors import ArchiveError

        raise ArchiveError("a postgresql:// archive needs psycopg: "
                           "pip install 'newsarchive[postgres]'") from exc
    pg = PgStore(location, create=create, warc_dir=warc_dir)
    return pg, PgFrontier(pg)
