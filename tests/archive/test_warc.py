"""The hand-built capture records are the bytes warcio would write for them."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import random
import uuid
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import HttpResponse
from archive.errors import WarcError
from archive.warc import WarcFileWriter, WarcLocation, _warc_date, payload_digest, read_record


def _response(headers: tuple[tuple[str, str], ...]) -> HttpResponse:
    body = "<html><body><p>Ünïcode body, proxy war.</p></body></html>".encode()
    return HttpResponse(url="https://news.example/a/b?x=1", requested_url="https://news.example/a",
                        status=200, reason="OK", http_version="HTTP/1.1", headers=headers,
                        request_headers=(("User-Agent", "t"), ("Accept", "*/*")), body=body,
                        content=body, fetched_at="2026-01-01T10:00:00+00:00")


def _warcio_members(response: HttpResponse, metadata: bytes) -> list[bytes]:
    """What ``write_response`` wrote through warcio before it built records itself."""
    plain = io.BytesIO()
    writer = WARCWriter(plain, gzip=False, warc_version="1.1")
    date = _warc_date(response.fetched_at)
    headers = [(k, v) for k, v in response.headers if k.lower() != "transfer-encoding"]
    out = []

    def add(record: object) -> None:
        plain.seek(0)
        plain.truncate()
        writer.write_record(record)
        out.append(plain.getvalue())

    record = writer.create_warc_record(
        response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date})
    add(record)
    rid = record.rec_headers.get_header("WARC-Record-ID")
    add(writer.create_warc_record(
        response.url, "request",
        http_headers=StatusAndHeaders("GET /a/b?x=1 HTTP/1.1", list(response.request_headers),
                                      is_http_request=True),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": rid}))
    add(writer.create_warc_record(
        response.url, "metadata", payload=io.BytesIO(metadata), length=len(metadata),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": rid, "WARC-Concurrent-To": rid}))
    return out


@pytest.mark.parametrize("headers", [
    (("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")),
    (("Content-Type", "text/html"), ("Content-Disposition", "inline; filename=\"ünï.html\"")),
])
def test_capture_records_match_warcio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      headers: tuple[tuple[str, str], ...]) -> None:
    def fixed_ids() -> None:
        counter = itertools.count(1)
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))

    response = _response(headers)
    metadata = '{"title": "Ünï"}'.encode()
    fixed_ids()
    expected = _warcio_members(response, metadata)
    writer = WarcFileWriter(tmp_path)
    writer._open()
    fixed_ids()
    loc = writer.write_response(response, metadata)
    writer.close()
    assert _members(tmp_path, loc) == expected
    assert loc.record_id == "<urn:uuid:00000000-0000-0000-0000-000000000001>"


def _members(directory: Path, loc: WarcLocation) -> list[bytes]:
    """The records from ``loc`` to the end of its file, each inflated."""
    data = (directory / loc.filename).read_bytes()[loc.offset:]
    members = []
    while data:
        inflate = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append(inflate.decompress(data))
        data = inflate.unused_data
    return members


def test_a_given_payload_digest_is_written_as_given(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive hashes the body once (to find an earlier capture) and hands the digest
    in: the right one gives the same bytes as none; a wrong one is written as given (not
    recomputed), so the record then fails its digest check."""
    response = _response((("Content-Type", "text/html"),))

    def write(name: str, digest: str | None) -> tuple[WarcLocation, list[bytes]]:
        counter = itertools.count(1)
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
        writer = WarcFileWriter(tmp_path / name)
        loc = writer.write_response(response, b"{}", payload_digest=digest)
        writer.close()
        return loc, _members(tmp_path / name, loc)

    right = payload_digest(response.body)
    computed, given = write("computed", None), write("given", right)
    assert given[1] == computed[1]
    assert given[0].payload_digest == computed[0].payload_digest == right
    assert read_record(tmp_path / "given" / given[0].filename, given[0].offset)[1] == \
        response.body

    wrong = payload_digest(b"other bytes")
    loc, _ = write("wrong", wrong)
    path = tmp_path / "wrong" / loc.filename
    assert loc.payload_digest == wrong
    assert read_record(path, loc.offset, check_digests=False)[0]["WARC-Payload-Digest"] == wrong
    with pytest.raises(WarcError, match="digest"):
        read_record(path, loc.offset)


def test_any_corrupted_byte_of_a_record_is_an_error(tmp_path: Path) -> None:
    """A corrupted byte fails the read, or reads back the same payload: never another
    one (warcio stops reading at Content-Length; the gzip CRC covers every byte)."""
    rng = random.Random(5)  # a body that compresses like a page: varied words, 3 KB
    words = ["".join(rng.choices("abcdefghij", k=rng.randint(2, 9))) for _ in range(400)]
    body = ("<html><body><p>" + " ".join(rng.choices(words, k=500)) + "</p></body></html>"
            ).encode()
    response = dataclasses.replace(_response((("Content-Type", "text/html"),)), body=body,
                                   content=body)
    writer = WarcFileWriter(tmp_path)
    loc = writer.write_response(response)
    writer.close()
    path = tmp_path / loc.filename
    good = path.read_bytes()
    assert read_record(path, loc.offset)[1].startswith(b"<html>")
    for at in range(loc.offset + 10, loc.offset + loc.length):  # past the gzip header's
        data = bytearray(good)                                   # mtime, flags and OS bytes
        data[at] ^= 0xFF
        path.write_bytes(bytes(data))
        with contextlib.suppress(WarcError):  # a back-reference may come to point at
            assert read_record(path, loc.offset)[1] == body  # other, identical bytes
