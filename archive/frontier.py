"""The crawl frontier, kept in the archive database so a killed crawl can resume.

States: ``queued`` → ``in-flight`` → ``done`` | ``failed`` | ``skipped``. A URL that
failed transiently goes back to ``queued`` with a later ``next_attempt_at``; ``attempts``
counts claims. On resume, ``in-flight`` rows (the crawl died while fetching them) are
either found in the archive (captured before the kill) or queued again.

The crawler claims host by host (``due_hosts`` then ``claim_host``), so a frontier
dominated by one site still keeps every other site busy.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FrontierItem:
    """A URL waiting to be fetched."""

    url: str
    host: str
    depth: int
    attempts: int
    source_url: str | None = None


class Frontier:
    """Queue operations on the ``frontier`` table (one connection, one process)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def clear(self) -> None:
        """Forget the previous crawl's frontier (a new, non-resumed crawl)."""
        self.conn.execute("DELETE FROM frontier")

    def add(self, items: Iterable[tuple[str, str, int, str | None]], crawl_id: int | None
            ) -> int:
        """Queue ``(url, host, depth, source_url)`` items not seen in this crawl yet."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO frontier(url, host, depth, crawl_id, source_url) "
            "VALUES (?, ?, ?, ?, ?)",
            [(u, h, d, crawl_id, s) for u, h, d, s in items])
        return self.conn.total_changes - before

    def requeue_in_flight(self) -> int:
        cur = self.conn.execute("UPDATE frontier SET state = 'queued' WHERE state = 'in-flight'")
        return cur.rowcount

    def claim(self, limit: int, now: float | None = None) -> list[FrontierItem]:
        """Mark up to ``limit`` due URLs in-flight and return them, oldest first."""
        now = time.time() if now is None else now
        rows = self.conn.execute(
            "UPDATE frontier SET state = 'in-flight', attempts = attempts + 1 WHERE url IN ("
            " SELECT url FROM frontier WHERE state = 'queued' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, rowid LIMIT ?)"
            " RETURNING url, host, depth, attempts, source_url", (now, limit)).fetchall()
        return [FrontierItem(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def next_due(self) -> float | None:
        row = self.conn.execute(
            "SELECT min(next_attempt_at) FROM frontier WHERE state = 'queued'").fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def finish(self, url: str, state: str, error: str | None = None) -> None:
        self.conn.execute("UPDATE frontier SET state = ?, last_error = ? WHERE url = ?",
                          (state, error, url))

    def retry_later(self, url: str, at: float, error: str) -> None:
        self.conn.execute(
            "UPDATE frontier SET state = 'queued', next_attempt_at = ?, last_error = ? "
            "WHERE url = ?", (at, error, url))

    def counts(self) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in self.conn.execute(
            "SELECT state, count(*) FROM frontier GROUP BY state")}

    def pending(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM frontier WHERE state IN ('queued', 'in-flight')").fetchone()
        return int(row[0])

    def due_hosts(self, now: float | None = None) -> set[str]:
        """Hosts with at least one queued URL due now."""
        now = time.time() if now is None else now
        return {str(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT host FROM frontier WHERE state = 'queued' AND next_attempt_at <= ?",
            (now,))}

    def claim_host(self, host: str, limit: int, now: float | None = None
                   ) -> list[FrontierItem]:
        """Mark up to ``limit`` due URLs of one host in-flight and return them."""
        now = time.time() if now is None else now
        rows = self.conn.execute(
            "UPDATE frontier SET state = 'in-flight', attempts = attempts + 1 WHERE rowid IN ("
            " SELECT rowid FROM frontier WHERE host = ? AND state = 'queued'"
            " AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?)"
            " RETURNING url, host, depth, attempts, source_url", (host, now, limit)).fetchall()
        items = [FrontierItem(r[0], r[1], r[2], r[3], r[4]) for r in rows]
        return sorted(items, key=lambda i: i.attempts)  # RETURNING order is unspecified

    def unclaim(self, urls: Iterable[str]) -> None:
        """Put claimed but never started URLs back, without counting an attempt."""
        self.conn.executemany(
            "UPDATE frontier SET state = 'queued', attempts = max(attempts - 1, 0) "
            "WHERE url = ? AND state = 'in-flight'", [(u,) for u in urls])

    def finish_host(self, host: str, state: str, error: str, *, keep: str | None = None
                    ) -> int:
        """Close every waiting URL of ``host`` (a host given up for this run).

        Args:
            host: the host.
            state: ``skipped`` or ``failed``.
            error: the reason recorded on each row.
            keep: a URL left alone (the one being handled).

        Returns:
            How many URLs were closed.
        """
        cur = self.conn.execute(
            "UPDATE frontier SET state = ?, last_error = ? WHERE host = ? AND url IS NOT ? "
            "AND state IN ('queued', 'in-flight')", (state, error, host, keep))
        return cur.rowcount

    def in_flight(self) -> list[FrontierItem]:
        """URLs claimed when the last run stopped (for resume)."""
        rows = self.conn.execute(
            "SELECT url, host, depth, attempts, source_url FROM frontier "
            "WHERE state = 'in-flight' ORDER BY rowid").fetchall()
        return [FrontierItem(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def captured_page(self, url: str, crawl_id: int) -> str | None:
        """The page URL under which ``url`` was archived in this crawl, if it was."""
        # Through pages.url (unique index) and captures(page_id): cheap on big archives.
        # A page archived under another canonical URL is missed and simply re-checked.
        row = self.conn.execute(
            "SELECT p.url FROM pages p JOIN captures c ON c.page_id = p.id "
            "WHERE p.url = ? AND c.crawl_id = ? LIMIT 1", (url, crawl_id)).fetchone()
        return str(row[0]) if row else None

    def crawl_seeds(self, crawl_id: int) -> list[str]:
        """The seeds a crawl started from (resume uses them for its scope)."""
        row = self.conn.execute("SELECT seeds FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        return [str(s) for s in json.loads(row[0])] if row else []
