"""Extraction on every core, for bulk work (``import -j``, ``reextract``): the archive has
one writer, the extractor runs in worker processes.

:class:`ExtractPool` takes pages in order and gives their articles back in the same
order, with a bounded number in flight, so memory stays flat however large the input.
With one job it extracts in the calling process (no pickling, no start-up).

Usage::

    with ExtractPool(settings.extract, jobs=4) as pool:
        for key, article in pool.map((key, content, url, ctype) for ...):
            ...
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from archive.types import Article

from .config import ExtractSettings
from .extract import Extractor

K = TypeVar("K")
Page = tuple[bytes, str | None, str | None]  # content, url, content type

@functools.cache
def _extractor(settings: ExtractSettings) -> Extractor:
    """The worker process's extractor for these settings (made once per process)."""
    return Extractor(settings)


def _extract(settings: ExtractSettings, pages: list[Page]) -> list[Article | Exception]:
    extractor = _extractor(settings)
    out: list[Article | Exception] = []
    for content, url, ctype in pages:
        try:
            out.append(extractor.extract(content, url, ctype))
        except Exception as exc:  # reported per page, as the single-process path does
            out.append(exc)
    return out


def default_jobs() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count() or 1


class ExtractPool(Generic[K]):
    """Extracts pages in ``jobs`` processes, in order (see the module docstring).

    Args:
        settings: how pages are read.
        jobs: processes (1: in this process).
        chunk: pages sent to a worker at once (fewer round trips for small pages).
    """

    def __init__(self, settings: ExtractSettings, jobs: int = 1, *, chunk: int = 8) -> None:
        self.jobs = max(1, jobs)
        self.chunk = chunk
        self.settings = settings
        self._local = Extractor(settings) if self.jobs == 1 else None
        self._pool = None if self.jobs == 1 else concurrent.futures.ProcessPoolExecutor(
            self.jobs, mp_context=multiprocessing.get_context("forkserver"))

    def __enter__(self) -> ExtractPool[K]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, pages: Iterable[tuple[K, bytes, str | None, str | None]]
            ) -> Iterator[tuple[K, Article | Exception]]:
        """Each page's key with its article (or the exception raised on it), in order."""
        if self._pool is None:
            assert self._local is not None
            for key, content, url, ctype in pages:
                try:
                    yield key, self._local.extract(content, url, ctype)
                except Exception as exc:
                    yield key, exc
            return
        window: collections.deque[tuple[list[K], concurrent.futures.Future[
            list[Article | Exception]]]] = collections.deque()
        keys: list[K] = []
        batch: list[Page] = []
        for key, content, url, ctype in pages:
            keys.append(key)
            batch.append((content, url, ctype))
            if len(batch) >= self.chunk:
                window.append((keys, self._pool.submit(_extract, self.settings, batch)))
                keys, batch = [], []
                while len(window) > 2 * self.jobs:  # bounded: memory flat in the input
                    yield from _done(window.popleft())
        if batch:
            window.append((keys, self._pool.submit(_extract, self.settings, batch)))
        while window:
            yield from _done(window.popleft())


def _done(entry: tuple[list[K], concurrent.futures.Future[list[Article | Exception]]]
          ) -> Iterator[tuple[K, Article | Exception]]:
    keys, future = entry
    yield from zip(keys, future.result(), strict=True)
