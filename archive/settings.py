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
    """

    path: str = "newsarchive-data"
    warc_max_bytes: int = 1_000_000_000
    operator: str = ""
