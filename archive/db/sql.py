"""SQL spelled once for both backends: what differs between them, and shared row readers.

Read-only features built on the tables rather than on store methods (provenance,
verify, WACZ export, the web app's browse queries) write their SQL once, with ``?``
placeholders, and run it with ``store.rows(sql, params)``; the few spellings that differ
are the store's :class:`Dialect`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..types import Article, Attribution, Capture, OriginalCapture, Record, Resource


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' SQL.

    Attributes:
        postgres: the store is PostgreSQL.
        binary: a collation ordering text by its bytes (the same order on both).
    """

    postgres: bool
    binary: str

    @property
    def skip_locked(self) -> str:
        """Appended to a ``SELECT`` that claims rows: rows another transaction holds are
        passed over (PostgreSQL; SQLite has one writer at a time and needs nothing)."""
        return " FOR UPDATE SKIP LOCKED" if self.postgres else ""

    def distinct_list(self, column: str) -> str:
        """An aggregate: the column's distinct values joined by commas."""
        return f"string_agg(DISTINCT {column}, ',')" if self.postgres \
            else f"group_concat(DISTINCT {column})"


SQLITE = Dialect(postgres=False, binary="BINARY")
POSTGRES = Dialect(postgres=True, binary='"C"')


def ids_in(ids: Sequence[object]) -> str:
    """``IN (?, ?, ...)`` for these ids, or a condition no row meets when there are none."""
    return f"IN ({','.join('?' * len(ids))})" if ids else "IN (NULL)"


def site_of(url: str) -> str:
    """The site a URL belongs to: its host, lower-case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (crawl and export stamps)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


RECORD_SQL = (
    "SELECT v.*, p.url AS page_url, p.site AS site, p.gone_since AS gone_since, "
    "p.latest_version_id = v.id AS latest, c.status AS status, c.warc_file AS warc_file, "
    "c.warc_offset AS warc_offset, (SELECT count(*) FROM versions w "
    "WHERE w.page_id = v.page_id AND w.id <= v.id) AS version_number "
    "FROM versions v JOIN pages p ON p.id = v.page_id LEFT JOIN captures c ON c.id = v.capture_id"
)
VERSION_COLUMNS = (
    "page_id, capture_id, captured_at, content_hash, fetched_url, canonical_url, title, "
    "authors, published, modified, language, site_name, description, image, tags, body, "
    "signals, confidence, extractor, origin")


def version_values(*, page_id: int, capture_id: int, captured_at: str, content_hash: str,
                   article: Article, extractor: str | None, origin: str) -> tuple[Any, ...]:
    """The values of one ``versions`` row, in ``VERSION_COLUMNS`` order."""
    a = article
    return (page_id, capture_id, captured_at, content_hash, a.url, a.canonical_url, a.title,
            json.dumps(list(a.authors)), a.published, a.modified, a.language, a.site_name,
            a.description, a.image, json.dumps(list(a.tags)), a.body, json.dumps(a.signals),
            json.dumps(a.confidence), extractor, origin)


def attribution_rows(version_id: int, article: Article) -> list[tuple[Any, ...]]:
    """``attributions`` rows of a version, in ``ATTRIBUTION_COLUMNS`` order."""
    return [(version_id, x.position, x.source, x.url, x.passage, x.start, x.end, x.pattern)
            for x in article.attributions]


ATTRIBUTION_COLUMNS = 'version_id, position, source, url, passage, start, "end", pattern'
ATTRIBUTION_SELECT = ('SELECT source, url, passage, start, "end", position, pattern '
                      "FROM attributions WHERE version_id = ? ORDER BY position")


def attribution_from_row(r: Sequence[Any]) -> Attribution:
    """An :class:`Attribution` from a row of ``ATTRIBUTION_SELECT``."""
    return Attribution(source=r[0], url=r[1], passage=r[2], start=r[3], end=r[4],
                       position=r[5], pattern=r[6])


Row = Mapping[str, Any] | sqlite3.Row  # a row with named columns, from either driver


def record_from_row(row: Row, attributions: tuple[Attribution, ...]) -> Record:
    """A :class:`Record` from a ``RECORD_SQL`` row (either backend)."""
    article = Article(
        url=row["fetched_url"], canonical_url=row["canonical_url"], title=row["title"],
        authors=tuple(json.loads(row["authors"])), published=row["published"],
        modified=row["modified"], language=row["language"], site_name=row["site_name"],
        description=row["description"], image=row["image"],
        tags=tuple(json.loads(row["tags"])), body=row["body"],
        attributions=attributions, signals=json.loads(row["signals"]),
        confidence=json.loads(row["confidence"]))
    return Record(id=row["id"], url=row["page_url"], site=row["site"],
                  captured_at=row["captured_at"], capture_id=row["capture_id"],
                  content_hash=row["content_hash"], article=article, page_id=row["page_id"],
                  origin=row["origin"], extractor=row["extractor"],
                  gone_since=row["gone_since"], version=int(row["version_number"]),
                  latest=bool(row["latest"]), status=row["status"],
                  warc_file=row["warc_file"], warc_offset=row["warc_offset"])


def capture_from_row(row: Row) -> Capture:
    """A :class:`Capture` from a ``SELECT * FROM captures`` row (either backend)."""
    return Capture(id=row["id"], url=row["url"], fetched_at=row["fetched_at"],
                   status=row["status"], kind=row["kind"], content_type=row["content_type"],
                   payload_digest=row["payload_digest"], warc_file=row["warc_file"],
                   warc_offset=row["warc_offset"], warc_length=row["warc_length"],
                   version_id=row["version_id"], content_hash=row["content_hash"],
                   revisit_of=row["revisit_of"], warc_record_id=row["warc_record_id"],
                   origin_record_id=row["origin_record_id"])


# The same SQL on both backends: ``?`` placeholders, columns both schemas have.
FIND_PAGE = (
    "SELECT id, url FROM pages WHERE url = ?",
    "SELECT p.id, p.url FROM captures c JOIN pages p ON p.id = c.page_id WHERE c.url = ? "
    "ORDER BY c.id DESC LIMIT 1",
    "SELECT p.id, p.url FROM versions v JOIN pages p ON p.id = v.page_id "
    "WHERE v.canonical_url = ? LIMIT 1",
)
ORIGINAL_CAPTURE = ("SELECT id, url, fetched_at, warc_record_id FROM captures WHERE page_id = ? "
             "AND payload_digest = ? AND kind = 'response' ORDER BY id LIMIT 1")
LATEST_RESPONSE = ("SELECT c.warc_file, c.warc_offset FROM captures c JOIN pages p "
                    "ON p.id = c.page_id WHERE p.url = ? AND c.kind = 'response' "
                    "ORDER BY c.id DESC LIMIT 1")
SAME_CAPTURE = ("SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? "
                "AND payload_digest = ? UNION ALL SELECT 1 FROM resources WHERE url = ? "
                "AND fetched_at = ? AND payload_digest = ? LIMIT 1")
RESOURCE_COLUMNS = ("url, fetched_at, status, kind, role, content_type, payload_digest, "
                    "warc_file, warc_offset, warc_length, warc_record_id, revisit_of, "
                    "capture_id, crawl_id")
RESOURCE_SELECT = ("SELECT id, url, fetched_at, status, kind, role, content_type, "
                   "payload_digest, warc_file, warc_offset, warc_length, warc_record_id, "
                   "revisit_of, capture_id FROM resources")
ORIGINAL_RESOURCE = ("SELECT id, url, fetched_at, warc_record_id FROM resources "
                     "WHERE payload_digest = ? AND kind = 'response' ORDER BY id LIMIT 1")


def original_from_row(row: Sequence[Any] | None) -> OriginalCapture | None:
    """The :class:`OriginalCapture` of a row of ``ORIGINAL_CAPTURE`` or
    ``ORIGINAL_RESOURCE`` (``None`` for no row)."""
    return OriginalCapture(int(row[0]), str(row[1]), str(row[2]), row[3]) if row else None


def resource_from_row(r: Sequence[Any]) -> Resource:
    """A :class:`Resource` from a row of ``RESOURCE_SELECT``."""
    return Resource(id=r[0], url=r[1], fetched_at=r[2], status=r[3], kind=r[4], role=r[5],
                    content_type=r[6], payload_digest=r[7], warc_file=r[8], warc_offset=r[9],
                    warc_length=r[10], warc_record_id=r[11], revisit_of=r[12],
                    capture_id=r[13])
