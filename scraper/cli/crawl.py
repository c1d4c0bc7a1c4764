"""Handlers that fetch: crawl (and --seed-only), fetch, parse, demo, worker, migrate."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from archive import Archive, Query, open_archive
from archive.errors import ConfigError, ExtractionError, NewsarchiveError
from archive.locations import DEFAULT_FILES, is_database_url, redact, sqlite_path

from .._version import __version__
from ..config import Settings
from ..crawl import Crawler, CrawlStats, start_crawl
from ..urls import normalize_url
from . import output
from .progress import CrawlReporter

if TYPE_CHECKING:
    from archive.types import HttpResponse

    from ..ingest import Ingested

SOFTWARE = f"newsarchive/{__version__}"


def read_seeds(args: argparse.Namespace) -> list[str]:
    """Seeds from the command line and ``--seeds-file``, each checked.

    Raises:
        ConfigError: an unreadable file, or a line that is not an http(s) URL (named by
            file and line number).
    """
    seeds = [(s, "the command line", 0) for s in args.seeds]
    if args.seeds_file:
        name = "stdin" if args.seeds_file == "-" else args.seeds_file
        try:
            text = sys.stdin.read() if args.seeds_file == "-" else \
                Path(args.seeds_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read seeds file {name}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from exc
        seeds += [(line.strip(), name, n) for n, line in enumerate(text.splitlines(), 1)
                  if line.strip() and not line.lstrip().startswith("#")]
    for seed, where, line in seeds:
        if normalize_url(seed) is None:
            at = f"{where}:{line}" if line else where
            raise ConfigError(f"{at}: not an http(s) URL: {seed!r}")
    return [s for s, _, _ in seeds]


def run_crawl(settings: Settings, seeds: list[str], *, resume: bool = False,
              wait: float = 0.0, quiet: bool = False, stream: TextIO | None = None
              ) -> CrawlStats | None:
    """Lock the archive, crawl, print the summary. Shared by ``crawl`` and ``demo``.

    Returns:
        What the crawl did, or ``None`` for ``--resume`` with nothing to resume and no
        seeds configured (nothing to do).
    """
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=SOFTWARE) as arc:
        arc.acquire_lock(wait)
        if resume and arc.store.last_unfinished_crawl() is None \
                and not (seeds or settings.crawl.seeds):
            return None
        start = time.monotonic()
        with CrawlReporter(quiet=quiet, stream=stream) as reporter:
            crawler = Crawler(settings, arc, on_event=reporter)
            stats = asyncio.run(crawler.run(seeds, resume=resume))
        reporter.summary(stats, time.monotonic() - start)
    return stats


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    if args.revisit:
        from .watch import cmd_revisit

        return cmd_revisit(args, settings)
    seeds = read_seeds(args)
    if args.seed_only:
        with Archive(settings.archive.path, settings.archive, create=True,
                     software=SOFTWARE) as arc:
            crawl_id = start_crawl(arc, settings, seeds)
            queued = arc.frontier.pending()
        where = redact(settings.archive.path)
        print(f"crawl {crawl_id}: queued {queued} seed URL(s) in {where}; start workers with "
              f"`newsarchive worker --archive {where}`", file=sys.stderr)
        return 0
    if not seeds and not args.resume and not settings.crawl.seeds:
        raise ConfigError("give seed URLs, --seeds-file FILE, crawl.seeds in config.toml, "
                          "or --resume")
    stats = run_crawl(settings, seeds, resume=args.resume, wait=args.wait, quiet=args.quiet)
    if stats is None:
        print("newsarchive: nothing to resume and no seeds configured; nothing to do",
              file=sys.stderr)
        return 0
    print(f"archive: {redact(settings.archive.path)}", file=sys.stderr)
    return 1 if stats.fetched and not stats.archived and stats.failed else 0


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    url = normalize_url(args.url)
    if url is None:
        raise ConfigError(f"not an http(s) URL: {args.url!r}")
    if args.no_archive:
        from ..extract import Extractor

        response = asyncio.run(_fetch_only(settings, url))
        article = Extractor(settings.extract).extract(response.content, response.url,
                                                      response.content_type)
        output.print_json(article.to_dict())
        return 0
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=SOFTWARE) as arc:
        done = asyncio.run(_fetch_and_archive(settings, arc, url))
        if done.result is None:
            raise NewsarchiveError(f"{url}: not archived ({done.outcome}"
                                   f"{': ' + done.detail if done.detail else ''})")
        data: dict[str, Any] = arc.record(done.result.version_id).to_dict() \
            if done.result.version_id is not None else \
            (done.article.to_dict() if done.article else {"url": url})
        data["capture_id"] = done.result.capture_id
        data["outcome"] = done.outcome
    output.print_json(data)
    return 0


async def _fetch_only(settings: Settings, url: str) -> HttpResponse:
    from ..fetch import Fetcher

    async with Fetcher(settings.fetch) as fetcher:
        response = await fetcher.fetch(url)
    if not 200 <= response.status < 300:
        raise NewsarchiveError(f"{url}: HTTP {response.status} {response.reason}")
    return response


async def _fetch_and_archive(settings: Settings, arc: Archive, url: str) -> Ingested:
    """One page, the way a crawl archives it (requisites, rendering as configured)."""
    from ..capture import Permit
    from ..fetch import Fetcher
    from ..ingest import Ingester
    from ..pagecapture import PageCapture, archive_page
    from ..robots import RobotsCache

    async with Fetcher(settings.fetch) as fetcher:
        robots = RobotsCache(fetcher.fetch, settings.fetch.user_agent) \
            if settings.crawl.respect_robots else None
        permit = Permit(robots=robots, allow_private=settings.fetch.allow_private,
                        delay=settings.crawl.per_host_delay)
        capture = PageCapture(settings.capture, fetcher, permit,
                              user_agent=settings.fetch.user_agent)
        try:
            cookies = capture.cookies.header_for(url) if capture.cookies else None
            response = await fetcher.fetch(url, headers={"Cookie": cookies} if cookies
                                           else None)
            if not 200 <= response.status < 300:
                raise NewsarchiveError(f"{url}: HTTP {response.status} {response.reason}")
            ingester = Ingester(arc, settings.extract, origin="fetch",
                                honor_noarchive=settings.crawl.honor_noarchive)
            done, _ = await archive_page(ingester, capture, response, requested_url=url)
        finally:
            await capture.aclose()
    return done


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    from ..extract import Extractor

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read {args.file}: {exc.strerror}") from exc
    output.print_json(Extractor(settings.extract).extract(data, args.url).to_dict())
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from ..demo import SiteServer, site_dir

    user_set_archive = args.opt__archive__path is not None or settings.archive.path != \
        Settings().archive.path
    path = Path(settings.archive.path if user_set_archive else "newsarchive-demo")
    marker = path / ".newsarchive-demo"
    if path.exists() and not user_set_archive:
        if not marker.exists():
            raise ConfigError(f"{path} exists and is not a demo archive; pass --archive PATH")
        shutil.rmtree(path)
    settings = dataclasses.replace(
        settings,
        archive=dataclasses.replace(settings.archive, path=str(path)),
        fetch=dataclasses.replace(settings.fetch, allow_private=True, retries=0),
        crawl=dataclasses.replace(settings.crawl, per_host_delay=0.0, max_depth=3),
    )
    out = output.Out()
    with SiteServer(site_dir()) as server:
        out.line(f"serving the sample site at {server.base_url} (loopback only)")
        stats = run_crawl(settings, [server.url("/")], quiet=True, stream=sys.stdout)
    marker.touch()
    with open_archive(path) as arc:
        records = list(arc.records())
        output.records_table(records, out, title="archived articles")
        seed = next((r for r in records if len(r.article.attributions) >= 4), None)
        if seed is not None:
            output.attributions(seed, out)
        hits = arc.search(Query(text='"proxy war"'))
        out.line(f'\nquery "proxy war": {len(hits)} hit(s): '
                 + ", ".join(f"#{h.record.id} {h.record.article.title}" for h in hits))
    new = stats.new if stats else 0
    out.line(f"\narchive written to {path.resolve()} "
             f"({new} articles; WARC files in {path.resolve() / 'warc'})")
    out.line(f"try: newsarchive query --archive {path} Lavrov   |   "
             f"newsarchive show --archive {path} 1")
    out.line(f"look at it in a browser: newsarchive serve --archive {path}")
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from ..worker import run_worker

    start = time.monotonic()
    with CrawlReporter(quiet=args.quiet) as reporter:
        stats = run_worker(settings, follow=args.follow, poll=args.poll, lease=args.lease,
                           jobs=args.jobs, on_event=reporter)
    reporter.summary(stats, time.monotonic() - start)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    if not is_database_url(args.to):
        raise ConfigError(f"--to must be a postgresql:// URL, got {args.to!r}")
    try:
        from archive.db.postgres import MIGRATIONS, PgStore
        from archive.db.postgres.copy import copy_archive
    except ImportError as exc:
        raise ConfigError("migrate needs psycopg: pip install 'newsarchive[postgres]'") from exc

    store = PgStore(args.to, create=True)
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


__all__ = ["cmd_crawl", "cmd_demo", "cmd_fetch", "cmd_migrate", "cmd_parse", "cmd_worker",
           "read_seeds", "run_crawl"]

