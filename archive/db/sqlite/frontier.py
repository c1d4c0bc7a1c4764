"""The crawl frontier of a SQLite archive, kept in its database so a killed crawl resumes.

One crawl at a time (the crawl lock sees to it), one process, so a claim needs no lease:
``in-flight`` rows left by a dead run are handed back by :meth:`SqliteFrontier.recover`
for the crawler to settle (archived already, or queued again). URLs are claimed a few
per host (:meth:`refill`), so a frontier dominated by one site keeps every site busy.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable

from ...types import FrontierItem
from ..base import QueueItem
from .store import translated

PER_HOST = 2  # URLs claimed per host at once


def _item(row: tuple[object, ...]) -> FrontierItem:
    return FrontierItem(str(row[0]), str(row[1]), int(str(row[2])), int(str(row[3])),
                        None if row[4] is None else str(row[4]))


class SqliteFrontier:
    """Queue operations on the ``frontier`` table (see :class:`archive.db.base.Frontier`)."""

    def __init__(self, conn: sqlite3.Connection, where: str = "archive.sqlite") -> None:
        self.conn = conn
        self.where = where

    @translated
    def begin(self, crawl_id: int, *, delay: float, fresh: bool) -> None:
        """A new crawl forgets the previous one's rows (one crawl per SQLite frontier)."""
        if fresh:
            self.conn.execute("DELETE FROM frontier")

    def share(self, *, lease: float | None, max_hosts: int | None) -> None:
        """Nothing to share: one crawl, one process."""

    @translated
    def add(self, items: Iterable[QueueItem], crawl_id: int | None = None) -> int:
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO frontier(url, host, depth, crawl_id, source_url) "
            "VALUES (?, ?, ?, ?, ?)",
            [(u, h, d, crawl_id, s) for u, h, d, s in items])
        return self.conn.total_changes - before

    @translated
    def refill(self, hosts: int, exclude: Collection[str] = ()) -> list[FrontierItem]:
        """Claim up to ``PER_HOST`` due URLs from each of up to ``hosts`` due hosts not
        in ``exclude``, the host waiting longest first."""
        now = time.time()
        due = [str(r[0]) for r in self.conn.execute(
            "SELECT host FROM frontier WHERE state = 'queued' AND next_attempt_at <= ? "
            "GROUP BY host ORDER BY min(next_attempt_at)", (now,))]
        items: list[FrontierItem] = []
        for host in [h for h in due if h not in exclude][:hosts]:
            rows = self.conn.execute(
                "UPDATE frontier SET state = 'in-flight', attempts = attempts + 1 WHERE rowid "
                "IN (SELECT rowid FROM frontier WHERE host = ? AND state = 'queued'"
                " AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?)"
                " RETURNING url, host, depth, attempts, source_url",
                (host, now, PER_HOST)).fetchall()
            items += sorted((_item(r) for r in rows), key=lambda i: i.attempts)
        return items

    @translated
    def release(self, urls: Iterable[str]) -> None:
        self.conn.executemany(
            "UPDATE frontier SET state = 'queued', attempts = max(attempts - 1, 0) "
            "WHERE url = ? AND state = 'in-flight'", [(u,) for u in urls])

    @translated
    def recover(self) -> list[FrontierItem]:
        """The URLs in flight when the last run stopped (all of them: one process)."""
        rows = self.conn.execute(
            "SELECT url, host, depth, attempts, source_url FROM frontier "
            "WHERE state = 'in-flight' ORDER BY rowid").fetchall()
        return [_item(r) for r in rows]

    @translated
    def finish(self, url: str, state: str, error: str | None = None) -> None:
        self.conn.execute("UPDATE frontier SET state = ?, last_error = ? WHERE url = ?",
                          (state, error, url))

    @translated
    def retry_later(self, url: str, at: float, error: str) -> None:
        self.conn.execute(
            "UPDATE frontier SET state = 'queued', next_attempt_at = ?, last_error = ? "
            "WHERE url = ?", (at, error, url))

    @translated
    def give_up_host(self, host: str, state: str, error: str, *, keep: str | None = None
                     ) -> int:
        cur = self.conn.execute(
            "UPDATE frontier SET state = ?, last_error = ? WHERE host = ? AND url IS NOT ? "
            "AND state IN ('queued', 'in-flight')", (state, error, host, keep))
        return cur.rowcount

    def set_host_delay(self, host: str, seconds: float) -> None:
        """Nothing to share: the one crawling process paces its hosts itself."""

    @translated
    def next_due(self) -> float | None:
        row = self.conn.execute(
            "SELECT min(next_attempt_at) FROM frontier WHERE state = 'queued'").fetchone()
        return float(row[0]) if row and row[0] is not None else None

    @translated
    def pending(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM frontier WHERE state IN ('queued', 'in-flight')").fetchone()
        return int(row[0])

    @translated
    def counts(self) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in self.conn.execute(
            "SELECT state, count(*) FROM frontier GROUP BY state")}

    @translated
    def captured_page(self, url: str, crawl_id: int) -> str | None:
        """The page URL under which ``url`` was archived in this crawl, if it was."""
        # Through pages.url (unique index) and captures(page_id): cheap on big archives.
        # A page archived under another canonical URL is missed and simply re-checked.
        row = self.conn.execute(
            "SELECT p.url FROM pages p JOIN captures c ON c.page_id = p.id "
            "WHERE p.url = ? AND c.crawl_id = ? LIMIT 1", (url, crawl_id)).fetchone()
        return str(row[0]) if row else None
