"""Archives improve with the extractor: read archived captures again with the current one.

:func:`reextract` takes each selected page's latest version, reads the raw bytes of its
capture from WARC, extracts them again (on every core; this process is the one writer)
and, when the result differs, keeps it as a new version marked ``reextract`` with the
extractor version that made it. Unchanged results are left alone.

A run is a job in the archive (a ``crawls`` row of kind ``reextract``) whose progress,
the last version id done, is saved in the same transaction as each batch of new
versions: after a kill, the same command continues where the run stopped.

Usage::

    with open_archive("data") as arc:
        stats = reextract(arc, settings.extract, Query(site="example.org"), jobs=4)
"""

from __future__ import annotations

import collections
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from archive import Archive, Query, content_hash
from archive.errors import NewsarchiveError
from archive.query import filter_clauses
from archive.types import Record

from .config import ExtractSettings
from .ingest import extractor_version
from .parallel import ExtractPool

JOB = "reextract"
BATCH = 200  # versions read per transaction (and per saved checkpoint)


@dataclass
class ReextractStats:
    """What a re-extraction did: versions read, changed (new versions), unchanged,
    and those whose bytes could not be read (by reason)."""

    selected: int = 0
    done: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    job: int = 0
    resumed_after: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.job, "selected": self.selected, "done": self.done,
                "changed": self.changed, "unchanged": self.unchanged,
                "failed": dict(self.failed), "resumed_after": self.resumed_after}


def selected_versions(archive: Archive, query: Query) -> list[int]:
    """The latest version of every page the query selects, in id order."""
    if query.tree is None:
        where, params = filter_clauses(query)
        sql = ("SELECT v.id FROM versions v JOIN pages p ON p.id = v.page_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY v.id")
        return [int(r[0]) for r in archive.store.rows(sql, params)]
    ids: list[int] = []
    page = 1000
    while True:  # text: through the full-text index, a page of hits at a time
        hits = archive.search(Query(**{**_fields(query), "limit": page, "offset": len(ids)}))
        ids += [h.record.id for h in hits]
        if len(hits) < page:
            return sorted(ids)


def _fields(query: Query) -> dict[str, Any]:
    return {k: getattr(query, k) for k in ("text", "site", "since", "until",
                                           "captured_since", "captured_until", "source",
                                           "author", "language")} | {"sort": "date"}


def _job(archive: Archive, query: Query, version: str) -> tuple[int, int, int]:
    """The unfinished run of this same selection and extractor, or a new one: its id,
    the last version id done, and the highest version id it covers (versions it adds
    itself, or that arrive meanwhile, are not its work)."""
    wanted = {"selection": _fields(query), "extractor": version}
    for job in reversed(archive.store.unfinished_crawls(JOB)):
        if archive.store.crawl_settings(job) == wanted:
            saved = json.loads(archive.store.rows("SELECT stats FROM crawls WHERE id = ?",
                                                  (job,))[0][0] or "{}")
            return job, int(saved.get("done_through", 0)), int(saved.get("upto", 0))
    upto = int(archive.store.rows("SELECT coalesce(max(id), 0) FROM versions")[0][0])
    job = archive.store.start_crawl([], wanted, JOB)
    archive.store.set_crawl_stats(job, {"upto": upto, "done_through": 0})
    return job, 0, upto


def reextract(archive: Archive, settings: ExtractSettings, query: Query | None = None, *,
              jobs: int = 1, on_progress: Callable[[ReextractStats], None] | None = None,
              progress_every: float = 0.2) -> ReextractStats:
    """Extract the selected pages' latest versions again; keep what changed.

    Args:
        archive: the archive (SQLite or PostgreSQL).
        settings: the extraction settings (the current extractor).
        query: which pages (its filters and text; default: all).
        jobs: extraction processes.
        on_progress: called with the running totals, at most every ``progress_every``
            seconds.

    Returns:
        What was done; the run continues where it stopped if called again after a kill.

    Raises:
        ArchiveError: the archive cannot be read or written.
    """
    query = query or Query()
    version = extractor_version(settings)
    stats = ReextractStats()
    stats.job, stats.resumed_after, upto = _job(archive, query, version)
    todo = [v for v in selected_versions(archive, query) if stats.resumed_after < v <= upto]
    stats.selected = len(todo)
    shown = 0.0
    with ExtractPool[tuple[Record, bytes]](settings, jobs) as pool:
        pages = pool.map(_pages(archive, todo, stats))
        done_through = stats.resumed_after

        def checkpoint() -> None:  # commits with the batch whose work it records
            archive.store.set_crawl_stats(stats.job, {
                **stats.to_dict(), "done_through": done_through, "upto": upto})

        with archive.batches(BATCH, before_commit=checkpoint) as item_done:
            for (record, payload), article in pages:
                stats.done += 1
                done_through = record.id
                if isinstance(article, Exception):
                    stats.failed["extract-error"] += 1
                else:
                    chash = content_hash(article, payload)
                    if chash == record.content_hash:
                        stats.unchanged += 1
                    else:
                        archive.store_reextraction(record, article, chash=chash,
                                                   extractor=version)
                        stats.changed += 1
                item_done()
                if on_progress is not None and time.monotonic() - shown >= progress_every:
                    shown = time.monotonic()
                    on_progress(stats)
    archive.finish_crawl(stats.job, stats.to_dict())
    if on_progress is not None:
        on_progress(stats)
    return stats


def _pages(archive: Archive, ids: list[int], stats: ReextractStats
           ) -> Iterator[tuple[tuple[Record, bytes], bytes, str | None, str | None]]:
    """Each version with its capture's bytes as archived (versions whose bytes cannot be
    read are counted and left out)."""
    for version_id in ids:
        record = archive.record(version_id)
        try:  # a page rendered in a browser was read from its DOM, not its first HTML
            dom = archive.rendered_dom(record.capture_id)
            payload = dom or archive.raw(version_id)
        except NewsarchiveError:
            stats.failed["unreadable"] += 1
            continue
        ctype = "text/html; charset=utf-8" if dom else \
            archive.store.capture(record.capture_id).content_type
        yield (record, payload), payload, record.article.url or record.url, ctype
