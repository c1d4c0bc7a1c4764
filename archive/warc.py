"""Write and read WARC 1.1 files (ISO 28500); warcio reads them and writes the rare kinds.

Each process writes its own files (``<prefix>-<time>-<pid>-<n>.warc.gz``), so two
crawls never interleave bytes in one file. A capture is serialised to memory first and
appended with one write; if that write fails (disk full) the file is cut back to where
it was, so a file only ever ends with whole records, or, after a hard crash, with one
truncated record that ``verify --repair`` trims.

Cookie values and credentials never reach a file: every request and response record
is written with :func:`archive.redact.redact_headers` applied to its HTTP headers.

The records of every capture (response, request, metadata) are serialised here rather
than by warcio, whose per-record header objects and stream copies cost more than the
compression: same header order, digests and encoding as warcio writes, so ``warcio
check`` and ``warcio index`` read them alike (tests compare the two byte for byte).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .errors import WarcError
from .redact import redact_headers
from .types import HttpResponse

_DROP_HEADERS = {"transfer-encoding"}  # bodies are stored de-chunked


@dataclass(frozen=True)
class WarcLocation:
    """Where a record lives: file name (relative to the WARC directory), offset, length."""

    filename: str
    offset: int
    length: int
    payload_digest: str | None
    record_id: str | None = None


# gzip level of every record. On news pages (trafilatura-eval, 300 pages): level 3 takes
# 1.3 ms a page for a ratio of 4.5, level 6 3.1 ms for 5.0, warcio's 9 more still: the
# archive writer is the one process a bulk import cannot spread over cores, so it takes
# the cheaper level for 10% more bytes.
GZIP_LEVEL = 3


class _Members:
    """Serialises records, each as its own gzip member (at ``GZIP_LEVEL``), into one
    buffer appended with one write."""

    def __init__(self) -> None:
        self._plain = io.BytesIO()
        self._writer: WARCWriter | None = None
        self._out = io.BytesIO()

    @property
    def writer(self) -> WARCWriter:
        """warcio's writer, for the records not built here (warcinfo, revisit)."""
        if self._writer is None:  # made on demand: captures do without it
            self._writer = WARCWriter(self._plain, gzip=False, warc_version="1.1")
        return self._writer

    def add(self, record: Any) -> int:
        """Serialise ``record``; returns the length of its gzip member."""
        self._plain.seek(0)
        self._plain.truncate()
        self.writer.write_record(record)
        return self.add_bytes(self._plain.getvalue())

    def add_bytes(self, plain: bytes) -> int:
        """Append one serialised record; returns the length of its gzip member."""
        member = zlib.compress(plain, GZIP_LEVEL, wbits=zlib.MAX_WBITS + 16)
        self._out.write(member)
        return len(member)

    def tell(self) -> int:
        return self._out.tell()

    def getvalue(self) -> bytes:
        return self._out.getvalue()


def _sha1(*parts: bytes) -> str:
    """``sha1:`` and the base32 SHA-1 of the parts, as if joined (without joining them)."""
    if len(parts) == 1 and not parts[0]:  # the request record's payload
        return _EMPTY_SHA1
    digest = hashlib.sha1(parts[0])
    for part in parts[1:]:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


_EMPTY_SHA1 = "sha1:" + base64.b32encode(hashlib.sha1(b"").digest()).decode("ascii")


def payload_digest(payload: bytes) -> str:
    """The ``WARC-Payload-Digest`` of ``payload`` (``sha1:`` and base32), the key that
    finds an earlier capture of the same bytes; computed once a capture and handed to
    :meth:`WarcFileWriter.write_response`, so a large body is not hashed twice for it."""
    return _sha1(payload)


def _header_block(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """An HTTP header block as warcio writes it: ASCII, non-ASCII values %-encoded."""
    text = first_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        protocol, _, status = first_line.partition(" ")
        return bytes(StatusAndHeaders(status, headers, protocol=protocol).to_ascii_bytes())


def _record(rec_type: str, uri: str, first: list[tuple[str, str]], *, http: bytes = b"",
            payload: bytes = b"", content_type: str, digest: str | None = None
            ) -> tuple[bytes, str, str]:
    """One uncompressed WARC 1.1 record with block and payload digests.

    ``first`` are the headers warcio would take from ``warc_headers_dict`` (they come
    first); ``digest`` is ``payload_digest(payload)`` when the caller has it already.
    Returns the record, its WARC-Record-ID and its payload digest.
    """
    record_id = f"<urn:uuid:{uuid.uuid4()}>"
    if digest is None:
        digest = _sha1(payload)
    block_digest = _sha1(http, payload) if http else digest
    headers = [*first, ("WARC-Type", rec_type), ("WARC-Record-ID", record_id),
               ("WARC-Target-URI", uri), ("WARC-Payload-Digest", digest),
               ("WARC-Block-Digest", block_digest), ("Content-Type", content_type),
               ("Content-Length", str(len(http) + len(payload)))]
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return b"".join((head.encode("utf-8"), http, payload, b"\r\n\r\n")), record_id, digest


def _warc_date(iso: str) -> str:
    when = dt.datetime.fromisoformat(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcFileWriter:
    """Appends captures to size-rotated, gzip-per-record WARC files.

    Usage::

        writer = WarcFileWriter(Path("data/warc"), info={"software": "newsarchive/0.1"})
        loc = writer.write_response(response)
        writer.close()
    """

    def __init__(self, directory: Path, *, max_bytes: int = 1_000_000_000,
                 info: dict[str, str] | None = None, prefix: str = "newsarchive") -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.info = info or {}
        self.prefix = prefix
        self._file: BinaryIO | None = None
        self._name = ""
        self._seq = 0

    def _open(self) -> BinaryIO:
        if self._file is not None and self._file.tell() < self.max_bytes:
            return self._file
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        while True:
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._seq:05d}.warc.gz"
            try:
                fh = (self.directory / name).open("xb")
                break
            except FileExistsError:
                continue
        self._file, self._name = fh, name
        writer, buf = self._buffer()
        buf.add(writer.create_warcinfo_record(name, self.info))
        try:
            self._append(buf.getvalue())
        except WarcError:
            # a file without its warcinfo is not worth keeping: drop it whole
            fh.close()
            self._file = None
            (self.directory / name).unlink(missing_ok=True)
            raise
        return fh

    @property
    def filename(self) -> str:
        """The file being written (relative to the WARC directory); '' before the first."""
        return self._name

    @staticmethod
    def _buffer() -> tuple[WARCWriter, _Members]:
        members = _Members()
        return members.writer, members

    def _append(self, data: bytes) -> int:
        fh = self._file
        assert fh is not None
        start = fh.tell()
        try:
            fh.write(data)
            fh.flush()
        except OSError as exc:
            try:
                fh.truncate(start)
                fh.seek(start)
            except OSError:
                pass
            raise WarcError(f"cannot write {self.directory / self._name}: {exc}. "
                            "Free disk space, then run the crawl again with --resume.") from exc
        return start

    @staticmethod
    def _http_headers(response: HttpResponse) -> StatusAndHeaders:
        headers = [(k, v) for k, v in redact_headers(response.headers)
                   if k.lower() not in _DROP_HEADERS]
        protocol = {"HTTP/1.0": "HTTP/1.0"}.get(response.http_version, "HTTP/1.1")
        return StatusAndHeaders(f"{response.status} {response.reason}".strip(), headers,
                                protocol=protocol)

    def write_response(self, response: HttpResponse, metadata: bytes | None = None, *,
                       payload_digest: str | None = None) -> WarcLocation:
        """Write a response record, its request record and, when given, a ``metadata``
        record (JSON, e.g. what was extracted) about it, in one append.

        Args:
            payload_digest: ``payload_digest(response.body)``, when the caller computed
                it already (to look for an earlier capture); it is written as given.

        Returns:
            Where the response record lives.

        Raises:
            WarcError: the write failed (the file is cut back to its last whole record).
        """
        self._open()
        buf = _Members()
        date = _warc_date(response.fetched_at)
        status = self._http_headers(response)
        http = _header_block(f"{status.protocol} {status.statusline}", status.headers)
        plain, record_id, digest = _record(
            "response", response.url, [("WARC-Date", date)], http=http, payload=response.body,
            content_type="application/http; msgtype=response", digest=payload_digest)
        length = buf.add_bytes(plain)
        parts = urlsplit(response.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = _header_block(f"GET {target} HTTP/1.1",
                                list(redact_headers(response.request_headers)))
        buf.add_bytes(_record("request", response.url,
                              [("WARC-Date", date), ("WARC-Concurrent-To", record_id)],
                              http=request, content_type="application/http; msgtype=request")[0])
        if metadata is not None:
            buf.add_bytes(_record("metadata", response.url,
                                  [("WARC-Date", date), ("WARC-Refers-To", record_id),
                                   ("WARC-Concurrent-To", record_id)],
                                  payload=metadata, content_type="application/json")[0])
        start = self._append(buf.getvalue())
        return WarcLocation(self._name, start, length, digest, record_id)

    def write_revisit(self, response: HttpResponse, *, digest: str, refers_to_uri: str,
                      refers_to_date: str, refers_to_id: str | None = None) -> WarcLocation:
        """Write a revisit record: same payload as an earlier capture, not stored again."""
        self._open()
        writer, buf = self._buffer()
        extra = {"WARC-Date": _warc_date(response.fetched_at)}
        if refers_to_id:
            extra["WARC-Refers-To"] = refers_to_id
        record = writer.create_revisit_record(
            response.url, digest, refers_to_uri, _warc_date(refers_to_date),
            http_headers=self._http_headers(response), warc_headers_dict=extra)
        buf.add(record)
        start = self._append(buf.getvalue())
        return WarcLocation(self._name, start, buf.tell(), digest,
                            record.rec_headers.get_header("WARC-Record-ID"))

    def write_resource(self, uri: str, payload: bytes, *, content_type: str, date: str,
                       concurrent_to: str | None = None, rec_type: str = "resource"
                       ) -> WarcLocation:
        """Write a ``resource`` record: content we made rather than fetched (a page's
        screenshot, its rendered DOM), tied to the page's response by
        ``WARC-Concurrent-To`` when given; or (``rec_type="metadata"``) a ``metadata``
        record about an earlier record (``WARC-Refers-To``: a re-extraction of it)."""
        self._open()
        buf = _Members()
        first = [("WARC-Date", _warc_date(date))]
        if concurrent_to:
            link = "WARC-Refers-To" if rec_type == "metadata" else "WARC-Concurrent-To"
            first.append((link, concurrent_to))
        plain, record_id, digest = _record(rec_type, uri, first, payload=payload,
                                           content_type=content_type)
        length = buf.add_bytes(plain)
        start = self._append(buf.getvalue())
        return WarcLocation(self._name, start, length, digest, record_id)

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
            finally:
                self._file.close()
                self._file = None


def read_record(path: Path, offset: int, *, check_digests: bool = True
                ) -> tuple[dict[str, str], bytes]:
    """Read the WARC record at ``offset``: its WARC headers and its decoded payload.

    Args:
        path: the WARC file.
        offset: where the record's gzip member starts.
        check_digests: fail when the block or payload digest does not match the bytes.

    Raises:
        WarcError: missing file, bad offset, a digest mismatch, or a truncated/corrupt
            record.
    """
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            stream: BinaryIO = fh
            if fh.read(2) == b"\x1f\x8b":  # a gzip member: inflate it whole, so its CRC is
                fh.seek(offset)               # checked (warcio stops at Content-Length)
                stream = io.BytesIO(_member(fh))
            else:
                fh.seek(offset)
            for record in ArchiveIterator(stream, check_digests="raise" if check_digests
                                          else False):
                headers = dict(record.rec_headers.headers)
                payload = record.content_stream().read()
                return headers, payload
    except FileNotFoundError as exc:
        raise WarcError(f"WARC file missing: {path}. Run `newsarchive verify`.") from exc
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        raise WarcError(f"cannot read WARC record at {path}:{offset}: {exc}. "
                        "Run `newsarchive verify`.") from exc
    raise WarcError(f"no WARC record at {path}:{offset}. Run `newsarchive verify`.")


def _member(fh: BinaryIO) -> bytes:
    """The gzip member starting at ``fh``'s position, inflated and its CRC checked.

    Raises:
        zlib.error: corrupt data or a CRC mismatch.
        EOFError: the member is cut short.
    """
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = []
    while not inflate.eof:
        block = fh.read(65536)
        if not block:
            raise EOFError("the gzip member is truncated")
        out.append(inflate.decompress(block))
    return b"".join(out)
