"""newsarchive's archive: normalised records in a database, raw snapshots in WARC files.

Readable without the crawler (this package never imports ``scraper``). Public surface,
pinned by ``tests/test_exported_members.py``::

    from archive import open_archive, Archive, Query, Record, Article, Attribution

Names are imported on first use, so reading one small module (``archive.errors``) does
not load the WARC and database machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_exports

if TYPE_CHECKING:
    from .archive import Archive, content_hash, open_archive
    from .errors import (
        ArchiveError,
        CrawlLockedError,
        NewsarchiveError,
        QuerySyntaxError,
        RecordNotFoundError,
        SchemaVersionError,
        WarcError,
    )
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

_WHERE = {
    "Archive": "archive", "content_hash": "archive", "open_archive": "archive",
    "ArchiveError": "errors", "CrawlLockedError": "errors", "NewsarchiveError": "errors",
    "QuerySyntaxError": "errors", "RecordNotFoundError": "errors",
    "SchemaVersionError": "errors", "WarcError": "errors",
    "Query": "query", "ArchiveSettings": "settings",
    "Article": "types", "Attribution": "types", "Capture": "types", "HttpResponse": "types",
    "Record": "types", "Resource": "types", "SearchHit": "types", "StoreResult": "types",
}

__all__ = [
    "Archive", "ArchiveError", "ArchiveSettings", "Article", "Attribution", "Capture",
    "CrawlLockedError", "HttpResponse", "NewsarchiveError", "Query", "QuerySyntaxError",
    "Record", "RecordNotFoundError", "Resource", "SchemaVersionError", "SearchHit",
    "StoreResult", "WarcError", "content_hash", "open_archive",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)
