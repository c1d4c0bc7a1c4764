"""A few reader threads, each with its own open archive, that run the pages' queries.

A SQLite connection belongs to the thread that opened it, and a query blocks; so the
app's event loop hands each page's reads to one of these threads instead of opening
the archive per request (opening runs the schema check) or sharing one connection.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from .. import Archive

T = TypeVar("T")
_STOP = object()


class ReaderPool:
    """``size`` threads, each holding one archive from ``opener`` while it lives.

    Usage::

        pool = ReaderPool(lambda: open_archive("newsarchive-data"), size=4)
        record = await pool.run(lambda arc: arc.record(1))
        pool.close()
    """

    def __init__(self, opener: Callable[[], Archive], *, size: int = 4) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._opener = opener
        self._threads = [threading.Thread(target=self._work, name=f"newsarchive-reader-{i}",
                                          daemon=True) for i in range(size)]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        archive: Archive | None = None
        try:
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    return
                fn, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if archive is None:
                        archive = self._opener()
                    future.set_result(fn(archive))
                except BaseException as exc:  # handed to the awaiting request
                    future.set_exception(exc)
        finally:
            if archive is not None:
                archive.close()

    def submit(self, fn: Callable[[Archive], T]) -> Future[T]:
        """Run ``fn(archive)`` on a reader thread."""
        future: Future[T] = Future()
        self._jobs.put((fn, future))
        return future

    async def run(self, fn: Callable[[Archive], T]) -> T:
        """Await ``fn(archive)`` run on a reader thread."""
        return await asyncio.wrap_future(self.submit(fn))

    def close(self) -> None:
        """Stop the threads once their current jobs are done; each closes its archive."""
        for _ in self._threads:
            self._jobs.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=30)
