"""Read-only views of an archive for browsing: facets, counts over time, crawls, replay.

What ``newsarchive serve`` shows beside search results and records, written once with
``store.rows`` so it runs on SQLite and PostgreSQL alike:

* :func:`facets` — counts of matching records per site, author, attribution source,
  language and month (the month counts are also the hits-over-time chart);
* :func:`articles_per_day`, :func:`sites` — what each site published;
* :func:`citations_over_time` — a source's citations per month;
* :func:`crawls`, :func:`crawl_progress` — each crawl's outcome, and a running crawl's
  frontier;
* :func:`archived_pages` — which URLs (e.g. an attribution's link) are in the archive;
* :func:`replay_lookup` — the archived response of a URL closest to a time, its payload
  read from WARC (revisits resolved to the record holding the bytes);
* :func:`capture`, :func:`page_of_capture` — one capture and its page;
* :func:`screenshot` — a capture's screenshot (none are archived yet).

Usage::

    with open_archive("newsarchive-data") as arc:
        counts = facets(arc.store, Query(text='"proxy war"'))
        print(counts.values["site"][:3], counts.months)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .db.sql import ids_in
from .query import Query
from .types import Capture
from .warc import read_record

if TYPE_CHECKING:
    from .db import Store

FACETS = ("site", "author", "source", "language")
MAX_FACET_ROWS = 20_000  # facets count at most this many matches (bounded time)


@dataclass(frozen=True, kw_only=True)
class Facets:
    """Counts of the records matching a query.

    Attributes:
        total: matching records counted (at most ``MAX_FACET_ROWS``).
        truncated: more records match than were counted.
        values: facet name -> [(value, count)], most frequent first.
        months: [(``YYYY-MM`` of publication, count)], oldest first (hits over time);
            records without a date are left out.
    """

    total: int
    truncated: bool
    values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    months: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "truncated": self.truncated,
                "facets": {k: [{"value": v, "count": c} for v, c in items]
                           for k, items in self.values.items()},
                "months": [{"month": m, "count": c} for m, c in self.months]}


_MATCH_COLUMNS = "v.id, p.site, v.language, v.published, v.authors"


def facets(store: Store, query: Query, *, limit: int = 10,
           max_rows: int = MAX_FACET_ROWS) -> Facets:
    """Counts per site, author, source, language and month of the records matching
    ``query`` (its text and filters; ``limit``/``offset``/``sort`` are ignored).

    Args:
        store: the archive's store (SQLite or PostgreSQL).
        query: the search.
        limit: values kept per facet (months are all kept).
        max_rows: count at most this many matching records, so a query matching most
            of a large archive still answers quickly (``truncated`` says so).

    Raises:
        ArchiveError: invalid query syntax.
    """
    found = store.matching(query, _MATCH_COLUMNS, limit=max_rows + 1)
    total = len(found)
    found = found[:max_rows]
    # counted here from one pass over the matches (a statement per facet re-read every
    # matching row; one UNION ALL of them planned 30 times slower on SQLite)
    counters: dict[str, Counter[str]] = {name: Counter() for name in (*FACETS, "month")}
    for _, site, language, published, authors in found:
        counters["site"][str(site)] += 1
        if language:
            counters["language"][str(language)] += 1
        if published:
            counters["month"][str(published)[:7]] += 1
        if authors and authors != "[]":
            counters["author"].update(str(a) for a in set(_json(authors, [])))
    ids = [int(r[0]) for r in found]
    if ids:  # sources: counted by the database, through the attributions' index
        m, arg = (("(SELECT unnest(?::bigint[]) AS id)", ids) if store.dialect.postgres
                  else ("(SELECT value AS id FROM json_each(?))", json.dumps(ids)))
        for name, count in store.rows(f"SELECT min(a.source), count(DISTINCT a.version_id) "
                                f"FROM {m} m JOIN attributions a ON a.version_id = m.id "
                                "GROUP BY lower(a.source)", (arg,)):
            counters["source"][str(name)] = int(count)
    values = {name: sorted(((v, c) for v, c in counters[name].items() if v.strip()),
                           key=lambda vc: (-vc[1], vc[0]))[:limit] for name in FACETS}
    months = sorted(counters["month"].items())
    return Facets(total=min(total, max_rows), truncated=total > max_rows, values=values,
                  months=sorted(months))


def citations_over_time(store: Store, sources: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """Per source (matched case-insensitively; keyed by the name as given), the number
    of articles crediting it per month of first capture, oldest first."""
    if not sources:
        return {}
    lowered = [s.lower() for s in sources]
    found = store.rows("SELECT lower(a.source), substr(v.captured_at, 1, 7), "
                 "count(DISTINCT v.page_id) FROM attributions a "
                 "JOIN versions v ON v.id = a.version_id "
                 f"WHERE lower(a.source) {_in(lowered)} GROUP BY 1, 2 ORDER BY 1, 2",
                 lowered)
    by_lower: dict[str, list[tuple[str, int]]] = {}
    for source, month, count in found:
        by_lower.setdefault(str(source), []).append((str(month), int(count)))
    return {s: by_lower.get(s.lower(), []) for s in sources}


@dataclass(frozen=True, kw_only=True)
class SiteStat:
    """One site: its pages, versions and first/last capture."""

    site: str
    pages: int
    versions: int
    first_captured: str
    last_captured: str

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "pages": self.pages, "versions": self.versions,
                "first_captured": self.first_captured, "last_captured": self.last_captured}


def sites(store: Store, *, limit: int = 200) -> list[SiteStat]:
    """Sites with most pages first."""
    found = store.rows("SELECT p.site, count(DISTINCT p.id), count(v.id), min(v.captured_at), "
                 "max(v.captured_at) FROM pages p JOIN versions v ON v.page_id = p.id "
                 "GROUP BY p.site ORDER BY 2 DESC, 1 LIMIT ?", (limit,))
    return [SiteStat(site=str(r[0]), pages=int(r[1]), versions=int(r[2]),
                     first_captured=str(r[3]), last_captured=str(r[4])) for r in found]


def articles_per_day(store: Store, *, site: str | None = None, since: str | None = None,
                     until: str | None = None, days: int | None = None
                     ) -> dict[str, list[tuple[str, int]]]:
    """Per site, how many articles (pages, by their latest version) were published
    each day (first capture's day when the page gives no date), oldest first.

    Args:
        site: only this site.
        since, until: only days in this range (``YYYY-MM-DD``, inclusive).
        days: without ``since``, only this many days up to ``until`` or the newest
            publication date in the archive.
    """
    day = "substr(coalesce(v.published, v.captured_at), 1, 10)"
    if days is not None and since is None:
        newest = until or str(store.rows("SELECT max(published) FROM versions")[0][0] or "")
        try:
            end = dt.date.fromisoformat(newest[:10])
        except ValueError:
            end = dt.datetime.now(dt.UTC).date()
        since = (end - dt.timedelta(days=days - 1)).isoformat()
        until = until or end.isoformat()
    where, params = ["v.id = p.latest_version_id"], []
    if site:
        where.append("p.site = ?")
        params.append(site.lower().removeprefix("www."))
    if since:
        where.append(f"{day} >= ?")
        params.append(since[:10])
    if until:
        where.append(f"{day} <= ?")
        params.append(until[:10])
    found = store.rows(f"SELECT p.site, {day}, count(*) FROM versions v "
                 f"JOIN pages p ON p.id = v.page_id WHERE {' AND '.join(where)} "
                 "GROUP BY 1, 2 ORDER BY 1, 2", params)
    out: dict[str, list[tuple[str, int]]] = {}
    for name, when, count in found:
        out.setdefault(str(name), []).append((str(when), int(count)))
    return out


@dataclass(frozen=True, kw_only=True)
class CrawlInfo:
    """One crawl: when it ran, its seeds, and what it did.

    ``stats`` is what the crawl recorded when it finished (fetched, new, new_versions,
    unchanged, not_modified, failed and skipped by reason, ...); ``captures`` counts its
    captures by kind as the database holds them, which a running crawl fills as it goes.
    """

    id: int
    started_at: str
    finished_at: str | None
    seeds: list[str]
    stats: dict[str, Any]
    captures: dict[str, int]
    new_versions: int

    @property
    def running(self) -> bool:
        return self.finished_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "started_at": self.started_at, "finished_at": self.finished_at,
                "running": self.running, "seeds": self.seeds, "stats": self.stats,
                "captures": self.captures, "new_versions": self.new_versions}


def _in(values: Sequence[str]) -> str:
    """``IN (?, ...)`` for text values (``ids_in`` types its values as ids)."""
    return f"IN ({','.join('?' * len(values))})" if values else "IN (NULL)"


def _json(text: Any, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def crawls(store: Store, *, limit: int = 50, crawl_id: int | None = None) -> list[CrawlInfo]:
    """The latest crawls first (or the one ``crawl_id``), with their captures by kind."""
    where, params = ("WHERE id = ?", [crawl_id]) if crawl_id is not None else ("", [])
    found = store.rows("SELECT id, started_at, finished_at, seeds, stats FROM crawls "
                 f"{where} ORDER BY id DESC LIMIT ?", [*params, limit])
    ids = [int(r[0]) for r in found]
    kinds: dict[int, dict[str, int]] = {}
    for cid, kind, count in store.rows("SELECT crawl_id, kind, count(*) FROM captures "
                                 f"WHERE crawl_id {ids_in(ids)} GROUP BY 1, 2", ids):
        kinds.setdefault(int(cid), {})[str(kind)] = int(count)
    new: dict[int, int] = {int(r[0]): int(r[1]) for r in store.rows(
        "SELECT c.crawl_id, count(*) FROM versions v JOIN captures c "
        f"ON c.id = v.capture_id WHERE c.crawl_id {ids_in(ids)} GROUP BY 1", ids)}
    return [CrawlInfo(id=int(r[0]), started_at=str(r[1]), finished_at=r[2],
                      seeds=list(_json(r[3], [])), stats=dict(_json(r[4], {})),
                      captures=kinds.get(int(r[0]), {}), new_versions=new.get(int(r[0]), 0))
            for r in found]


@dataclass(frozen=True, kw_only=True)
class CrawlProgress:
    """A crawl's frontier now: URLs by state, hosts, failures by reason, latest captures."""

    crawl_id: int
    states: dict[str, int]
    hosts: int
    failures: list[tuple[str, int]]
    recent: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"crawl_id": self.crawl_id, "states": self.states, "hosts": self.hosts,
                "failures": [{"reason": r, "count": c} for r, c in self.failures],
                "recent": self.recent}


def crawl_progress(store: Store, crawl_id: int, *, recent: int = 20) -> CrawlProgress:
    """Frontier counts of a crawl (a SQLite frontier keeps only its latest crawl's URLs;
    a PostgreSQL one keeps every crawl's) and its ``recent`` latest captures."""
    states = {str(s): int(c) for s, c in store.rows(
        "SELECT state, count(*) FROM frontier WHERE crawl_id = ? GROUP BY state",
        (crawl_id,))}
    hosts = int(store.rows("SELECT count(DISTINCT host) FROM frontier WHERE crawl_id = ?",
                     (crawl_id,))[0][0])
    failures = [(str(r[0]), int(r[1])) for r in store.rows(
        "SELECT coalesce(last_error, 'unknown'), count(*) FROM frontier "
        "WHERE crawl_id = ? AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
        (crawl_id,))]
    latest = [{"capture_id": int(r[0]), "url": r[1], "fetched_at": r[2], "status": int(r[3]),
               "kind": r[4], "version_id": r[5]} for r in store.rows(
        "SELECT id, url, fetched_at, status, kind, version_id FROM captures "
        "WHERE crawl_id = ? ORDER BY id DESC LIMIT ?", (crawl_id, recent))]
    return CrawlProgress(crawl_id=crawl_id, states=states, hosts=hosts, failures=failures,
                         recent=latest)


def archived_pages(store: Store, urls: Sequence[str]) -> dict[str, int]:
    """For each URL that is an archived page (as normalised, with or without a trailing
    slash), its latest record id."""
    wanted: dict[str, str] = {}
    for url in urls:
        for candidate in (url, url.rstrip("/"), url.rstrip("/") + "/"):
            wanted.setdefault(candidate, url)
    keys = list(wanted)
    out: dict[str, int] = {}
    for page_url, version_id in store.rows("SELECT url, latest_version_id FROM pages "
                                     f"WHERE url {_in(keys)} AND latest_version_id "
                                     "IS NOT NULL", keys):
        out.setdefault(wanted[str(page_url)], int(version_id))
    return out


@dataclass(frozen=True, kw_only=True)
class ReplayHit:
    """An archived response: the capture closest to the asked time, and its payload.

    ``payload`` is the body as the server sent it, content-decoding undone; for a
    revisit it is read from the capture that holds the bytes (``payload_capture``).
    """

    capture_id: int
    payload_capture: int
    url: str
    fetched_at: str
    status: int
    content_type: str | None
    payload: bytes


def _when(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def warc_dir_of(store: Store) -> Path:
    """Where a store's WARC file names are relative to (PostgreSQL records absolute
    paths, which ``Path`` joins unchanged)."""
    if store.dialect.postgres:
        return Path(getattr(store, "warc_dir", "."))
    return Path(getattr(store, "path", "archive.sqlite")).parent / "warc"


def replay_lookup(store: Store, url: str, at: str | None = None, *,
                  warc_dir: Path | None = None) -> ReplayHit | None:
    """The archived response of ``url`` closest to time ``at`` (the latest when ``at``
    is None), or None when the URL was never archived with a payload.

    The URL is matched as an archived page (normalised URL, with or without a trailing
    slash) or as fetched.

    Args:
        store: the archive's store (SQLite or PostgreSQL).
        url: the URL as linked.
        at: an ISO 8601 time.
        warc_dir: the archive's WARC directory (default: beside a SQLite database).

    Raises:
        WarcError: the WARC record is missing or corrupt.
    """
    candidates = list(dict.fromkeys([url, url.rstrip("/"), url.rstrip("/") + "/"]))
    found = store.rows("SELECT c.id, c.url, c.fetched_at, c.status, c.content_type, c.kind, "
                       "c.warc_file, c.warc_offset, c.revisit_of, 'captures' FROM captures c "
                       f"JOIN pages p ON p.id = c.page_id WHERE p.url {_in(candidates)} "
                       "AND c.kind IN ('response', 'revisit') AND c.warc_file IS NOT NULL",
                       candidates)
    if not found:
        found = store.rows("SELECT id, url, fetched_at, status, content_type, kind, "
                           "warc_file, warc_offset, revisit_of, 'captures' FROM captures "
                           "WHERE url = ? AND kind IN ('response', 'revisit') "
                           "AND warc_file IS NOT NULL LIMIT 50", (url,))
    if not found:  # a page's requisite: an image, a stylesheet, a script
        found = store.rows("SELECT id, url, fetched_at, status, content_type, kind, "
                           "warc_file, warc_offset, revisit_of, 'resources' FROM resources "
                           f"WHERE url {_in(candidates)} AND kind IN ('response', 'revisit') "
                           "LIMIT 50", candidates)
    if not found:
        return None
    if at is None:
        best = max(found, key=lambda r: (_when(str(r[2])), int(r[0])))
    else:
        target = _when(at)
        best = min(found, key=lambda r: (abs((_when(str(r[2])) - target).total_seconds()),
                                         -int(r[0])))
    cid, curl, fetched_at, status, ctype, kind, wfile, offset, revisit_of, table = best
    holder = (int(cid), str(wfile), int(offset))
    if kind == "revisit" and revisit_of is not None:  # the record that holds the bytes
        original = store.rows(f"SELECT id, warc_file, warc_offset FROM {table} WHERE id = ?",
                              (revisit_of,))
        if original and original[0][1] is not None:
            holder = (int(original[0][0]), str(original[0][1]), int(original[0][2]))
    directory = warc_dir or warc_dir_of(store)
    _, payload = read_record(directory / holder[1], holder[2])
    return ReplayHit(capture_id=int(cid), payload_capture=holder[0], url=str(curl),
                     fetched_at=str(fetched_at), status=int(status), content_type=ctype,
                     payload=payload)


def screenshot(store: Store, capture_id: int, *, warc_dir: Path | None = None
               ) -> bytes | None:
    """The full-page PNG screenshot taken with a capture (when it was rendered in a
    browser), or None when there is none.

    Raises:
        WarcError: the WARC record is missing or corrupt.
    """
    found = store.rows("SELECT warc_file, warc_offset FROM resources WHERE capture_id = ? "
                       "AND role = 'screenshot' AND content_type = 'image/png' "
                       "ORDER BY id DESC LIMIT 1", (capture_id,))
    if not found:
        return None
    return read_record((warc_dir or warc_dir_of(store)) / str(found[0][0]),
                       int(found[0][1]))[1]


_CAPTURE_COLUMNS = ("id, url, fetched_at, status, kind, content_type, payload_digest, "
                    "warc_file, warc_offset, warc_length, version_id, content_hash, "
                    "revisit_of, warc_record_id")


def capture(store: Store, capture_id: int) -> Capture | None:
    """One capture by id, or None."""
    found = store.rows(f"SELECT {_CAPTURE_COLUMNS} FROM captures WHERE id = ?", (capture_id,))
    if not found:
        return None
    r = found[0]
    return Capture(id=int(r[0]), url=r[1], fetched_at=r[2], status=int(r[3]), kind=r[4],
                   content_type=r[5], payload_digest=r[6], warc_file=r[7], warc_offset=r[8],
                   warc_length=r[9], version_id=r[10], content_hash=r[11], revisit_of=r[12],
                   warc_record_id=r[13])


def page_of_capture(store: Store, capture_id: int) -> str | None:
    """The (normalised) page URL a capture belongs to."""
    found = store.rows("SELECT p.url FROM captures c JOIN pages p ON p.id = c.page_id "
                 "WHERE c.id = ?", (capture_id,))
    return str(found[0][0]) if found else None
