"""A PostgreSQL transaction's rows, held on the client until the server has them.

A capture's rows (capture, version, attributions, requisites, its page's validators)
wait in the transaction's :class:`Pending`. Every few dozen captures they go to the
server in pipeline mode, without waiting for it: while the server builds search vectors
and index entries for them, the writer reads and extracts the next ones, so a batch
costs the longer of the two rather than their sum. The transaction waits for the server
only before a statement that must see the rows, and when it commits; an error in them
shows there and fails the transaction.

Ids are taken from the tables' sequences in blocks (one round trip per block, the
block doubling as the transaction uses it up), so a capture's id is known at once.
Savepoints are issued only once a statement runs inside them; until then undoing one
is dropping the rows buffered since it began. Rows are sent only between savepoints,
so an undone block never has rows on the server but through one it issued.

What the store asks about the transaction's own rows (a page's latest version, the
first capture of a payload, whether a record was already imported) :class:`Pending`
answers from indexes over them, and the store asks the server the rest on a second
connection, so none of that waits for the rows to arrive.
"""

from __future__ import annotations

import functools
from collections import deque
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ...types import OriginalCapture
from ..sql import ATTRIBUTION_COLUMNS, RESOURCE_COLUMNS, VERSION_COLUMNS

Conn = psycopg.Connection[tuple[Any, ...]]

# the columns of the rows held, as the store makes them (id first)
CAPTURE_COLUMNS = ("id, page_id, url, fetched_at, status, kind, content_type, payload_digest, "
                   "content_hash, warc_file, warc_offset, warc_length, crawl_id, "
                   "warc_record_id, revisit_of, worker, origin_record_id, version_id")
VERSION_ROW = f"id, {VERSION_COLUMNS}"
RESOURCE_ROW = f"id, {RESOURCE_COLUMNS}, worker"


def _positions(columns: str) -> dict[str, int]:
    return {name.strip(): i for i, name in enumerate(columns.split(","))}


CAPTURE, VERSION, RESOURCE = map(_positions, (CAPTURE_COLUMNS, VERSION_ROW, RESOURCE_ROW))


@dataclass(frozen=True)
class Insert:
    """A multi-row ``INSERT`` into one table: one statement (and one message to the
    server) for many rows, where ``executemany`` sends a message a row. Its text has
    the server's own ``$n`` placeholders, for a raw cursor: psycopg would parse a text
    with thousands of ``%s`` each time, costing more than the rows' sending."""

    table: str
    columns: str

    def text(self, rows: int) -> bytes:
        return (f"INSERT INTO {self.table} ({self.columns}) VALUES ".encode()
                + _placeholders(self.columns.count(",") + 1, rows))

    def run(self, cur: psycopg.RawCursor[Any], rows: list[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), INSERT_ROWS):
            part = rows[start:start + INSERT_ROWS]
            # a full statement is prepared (parsed and planned once per connection)
            cur.execute(self.text(len(part)), [value for row in part for value in row],
                        prepare=True if len(part) == INSERT_ROWS else None)


@functools.lru_cache(maxsize=64)
def _placeholders(width: int, rows: int) -> bytes:
    """``($1,...,$width),(...)`` for ``rows`` rows (the texts are few: by table and size)."""
    return ",".join("(" + ",".join(f"${r * width + c + 1}" for c in range(width)) + ")"
                    for r in range(rows)).encode()


# the tables rows are inserted in, in an order that satisfies their foreign keys: a
# capture points at its version, attributions at theirs, a requisite at its page's capture
INSERTS = {
    "versions": Insert("versions", VERSION_ROW),
    "captures": Insert("captures", CAPTURE_COLUMNS),
    "attributions": Insert("attributions", ATTRIBUTION_COLUMNS),
    "resources": Insert("resources", RESOURCE_ROW),
}
INSERT_ROWS = 50  # rows in one statement, at most
LINK = (b"UPDATE captures c SET version_id = u.version FROM unnest(%s::bigint[], "
        b"%s::bigint[]) AS u(id, version) WHERE c.id = u.id")
VALIDATORS = (b"UPDATE pages p SET etag = coalesce(u.etag, p.etag), "
              b"last_modified = coalesce(u.last_modified, p.last_modified), "
              b"last_checked = u.checked, gone_since = NULL FROM unnest(%s::bigint[], "
              b"%s::text[], %s::text[], %s::text[]) AS u(id, etag, last_modified, checked) "
              b"WHERE p.id = u.id")
BLOCK_MAX = 1024  # ids taken from a sequence at once, at most
SEND_AT = 200  # rows sent at once, between two captures of a batch (about 40 captures)

Op = tuple[str, tuple[Any, ...]]  # (table, row), ("link", (capture, version)),
#                                   ("validators", (page, etag, last_modified, checked))


@dataclass
class Mark:
    """An open savepoint: where its rows begin, and whether the server has it yet."""

    name: bytes
    at: int
    issued: bool = False


@dataclass
class Pending:
    """One transaction's rows, savepoints and id blocks."""

    ops: list[Op] = field(default_factory=list)
    sent: int = 0  # ops[:sent] have gone to the server
    marks: list[Mark] = field(default_factory=list)
    pipeline: AbstractContextManager[Any] | None = None  # open while rows are unconfirmed
    ids: dict[str, deque[int]] = field(default_factory=dict)
    block: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)  # ids of the pages looked up
    # pages this transaction created: the indexes below hold all their rows (another
    # worker's, not committed yet, no lookup would see either)
    created: set[int] = field(default_factory=set)
    # indexes over ops (which the server, asked on the other connection, does not see)
    latest: dict[int, tuple[int, str]] = field(default_factory=dict)
    originals: dict[tuple[int, str], OriginalCapture] = field(default_factory=dict)
    resources: dict[str, OriginalCapture] = field(default_factory=dict)
    seen: set[tuple[str, str, str | None]] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)

    @property
    def unsent(self) -> bool:
        """Whether a statement run now must first wait for the server, send rows or
        issue savepoints."""
        return (self.pipeline is not None or self.sent < len(self.ops)
                or any(not m.issued for m in self.marks))

    def take_id(self, conn: Conn, table: str) -> int:
        """The next id of ``table`` (its sequence read a block at a time on ``conn``)."""
        queue = self.ids.setdefault(table, deque())
        if not queue:
            size = self.block[table] = min(self.block.get(table, 0) * 2 or 1, BLOCK_MAX)
            queue.extend(int(r[0]) for r in conn.execute(
                f"SELECT nextval('{table}_id_seq') FROM generate_series(1, %s)".encode(),
                (size,)))
        return queue.popleft()

    def add(self, op: Op) -> None:
        self.ops.append(op)
        self._index(op)

    def _index(self, op: Op) -> None:
        kind, row = op
        if kind == "versions":
            self.latest[row[VERSION["page_id"]]] = (row[0], row[VERSION["content_hash"]])
        elif kind == "captures":
            c = CAPTURE
            digest = row[c["payload_digest"]]
            self.seen.add((row[c["url"]], row[c["fetched_at"]], digest))
            if origin := row[c["origin_record_id"]]:
                self.origins.add(origin)
            if row[c["kind"]] == "response" and digest:
                self.originals.setdefault((row[c["page_id"]], digest), OriginalCapture(
                    row[0], row[c["url"]], row[c["fetched_at"]], row[c["warc_record_id"]]))
        elif kind == "resources":
            r = RESOURCE
            digest = row[r["payload_digest"]]
            self.seen.add((row[r["url"]], row[r["fetched_at"]], digest))
            if row[r["kind"]] == "response" and digest:
                self.resources.setdefault(digest, OriginalCapture(
                    row[0], row[r["url"]], row[r["fetched_at"]], row[r["warc_record_id"]]))

    def settle(self, failure: BaseException | None = None) -> None:
        """Wait for the server to confirm every row sent (raising its error if any).
        With ``failure``, the transaction is failing (its rollback follows): pipeline
        mode just ends, and the error raised is the first one."""
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            pipeline.__exit__(type(failure) if failure else None, failure,
                              failure.__traceback__ if failure else None)

    def sync(self, conn: Conn) -> None:
        """Send every row and have the server confirm it, issuing open savepoints in
        their places among them, so a statement run next sees them all."""
        self.settle()
        for mark in self.marks:
            if not mark.issued:
                self._send(conn, mark.at)
                conn.execute(b"SAVEPOINT " + mark.name)
                mark.issued = True
        self._send(conn, len(self.ops))

    def _send(self, conn: Conn, end: int) -> None:
        if end <= self.sent:
            return
        if self.pipeline is None:  # its statements at once; the block's end waits for all
            with conn.pipeline():
                write(conn, self.ops[self.sent:end])
        else:
            write(conn, self.ops[self.sent:end])
        self.sent = end

    def begin(self, name: bytes) -> None:
        self.marks.append(Mark(name, len(self.ops)))

    def release(self, conn: Conn) -> None:
        """End the innermost savepoint, keeping its rows; between two savepoints, send
        what has piled up without waiting for the server."""
        mark = self.marks.pop()
        if mark.issued:
            self.settle()
            conn.execute(b"RELEASE SAVEPOINT " + mark.name)
        if not self.marks and len(self.ops) - self.sent >= SEND_AT:
            if self.pipeline is None:
                self.pipeline = conn.pipeline()
                self.pipeline.__enter__()  # left by settle
            self._send(conn, len(self.ops))

    def undo(self, conn: Conn) -> None:
        """Undo the innermost savepoint: drop its rows, and the server's if it has them."""
        mark = self.marks.pop()
        if mark.issued:
            self.settle()
            conn.execute(b"ROLLBACK TO SAVEPOINT " + mark.name)
            conn.execute(b"RELEASE SAVEPOINT " + mark.name)
        del self.ops[mark.at:]
        self.sent = min(self.sent, mark.at)
        for index in (self.latest, self.originals, self.resources, self.seen, self.origins):
            index.clear()
        for op in self.ops:
            self._index(op)


def write(conn: Conn, ops: list[Op]) -> None:
    """Send ``ops`` to the server: the inserts of each table, then the updates."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INSERTS}
    links: dict[int, int] = {}
    validators: dict[int, list[Any]] = {}
    for kind, row in ops:
        if kind == "link":
            links[row[0]] = row[1]
        elif kind == "validators":
            page, etag, last_modified, checked = row
            old = validators.get(page)
            validators[page] = [page, etag, last_modified, checked] if old is None else [
                page, etag if etag is not None else old[1],
                last_modified if last_modified is not None else old[2], checked]
        else:
            rows[kind].append(row)
    if links:  # a capture sent now gets its version in its row; one sent before, after
        rows["captures"] = [(*row[:CAPTURE["version_id"]], links.pop(row[0])) if row[0] in links
                            else row for row in rows["captures"]]
    with psycopg.RawCursor(conn) as raw:
        for table, insert in INSERTS.items():
            if rows[table]:
                insert.run(raw, rows[table])
    with conn.cursor() as cur:
        if links:
            cur.execute(LINK, (list(links), list(links.values())))
        if validators:
            cur.execute(VALIDATORS, [list(c) for c in zip(*validators.values(), strict=True)])
