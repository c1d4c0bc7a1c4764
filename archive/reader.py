"""Read HTTP responses out of WARC, ARC and WACZ files written by any tool.

wget ``--warc-file``, browsertrix (WACZ), pywb recordings, Heritrix/Internet Archive
ARC files and newsarchive itself all hold ``response`` records. :func:`read_records`
yields every record of a file as a :class:`WarcItem`: a response as an
:class:`~archive.types.HttpResponse` (payload as stored, and decoded), a ``resource``
record as a response too (status 200, its own type), the other kinds by name, and a bad
spot (truncated, corrupt, failing its digest) as an ``error`` item naming the offset,
after which reading resumes at the next record that can be found, so one bad record does
not cost the rest of the file. A WACZ's WARC files are read from inside the ZIP after
its ``datapackage.json`` digests are checked.

Usage::

    for item in read_records(Path("crawl.warc.gz")):
        if item.response is not None:
            print(item.response.url, item.response.status)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from .errors import WarcError
from .inputs import open_file
from .types import HttpResponse

_SCAN = 1 << 16  # bytes read at a time when looking for the next record


@dataclass(frozen=True)
class WarcItem:
    """One record read from a file (or one bad spot in it).

    Attributes:
        offset: where the record starts in its file (for a WACZ: in its WARC member).
        kind: the WARC record type (``response``, ``resource``, ``revisit``,
            ``request``, ``metadata``, ``warcinfo``, ...) or ``error``.
        response: the HTTP exchange, for ``response`` and ``resource`` records.
        record_id: the record's WARC-Record-ID.
        error: what is wrong, for ``error`` items.
        source: the file (``file.wacz!archive/data.warc.gz`` inside a WACZ).
    """

    offset: int
    kind: str
    source: str
    response: HttpResponse | None = None
    record_id: str | None = None
    error: str | None = None


def _iso(warc_date: str) -> str:
    try:
        when = dt.datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        when = dt.datetime.now(dt.UTC)
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def _decode(body: bytes, http: Any) -> bytes:
    """Undo chunked transfer and gzip/deflate/br content encoding, as warcio does."""
    encoding = (http.get_header("Content-Encoding") or "").lower()
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    decomp = encoding if encoding in ("gzip", "deflate", "br") else None
    reader_cls = ChunkedDataReader if chunked else BufferedReader
    reader = reader_cls(io.BytesIO(body), decomp_type=decomp)
    out = []
    while block := reader.read(1 << 16):
        out.append(block)
    return b"".join(out)


def _item(record: Any, body: bytes, offset: int, source: str,
          requests: dict[str, tuple[tuple[str, str], ...]]) -> WarcItem:
    headers = record.rec_headers
    kind = str(record.rec_type or "")
    record_id = headers.get_header("WARC-Record-ID") or None
    url = headers.get_header("WARC-Target-URI") or ""
    when = _iso(headers.get_header("WARC-Date") or "")
    if kind == "request" and record.http_headers is not None:
        requests[headers.get_header("WARC-Concurrent-To") or ""] = \
            tuple(record.http_headers.headers)
    if kind == "response" and record.http_headers is not None:
        http = record.http_headers
        try:
            content = _decode(body, http)
        except (OSError, ValueError, EOFError):  # a bad encoding: keep the bytes as stored
            content = body
        return WarcItem(offset, kind, source, HttpResponse(
            url=url, requested_url=url, status=int(http.get_statuscode() or 0),
            reason=http.statusline.partition(" ")[2],
            http_version=http.protocol or "HTTP/1.1", headers=tuple(http.headers),
            request_headers=requests.pop(record_id or "", ()), body=body, content=content,
            fetched_at=when), record_id)
    if kind == "resource" and url.startswith(("http://", "https://")):
        ctype = headers.get_header("Content-Type") or "application/octet-stream"
        return WarcItem(offset, kind, source, HttpResponse(
            url=url, requested_url=url, status=200, reason="OK", http_version="HTTP/1.1",
            headers=(("Content-Type", ctype), ("Content-Length", str(len(body)))),
            request_headers=(), body=body, content=body, fetched_at=when), record_id)
    return WarcItem(offset, kind, source, record_id=record_id)


def _records(fh: IO[bytes], base: int, source: str, arc: bool) -> Iterator[WarcItem]:
    """Records from ``fh`` (positioned at ``base``; warcio counts offsets from the file's
    start) until the end or the first bad spot, which ends the iteration with an
    ``error`` item."""
    requests: dict[str, tuple[tuple[str, str], ...]] = {}
    it = ArchiveIterator(fh, check_digests="raise", arc2warc=arc)
    offset = base
    try:
        for record in it:
            offset = it.offset  # where this record starts, in the file (get_record_offset()
            # would read the record to its end first)
            body = record.raw_stream.read()  # payload as stored (still content-encoded)
            # a record cut in its body leaves bytes owed; cut in its headers, no length
            missing = getattr(record.raw_stream, "limit", 0)
            if missing > 0 or record.length is None:
                yield WarcItem(offset, "error", source, error=(
                    f"{source}: record at offset {offset} is cut short; the file is "
                    "truncated (`warcio check` shows where)"))
                return
            yield _item(record, body, offset, source, requests)
    except (ArchiveLoadFailed, EOFError, ValueError, OSError, zlib.error) as exc:
        first = (str(exc).strip().splitlines() or [repr(exc)])[0]
        yield WarcItem(offset, "error", source, error=(
            f"{source}: bad record at offset {offset}: {first}. "
            "Check the file with `warcio check`."))


def next_record_offset(fh: IO[bytes], after: int, gzipped: bool) -> int | None:
    """The offset of the next record that starts after ``after``: a gzip member whose
    text is a WARC or ARC record, or (uncompressed) a ``WARC/1.`` line."""
    marker = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    pos = after + 1
    tail = b""
    while True:
        fh.seek(pos)
        block = fh.read(_SCAN)
        if not block:
            return None
        data = tail + block
        start = pos - len(tail)
        i = data.find(marker)
        while i >= 0:
            found = start + i + (0 if gzipped else 1)
            if not gzipped or _member_is_record(fh, found):
                return found
            i = data.find(marker, i + 1)
        tail = data[-(len(marker) - 1):]
        pos += len(block)


def _member_is_record(fh: IO[bytes], offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(fh.read(4096), 64)
    except zlib.error:
        return False
    return head.startswith((b"WARC/", b"http", b"filedesc", b"dns:"))


def _format(fh: IO[bytes]) -> tuple[bool, str]:
    """(gzipped, ``warc`` | ``arc`` | ``unknown``) from a file's first bytes."""
    fh.seek(0)
    head = fh.read(4096)
    gzipped = head[:2] == b"\x1f\x8b"
    if gzipped:
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return gzipped, "unknown"
    head = head.lstrip()
    if head.startswith(b"WARC/"):
        return gzipped, "warc"
    if head.startswith((b"filedesc://", b"http://", b"https://", b"dns:")):
        return gzipped, "arc"
    return gzipped, "unknown"


def _read_stream(fh: IO[bytes], source: str, start: int = 0, end: int | None = None
                 ) -> Iterator[WarcItem]:
    gzipped, kind = _format(fh)
    if kind == "unknown":
        yield WarcItem(0, "error", source, error=(
            f"{source}: not a WARC or ARC file (it starts with neither a WARC/1.x record "
            "nor an ARC header)"))
        return
    if start > 0:  # a byte range: from the first record that starts in it
        found = next_record_offset(fh, start - (1 if gzipped else 2), gzipped)
        if found is None:
            return
        start = found
    while end is None or start < end:
        fh.seek(start)
        last = None
        for item in _records(fh, start, source, kind == "arc"):
            if end is not None and item.offset >= end:
                return
            last = item
            yield item
        if last is None or last.kind != "error":
            return
        resume = next_record_offset(fh, last.offset, gzipped)
        if resume is None:
            return
        start = resume


def _check_wacz(zf: zipfile.ZipFile, name: str) -> list[str]:
    try:
        package = json.loads(zf.read("datapackage.json"))
    except KeyError:
        return sorted(n for n in zf.namelist() if n.startswith("archive/") and ".warc" in n)
    except ValueError as exc:
        raise WarcError(f"{name}: datapackage.json is not JSON: {exc}", path=name) from exc
    paths = []
    for res in package.get("resources", []):
        path = str(res.get("path", ""))
        if not (path.startswith("archive/") and ".warc" in path):
            continue
        expected = str(res.get("hash", ""))
        digest = hashlib.sha256()
        try:
            with zf.open(path) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except KeyError as exc:
            raise WarcError(f"{name}: {path} is listed in datapackage.json but missing",
                            path=name) from exc
        if expected.startswith("sha256:") and expected != "sha256:" + digest.hexdigest():
            raise WarcError(f"{name}: {path} does not match its sha256 in datapackage.json; "
                            "the WACZ is corrupt", path=name)
        paths.append(path)
    return paths


def read_records(path: Path | str, start: int = 0, end: int | None = None
                 ) -> Iterator[WarcItem]:
    """Every record of a ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz`` or ``.wacz`` file,
    in file order; bad spots become ``error`` items and reading goes on after them.

    Args:
        path: the file: a path, or a URL read through fsspec (see :mod:`.inputs`).
        start, end: only the records that start in this byte range of a WARC or ARC
            file (so a large file can be shared out in pieces; a WACZ is read whole).

    Raises:
        WarcError: the file is missing (or its URL cannot be read here), or a WACZ that
            is not a readable ZIP or whose digests do not match.
    """
    name = str(path)
    try:
        with open_file(path) as raw:
            if name.endswith(".wacz") or zipfile.is_zipfile(raw):
                raw.seek(0)
                with zipfile.ZipFile(raw) as zf:
                    for member in _check_wacz(zf, name):
                        with zf.open(member) as fh:
                            yield from _read_stream(fh, f"{name}!{member}")
                return
            yield from _read_stream(raw, name, start, end)
    except zipfile.BadZipFile as exc:
        raise WarcError(f"{name}: not a readable WACZ (ZIP) file: {exc}", path=name) from exc


def iter_responses(path: Path | str) -> Iterator[HttpResponse]:
    """Every HTTP response of a file, in file order, stopping at the first bad record.

    Raises:
        WarcError: the file is missing, not a WARC/ARC/WACZ, truncated or fails a
            digest (after the good responses before the bad spot were yielded).
    """
    for item in read_records(path):
        if item.kind == "error":
            raise WarcError(item.error or "bad record", path=item.source, offset=item.offset)
        if item.kind == "response" and item.response is not None:
            yield item.response
