"""Handlers that revisit: ``watch`` (rounds until stopped) and ``crawl --revisit`` (one
round, for cron). Thin: parse, call :class:`scraper.watch.Watcher`, print."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal
import sys
from collections.abc import Callable

from archive import Archive
from archive.errors import CrawlLockedError

from ..config import Settings
from ..crawl import CrawlEvent
from ..watch import RoundStats, Watcher
from . import output
from .crawl import SOFTWARE, read_seeds


def _clock(epoch: float | None) -> str:
    if epoch is None:
        return "-"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _fronts(args: argparse.Namespace) -> list[str]:
    return read_seeds(argparse.Namespace(seeds=list(getattr(args, "urls", None)
                                                    or getattr(args, "seeds", None) or []),
                                         seeds_file=args.seeds_file))


def _summary(stats: RoundStats, watcher: Watcher) -> str:
    return (f"{_clock(watcher.clock())} round: {stats.checked} checked, {stats.changed} "
            f"changed, {stats.new_articles} new articles, {stats.failed} failed; next due "
            f"{_clock(watcher.schedule.next_due())}")


def _report(quiet: bool) -> Callable[[CrawlEvent], None]:
    def on_event(event: CrawlEvent) -> None:
        if event.outcome == "failed":
            print(f"failed: {event.url}: {event.detail}", file=sys.stderr)
        elif not quiet and event.outcome == "new-version":
            print(f"changed: {event.url}", file=sys.stderr)

    return on_event


async def _round(watcher: Watcher, arc: Archive, wait: float) -> RoundStats | None:
    """One round under the archive's crawl lock; ``None`` when another crawl holds it
    for longer than ``wait``."""
    try:
        await asyncio.to_thread(arc.acquire_lock, wait)
    except CrawlLockedError as exc:
        print(f"newsarchive: {exc}; round skipped", file=sys.stderr)
        return None
    try:
        return await watcher.round()
    finally:
        arc.release_lock()


def cmd_revisit(args: argparse.Namespace, settings: Settings) -> int:
    """``crawl --revisit``: watch the URLs given, then check what is due, once."""
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=SOFTWARE) as arc:
        watcher = Watcher(settings, arc, on_event=_report(args.quiet))
        watcher.add_fronts(_fronts(args))
        arc.acquire_lock(args.wait)
        stats = asyncio.run(watcher.round())
        print(_summary(stats, watcher), file=sys.stderr)
    return 1 if stats.failed and not stats.checked else 0


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    with Archive(settings.archive.path, settings.archive, create=not args.list,
                 software=SOFTWARE) as arc:
        watcher = Watcher(settings, arc, on_event=_report(args.quiet))
        if args.list:
            return _list(watcher, args.json)
        added = watcher.add_fronts(_fronts(args))
        fronts = watcher.schedule.counts()["front"]
        if not fronts:
            print("newsarchive: nothing to watch: give front page URLs (or -i FILE)",
                  file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"watching {fronts} front page(s) ({added} new) in "
                  f"{settings.archive.path}; Ctrl-C to stop", file=sys.stderr)
        return asyncio.run(_watch(watcher, arc, args))


async def _watch(watcher: Watcher, arc: Archive, args: argparse.Namespace) -> int:
    """Rounds until ``--rounds`` are done or a signal stops them (exit 0 either way)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    done = 0
    try:
        while args.rounds is None or done < args.rounds:
            stats = await _round(watcher, arc, watcher.settings.watch.poll)
            done += 1
            if stats is not None and not args.quiet:
                print(_summary(stats, watcher), file=sys.stderr)
            if args.rounds is not None and done >= args.rounds:
                break
            await watcher.sleep(max(0.0, watcher.next_wake() - watcher.clock()))
    except asyncio.CancelledError:
        print("newsarchive: watch stopped", file=sys.stderr)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def _list(watcher: Watcher, as_json: bool) -> int:
    output.listing(
        watcher.schedule.entries(), as_json=as_json, empty="nothing is watched",
        columns=("url", "kind", "every", "next due (UTC)", "checks", "changes",
                 "last changed (UTC)"),
        row=lambda e: (e.url, e.kind, f"{e.interval / 60:g} min",
                       _clock(e.next_at) if e.next_at is not None else "retired",
                       str(e.checks), str(e.changes), _clock(e.last_changed)))
    return 0
