"""Read HTTP responses out of WARC and WACZ files written by any tool.

wget ``--warc-file``, browsertrix (WACZ), pywb recordings and newsarchive itself all
write ``response`` records; :func:`iter_responses` yields each as an
:class:`~archive.types.HttpResponse` (payload as stored, and decoded), skipping the
other record types. A WACZ's WARC files are read from inside the ZIP, after its
``datapackage.json`` digests are checked. Digests of each record are checked too: a
corrupt or truncated record raises :class:`WarcError` naming the file and offset,
after the good records before it have been yielded.

Usage::

    for response in iter_responses(Path("crawl.warc.gz")):
        print(response.url, response.status)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from .errors import WarcError
from .types import HttpResponse


def _iso(warc_date: str) -> str:
    try:
        when = dt.datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        when = dt.datetime.now(dt.UTC)
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def _responses(fh: IO[bytes], name: str) -> Iterator[HttpResponse]:
    requests: dict[str, tuple[tuple[str, str], ...]] = {}
    it = ArchiveIterator(fh, check_digests="raise")
    offset = 0
    try:
        for record in it:
            if record.rec_type == "request" and record.http_headers is not None:
                target = record.rec_headers.get_header("WARC-Concurrent-To") or ""
                requests[target] = tuple(record.http_headers.headers)
            body = record.raw_stream.read()  # payload as stored (still content-encoded)
            offset = it.get_record_offset()  # (reads the record to its end: after the body)
            # a record cut in its body leaves bytes owed; cut in its headers, no length
            missing = getattr(record.raw_stream, "limit", 0)
            if missing > 0 or record.length is None:
                raise WarcError(f"{name}: record at offset {offset} is cut short; the file "
                                "is truncated (`warcio check` shows where)")
            if record.rec_type != "response" or record.http_headers is None:
                continue
            http = record.http_headers
            try:
                content = _decode(body, http)
            except (OSError, ValueError, EOFError):  # a bad encoding: keep the bytes as stored
                content = body
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            rec_id = record.rec_headers.get_header("WARC-Record-ID") or ""
            status = int(http.get_statuscode() or 0)
            yield HttpResponse(
                url=url, requested_url=url, status=status,
                reason=http.statusline.partition(" ")[2],
                http_version=http.protocol or "HTTP/1.1", headers=tuple(http.headers),
                request_headers=requests.pop(rec_id, ()), body=body, content=content,
                fetched_at=_iso(record.rec_headers.get_header("WARC-Date") or ""))
    except (ArchiveLoadFailed, EOFError, ValueError, OSError) as exc:
        first = (str(exc).strip().splitlines() or [repr(exc)])[0]
        raise WarcError(f"{name}: cannot read the record after offset {offset}: {first}. "
                        "Check the file with `warcio check`.") from exc


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


def _check_wacz(zf: zipfile.ZipFile, name: str) -> list[str]:
    try:
        package = json.loads(zf.read("datapackage.json"))
    except KeyError:
        return sorted(n for n in zf.namelist() if n.startswith("archive/") and ".warc" in n)
    except ValueError as exc:
        raise WarcError(f"{name}: datapackage.json is not JSON: {exc}") from exc
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
            raise WarcError(f"{name}: {path} is listed in datapackage.json but missing") from exc
        if expected.startswith("sha256:") and expected != "sha256:" + digest.hexdigest():
            raise WarcError(f"{name}: {path} does not match its sha256 in datapackage.json; "
                            "the WACZ is corrupt")
        paths.append(path)
    return paths


def iter_responses(path: Path) -> Iterator[HttpResponse]:
    """Every HTTP response in a ``.warc``, ``.warc.gz`` or ``.wacz`` file, in file order.

    Raises:
        WarcError: the file is missing, not a WARC/WACZ, truncated or fails a digest.
    """
    name = str(path)
    try:
        if path.suffix == ".wacz" or zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                for member in _check_wacz(zf, name):
                    with zf.open(member) as fh:
                        yield from _responses(fh, f"{name}!{member}")
            return
        with path.open("rb") as fh:
            yield from _responses(fh, name)
    except FileNotFoundError as exc:
        raise WarcError(f"no such file: {name}") from exc
    except zipfile.BadZipFile as exc:
        raise WarcError(f"{name}: not a readable WACZ (ZIP) file: {exc}") from exc
