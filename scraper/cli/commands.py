"""Handlers for the crawler's commands: crawl, fetch, parse, demo. Thin by design."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console

from archive import Archive, Query, open_archive
from archive.cli import print_attributions, print_records_table
from archive.errors import ConfigError, ExtractionError, NewsarchiveError

from ..config import Settings
from ..crawl import Crawler, CrawlStats
from ..demo import SiteServer, site_dir
from ..extract import Extractor
from ..fetch import Fetcher
from ..urls import normalize_url
from .progress import CrawlReporter

EXIT_LOCKED = 75  # EX_TEMPFAIL: another crawl holds the archive; cron may retry later


def add_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                 parents: list[argparse.ArgumentParser]) -> None:
    """Add ``crawl``, ``fetch``, ``parse`` and ``demo`` to the CLI."""
    c = sub.add_parser("crawl", parents=parents, help="crawl seed URLs into the archive",
                       description="Crawl seeds (and what they link to, their sitemaps and "
                       "feeds, within scope) politely into the archive. Re-crawls send "
                       "conditional requests and store only changed pages as new versions.")
    c.add_argument("seeds", nargs="*", metavar="URL",
                   help="seed URLs (default: crawl.seeds in config.toml)")
    c.add_argument("-i", "--seeds-file", metavar="FILE",
                   help="file with one seed URL per line (# comments allowed); - for stdin")
    c.add_argument("--resume", action="store_true",
                   help="continue the last unfinished crawl of this archive")
    c.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for another crawl on the same archive to finish "
                   f"(default 0: exit at once with code {EXIT_LOCKED})")
    c.add_argument("-q", "--quiet", action="store_true", help="only errors and the summary")
    c.set_defaults(handler=cmd_crawl)

    f = sub.add_parser("fetch", parents=parents, help="fetch one page, archive it, print JSON",
                       description="Fetch one URL, extract it, archive it and print the record "
                       "as JSON.")
    f.add_argument("url", help="the page URL")
    f.add_argument("--no-archive", action="store_true", help="print only, do not archive")
    f.set_defaults(handler=cmd_fetch)

    p = sub.add_parser("parse", parents=parents, help="extract from a saved HTML file",
                       description="Extract title, dates, authors, body and attributions "
                       "from a saved HTML file (no network) and print JSON.")
    p.add_argument("file", help="HTML file (- for stdin)")
    p.add_argument("--url", help="the page's original URL (resolves links, URL dates)")
    p.set_defaults(handler=cmd_parse)

    d = sub.add_parser("demo", parents=parents, help="crawl the bundled sample site offline",
                       description="Serve the bundled sample site on 127.0.0.1, crawl it into "
                       "an archive (default ./newsarchive-demo, replaced each run), and show "
                       "what was found.")
    d.set_defaults(handler=cmd_demo)


def _read_seeds(args: argparse.Namespace) -> list[str]:
    seeds = list(args.seeds)
    if args.seeds_file:
        try:
            text = sys.stdin.read() if args.seeds_file == "-" else \
                Path(args.seeds_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read seeds file {args.seeds_file}: {exc.strerror}") \
                from exc
        seeds += [line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")]
    for seed in seeds:
        if normalize_url(seed) is None:
            raise ConfigError(f"not an http(s) URL: {seed!r}")
    return seeds


def run_crawl(settings: Settings, seeds: list[str], *, resume: bool = False,
              wait: float = 0.0, quiet: bool = False, stream: TextIO | None = None
              ) -> CrawlStats:
    """Lock the archive, crawl, print the summary. Shared by ``crawl`` and ``demo``."""
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=f"newsarchive/{_version()}") as arc:
        arc.acquire_lock(wait)
        start = time.monotonic()
        with CrawlReporter(quiet=quiet, stream=stream) as reporter:
            crawler = Crawler(settings, arc, on_event=reporter)
            stats = asyncio.run(crawler.run(seeds, resume=resume))
        reporter.summary(stats, time.monotonic() - start)
    return stats


def _version() -> str:
    from .. import __version__

    return __version__


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    seeds = _read_seeds(args)
    if not seeds and not args.resume and not settings.crawl.seeds:
        raise ConfigError("give seed URLs, --seeds-file FILE, crawl.seeds in config.toml, "
                          "or --resume")
    try:
        stats = run_crawl(settings, seeds, resume=args.resume, wait=args.wait, quiet=args.quiet)
    except NewsarchiveError as exc:
        if "another crawl" in str(exc):
            print(f"newsarchive: {exc}", file=sys.stderr)
            return EXIT_LOCKED
        raise
    print(f"archive: {Path(settings.archive.path).resolve()}", file=sys.stderr)
    return 1 if stats.fetched and not (stats.new + stats.new_versions + stats.unchanged
                                       + stats.not_modified) and stats.failed else 0


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    url = normalize_url(args.url)
    if url is None:
        raise ConfigError(f"not an http(s) URL: {args.url!r}")

    async def fetch() -> tuple[object, object]:
        async with Fetcher(settings.fetch) as fetcher:
            return await fetcher.fetch(url), None

    response, _ = asyncio.run(fetch())
    from archive.types import HttpResponse

    assert isinstance(response, HttpResponse)
    if not 200 <= response.status < 300:
        raise NewsarchiveError(f"{url}: HTTP {response.status} {response.reason}")
    article = Extractor(settings.extract).extract(response.content, response.url,
                                                  response.content_type)
    data = article.to_dict()
    if not args.no_archive:
        with Archive(settings.archive.path, settings.archive, create=True,
                     software=f"newsarchive/{_version()}") as arc:
            result = arc.store_response(response, article, page_url=url)
            if result.version_id is not None:
                data = arc.record(result.version_id).to_dict()
            data["capture_id"] = result.capture_id
            data["outcome"] = result.outcome
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read {args.file}: {exc.strerror}") from exc
    article = Extractor(settings.extract).extract(data, args.url)
    print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
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
    console = Console(highlight=False)
    with SiteServer(site_dir()) as server:
        console.print(f"serving the sample site at {server.base_url} (loopback only)")
        stats = run_crawl(settings, [server.url("/")], quiet=True, stream=sys.stdout)
    marker.touch()
    with open_archive(path) as arc:
        records = list(arc.records())
        print_records_table(records, console, title="archived articles")
        seed = next((r for r in records if len(r.article.attributions) >= 4), None)
        if seed is not None:
            print_attributions(seed, console)
        hits = arc.search(Query(text='"proxy war"'))
        console.print(f'\nquery "proxy war": {len(hits)} hit(s): '
                      + ", ".join(f"#{h.record.id} {h.record.article.title}" for h in hits))
    console.print(f"\narchive written to {path.resolve()} "
                  f"({stats.new} articles; WARC files in {path.resolve() / 'warc'})")
    console.print(f"try: newsarchive query --archive {path} Lavrov   |   "
                  f"newsarchive show --archive {path} 1")
    return 0
