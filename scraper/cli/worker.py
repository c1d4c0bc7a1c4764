"""Handlers for scaling out on PostgreSQL: ``worker``, ``migrate``, and ``crawl --seed-only``.

Thin by design: the work is in :mod:`scraper.worker` and :mod:`archive.pgcopy`. The
PostgreSQL modules are imported only when a command needs them (the ``postgres`` extra).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path

from archive.backend import DEFAULT_FILES, is_database_url, redact, sqlite_path
from archive.errors import ConfigError

from ..config import Settings
from ..worker import run_worker, seed_crawl
from .progress import CrawlReporter

Handler = Callable[[argparse.Namespace, Settings], int]


def add_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                 parents: list[argparse.ArgumentParser]) -> None:
    """Add ``worker`` and ``migrate``, and ``--seed-only`` to ``crawl``."""
    w = sub.add_parser("worker", parents=parents, help="drain a shared PostgreSQL frontier",
                       description="Run one crawl worker against a postgresql:// archive: "
                       "claim URLs from every unfinished crawl (politely: hosts are shared "
                       "by all workers), archive them, and exit when the frontier is empty. "
                       "Start as many as you like, on any number of machines.")
    w.add_argument("--follow", action="store_true",
                   help="keep polling for new crawls instead of exiting when drained")
    w.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                   help="seconds between polls with --follow (default 5)")
    w.add_argument("--lease", type=float, default=None, metavar="SECONDS",
                   help="how long a claim lasts if this worker dies (default 30)")
    w.add_argument("-q", "--quiet", action="store_true", help="only errors and the summary")
    w.set_defaults(handler=cmd_worker)

    m = sub.add_parser("migrate", parents=parents, help="set up or copy into PostgreSQL",
                       description="Create or upgrade the schema of a postgresql:// archive "
                       "(--to), and with --from copy a SQLite archive's records (same ids) "
                       "and WARC files into it.")
    m.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db")
    m.add_argument("--from", dest="source", metavar="ARCHIVE",
                   help="SQLite archive to copy: sqlite:///path or a directory")
    m.set_defaults(handler=cmd_migrate)

    crawl = sub.choices.get("crawl")
    if crawl is not None:
        crawl.add_argument("--seed-only", action="store_true",
                           help="queue the seeds and scope rules, fetch nothing (then start "
                           "`newsarchive worker`s)")
        crawl.set_defaults(handler=functools.partial(_crawl_or_seed,
                                                     crawl.get_default("handler")))


def _crawl_or_seed(crawl: Handler, args: argparse.Namespace, settings: Settings) -> int:
    if not args.seed_only:
        return crawl(args, settings)
    from .commands import _read_seeds

    crawl_id, queued = seed_crawl(settings, _read_seeds(args))
    where = redact(settings.archive.path)
    print(f"crawl {crawl_id}: queued {queued} seed URL(s) in {where}; start workers with "
          f"`newsarchive worker --archive {where}`", file=sys.stderr)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    start = time.monotonic()
    with CrawlReporter(quiet=args.quiet) as reporter:
        stats = run_worker(settings, follow=args.follow, poll=args.poll, lease=args.lease,
                           on_event=reporter)
    reporter.summary(stats, time.monotonic() - start)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    if not is_database_url(args.to):
        raise ConfigError(f"--to must be a postgresql:// URL, got {args.to!r}")
    from archive.pgcopy import copy_archive
    from archive.pgschema import MIGRATIONS
    from archive.pgstore import PgArticleStore

    store = PgArticleStore(args.to, create=True)
    try:
        print(f"{redact(args.to)}: schema version {len(MIGRATIONS)}", file=sys.stderr)
        if args.source:
            source = sqlite_path(args.source)
            if is_database_url(source):
                raise ConfigError("--from takes a SQLite archive (sqlite:///path or a directory)")
            warc_root = Path(settings.archive.warc_root or DEFAULT_FILES)
            report = copy_archive(Path(source), store, warc_root)
            rows = ", ".join(f"{n} {t}" for t, n in report.rows.items())
            print(f"copied {rows}; {report.warc_files} WARC file(s) into {warc_root / 'warc'}",
                  file=sys.stderr)
            for table, columns in report.dropped.items():
                print(f"warning: {table}: columns not in the PostgreSQL schema, not copied: "
                      f"{', '.join(columns)}", file=sys.stderr)
    finally:
        store.close()
    return 0
