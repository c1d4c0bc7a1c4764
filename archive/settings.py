"""Settings of the archive side, kept here so ``archive`` needs nothing from ``scraper``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ArchiveSettings:
    """Where and how the archive is written.

    Attributes:
        path: directory holding ``archive.sqlite`` and ``warc/`` (created on first use).
        warc_max_bytes: start a new WARC file once the current one passes this size.
        operator: written into each WARC file's ``warcinfo`` record (who ran the crawl).
        warc_root: when ``path`` is a database URL (``postgresql://...``), the directory
            whose ``warc/`` holds this process's WARC files: shared by all workers or one
            per worker (files are named by pid; the database records each capture's
            file and worker). Empty = ``newsarchive-data``. Unused for SQLite archives.
    """

    path: str = "newsarchive-data"
    warc_max_bytes: int = 1_000_000_000
    operator: str = ""
    warc_root: str = ""
