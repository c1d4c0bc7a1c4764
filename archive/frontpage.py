"""What front and section pages showed: the article links of each capture, in order, with
the headline shown, and where an article appeared over time.

A capture whose list is the same as the page's list before it stores no links of its
own: it points at the capture that holds them (``front_captures.links_of``), so a front
page checked every ten minutes costs a row per check and a list per change.

Usage::

    with open_archive("newsarchive-data") as arc:
        view = front_page_at(arc.store, "https://news.example/", "2026-05-01T12:00")
        for link in view.links[:10]:
            print(link.position, link.headline)
        for seen in prominence(arc.store, "https://news.example/2026/05/01/story"):
            print(seen.front_url, seen.first_seen, seen.left, seen.best_position)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .db import Store
from .db.sql import ids_in
from .errors import QuerySyntaxError, RecordNotFoundError


@dataclass(frozen=True)
class FrontLink:
    """One article link on a front page: its 1-based position, target and headline."""

    position: int
    url: str
    headline: str

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "url": self.url, "headline": self.headline}


@dataclass(frozen=True)
class FrontDelta:
    """How a front page's list differs from its list before: links new to it, and links
    whose headline changed (both worth a look at the article)."""

    added: tuple[FrontLink, ...] = ()
    retitled: tuple[FrontLink, ...] = ()
    removed: tuple[str, ...] = ()
    changed: bool = False


@dataclass(frozen=True)
class FrontView:
    """A front page's list as shown at one capture.

    Attributes:
        url: the front page.
        capture_id: the capture shown; ``captured_at`` its time.
        since: when this list was first seen (an earlier capture, when unchanged since).
        links: the article links, in page order.
    """

    url: str
    capture_id: int
    captured_at: str
    since: str
    links: tuple[FrontLink, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "capture_id": self.capture_id,
                "captured_at": self.captured_at, "since": self.since,
                "links": [x.to_dict() for x in self.links]}


@dataclass(frozen=True)
class Appearance:
    """An article on one front page.

    Attributes:
        front_url: the front page.
        first_seen: the first capture showing it.
        last_seen: the last capture showing it.
        left: the first capture after ``last_seen`` not showing it (``None``: still shown
            at the page's latest capture).
        best_position: its highest place (1 = top).
        headline: the headline shown the first time; ``headlines`` every one shown.
        captures: how many captures showed it.
        spans: (from, until) for each stretch of captures showing it (``until`` ``None``:
            still shown).
    """

    front_url: str
    first_seen: str
    last_seen: str
    left: str | None
    best_position: int
    headline: str
    headlines: tuple[str, ...]
    captures: int
    spans: tuple[tuple[str, str | None], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"front_url": self.front_url, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "left": self.left,
                "best_position": self.best_position, "headline": self.headline,
                "headlines": list(self.headlines), "captures": self.captures,
                "spans": [list(s) for s in self.spans]}


def links_of(store: Store, capture_id: int) -> tuple[FrontLink, ...]:
    """The links stored under one capture (the one holding a list)."""
    return tuple(FrontLink(int(p), str(u), str(h)) for p, u, h in store.rows(
        "SELECT position, url, headline FROM front_links WHERE capture_id = ? "
        "ORDER BY position", (capture_id,)))


def _latest(store: Store, page_id: int) -> tuple[int, str] | None:
    rows = store.rows("SELECT links_of, fetched_at FROM front_captures WHERE page_id = ? "
                      "ORDER BY fetched_at DESC, capture_id DESC LIMIT 1", (page_id,))
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def record_front(store: Store, *, capture_id: int, page_id: int, fetched_at: str,
                 links: Sequence[FrontLink] | None) -> FrontDelta:
    """Record what one capture of a front page showed.

    Args:
        store: the archive's store.
        capture_id: the capture (a 304 too: it showed the list before).
        page_id: the front page.
        fetched_at: the capture's time.
        links: the article links in page order; ``None``: the list before still shows
            (the server answered 304).

    Returns:
        How the list differs from the one before (nothing for the first list).
    """
    with store.transaction():
        before = _latest(store, page_id)
        old = links_of(store, before[0]) if before else ()
        if links is None or (before is not None and tuple(links) == old):
            if before is not None:
                store.execute("INSERT INTO front_captures(capture_id, page_id, fetched_at, "
                              "links_of) VALUES (?, ?, ?, ?)",
                              (capture_id, page_id, fetched_at, before[0]))
            return FrontDelta()
        store.execute_many("INSERT INTO front_links(capture_id, position, url, headline) "
                           "VALUES (?, ?, ?, ?)",
                           [(capture_id, x.position, x.url, x.headline) for x in links])
        store.execute("INSERT INTO front_captures(capture_id, page_id, fetched_at, links_of) "
                      "VALUES (?, ?, ?, ?)", (capture_id, page_id, fetched_at, capture_id))
    shown = {x.url: x for x in old}
    now = {x.url for x in links}
    return FrontDelta(
        added=tuple(x for x in links if x.url not in shown),
        retitled=tuple(x for x in links if x.url in shown
                       and " ".join(x.headline.split()) != " ".join(shown[x.url].headline.split())),
        removed=tuple(u for u in shown if u not in now), changed=True)


def _as_bound(at: str) -> str:
    """A time given by a user as a UTC ISO string comparable with capture times."""
    try:
        when = dt.datetime.fromisoformat(at.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise QuerySyntaxError(f"not a time: {at!r} (use an ISO time such as "
                               "2026-05-01T12:00 or 2026-05-01T12:00:00+02:00)") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if len(at.strip()) <= 10:  # a date: the end of that day
        when += dt.timedelta(days=1, seconds=-1)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def front_page_at(store: Store, url: str, at: str | None = None) -> FrontView:
    """What a front page showed at a time (by default at its latest capture).

    Args:
        store: the archive's store.
        url: the front page, as watched.
        at: an ISO time or date (a date: its end); the capture current then is shown.

    Raises:
        RecordNotFoundError: the page was never captured as a front page, or not before
            ``at``.
        QuerySyntaxError: ``at`` is not a time.
    """
    page_id, page_url = store.find_page(url)
    sql = "SELECT capture_id, fetched_at, links_of FROM front_captures WHERE page_id = ?"
    params: list[Any] = [page_id]
    if at:
        sql += " AND fetched_at <= ?"
        params.append(_as_bound(at))
    rows = store.rows(sql + " ORDER BY fetched_at DESC, capture_id DESC LIMIT 1", params)
    if not rows:
        first = store.rows("SELECT min(fetched_at) FROM front_captures WHERE page_id = ?",
                           (page_id,))
        if first and first[0][0]:
            raise RecordNotFoundError(f"{page_url} was first captured as a front page at "
                                      f"{first[0][0]}, after {at}")
        raise RecordNotFoundError(f"{page_url} has no front-page captures; watch it with "
                                  "`newsarchive watch URL`")
    capture_id, fetched_at, owner = int(rows[0][0]), str(rows[0][1]), int(rows[0][2])
    since = store.rows("SELECT fetched_at FROM front_captures WHERE capture_id = ?", (owner,))
    return FrontView(url=page_url, capture_id=capture_id, captured_at=fetched_at,
                     since=str(since[0][0]) if since else fetched_at,
                     links=links_of(store, owner))


def _candidates(store: Store, url: str) -> list[str]:
    """The forms an article's URL may have in link lists: as given, with or without a
    trailing slash, and the archived page's own and fetched URLs."""
    given = url.strip()
    out = [given, given.rstrip("/"), given + "/"]
    try:
        page_id, page_url = store.find_page(given)
    except RecordNotFoundError:
        return out
    out.append(page_url)
    out += [str(r[0]) for r in store.rows("SELECT DISTINCT url FROM captures WHERE page_id = ?",
                                          (page_id,))]
    return list(dict.fromkeys(out))


def prominence(store: Store, article_url: str) -> list[Appearance]:
    """On which front pages an article appeared, when it appeared and left, and its best
    position, most prominent first.

    Raises:
        RecordNotFoundError: no front page of the archive ever linked to it.
    """
    urls = _candidates(store, article_url)
    shown = store.rows("SELECT capture_id, position, headline FROM front_links "
                       f"WHERE url {ids_in(urls)} ORDER BY capture_id", urls)
    if not shown:
        raise RecordNotFoundError(f"no archived front page linked to {article_url}")
    lists: dict[int, tuple[int, str]] = {}
    for cap, position, headline in shown:
        best = lists.get(int(cap))
        if best is None or int(position) < best[0]:
            lists[int(cap)] = (int(position), str(headline))
    owners = list(lists)
    timeline = store.rows(
        "SELECT f.page_id, p.url, f.fetched_at, f.links_of FROM front_captures f "
        "JOIN pages p ON p.id = f.page_id WHERE f.page_id IN (SELECT page_id FROM "
        f"front_captures WHERE capture_id {ids_in(owners)}) "
        "ORDER BY f.page_id, f.fetched_at, f.capture_id", owners)
    pages: dict[int, list[tuple[str, str, int]]] = {}
    for page_id, front, fetched_at, owner in timeline:
        pages.setdefault(int(page_id), []).append((str(front), str(fetched_at), int(owner)))
    found = [_appearance(captures, lists) for captures in pages.values()]
    return sorted((a for a in found if a is not None),
                  key=lambda a: (a.best_position, a.first_seen, a.front_url))


def _appearance(captures: list[tuple[str, str, int]],
                lists: dict[int, tuple[int, str]]) -> Appearance | None:
    spans: list[tuple[str, str | None]] = []
    start: str | None = None
    last = ""
    count = 0
    positions: list[int] = []
    headlines: list[str] = []
    for _, fetched_at, owner in captures:
        if owner in lists:
            count += 1
            last = fetched_at
            positions.append(lists[owner][0])
            if lists[owner][1] not in headlines:
                headlines.append(lists[owner][1])
            if start is None:
                start = fetched_at
        elif start is not None:
            spans.append((start, fetched_at))
            start = None
    if start is not None:
        spans.append((start, None))
    if not spans:
        return None
    return Appearance(front_url=captures[0][0], first_seen=spans[0][0], last_seen=last,
                      left=spans[-1][1], best_position=min(positions), headline=headlines[0],
                      headlines=tuple(headlines), captures=count, spans=tuple(spans))
