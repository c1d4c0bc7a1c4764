"""Import WARC, ARC and WACZ files made by other tools (or by newsarchive): each HTML
response goes into the archive the one way every page does (:mod:`scraper.ingest`).

Extraction runs on every core (:class:`scraper.parallel.ExtractPool`) while this process
is the archive's one writer. A bad spot in a file (truncated, corrupt, failing a digest)
costs only that record: what came before it is kept, reading resumes at the next record
that can be found, and the error is listed with its file and offset. A record imported
before (same WARC-Record-ID, or same URL, time and payload digest) is recognised before
it is extracted and skipped, so importing a file twice, or again after a kill, adds
nothing and costs little.

Large collections can be shared out: :func:`queue_files` puts files (large ones as byte
ranges) on an archive's frontier as an import job, and ``newsarchive worker`` processes
on any machine take them (:func:`run_import_job`), on the same queue and leases as crawl
URLs.

Usage::

    with open_archive("data", create=True) as arc:
        stats = import_files(arc, [Path("crawl.warc.gz")], settings.extract, jobs=4)
"""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive import Archive
from archive.errors import WarcError
from archive.inputs import file_size, local
from archive.reader import WarcItem, read_records
from archive.types import HttpResponse

from .config import ExtractSettings
from .ingest import Ingester
from .parallel import ExtractPool

BATCH = 200  # captures per database transaction
RANGE_BYTES = 256 * 1024 * 1024  # a queued import job splits files into pieces this size
JOB = "import"  # the kind of a crawl row that is an import job


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
        bytes_read: how far into the input the import got (for progress).
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
    bytes_read: int = 0

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


@dataclass(frozen=True)
class Piece:
    """A file, or the records that start in a byte range of it."""

    path: str  # a local path, or a URL read through fsspec (archive.inputs)
    start: int = 0
    end: int | None = None

    @property
    def key(self) -> str:
        """How the piece is queued: ``path#start-end`` (``path`` when whole)."""
        return self.path if self.end is None and not self.start \
            else f"{self.path}#{self.start}-{self.end if self.end is not None else ''}"

    @classmethod
    def parse(cls, key: str) -> Piece:
        path, _, span = key.rpartition("#") if "#" in key else (key, "", "")
        if not span:
            return cls(key)
        start, _, end = span.partition("-")
        return cls(path, int(start), int(end) if end else None)

    def size(self) -> int:
        try:
            total = file_size(self.path)
        except WarcError:
            return 0
        return (self.end if self.end is not None else total) - self.start


class _Importer:
    """One import's pipeline: read and route here, extract in the pool, store here."""

    def __init__(self, archive: Archive, settings: ExtractSettings, jobs: int,
                 on_progress: Callable[[ImportStats], None] | None) -> None:
        self.archive = archive
        self.ingester = Ingester(archive, settings, origin="import", honor_noarchive=False,
                                 keep_other=True)
        self.pool: ExtractPool[tuple[HttpResponse, str | None]] = ExtractPool(settings, jobs)
        self.stats = ImportStats()
        self.on_progress = on_progress
        self._shown = 0.0

    def close(self) -> None:
        self.pool.close()

    def run(self, pieces: Sequence[Piece]) -> ImportStats:
        done_before = 0
        for piece in pieces:
            try:
                self._import(piece, done_before)
            except WarcError as exc:
                self.stats.errors.append(str(exc))
            done_before += piece.size()
            self.stats.bytes_read = done_before
            self._progress(force=True)
        return self.stats

    def _import(self, piece: Piece, before: int) -> None:
        pages = self.pool.map(self._pages(read_records(piece.path, piece.start, piece.end),
                                          before - piece.start))
        # a batch commits before reading goes on, so what was read before a bad spot (or
        # a kill) is kept; its pages are found or made together first
        with self.archive.batches(BATCH) as item_done:
            while batch := list(itertools.islice(pages, BATCH)):
                self.archive.expect(
                    (page, response.fetched_at) for (response, _), article in batch
                    if (page := self.ingester.page_of(response, article)) is not None)
                for (response, record_id), article in batch:
                    self.stats.count(self.ingester.store(response, article,
                                                         record_id).outcome)
                    item_done()

    def _pages(self, items: Iterator[WarcItem], base: int
               ) -> Iterator[tuple[tuple[HttpResponse, str | None], bytes, str | None,
                                   str | None]]:
        """The article pages to extract; everything else is settled on the way."""
        stats = self.stats
        for item in items:
            stats.records += 1
            stats.bytes_read = max(stats.bytes_read, base + item.offset)
            self._progress()
            if item.kind == "error":
                stats.errors.append(item.error or f"{item.source}: bad record at {item.offset}")
                continue
            response = item.response
            if response is None:
                stats.other[item.kind] += 1
                continue
            stats.responses += 1
            done = self.ingester.route(response, response.url, item.record_id)
            if done is not None:
                stats.count(done.outcome)
                continue
            yield (response, item.record_id), response.content, response.url, \
                response.content_type

    def _progress(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress is not None and (force or now - self._shown >= 0.2):
            self._shown = now
            self.on_progress(self.stats)


def import_files(archive: Archive, paths: Sequence[str | Path], settings: ExtractSettings,
                 *, jobs: int = 1, on_progress: Callable[[ImportStats], None] | None = None
                 ) -> ImportStats:
    """Import every HTML response of ``paths`` into ``archive``.

    Args:
        archive: the archive to import into.
        paths: WARC, ARC or WACZ files (or ``path#start-end`` byte ranges of one), by
            path or by URL (``s3://...``, through fsspec).
        settings: how pages are read.
        jobs: extraction processes (the archive is written by this one).
        on_progress: called now and then with the running totals (``bytes_read`` of
            the sum of the files' sizes).

    Returns:
        What was imported; ``errors`` lists the bad spots and unreadable files.
    """
    importer = _Importer(archive, settings, jobs, on_progress)
    try:
        return importer.run([Piece.parse(str(p)) for p in paths])
    finally:
        importer.close()


def pieces_of(paths: Sequence[str | Path], size: int | None = None) -> list[Piece]:
    """Files cut into byte ranges of about ``size`` (default ``RANGE_BYTES``; a WACZ,
    or a small file, whole).

    Raises:
        WarcError: a file is missing, or its URL cannot be read here.
    """
    size = size or RANGE_BYTES
    out: list[Piece] = []
    for path in paths:
        total, name = file_size(path), local(path)
        if name.endswith(".wacz") or total <= size:
            out.append(Piece(name))
            continue
        out += [Piece(name, start, min(start + size, total))
                for start in range(0, total, size)]
    return out


def queue_files(archive: Archive, paths: Sequence[str | Path], settings: dict[str, object]
                ) -> tuple[int, int]:
    """Queue files as an import job for ``newsarchive worker`` processes to take.

    Args:
        archive: a shared (PostgreSQL) archive.
        paths: files the workers can read at the same paths (shared storage) or URLs
            (``s3://...``, read through fsspec on each worker).
        settings: the job's settings, stored with it (its extraction settings).

    Returns:
        The job's crawl id and how many pieces were queued.

    Raises:
        WarcError: a file is missing, or its URL cannot be read here.
    """
    pieces = pieces_of(paths)
    keys = [p.key for p in pieces]
    # pieces are spread over pseudo-hosts, so several workers can hold them at once
    hosts = {k: f"{JOB}-{n % 64}" for n, k in enumerate(keys)}
    crawl_id = archive.start_crawl(keys, settings, delay=0.0, hosts=hosts, kind=JOB)
    return crawl_id, len(keys)


def run_import_job(archive: Archive, crawl_id: int, settings: ExtractSettings, *,
                   jobs: int = 1, on_piece: Callable[[str, ImportStats], None] | None = None
                   ) -> ImportStats:
    """Take queued pieces of an import job until none is left; returns what was done."""
    frontier = archive.frontier
    archive.resume_crawl(crawl_id, delay=0.0)
    for item in frontier.recover():
        frontier.release([item.url])
    total = ImportStats()
    importer = _Importer(archive, settings, jobs, None)
    try:
        while True:
            claimed = frontier.refill(max(1, jobs))
            if not claimed:
                if frontier.pending() == 0:
                    break
                time.sleep(0.2)  # pieces held by other workers: they may fail and return
                continue
            for item in claimed:
                importer.stats = ImportStats()
                stats = importer.run([Piece.parse(item.url)])
                frontier.finish(item.url, "failed" if stats.errors else "done",
                                "; ".join(stats.errors)[:2000] or None)
                _add(total, stats)
                if on_piece is not None:
                    on_piece(item.url, stats)
    finally:
        importer.close()
    if frontier.pending() == 0:
        archive.finish_crawl(crawl_id, total.to_dict())
    return total


def _add(total: ImportStats, stats: ImportStats) -> None:
    for name, value in vars(stats).items():
        mine = getattr(total, name)
        if isinstance(mine, collections.Counter | list):
            mine += value
        else:
            setattr(total, name, mine + value)
