"""The two interfaces every database backend implements: :class:`Store` and :class:`Frontier`.

:class:`archive.Archive`, the crawler and the workers talk to these and never ask which
backend they have; where the backends differ (search, integrity check, how a frontier
is refilled, recovered and released, host delays shared between workers) the difference
is a method here. ``archive.db.sqlite`` and ``archive.db.postgres`` implement them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ..query import Query
from ..types import (
    Article,
    Attribution,
    Capture,
    FrontierItem,
    OriginalCapture,
    Record,
    Resource,
    SearchHit,
)
from .sql import Dialect

# (url, host, depth, source_url): a URL to queue
QueueItem = tuple[str, str, int, str | None]


class Store(Protocol):
    """Records: pages, captures, versions, attributions, resources and crawls.

    Write methods join the caller's ``transaction()`` when one is open on this thread.
    """

    dialect: Dialect
    where: str  # the database, for messages (no password)

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[object]:
        """One transaction (nested: a savepoint); store calls in it join it."""
        ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read query written with ``?`` placeholders."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement (``?`` placeholders); returns the rows it changed."""
        ...

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one writing statement once per row of parameters."""
        ...

    # -- pages -------------------------------------------------------------------------
    def page_id(self, url: str, now: str) -> int: ...
    def prepare_pages(self, pages: Sequence[tuple[str, str]]) -> None:
        """The pages of these (page URL, first seen) pairs are about to be stored in
        the open transaction: find or make them now, together (a hint, for a batch;
        :meth:`page_id` answers without it)."""
        ...
    def find_page(self, url: str) -> tuple[int, str]: ...
    def validators(self, url: str) -> tuple[str | None, str | None]: ...
    def set_validators(self, page_id: int, etag: str | None, last_modified: str | None,
                       checked: str) -> None:
        """Record a successful check of a page (it is not gone) and its validators."""
        ...
    def set_gone(self, page_id: int, since: str) -> None:
        """Mark a page gone (404/410, redirected away) since ``since``, unless it is
        already; a later successful check (``set_validators``) clears it."""
        ...
    def latest_version(self, page_id: int) -> tuple[int, str] | None: ...
    def original_payload(self, page_id: int, digest: str) -> OriginalCapture | None: ...
    def latest_response_location(self, page_url: str) -> tuple[str, int] | None: ...
    def imported(self, origin_record_id: str | None, url: str, fetched_at: str,
                 digest: str) -> bool:
        """Whether a record was imported before (same WARC-Record-ID, or same URL,
        time and payload digest)."""
        ...

    # -- writing -----------------------------------------------------------------------
    def add_capture(self, *, page_id: int, url: str, fetched_at: str, status: int, kind: str,
                    content_type: str | None, payload_digest: str | None,
                    content_hash: str | None, warc: tuple[str, int, int] | None,
                    crawl_id: int | None, warc_record_id: str | None = None,
                    revisit_of: int | None = None,
                    origin_record_id: str | None = None) -> int: ...
    def add_version(self, *, page_id: int, capture_id: int, captured_at: str,
                    content_hash: str, article: Article, extractor: str | None = None,
                    origin: str = "crawl") -> int: ...
    def link_capture(self, capture_id: int, version_id: int) -> None: ...
    def add_resource(self, *, url: str, fetched_at: str, status: int | None, kind: str,
                     role: str, content_type: str | None, payload_digest: str | None,
                     warc: tuple[str, int, int], warc_record_id: str | None,
                     revisit_of: int | None, capture_id: int | None,
                     crawl_id: int | None) -> int: ...
    def original_resource(self, digest: str) -> OriginalCapture | None:
        """The first resource stored with this payload digest (any URL), if any."""
        ...
    def resources(self, where: str = "", params: tuple[Any, ...] = ()) -> list[Resource]:
        """Resources in id order, optionally filtered by a SQL ``where``."""
        ...

    # -- reading -----------------------------------------------------------------------
    def record(self, version_id: int) -> Record: ...
    def records(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Record]: ...
    def attributions(self, version_id: int) -> tuple[Attribution, ...]: ...
    def capture(self, capture_id: int) -> Capture: ...
    def captures(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Capture]: ...
    def counts(self) -> dict[str, int]: ...

    def search(self, query: Query) -> list[SearchHit]:
        """Full-text search with filters (see :mod:`archive.query`)."""
        ...

    def matching(self, query: Query, columns: str, *, limit: int, order: str = ""
                 ) -> list[tuple[Any, ...]]:
        """``columns`` (SQL over ``versions v`` joined to ``pages p``) of the versions
        matching a query's text and filters, unranked (or in ``order``), at most
        ``limit``: for facets and provenance, which read matches but not their rank."""
        ...

    def integrity_problems(self) -> list[str]:
        """What the database's own consistency check reports (empty: none)."""
        ...

    # -- crawls ------------------------------------------------------------------------
    def start_crawl(self, seeds: list[str], settings: dict[str, Any], kind: str = "crawl"
                    ) -> int:
        """Record a crawl, or another job run through the frontier or checkpointed in
        its stats (``kind``: ``crawl``, ``import``, ``reextract``)."""
        ...
    def last_unfinished_crawl(self, kind: str = "crawl") -> int | None: ...
    def unfinished_crawls(self, kind: str = "crawl") -> list[int]: ...
    def set_crawl_stats(self, crawl_id: int, stats: dict[str, Any]) -> None:
        """Save a running job's progress (its checkpoint) with the job."""
        ...
    def crawl_seeds(self, crawl_id: int) -> list[str]: ...
    def crawl_settings(self, crawl_id: int) -> dict[str, Any]: ...
    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None: ...


class Frontier(Protocol):
    """The crawl queue: ``queued`` → ``in-flight`` → ``done`` | ``failed`` | ``skipped``.

    A claimed URL is in flight until finished, retried later or released. Hosts are
    claimed whole (a few URLs of each), so the crawler can pace every host itself.
    """

    def begin(self, crawl_id: int, *, delay: float, fresh: bool) -> None:
        """Work on this crawl from now on, ``delay`` seconds apart per host; ``fresh``:
        it is a new crawl (a single-crawl frontier forgets the previous one)."""
        ...

    def share(self, *, lease: float | None, max_hosts: int | None) -> None:
        """How this process shares the frontier with other workers: how long its claims
        last if it dies (``None``: the default) and how many hosts it may hold at once.
        A frontier only one process uses ignores both."""
        ...

    def add(self, items: Iterable[QueueItem], crawl_id: int | None = None) -> int:
        """Queue items not seen in this crawl yet; returns how many were new."""
        ...

    def refill(self, hosts: int, exclude: Collection[str] = ()) -> list[FrontierItem]:
        """Claim due URLs from up to ``hosts`` hosts not in ``exclude``."""
        ...

    def release(self, urls: Iterable[str]) -> None:
        """Put claimed but never started URLs back, without counting an attempt."""
        ...

    def recover(self) -> list[FrontierItem]:
        """After a crash: queue again what a dead run left in flight, and return the
        URLs whose fate the caller must settle (they may be archived already)."""
        ...

    def finish(self, url: str, state: str, error: str | None = None) -> None: ...
    def retry_later(self, url: str, at: float, error: str) -> None: ...
    def give_up_host(self, host: str, state: str, error: str, *, keep: str | None = None
                     ) -> int:
        """Close every waiting URL of a host given up for this run; returns how many."""
        ...
    def set_host_delay(self, host: str, seconds: float) -> None:
        """Space requests to ``host`` at least ``seconds`` apart, for every process that
        shares this frontier (a no-op where one process is the only crawler)."""
        ...
    def next_due(self) -> float | None: ...
    def pending(self) -> int: ...
    def counts(self) -> dict[str, int]: ...
    def captured_page(self, url: str, crawl_id: int) -> str | None: ...
