"""Crawl progress: a live line on a terminal, plain log lines otherwise (cron, CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..crawl import CrawlEvent, CrawlStats


class CrawlReporter:
    """Receives :class:`CrawlEvent` s and shows them.

    On a terminal: a spinner with counts. Elsewhere: one line per failure and a
    progress line every ``every`` seconds, so cron mail stays short.
    """

    def __init__(self, *, stream: TextIO | None = None, quiet: bool = False,
                 every: float = 30.0) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.console = Console(file=self.stream, highlight=False)
        self.live = self.stream.isatty() and not quiet
        self.every = every
        self._last = time.monotonic()
        self._done = 0
        self._progress: Progress | None = None
        self._task = None

    def __enter__(self) -> CrawlReporter:
        if self.live:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TimeElapsedColumn(), console=self.console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("starting")  # type: ignore[assignment]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, event: CrawlEvent) -> None:
        self._done += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=(
                f"{self._done} handled, {event.pending} queued — {event.outcome}: "
                f"{event.url[:70]}"))
            if event.outcome == "failed":
                self._progress.console.print(f"[red]failed[/red] {event.url}: {event.detail}")
            return
        if self.quiet:
            return
        if event.outcome == "failed":
            print(f"failed {event.url}: {event.detail}", file=self.stream)
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            print(f"progress: {self._done} handled, {event.pending} queued", file=self.stream)

    def summary(self, stats: CrawlStats, seconds: float) -> None:
        """The end-of-run table: fetched, new, versions, unchanged, skipped, failed."""
        table = Table(title=f"crawl finished in {seconds:.1f}s", show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        rows = [("fetched", stats.fetched), ("new articles", stats.new),
                ("new versions", stats.new_versions), ("unchanged", stats.unchanged),
                ("not modified (304)", stats.not_modified),
                ("URLs discovered", stats.discovered)]
        rows += [(f"skipped: {k}", v) for k, v in sorted(stats.skipped.items())]
        rows += [(f"failed: {k}", v) for k, v in sorted(stats.failed.items())]
        for what, count in rows:
            table.add_row(what, str(count))
        self.console.print(table)
