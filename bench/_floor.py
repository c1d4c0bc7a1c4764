"""The floor an archive's speed is measured against: the same records, standard tools.

Absolute rates do not carry from one machine to the next (the same code ran 2.4x slower
on a busier machine), so ``bench/archive.py`` also measures, in the same run and on the
same records, what storing and finding them costs with the standard tools and nothing
else (no deduplication, no indexes, no filters):

* ingest: the WARC records the archive writes for a capture (response, request, and a
  metadata record with the extracted article as JSON) written with warcio alone (its
  ``WARCWriter``, gzip, defaults), and one plain SQLite insert of the record's URL, date,
  title, body and WARC offset (no index, no full-text index), committed in the same
  batches as the archive;
* query: a plain FTS5 ``MATCH`` for the phrase on a table of the same titles and
  bodies, its first 20 by FTS5's rank (no filter, no join, no snippet);
* show: the row by primary key; raw: the response read back with warcio at its offset.

Ratios to these survive a change of machine far better than records per second.
"""

from __future__ import annotations

import io
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import Article, HttpResponse


class Floor:
    """warcio (the capture's three WARC records) plus one plain SQLite insert a record,
    in ``directory``.

    Usage::

        floor = Floor(Path("/tmp/floor"))
        floor.store(pages)            # once per batch, timed by the caller
        floor.index()                 # the FTS5 table, after ingest
        ids = floor.query("proxy war in syria")
        floor.close()
    """

    def __init__(self, directory: Path, *, create: bool = True) -> None:
        """``create``: start empty (else read a floor built before, with its index)."""
        directory.mkdir(parents=True, exist_ok=True)
        self.warc_path = directory / "floor.warc.gz"
        self._warc = self.warc_path.open("wb" if create else "rb")
        self._writer = WARCWriter(self._warc, gzip=True, warc_version="1.1")
        self.db_path = directory / "floor.sqlite"
        # the archive's durability (WAL, synchronous=NORMAL), nothing else tuned
        self.conn = sqlite3.connect(self.db_path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        if create:
            self.conn.execute("CREATE TABLE records (id INTEGER PRIMARY KEY, url TEXT, "
                              "published TEXT, title TEXT, body TEXT, warc_offset INTEGER)")

    def store(self, pages: Sequence[tuple[HttpResponse, Article]]) -> None:
        """Write a batch: one WARC response record and one row each, one transaction."""
        self.conn.execute("BEGIN")
        writer = self._writer
        for response, article in pages:
            offset = self._warc.tell()
            date = {"WARC-Date": response.fetched_at[:19] + "Z"}
            http = StatusAndHeaders(f"{response.status} {response.reason}",
                                    list(response.headers), protocol="HTTP/1.1")
            record = writer.create_warc_record(
                response.url, "response", payload=io.BytesIO(response.body),
                http_headers=http, warc_headers_dict=date)
            writer.write_record(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            path = urlsplit(response.url).path or "/"
            request = StatusAndHeaders(f"GET {path} HTTP/1.1", list(response.request_headers),
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(
                response.url, "request", payload=io.BytesIO(b""), http_headers=request,
                warc_headers_dict={**date, "WARC-Concurrent-To": record_id}))
            a = article  # the fields the archive's metadata record has, hashes aside
            extracted = {"page_url": response.url, "url": a.url,
                         "canonical_url": a.canonical_url, "title": a.title,
                         "authors": list(a.authors), "published": a.published,
                         "modified": a.modified, "language": a.language,
                         "site_name": a.site_name, "tags": list(a.tags),
                         "body_chars": len(a.body),
                         "attributions": [{"source": x.source, "passage": x.passage,
                                           "start": x.start, "end": x.end,
                                           "position": x.position, "pattern": x.pattern,
                                           "url": x.url} for x in a.attributions]}
            writer.write_record(writer.create_warc_record(
                response.url, "metadata",
                payload=io.BytesIO(json.dumps({"extracted-article": extracted}).encode()),
                warc_content_type="application/json",
                warc_headers_dict={**date, "WARC-Refers-To": record_id}))
            self.conn.execute("INSERT INTO records (url, published, title, body, warc_offset) "
                              "VALUES (?, ?, ?, ?, ?)",
                              (response.url, article.published, article.title, article.body,
                               offset))
        self.conn.execute("COMMIT")
        self._warc.flush()

    def index(self) -> float:
        """Build the FTS5 table of the stored titles and bodies; returns seconds taken."""
        t0 = time.perf_counter()
        self.conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='records', "
                          "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        self.conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        return time.perf_counter() - t0

    def query(self, phrase: str, limit: int = 20) -> list[int]:
        """The first ``limit`` ids matching ``phrase``, best first."""
        rows = self.conn.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank "
                                 "LIMIT ?", (f'"{phrase}"', limit)).fetchall()
        return [int(r[0]) for r in rows]

    def show(self, record_id: int) -> tuple[object, ...]:
        """A record's row by primary key."""
        row: tuple[object, ...] = self.conn.execute(
            "SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        return row

    def ids(self) -> list[int]:
        """The records' ids in order."""
        return [int(r[0]) for r in self.conn.execute("SELECT id FROM records ORDER BY id")]

    def raw(self, record_id: int) -> bytes:
        """A record's payload, read back with warcio from its offset."""
        offset = int(self.conn.execute("SELECT warc_offset FROM records WHERE id = ?",
                                       (record_id,)).fetchone()[0])
        with self.warc_path.open("rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                return bytes(record.content_stream().read())
        raise ValueError(f"no WARC record at offset {offset}")

    def sizes(self) -> tuple[int, int]:
        """Bytes of the database (with its FTS table) and of the WARC file."""
        db = sum(p.stat().st_size for p in self.db_path.parent.glob("floor.sqlite*"))
        return db, self.warc_path.stat().st_size

    def close(self) -> None:
        self._warc.close()
        self.conn.close()
