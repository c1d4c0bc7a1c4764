"""Bulk handlers: ``import`` (WARC/ARC/WACZ collections) and ``reextract``, both on every
core, with a progress bar (records or pages per second, time left)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Mapping

from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from archive import Archive, Query, open_archive
from archive.errors import ConfigError, WarcError
from archive.locations import is_database_url, redact, sqlite_path

from .._version import __version__
from ..config import Settings
from ..parallel import default_jobs
from . import output


def _progress(args: argparse.Namespace) -> Progress:
    live = sys.stderr.isatty() and not (args.quiet or args.json)
    return Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                    TimeRemainingColumn(), TextColumn("{task.fields[rate]}"),
                    console=output.Out(sys.stderr).console, disable=not live, transient=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from ..warcimport import ImportStats, import_files, queue_files

    paths: list[str] = list(args.files)  # paths, or URLs (archive.inputs)
    if args.seed_only:
        if not is_database_url(sqlite_path(settings.archive.path)):
            raise ConfigError("import --seed-only queues files for workers: it needs a "
                              "shared --archive postgresql://...; import into a SQLite "
                              "archive directly (with -j N)")
        with Archive(settings.archive.path, settings.archive, create=True,
                     software=f"newsarchive/{__version__}") as arc:
            job, pieces = queue_files(arc, paths, dataclasses.asdict(settings.extract))
        where = redact(settings.archive.path)
        print(f"import job {job}: queued {pieces} piece(s) of {len(paths)} file(s) in "
              f"{where}; start workers with `newsarchive worker --archive {where}`",
              file=sys.stderr)
        return 0
    total = sum(_size(p) for p in paths)
    start = time.monotonic()
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=f"newsarchive/{__version__}") as arc, _progress(args) as progress:
        task = progress.add_task("importing", total=total or None, rate="")

        def seen(stats: ImportStats) -> None:
            rate = stats.records / max(time.monotonic() - start, 1e-6)
            progress.update(task, completed=stats.bytes_read, rate=f"{rate:,.0f} records/s",
                            description=f"{stats.new + stats.new_versions} pages")

        stats = import_files(arc, paths, settings.extract, jobs=args.jobs or default_jobs(),
                             on_progress=seen)
    if args.json:
        output.print_json(stats.to_dict())
    else:
        skipped, other = _counts(stats.skipped), _counts(stats.other)
        print(f"read {stats.records} records in {time.monotonic() - start:.1f}s: "
              f"{stats.responses} responses: {stats.new} new pages, {stats.new_versions} new "
              f"versions, {stats.unchanged} unchanged, {stats.resources} resources (images, "
              f"styles...), {stats.duplicates} imported before; skipped: {skipped}; other "
              f"records: {other}")
    for error in stats.errors:
        print(f"newsarchive: error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0


def cmd_reextract(args: argparse.Namespace, settings: Settings) -> int:
    from ..reextract import ReextractStats, reextract

    query = Query(text=args.query or "", site=args.site, since=args.since, until=args.until)
    start = time.monotonic()
    with open_archive(settings.archive.path, settings.archive) as arc, \
            _progress(args) as progress:
        task = progress.add_task("re-extracting", total=None, rate="")

        def seen(stats: ReextractStats) -> None:
            rate = stats.done / max(time.monotonic() - start, 1e-6)
            progress.update(task, total=stats.selected, completed=stats.done,
                            rate=f"{rate:,.1f} pages/s",
                            description=f"{stats.changed} changed")

        stats = reextract(arc, settings.extract, query, jobs=args.jobs or default_jobs(),
                          on_progress=seen)
    if args.json:
        output.print_json(stats.to_dict())
    else:
        resumed = f" (continued after version {stats.resumed_after})" \
            if stats.resumed_after else ""
        failed = _counts(stats.failed)
        print(f"re-extracted {stats.done} of {stats.selected} pages in "
              f"{time.monotonic() - start:.1f}s{resumed}: {stats.changed} changed (new "
              f"versions), {stats.unchanged} unchanged; failed: {failed}")
    return 0


def _counts(counts: Mapping[str, int]) -> str:
    """``"2 http-404, 1 not-html"``, or ``"none"``."""
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none"


def _size(name: str) -> int:
    """A file's size for the progress bar; 0 if it cannot be had (the import names it)."""
    from archive.inputs import file_size

    try:
        return file_size(name)
    except WarcError:
        return 0
