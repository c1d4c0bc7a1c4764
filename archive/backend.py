"""Which database an archive lives in, chosen by its location.

``--archive`` takes a directory (``newsarchive-data``), ``sqlite:///path`` (the same,
as a URL) or ``postgresql://user@host/db``. SQLite suits one machine; PostgreSQL lets
crawl workers on many machines share one archive and one frontier. Both backends have
the same schema concepts and the same store and frontier methods, so
:class:`archive.Archive` uses either. The PostgreSQL modules are imported only when used,
so the ``postgres`` extra (psycopg) is needed only by those who use it.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .frontier import Frontier
from .store import ArticleStore

if TYPE_CHECKING:
    from .pgfrontier import PgFrontier
    from .pgstore import PgArticleStore

DEFAULT_FILES = "newsarchive-data"  # where a database archive's WARC files go by default
SQLITE_PREFIX = "sqlite:///"


def is_database_url(location: str) -> bool:
    """True for ``postgresql://`` / ``postgres://`` archive locations."""
    return location.startswith(("postgresql://", "postgres://"))


def sqlite_path(location: str) -> str:
    """The directory of a SQLite archive: ``sqlite:///a`` → ``a``, a plain path as is."""
    return location.removeprefix(SQLITE_PREFIX) if location.startswith(SQLITE_PREFIX) \
        else location


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def database_errors() -> tuple[type[Exception], ...]:
    """The database drivers' own exceptions, for the CLI to turn into one-line messages.

    psycopg's are included only once it has been imported (by opening a PostgreSQL
    archive): before that, it cannot have raised anything.
    """
    errors: list[type[Exception]] = [sqlite3.Error]
    for module, name in (("psycopg", "Error"), ("psycopg_pool", "PoolTimeout")):
        loaded = sys.modules.get(module)
        if loaded is not None:
            errors.append(getattr(loaded, name))
    return tuple(errors)


def open_backend(location: str, db: Path, *, create: bool, warc_dir: Path | None = None
                 ) -> tuple[ArticleStore | PgArticleStore, Frontier | PgFrontier]:
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
        store = ArticleStore(db)
        return store, Frontier(store.conn)
    from .pgfrontier import PgFrontier
    from .pgstore import PgArticleStore

    pg = PgArticleStore(location, create=create, warc_dir=warc_dir)
    return pg, PgFrontier(pg)
