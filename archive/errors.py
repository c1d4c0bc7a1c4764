"""The one exception tree of newsarchive.

Everything we raise on purpose derives from :class:`NewsarchiveError`, so the CLI can
turn any of them into a one-line message and a non-zero exit code::

    NewsarchiveError
    ├── ConfigError            bad config.toml key, type or value
    ├── FetchError             a page could not be fetched (carries the URL)
    │   ├── TransientFetchError worth another try later (connect timeout, connection lost)
    │   ├── BlockedURLError    refused before connecting (scheme, private address, robots)
    │   └── TooLargeError      body or decompressed size above the limit
    ├── ExtractionError        input that cannot be read as a document (never for bad HTML)
    └── ArchiveError           the archive cannot be opened, read or written
        ├── SchemaVersionError the database was made by a newer newsarchive
        ├── RecordNotFoundError no record with that id / URL
        ├── QuerySyntaxError   search text or a date filter that cannot be a search
        ├── CrawlLockedError   another crawl holds the archive (carries its pid)
        └── WarcError          a WARC file is missing, truncated or fails its digest
            (carries the file and offset when known)

This module imports nothing of ours: both ``scraper`` and ``archive`` use it.
"""

from __future__ import annotations


class NewsarchiveError(Exception):
    """Root of every error newsarchive raises on purpose."""


class ConfigError(NewsarchiveError):
    """A setting is unknown, of the wrong type or out of range."""


class FetchError(NewsarchiveError):
    """A page could not be fetched.

    Attributes:
        url: the URL being fetched.
        reason: a short machine-friendly reason (``timeout``, ``too-large``, ...).
    """

    def __init__(self, message: str, *, url: str, reason: str = "fetch-error") -> None:
        super().__init__(message)
        self.url = url
        self.reason = reason


class TransientFetchError(FetchError):
    """A failure that may pass if the URL is tried again later: a connection refused,
    reset or never established, a server that stopped sending. A page that was being
    sent too slowly to finish in time is *not* transient (reason ``timeout``)."""


class BlockedURLError(FetchError):
    """The URL was refused before any connection was made."""


class TooLargeError(FetchError):
    """The body (or its decompressed size) exceeded the configured limit."""


class ExtractionError(NewsarchiveError):
    """Input that cannot be treated as a document at all (e.g. an unreadable file)."""


class ArchiveError(NewsarchiveError):
    """The archive cannot be opened, read or written."""


class SchemaVersionError(ArchiveError):
    """The database schema is newer than this version of newsarchive understands."""


class RecordNotFoundError(ArchiveError):
    """No record matches the requested id or URL."""


class QuerySyntaxError(ArchiveError):
    """Search text or a date filter that cannot be searched for; the message says why."""


class CrawlLockedError(ArchiveError):
    """Another crawl is running on this archive.

    Attributes:
        holder: the pid written in the lock file by the crawl holding it ("unknown").
    """

    def __init__(self, message: str, *, holder: str = "unknown") -> None:
        super().__init__(message)
        self.holder = holder


class WarcError(ArchiveError):
    """A WARC file is missing, truncated, or a record fails its digest.

    Attributes:
        path: the file, when known.
        offset: where the bad record starts, when known.
    """

    def __init__(self, message: str, *, path: str | None = None,
                 offset: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset
