"""Keeps the revisit schedule in step with what is archived, whoever fetched it.

The :class:`scraper.ingest.Ingester` hands every live capture (a crawl's, a worker's, a
``fetch``, a revisit round's) to :meth:`Tracker.observe`. When the page is scheduled
(:mod:`archive.schedule`), its next check is set from what the capture found (changed
or not); a page that went away, or that is not an article page, is no longer checked.
When the page is a front or section page, the article links it shows are recorded
(:mod:`archive.frontpage`), new ones are scheduled at once, and ones whose headline
changed on the front page are made due at once: a new headline there usually means an
edited story.

Usage::

    tracker = Tracker(arc, settings.watch)
    ingester = Ingester(arc, settings.extract, tracker=tracker)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from archive import Archive
from archive.frontpage import record_front
from archive.schedule import ARTICLE, FRONT, Revisit, RevisitPolicy, Schedule
from archive.types import HttpResponse

from .config import WatchSettings
from .frontlinks import front_links
from .urls import host_of, normalize_url

if TYPE_CHECKING:
    from .ingest import Ingested

# Outcomes after which a page is not checked again: it went away, or is not an article
# page we may archive.
RETIRE = frozenset({"gone", "http-404", "http-410", "not-html", "noarchive"})


def revisit_policy(settings: WatchSettings) -> RevisitPolicy:
    """The schedule's intervals from the ``watch`` settings."""
    return RevisitPolicy(front_every=settings.front_every, article_min=settings.article_min,
                         article_max=settings.article_max, young=settings.young,
                         max_age=settings.max_age)


class Tracker:
    """Updates the schedule and front-page lists after each live capture.

    Args:
        archive: the archive (its store holds the schedule).
        settings: the ``watch`` settings.
        clock: the current time in epoch seconds (a simulated one in tests).
    """

    def __init__(self, archive: Archive, settings: WatchSettings | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.archive = archive
        self.settings = settings or WatchSettings()
        self.clock = clock
        self.schedule = Schedule(archive.store, revisit_policy(self.settings))

    def observe(self, response: HttpResponse, requested: str, done: Ingested) -> None:
        """Account for one ingested response (see the module docstring).

        Args:
            response: the final response (after redirects).
            requested: the URL asked for.
            done: what the ingester did with it.
        """
        forms = (normalize_url(requested), normalize_url(response.url), done.page_url)
        urls = [u for u in dict.fromkeys(forms) if u]
        entries = self.schedule.get(urls)
        if not entries:
            return
        now = self.clock()
        scheduled = [e.url for e in entries]
        if done.outcome in RETIRE:
            self.schedule.retire(scheduled, now)
            return
        if not done.archived:
            return  # nothing learnt (a server error): the round hands it back
        self.schedule.checked(scheduled, changed=done.outcome == "new-version", now=now)
        front = next((e for e in entries if e.kind == FRONT), None)
        if front is not None and done.result is not None:
            self._front(front, response, done.result.capture_id, now)

    def _front(self, front: Revisit, response: HttpResponse, capture_id: int,
               now: float) -> None:
        store = self.archive.store
        rows = store.rows("SELECT page_id, fetched_at FROM captures WHERE id = ?",
                          (capture_id,))
        if not rows:
            return
        links = None
        if response.status != 304:
            try:
                links = front_links(response.content, response.url, response.content_type)
            except (ValueError, RecursionError, MemoryError):
                links = []
        delta = record_front(store, capture_id=capture_id, page_id=int(rows[0][0]),
                             fetched_at=str(rows[0][1]), links=links)
        if not links:
            return
        top = links[:self.settings.max_articles]
        self.schedule.add([(x.url, host_of(x.url)) for x in top], kind=ARTICLE, now=now,
                          source_url=front.url)
        shown = {x.url for x in top}
        self.schedule.due_now([x.url for x in delta.retitled if x.url in shown], now)
