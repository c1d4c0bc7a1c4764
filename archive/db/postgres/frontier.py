"""The crawl frontier shared by many workers in PostgreSQL
(see :class:`archive.db.base.Frontier`), safe for workers on many machines:

- **Claims** lock due rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent
  workers never claim one row twice and never wait on each other.
- **Politeness across workers**: each host has a row in ``hosts``. A claim takes one
  URL per host (``per_host``) and *holds* the host until it is finished; finishing sets
  the host's ``next_allowed_at`` to the database clock plus the crawl's delay. Two
  requests to one host, from any workers, are therefore at least the delay apart.
- **Leases**: a claim (and the host it holds) lasts ``lease`` seconds; a background
  thread renews this worker's leases while it lives. A killed worker stops renewing,
  and its URLs are claimed again once the lease runs out.
- **Once per crawl**: rows are unique per ``(crawl_id, url)`` and only ``queued`` (or
  lease-expired ``in-flight``) rows are claimable, so a URL is fetched once per crawl.

Times are epoch seconds on the database's clock, so workers' clocks need not agree.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable
from typing import Any

from ...types import FrontierItem
from ..base import QueueItem
from .store import PgStore

LEASE_SECONDS = 30.0  # how long a dead worker's claims stay blocked
_NOW = "extract(epoch FROM clock_timestamp())"
# rows this worker may update: its own claims, unclaimed rows (redirect targets), and
# claims whose lease ran out (recovering a dead worker's URLs)
_MINE = f"(claimed_by IS NULL OR claimed_by = %s OR lease_until < {_NOW})"
_POLL = 0.1  # seconds an idle worker waits before looking for work others may have queued


class PgFrontier:
    """Queue operations on the shared ``frontier`` and ``hosts`` tables.

    Usage::

        frontier = PgFrontier(store)
        frontier.begin(crawl_id, delay=1.0, fresh=False)
        for item in frontier.refill(50):
            ...
            frontier.finish(item.url, "done")

    Args:
        store: the archive's PostgreSQL store (its connection pool is shared).
        lease: seconds a claim lasts without renewal.

    Attributes:
        per_host: URLs claimed per host at once. The host stays held until the last is
            finished; the crawler spaces its own requests to a host it holds.
        max_hosts: most hosts this worker holds at once (``None``: no limit), so one
            worker does not hoard hosts that others could be fetching from.
    """

    def __init__(self, store: PgStore, *, lease: float = LEASE_SECONDS) -> None:
        self.store = store
        self.worker = store.worker
        self.lease = lease
        self.crawl_id: int | None = None
        self.delay = 0.0
        self.per_host = 1
        self.max_hosts: int | None = None
        self._claimed: dict[str, str] = {}  # url -> host, for URLs this worker holds
        self._fetched: set[str] = set()  # held hosts this worker has sent a request to
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None
        store.on_close(self.close)

    def begin(self, crawl_id: int, *, delay: float, fresh: bool) -> None:
        """Work on this crawl's URLs from now on, ``delay`` seconds apart per host (a new
        crawl changes nothing else: each crawl has its own rows)."""
        self.crawl_id = crawl_id
        self.delay = delay

    def share(self, *, lease: float | None, max_hosts: int | None) -> None:
        """Claims last ``lease`` seconds without renewal; at most ``max_hosts`` held."""
        if lease is not None:
            self.lease = lease
        self.max_hosts = max_hosts

    def _crawl(self) -> int:
        if self.crawl_id is None:
            raise RuntimeError("PgFrontier.begin(crawl_id, ...) must be called first")
        return self.crawl_id

    def add(self, items: Iterable[QueueItem], crawl_id: int | None = None) -> int:
        """Queue ``(url, host, depth, source_url)`` items not seen in this crawl yet."""
        rows = list(items)
        crawl = crawl_id if crawl_id is not None else self._crawl()
        if not rows:
            return 0
        with self.store.transaction() as conn:
            hosts = sorted({h for _, h, _, _ in rows})  # sorted: no deadlock between workers
            conn.execute(b"INSERT INTO hosts(host) SELECT unnest(%s::text[]) "
                         b"ON CONFLICT (host) DO NOTHING", (hosts,))
            cur = conn.execute(
                b"INSERT INTO frontier(crawl_id, url, host, depth, source_url) "
                b"SELECT %s, * FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[]) "
                b"ON CONFLICT (crawl_id, url) DO NOTHING",
                (crawl, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                 [r[3] for r in rows]))
            return cur.rowcount

    def recover(self) -> list[FrontierItem]:
        """Queue again the URLs whose lease ran out (their worker died). None is returned
        to settle: a claim itself marks done a URL its dead worker had archived."""
        self.store._one(
            f"WITH r AS (UPDATE frontier SET state = 'queued', claimed_by = NULL, "
            f"lease_until = NULL WHERE state = 'in-flight' AND lease_until < {_NOW} "
            f"RETURNING 1) SELECT count(*) FROM r")
        return []

    def refill(self, hosts: int, exclude: Collection[str] = ()) -> list[FrontierItem]:
        """Claim due URLs from up to ``hosts`` free hosts, holding those hosts (hosts this
        worker holds already are not free, so ``exclude`` is implied).

        A URL whose lease ran out but which its dead worker had already archived in this
        crawl is marked done instead of being returned, so it is not fetched twice.
        """
        crawl = self._crawl()
        limit = hosts
        if self.max_hosts is not None:
            limit = min(limit, self.max_hosts - len(set(self._claimed.values())))
            if limit <= 0:
                return []
        due = (f"(f.state = 'queued' AND f.next_attempt_at <= {_NOW}) OR "
               f"(f.state = 'in-flight' AND f.lease_until < {_NOW})")
        with self.store.transaction() as conn:
            free = [str(r[0]) for r in conn.execute(
                f"SELECT h.host FROM hosts h WHERE h.next_allowed_at <= {_NOW} "
                f"AND (h.held_until IS NULL OR h.held_until < {_NOW}) "
                f"AND EXISTS (SELECT 1 FROM frontier f WHERE f.crawl_id = %s "
                f"AND f.host = h.host AND ({due})) "
                f"ORDER BY h.next_allowed_at LIMIT %s FOR NO KEY UPDATE SKIP LOCKED".encode(),
                (crawl, limit))]
            if not free:
                return []
            rows = conn.execute(
                f"UPDATE frontier SET state = 'in-flight', attempts = attempts + 1, "
                f"claimed_by = %s, lease_until = {_NOW} + %s WHERE id IN ("
                f" SELECT pick.id FROM unnest(%s::text[]) AS hh(host), LATERAL ("
                f"  SELECT f.id FROM frontier f WHERE f.crawl_id = %s AND f.host = hh.host "
                f"  AND ({due}) ORDER BY f.next_attempt_at, f.id LIMIT %s"
                f"  FOR NO KEY UPDATE SKIP LOCKED) pick)"
                f" RETURNING url, host, depth, attempts, source_url, id".encode(),
                (self.worker, self.lease, free, crawl, self.per_host)).fetchall()
            archived = {int(r[0]) for r in conn.execute(
                b"SELECT f.id FROM frontier f WHERE f.id = ANY(%s) AND f.attempts > 1 "
                b"AND EXISTS (SELECT 1 FROM captures c WHERE c.crawl_id = f.crawl_id "
                b"AND c.url = f.url)", ([r[5] for r in rows],))}
            if archived:  # its worker died after archiving it, before marking it done
                conn.execute(b"UPDATE frontier SET state = 'done', claimed_by = NULL, "
                             b"lease_until = NULL WHERE id = ANY(%s)", (list(archived),))
                rows = [r for r in rows if int(r[5]) not in archived]
            taken = [str(r[1]) for r in rows]
            conn.execute(b"UPDATE hosts SET held_by = NULL, held_until = NULL "
                         b"WHERE host = ANY(%s)", (sorted(set(free) - set(taken)),))
            conn.execute(f"UPDATE hosts SET held_by = %s, held_until = {_NOW} + %s, "
                         f"delay = %s WHERE host = ANY(%s)".encode(),
                         (self.worker, self.lease, self.delay, taken))
        items = sorted((FrontierItem(r[0], r[1], r[2], r[3], r[4]) for r in rows),
                       key=lambda i: (i.host, i.attempts))  # RETURNING order is unspecified
        for item in items:
            self._claimed[item.url] = item.host
        if items:
            self._start_keeper()
        return items

    def next_due(self) -> float | None:
        """When a claim may next succeed (epoch seconds), or ``None`` if this crawl has
        nothing queued or in flight. A host another worker holds, or URLs other workers
        are fetching (they may queue more), mean: look again in a moment."""
        soon = f"{_NOW} + {_POLL}"
        row = self.store._one(
            f"SELECT min(CASE WHEN f.state = 'in-flight' THEN {soon} ELSE greatest("
            f"f.next_attempt_at, h.next_allowed_at, CASE WHEN h.held_until > {_NOW} "
            f"THEN {soon} ELSE 0 END) END) FROM frontier f JOIN hosts h ON h.host = f.host "
            f"WHERE f.crawl_id = ? AND f.state IN ('queued', 'in-flight')", (self._crawl(),))
        return float(row[0]) if row and row[0] is not None else None

    def finish(self, url: str, state: str, error: str | None = None) -> None:
        """Record the outcome of a URL and free its host until ``now + delay``."""
        host = self._claimed.pop(url, None)
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE frontier SET state = %s, last_error = %s, claimed_by = NULL, "
                         f"lease_until = NULL WHERE crawl_id = %s AND url = %s AND {_MINE}"
                         .encode(),
                         (state, error, self._crawl(), url, self.worker))
            if host is not None:
                self._release(conn, host, fetched=True)

    def retry_later(self, url: str, at: float, error: str) -> None:
        """Queue a claimed URL again for ``at`` (epoch seconds; 0 = at once)."""
        host = self._claimed.pop(url, None)
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE frontier SET state = 'queued', next_attempt_at = %s, "
                         f"last_error = %s, claimed_by = NULL, lease_until = NULL "
                         f"WHERE crawl_id = %s AND url = %s AND {_MINE}".encode(),
                         (at, error, self._crawl(), url, self.worker))
            if host is not None:
                self._release(conn, host, fetched=True)

    def _release(self, conn: Any, host: str, *, fetched: bool) -> None:
        """Free a host once this worker holds no more of its URLs; if it sent the host
        a request meanwhile, the next request (by anyone) waits ``delay`` from now."""
        if fetched:
            self._fetched.add(host)
        if host in self._claimed.values():
            return
        if host in self._fetched:
            self._fetched.discard(host)
            conn.execute(f"UPDATE hosts SET held_by = NULL, held_until = NULL, "
                         f"released_at = {_NOW}, next_allowed_at = greatest(next_allowed_at, "
                         f"{_NOW} + greatest(delay, min_delay)) "
                         f"WHERE host = %s AND held_by = %s".encode(), (host, self.worker))
        else:
            conn.execute(b"UPDATE hosts SET held_by = NULL, held_until = NULL "
                         b"WHERE host = %s AND held_by = %s", (host, self.worker))

    def set_host_delay(self, host: str, seconds: float) -> None:
        """Space every worker's requests to ``host`` at least ``seconds`` apart from now on
        (its robots.txt ``Crawl-delay``, or a backoff after failures); also pushes back
        the next request if the host was released less than ``seconds`` ago."""
        self.store._one(
            "UPDATE hosts SET min_delay = ?, next_allowed_at = greatest(next_allowed_at, "
            "released_at + ?) WHERE host = ? AND min_delay IS DISTINCT FROM ? RETURNING 1",
            (seconds, seconds, host, seconds))

    def release(self, urls: Iterable[str]) -> None:
        """Put claimed but never started URLs back, without counting an attempt."""
        for url in urls:
            host = self._claimed.pop(url, None)
            with self.store.transaction() as conn:
                conn.execute(f"UPDATE frontier SET state = 'queued', claimed_by = NULL, "
                             f"lease_until = NULL, attempts = greatest(attempts - 1, 0) "
                             f"WHERE crawl_id = %s AND url = %s AND state = 'in-flight' "
                             f"AND {_MINE}".encode(),
                             (self._crawl(), url, self.worker))
                if host is not None:
                    self._release(conn, host, fetched=False)

    def give_up_host(self, host: str, state: str, error: str, *, keep: str | None = None
                     ) -> int:
        """Close every waiting URL of ``host`` in this crawl (a host given up); URLs other
        workers are fetching right now are left to them. Returns how many were closed."""
        for url in [u for u, h in self._claimed.items() if h == host and u != keep]:
            del self._claimed[url]
        with self.store.transaction() as conn:
            cur = conn.execute(
                f"UPDATE frontier SET state = %s, last_error = %s, claimed_by = NULL, "
                f"lease_until = NULL WHERE crawl_id = %s "
                f"AND host = %s AND url IS DISTINCT FROM %s AND (state = 'queued' OR "
                f"(state = 'in-flight' AND (claimed_by = %s OR lease_until < {_NOW})))".encode(),
                (state, error, self._crawl(), host, keep, self.worker))
            self._release(conn, host, fetched=True)
            return cur.rowcount

    def captured_page(self, url: str, crawl_id: int) -> str | None:
        """The page URL under which ``url`` was archived in this crawl, if it was."""
        row = self.store._one(
            "SELECT p.url FROM captures c JOIN pages p ON p.id = c.page_id "
            "WHERE c.crawl_id = ? AND (c.url = ? OR p.url = ?) LIMIT 1", (crawl_id, url, url))
        return str(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        with self.store.connection() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(
                b"SELECT state, count(*) FROM frontier WHERE crawl_id = %s GROUP BY state",
                (self._crawl(),))}

    def pending(self) -> int:
        """URLs of this crawl queued or being fetched (by any worker)."""
        row = self.store._one("SELECT count(*) FROM frontier WHERE crawl_id = ? "
                              "AND state IN ('queued', 'in-flight')", (self._crawl(),))
        return int(row[0]) if row else 0

    # -- leases ------------------------------------------------------------------------

    def renew(self) -> None:
        """Extend the leases of everything this worker holds."""
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE frontier SET lease_until = {_NOW} + %s "
                         f"WHERE claimed_by = %s AND state = 'in-flight'".encode(),
                         (self.lease, self.worker))
            conn.execute(f"UPDATE hosts SET held_until = {_NOW} + %s "
                         f"WHERE held_by = %s".encode(), (self.lease, self.worker))

    def _start_keeper(self) -> None:
        if self._keeper is None or not self._keeper.is_alive():
            self._stop.clear()
            self._keeper = threading.Thread(target=self._keep, name="lease-keeper",
                                            daemon=True)
            self._keeper.start()

    def _keep(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                self.renew()
            except Exception:  # a lost connection: the pool reconnects; try next round
                time.sleep(0.1)

    def close(self) -> None:
        """Stop renewing leases (claims still held run out after the lease)."""
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=5)
            self._keeper = None
