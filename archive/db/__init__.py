"""Database backends behind two interfaces: :class:`Store` (records) and :class:`Frontier`
(the crawl queue).

SQLite (``archive.db.sqlite``) suits one machine; PostgreSQL (``archive.db.postgres``)
lets crawl workers on many machines share one archive and one frontier. The backend is
chosen by the archive's location (:mod:`archive.locations`); the PostgreSQL package is
imported only when used, so psycopg is needed only by those who use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..locations import is_database_url

if TYPE_CHECKING:
    from .base import Frontier, QueueItem, Store
    from .sql import Dialect

__all__ = ["Dialect", "Frontier", "QueueItem", "Store", "open_backend"]


def __getattr__(name: str) -> object:  # the interfaces, loaded when asked for
    if name in ("Frontier", "QueueItem", "Store"):
        from . import base

        return getattr(base, name)
    if name == "Dialect":
        from .sql import Dialect

        return Dialect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
