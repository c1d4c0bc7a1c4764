"""The revisit schedule: which pages to check again, and when.

Front and section pages are checked at a fixed interval; each article found on them is
checked often while it is young and whenever it has just changed, and less often after
each check that finds it unchanged (:class:`RevisitPolicy`). The schedule is a table of
the archive (``revisits``), so every process sharing a PostgreSQL archive shares it:
:meth:`Schedule.claim` hands each due page to one process (``FOR UPDATE SKIP LOCKED``,
with a lease that runs out if that process dies).

Times are seconds since the epoch, from a clock the caller passes in, so a simulation
or a test can run days of schedule in a second.

Usage::

    schedule = Schedule(arc.store, RevisitPolicy())
    schedule.add([("https://news.example/", "news.example")], kind="front", now=time.time())
    for due in schedule.claim(time.time(), limit=100, worker="host:123", lease=900):
        ...  # fetch due.url; the ingest path calls schedule.checked(...)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .db import Store
from .db.sql import ids_in

FRONT = "front"
ARTICLE = "article"
_COLUMNS = ("url, host, kind, source_url, added_at, interval_s, next_at, last_checked, "
            "last_changed, checks, changes, claimed_by")


@dataclass(frozen=True, kw_only=True)
class RevisitPolicy:
    """When to check a page again (seconds).

    Attributes:
        front_every: a front or section page: always this often.
        article_min: an article's shortest interval: while young, and after a change.
        article_max: its longest: the interval doubles after each unchanged check up to it.
        young: an article first seen less than this long ago stays at ``article_min``.
        max_age: an article first seen longer ago than this is no longer checked
            (0: checked forever, at ``article_max``).
    """

    front_every: float = 600.0
    article_min: float = 600.0
    article_max: float = 7 * 86400.0
    young: float = 3 * 3600.0
    max_age: float = 30 * 86400.0

    def next_interval(self, revisit: Revisit, *, changed: bool, now: float) -> float | None:
        """The interval until the next check after one at ``now``; ``None``: stop."""
        if revisit.kind == FRONT:
            return self.front_every
        age = now - revisit.added_at
        if self.max_age and age >= self.max_age:
            return None
        if changed or age < self.young:
            return self.article_min
        return min(self.article_max, max(self.article_min, revisit.interval * 2))


@dataclass(frozen=True, kw_only=True)
class Revisit:
    """One scheduled page (a row of ``revisits``); ``next_at`` ``None``: retired."""

    url: str
    host: str
    kind: str
    source_url: str | None
    added_at: float
    interval: float
    next_at: float | None
    last_checked: float | None = None
    last_changed: float | None = None
    checks: int = 0
    changes: int = 0
    claimed_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def _revisit(row: Sequence[Any]) -> Revisit:
    return Revisit(url=str(row[0]), host=str(row[1]), kind=str(row[2]), source_url=row[3],
                   added_at=float(row[4]), interval=float(row[5]),
                   next_at=None if row[6] is None else float(row[6]),
                   last_checked=None if row[7] is None else float(row[7]),
                   last_changed=None if row[8] is None else float(row[8]),
                   checks=int(row[9]), changes=int(row[10]), claimed_by=row[11])


class Schedule:
    """The ``revisits`` table of one archive, read and written through its store.

    Args:
        store: the archive's store (either backend).
        policy: the intervals.
    """

    def __init__(self, store: Store, policy: RevisitPolicy | None = None) -> None:
        self.store = store
        self.policy = policy or RevisitPolicy()

    def add(self, pages: Iterable[tuple[str, str]], *, kind: str, now: float,
            source_url: str | None = None) -> int:
        """Schedule pages not scheduled yet, due at once; returns how many were new.

        Args:
            pages: (normalised URL, host) pairs.
            kind: ``front`` or ``article``.
            now: the current time.
            source_url: the front page the articles were found on.
        """
        wanted = dict(pages)
        if not wanted:
            return 0
        known = {r.url: r for r in self.get(list(wanted))}
        rows = [(url, host, kind, source_url, now,
                 self.policy.front_every if kind == FRONT else self.policy.article_min, now)
                for url, host in wanted.items() if url not in known]
        promote = [u for u, r in known.items() if kind == FRONT and r.kind != FRONT]
        with self.store.transaction():
            self.store.execute_many(
                "INSERT INTO revisits(url, host, kind, source_url, added_at, interval_s, "
                "next_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING", rows)
            if promote:  # a page watched as a front page is one from now on
                self.store.execute(
                    f"UPDATE revisits SET kind = ?, interval_s = ?, next_at = coalesce("
                    f"next_at, ?) WHERE url {ids_in(promote)}",
                    [FRONT, self.policy.front_every, now, *promote])
        return len(rows)

    def get(self, urls: Sequence[str]) -> list[Revisit]:
        """The scheduled pages among ``urls``."""
        if not urls:
            return []
        return [_revisit(r) for r in self.store.rows(
            f"SELECT {_COLUMNS} FROM revisits WHERE url {ids_in(urls)}", list(urls))]

    def entries(self, kind: str | None = None) -> list[Revisit]:
        """Every scheduled page (of one kind), soonest due first, retired ones last."""
        where = " WHERE kind = ?" if kind else ""
        return [_revisit(r) for r in self.store.rows(
            f"SELECT {_COLUMNS} FROM revisits{where} ORDER BY next_at IS NULL, next_at, url",
            [kind] if kind else [])]

    def due_now(self, urls: Sequence[str], now: float) -> int:
        """Make scheduled, not retired pages due at once (a front page shows them
        retitled); returns how many."""
        if not urls:
            return 0
        return self.store.execute(
            f"UPDATE revisits SET next_at = ? WHERE url {ids_in(urls)} AND next_at > ?",
            [now, *urls, now])

    def claim(self, now: float, *, limit: int, worker: str, lease: float) -> list[Revisit]:
        """Take up to ``limit`` due pages for ``worker``, soonest due first, for ``lease``
        seconds (after which another process may take them)."""
        lock = self.store.dialect.skip_locked
        with self.store.transaction():
            rows = self.store.rows(
                "SELECT url FROM revisits WHERE next_at <= ? AND (claimed_by IS NULL OR "
                f"lease_until < ?) ORDER BY next_at, url LIMIT ?{lock}", (now, now, limit))
            urls = [str(r[0]) for r in rows]
            if not urls:
                return []
            self.store.execute(f"UPDATE revisits SET claimed_by = ?, lease_until = ? "
                               f"WHERE url {ids_in(urls)}", [worker, now + lease, *urls])
        claimed = {r.url: r for r in self.get(urls)}
        return [claimed[u] for u in urls if u in claimed]

    def checked(self, urls: Sequence[str], *, changed: bool, now: float) -> None:
        """Record a check of scheduled pages (any process may have made it: a crawl, a
        fetch, a revisit) and set their next check by the policy."""
        for revisit in self.get(urls):
            interval = self.policy.next_interval(revisit, changed=changed, now=now)
            self.store.execute(
                "UPDATE revisits SET interval_s = ?, next_at = ?, last_checked = ?, "
                "last_changed = ?, checks = checks + 1, changes = changes + ?, "
                "claimed_by = NULL, lease_until = NULL WHERE url = ?",
                (interval if interval is not None else revisit.interval,
                 None if interval is None else now + interval, now,
                 now if changed else revisit.last_changed, int(changed), revisit.url))

    def retire(self, urls: Sequence[str], now: float) -> None:
        """Stop checking these pages (gone, refused, not articles)."""
        if urls:
            self.store.execute(f"UPDATE revisits SET next_at = NULL, last_checked = ?, "
                               f"claimed_by = NULL, lease_until = NULL WHERE url {ids_in(urls)}",
                               [now, *urls])

    def release(self, worker: str, now: float, *, retry_in: float | None = None) -> int:
        """Hand back what ``worker`` claimed and did not check (a failed fetch): due again
        after ``retry_in`` seconds, or its current interval."""
        mine = [r for r in self.store.rows(
            f"SELECT {_COLUMNS} FROM revisits WHERE claimed_by = ?", (worker,))]
        for row in mine:
            revisit = _revisit(row)
            wait = revisit.interval if retry_in is None else retry_in
            self.store.execute(
                "UPDATE revisits SET next_at = ?, claimed_by = NULL, lease_until = NULL "
                "WHERE url = ? AND claimed_by = ?", (now + wait, revisit.url, worker))
        return len(mine)

    def next_due(self) -> float | None:
        """When the next page is due (``None``: nothing scheduled)."""
        rows = self.store.rows("SELECT min(next_at) FROM revisits WHERE next_at IS NOT NULL")
        return float(rows[0][0]) if rows and rows[0][0] is not None else None

    def counts(self) -> dict[str, int]:
        """Scheduled pages by kind, and how many are retired."""
        out = {FRONT: 0, ARTICLE: 0, "retired": 0}
        for kind, retired, n in self.store.rows(
                "SELECT kind, next_at IS NULL, count(*) FROM revisits GROUP BY kind, "
                "next_at IS NULL"):
            out["retired" if retired else str(kind)] += int(n)
        return out
