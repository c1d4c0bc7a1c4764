"""The edits across an archive: each new version's labels (:mod:`archive.changes`),
stored when the version is, listed with filters, and written as JSON, CSV or an Atom
feed that people subscribe to in a feed reader.

Usage::

    with open_archive("newsarchive-data") as arc:
        for edit in list_edits(arc.store, kinds=["headline"], since="7d"):
            print(edit.captured_at, edit.url, edit.kinds)
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO
from xml.sax.saxutils import escape

from .changes import KINDS, REEXTRACTED, Label, compare
from .db import Store
from .db.sql import ids_in
from .errors import QuerySyntaxError
from .query import parse_when

FEED_LIMIT = 200  # entries in an Atom feed: readers keep what they have seen


@dataclass(frozen=True, kw_only=True)
class Edit:
    """One new version of an article and the kinds of change it made."""

    version_id: int
    previous_id: int
    url: str
    site: str
    title: str | None
    captured_at: str
    labels: tuple[Label, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(label.kind for label in self.labels)

    def to_dict(self) -> dict[str, Any]:
        return {"version_id": self.version_id, "previous_id": self.previous_id,
                "url": self.url, "site": self.site, "title": self.title,
                "captured_at": self.captured_at, "kinds": list(self.kinds),
                "labels": [{"kind": x.kind, "detail": x.detail} for x in self.labels]}


def record_labels(store: Store, version_id: int, previous_id: int,
                  labels: Iterable[Label]) -> None:
    """Store a version's labels (call inside the transaction that adds the version)."""
    store.execute_many(
        "INSERT INTO version_changes(version_id, previous_id, kind, detail) "
        "VALUES (?, ?, ?, ?)", [(version_id, previous_id, x.kind, x.detail) for x in labels])


def labels_of(store: Store, version_id: int) -> tuple[Label, ...]:
    """The labels stored for one version (empty for a page's first version)."""
    return tuple(Label(str(k), str(d)) for k, d in store.rows(
        "SELECT kind, detail FROM version_changes WHERE version_id = ? ORDER BY id",
        (version_id,)))


def check_kinds(kinds: Sequence[str]) -> list[str]:
    """The kinds asked for, each one known.

    Raises:
        QuerySyntaxError: an unknown kind (the message lists the known ones).
    """
    known = (*KINDS, REEXTRACTED)
    for kind in kinds:
        if kind not in known:
            raise QuerySyntaxError(f"unknown kind of change {kind!r}; one of: "
                                   f"{', '.join(known)}")
    return list(kinds)


def list_edits(store: Store, *, kinds: Sequence[str] = (), site: str | None = None,
               since: str | None = None, limit: int | None = None,
               front_pages: bool = False) -> list[Edit]:
    """Edits across the archive, newest first.

    Args:
        store: the archive's store.
        kinds: only versions with at least one of these kinds (see :data:`KINDS`);
            re-extracted versions are left out unless ``reextracted`` is asked for.
        site: only this site (host without ``www.``; subdomains included).
        since: only versions captured since (a date, ISO time or age, as ``query``).
        limit: at most this many versions.
        front_pages: include front and section pages (whose content changes all day).

    Raises:
        QuerySyntaxError: an unknown kind or an unreadable date.
    """
    where = ["EXISTS (SELECT 1 FROM version_changes c WHERE c.version_id = v.id"
             + (f" AND c.kind {ids_in(kinds)})" if kinds else f" AND c.kind <> '{REEXTRACTED}')")]
    params: list[Any] = list(check_kinds(kinds))
    if site:
        name = site.lower().removeprefix("www.")
        where.append("(p.site = ? OR p.site LIKE ?)")
        params += [name, f"%.{name}"]
    if since:
        bound = parse_when(since)
        where.append(f"substr(v.captured_at, 1, {len(bound)}) >= ?")
        params.append(bound)
    if not front_pages:
        where.append("NOT EXISTS (SELECT 1 FROM front_captures f WHERE f.page_id = p.id)")
    sql = ("SELECT v.id, p.url, p.site, v.title, v.captured_at FROM versions v "
           "JOIN pages p ON p.id = v.page_id WHERE " + " AND ".join(where)
           + " ORDER BY v.captured_at DESC, v.id DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    heads = store.rows(sql, params)
    if not heads:
        return []
    ids = [int(r[0]) for r in heads]
    labels: dict[int, list[Label]] = {i: [] for i in ids}
    previous: dict[int, int] = {}
    for vid, prev, kind, detail in store.rows(
            "SELECT version_id, previous_id, kind, detail FROM version_changes "
            f"WHERE version_id {ids_in(ids)} ORDER BY id", ids):
        labels[int(vid)].append(Label(str(kind), str(detail)))
        previous[int(vid)] = int(prev)
    return [Edit(version_id=int(r[0]), previous_id=previous[int(r[0])], url=str(r[1]),
                 site=str(r[2]), title=r[3], captured_at=str(r[4]),
                 labels=tuple(labels[int(r[0])])) for r in heads]


def unlabelled(store: Store) -> int:
    """How many versions after a page's first have no labels: those archived before
    labelling began (every version since is labelled as it is stored, so only versions
    older than the first labelled one are looked at)."""
    row = store.rows(
        "SELECT count(*) FROM versions v WHERE v.id < coalesce((SELECT min(version_id) "
        "FROM version_changes), (SELECT max(id) + 1 FROM versions)) AND EXISTS (SELECT 1 "
        "FROM versions w WHERE w.page_id = v.page_id AND w.id < v.id) AND NOT EXISTS "
        "(SELECT 1 FROM version_changes c WHERE c.version_id = v.id)")
    return int(row[0][0]) if row else 0


def label_missing(store: Store) -> int:
    """Label every version that has an earlier one and no labels yet (versions archived
    before labelling existed); returns how many were labelled."""
    todo = store.rows("SELECT v.id, (SELECT max(w.id) FROM versions w WHERE w.page_id = "
                      "v.page_id AND w.id < v.id) FROM versions v WHERE NOT EXISTS (SELECT 1 "
                      "FROM version_changes c WHERE c.version_id = v.id) ORDER BY v.id")
    done = 0
    for vid, prev in todo:
        if prev is None:
            continue
        old, new = store.record(int(prev)), store.record(int(vid))
        result = compare(old.article, new.article, old_at=old.captured_at,
                         new_at=new.captured_at)
        labels = result.labels if result.changed else (Label("other"),)
        if new.origin == "reextract":
            labels = (Label(REEXTRACTED, new.extractor or ""),)
        with store.transaction():
            record_labels(store, int(vid), int(prev), labels)
        done += 1
    return done


# -- output --------------------------------------------------------------------------------

CSV_COLUMNS = ("captured_at", "version_id", "previous_id", "site", "url", "title", "kinds",
               "details")


def write_csv(edits: Iterable[Edit], out: TextIO) -> int:
    """One row per edited version; ``kinds`` and ``details`` joined by ``; ``."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for e in edits:
        writer.writerow([e.captured_at, e.version_id, e.previous_id, e.site, e.url,
                         _cell(e.title or ""), "; ".join(e.kinds),
                         _cell("; ".join(f"{x.kind}: {x.detail}" for x in e.labels
                                         if x.detail))])
        n += 1
    return n


def _cell(text: str) -> str:
    # a spreadsheet runs a cell starting with these as a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_atom(edits: Sequence[Edit], out: TextIO, *, feed_id: str,
               title: str = "newsarchive: story edits", link: str | None = None,
               now: dt.datetime | None = None) -> int:
    """An Atom 1.0 feed (RFC 4287) with one entry per edited version, newest first.

    Args:
        edits: the edits (at most :data:`FEED_LIMIT` are written).
        out: where the XML goes.
        feed_id: the feed's permanent IRI (keep it the same across runs).
        title: the feed's title.
        link: a page the feed is about, if any.
        now: the feed's ``updated`` time when it has no entries.

    Returns:
        The number of entries written.
    """
    shown = list(edits)[:FEED_LIMIT]
    updated = max((_rfc3339(e.captured_at) for e in shown),
                  default=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"))
    out.write('<?xml version="1.0" encoding="utf-8"?>\n'
              '<feed xmlns="http://www.w3.org/2005/Atom">\n'
              f"  <id>{escape(feed_id)}</id>\n  <title>{escape(title)}</title>\n"
              f"  <updated>{updated}</updated>\n"
              "  <author><name>newsarchive</name></author>\n"
              '  <generator uri="https://example.org/newsarchive">newsarchive</generator>\n')
    if link:
        out.write(f'  <link rel="alternate" href="{escape(link, {chr(34): "&quot;"})}"/>\n')
    for e in shown:
        kinds = ", ".join(e.kinds)
        lines = "".join(f"<li><b>{escape(x.kind)}</b>{': ' + escape(x.detail) if x.detail else ''}"
                        "</li>" for x in e.labels)
        content = (f"<p>Version {e.version_id} of {escape(e.url)}, captured {e.captured_at}, "
                   f"compared with version {e.previous_id}.</p><ul>{lines}</ul>")
        href = escape(e.url, {'"': "&quot;"})
        out.write("  <entry>\n"
                  f"    <id>{escape(feed_id)}/version/{e.version_id}</id>\n"
                  f"    <title>[{escape(kinds)}] {escape(e.title or e.url)}</title>\n"
                  f'    <link rel="alternate" href="{href}"/>\n'
                  f"    <updated>{_rfc3339(e.captured_at)}</updated>\n"
                  + "".join(f'    <category term="{escape(k)}"/>\n' for k in e.kinds)
                  + f'    <content type="html">{escape(content)}</content>\n'
                  "  </entry>\n")
    out.write("</feed>\n")
    return len(shown)


def _rfc3339(stamp: str) -> str:
    """An ISO 8601 capture time as RFC 3339 (a time zone is required in Atom)."""
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat(timespec="seconds")
