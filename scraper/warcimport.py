"""Import WARC, ARC and WACZ files made by other tools (or by newsarchive): each HTML
response goes into the archive the one way every page does (:mod:`scraper.ingest`).

A bad spot in a file (truncated, corrupt, failing a digest) costs only that record: what
came before it is kept, reading resumes at the next record that can be found, and the
error is listed with its file and offset. A record imported before (same WARC-Record-ID,
or same URL, time and payload digest) is recognised and skipped, so importing a file
twice, or again after a kill, adds nothing.

Usage::

    with open_archive("data", create=True) as arc:
        stats = import_files(arc, [Path("crawl.warc.gz")], settings.extract)
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive import Archive
from archive.errors import WarcError
from archive.reader import WarcItem, read_records

from .config import ExtractSettings
from .ingest import Ingester

BATCH = 200  # captures per database transaction


@dataclass
class ImportStats:
    """What an import did.

    Attributes:
        records: every record read (of any kind).
        responses: HTTP responses and ``resource`` records with an http(s) URL.
        new, new_versions, unchanged: what the HTML pages became.
        resources: other responses kept (images, styles, scripts), for replay.
        duplicates: records imported before (skipped without extracting them).
        skipped: responses not archived, by reason (``not-html``, ``http-404``, ...).
        other: records that are not responses, by WARC type (``request``, ``revisit``,
            ``metadata``, ...): counted, not imported.
        errors: bad spots, each naming its file and offset.
    """

    records: int = 0
    responses: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    resources: int = 0
    duplicates: int = 0
    skipped: collections.Counter[str] = field(default_factory=collections.Counter)
    other: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"records": self.records, "responses": self.responses, "new": self.new,
                "new_versions": self.new_versions, "unchanged": self.unchanged,
                "resources": self.resources, "duplicates": self.duplicates,
                "skipped": dict(self.skipped), "other": dict(self.other),
                "errors": self.errors}

    def count(self, outcome: str) -> None:
        """Count one ingest outcome."""
        if outcome == "new":
            self.new += 1
        elif outcome == "new-version":
            self.new_versions += 1
        elif outcome in ("unchanged", "not-modified"):
            self.unchanged += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        elif outcome == "resource":
            self.resources += 1
        else:
            self.skipped[outcome] += 1


def import_files(archive: Archive, paths: Sequence[Path], settings: ExtractSettings, *,
                 on_record: Callable[[Path, ImportStats], None] | None = None
                 ) -> ImportStats:
    """Import every HTML response of ``paths`` into ``archive``.

    Args:
        archive: the archive to import into.
        paths: WARC, ARC or WACZ files.
        settings: how pages are read.
        on_record: called after each record (progress display).

    Returns:
        What was imported; ``errors`` lists the bad spots and unreadable files.
    """
    stats = ImportStats()
    ingester = Ingester(archive, settings, origin="import", honor_noarchive=False,
                        keep_other=True)
    for path in paths:
        try:
            _import_file(archive, ingester, path, stats, on_record)
        except WarcError as exc:
            stats.errors.append(str(exc))
    return stats


def _import_file(archive: Archive, ingester: Ingester, path: Path, stats: ImportStats,
                 on_record: Callable[[Path, ImportStats], None] | None) -> None:
    records = read_records(path)
    done = False
    while not done:
        # the batch commits before a reading error is raised out of it, so what was
        # read before a bad spot is kept
        with archive.batch():
            for _ in range(BATCH):
                item = next(records, None)
                if item is None:
                    done = True
                    break
                _one(ingester, item, stats)
                if on_record is not None:
                    on_record(path, stats)


def _one(ingester: Ingester, item: WarcItem, stats: ImportStats) -> None:
    stats.records += 1
    if item.kind == "error":
        stats.errors.append(item.error or f"{item.source}: bad record at {item.offset}")
        return
    if item.response is None:
        stats.other[item.kind] += 1
        return
    stats.responses += 1
    done = ingester.ingest(item.response, origin_record_id=item.record_id)
    stats.count(done.outcome)
