"""newsarchive's archive: normalised records in SQLite, raw snapshots in WARC files.

Readable without the crawler (this package never imports ``scraper``). Public surface,
pinned by ``tests/archive/test_exported_members.py``::

    from archive import open_archive, Archive, Query, Record, Article, Attribution
"""

from __future__ import annotations

from .archive import Archive, StoreResult, content_hash, open_archive
from .errors import (
    ArchiveError,
    NewsarchiveError,
    RecordNotFoundError,
    SchemaVersionError,
    WarcError,
)
from .query import Query
from .settings import ArchiveSettings
from .types import Article, Attribution, Capture, HttpResponse, Record, SearchHit

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveSettings",
    "Article",
    "Attribution",
    "Capture",
    "HttpResponse",
    "NewsarchiveError",
    "Query",
    "Record",
    "RecordNotFoundError",
    "SchemaVersionError",
    "SearchHit",
    "StoreResult",
    "WarcError",
    "content_hash",
    "open_archive",
]
