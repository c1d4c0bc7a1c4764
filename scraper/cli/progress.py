"""Crawl progress: a live line on a terminal, plain log lines otherwise (cron, CI).

Log lines start with the time (UTC, ISO 8601) and the crawl's id, so a cron log that
collects many runs says which run each line belongs to.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..crawl import CrawlEvent, CrawlStats
from .output import PIPE_WIDTH


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class CrawlReporter:
    """Receives :class:`CrawlEvent` s and shows them.

    On a terminal: a spinner with counts. Elsewhere: one line per failure and a
    progress line every ``every`` seconds, so cron mail stays short.
    """

    def __init__(self, *, stream: TextIO | None = None, quiet: bool = False,
                 every: float = 30.0) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        tty = self.stream.isatty()
        self.console = Console(file=self.stream, highlight=False, soft_wrap=not tty,
                               width=None if tty else PIPE_WIDTH)
        self.live = self.stream.isatty() and not quiet
        self.every = every
        self._last = time.monotonic()
        self._done = 0
        self._crawl = 0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> CrawlReporter:
        if self.live:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TimeElapsedColumn(), console=self.console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("starting")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _line(self, text: str) -> None:
        print(f"{_stamp()} crawl {self._crawl}: {text}", file=self.stream, flush=True)

    def __call__(self, event: CrawlEvent) -> None:
        self._done += 1
        self._crawl = event.crawl_id or self._crawl
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=(
                f"{self._done} handled, {event.pending} queued — {event.outcome}: "
                f"{event.url[:70]}"))
            if event.outcome == "failed":
                self._progress.console.print(Text.assemble(
                    ("failed", "red"), f" {event.url}: {event.detail}"))
            return
        if self.quiet:
            return
        if event.outcome == "failed":
            self._line(f"failed {event.url}: {event.detail}")
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._line(f"progress: {self._done} handled, {event.pending} queued")

    def summary(self, stats: CrawlStats, seconds: float) -> None:
        """The end-of-run table: fetched, new, versions, unchanged, gone, skipped, failed,
        and what is left queued."""
        self._crawl = stats.crawl_id or self._crawl
        title = f"crawl {self._crawl} finished in {seconds:.1f}s"
        if not self.live:
            title = f"{_stamp()} {title}"
        table = Table(title=title, show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        rows = [("fetched", stats.fetched), ("new articles", stats.new),
                ("new versions", stats.new_versions), ("unchanged", stats.unchanged),
                ("not modified (304)", stats.not_modified), ("gone (404/410)", stats.gone),
                ("URLs discovered", stats.discovered)]
        if stats.requisites or stats.rendered:
            rows += [("page requisites kept", stats.requisites),
                     ("rendered in a browser", stats.rendered)]
        rows += [(f"skipped: {k}", v) for k, v in sorted(stats.skipped.items())]
        rows += [(f"failed: {k}", v) for k, v in sorted(stats.failed.items())]
        if stats.left:
            rows.append(("left queued", stats.left))
        for what, count in rows:
            table.add_row(what, str(count))
        self.console.print(table)
        if stats.left:
            self.console.print(
                f"{stats.left} URLs are still queued (crawl.max_pages reached); continue "
                "with `newsarchive crawl --resume`", markup=False)
