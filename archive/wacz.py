"""Package an archive (or some of its captures) as a WACZ file, for ReplayWeb.page/pywb.

A WACZ 1.1.1 file is a ZIP holding ``archive/*.warc.gz``, a CDXJ index
(``indexes/index.cdxj``), the page list (``pages/pages.jsonl``) and
``datapackage.json`` listing every file with its size and SHA-256. Whole WARC files are
copied as they are; a selection (``capture_ids``) is written to one new WARC file with a
``warcinfo`` record, each selected record copied byte for byte, and the original
response of every selected revisit, so replay can resolve it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from .archive import WARC_DIR, Archive
from .db.sql import ids_in
from .errors import ArchiveError
from .files import replace_atomically
from .warc import _Members

WACZ_VERSION = "1.1.1"
_WWW = re.compile(r"^www\d*\.")


def surt(url: str) -> str:
    """The SURT form of a URL used as CDXJ key: ``org,example)/path?query``.

    As the ``surt`` package (pywb) and ReplayWeb.page key their lookups: lower case, no
    ``www``/``www2`` label, no default port or fragment, query arguments sorted.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):  # urn:fullPage:..., as the surt package keys it
        return url.lower()
    host = _WWW.sub("", (parts.hostname or "").lower())
    key = ",".join(reversed(host.split("."))) if host else ""
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    path = (parts.path or "/").lower()
    query = "&".join(sorted(parts.query.lower().split("&"), key=lambda a: a.split("=", 1)))
    return key + ")" + path + (f"?{query}" if query else "")


def cdxj_lines(data: bytes | Path | IO[bytes] | io.RawIOBase, filename: str) -> list[str]:
    """CDXJ index lines for the response, revisit and resource records of a WARC (its
    bytes, its path, or a stream read from where it stands to its end)."""
    if isinstance(data, Path):
        with data.open("rb") as fh:
            return cdxj_lines(fh, filename)
    out = []
    it = ArchiveIterator(io.BytesIO(data) if isinstance(data, bytes) else data)
    for record in it:
        rec_type = record.rec_type
        if rec_type not in ("response", "revisit", "resource"):
            continue
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        date = record.rec_headers.get_header("WARC-Date") or ""
        stamp = "".join(ch for ch in date if ch.isdigit())[:14]
        entry: dict[str, Any] = {"url": url}
        if record.http_headers is not None and rec_type != "resource":
            entry["mime"] = (record.http_headers.get_header("Content-Type") or
                             "").split(";")[0].strip() or "unk"
            entry["status"] = record.http_headers.get_statuscode()
        else:
            entry["mime"] = record.rec_headers.get_header("Content-Type") or "unk"
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if digest:
            entry["digest"] = digest
        if rec_type == "revisit":
            entry["mime"] = "warc/revisit"
        it.read_to_end(record)
        entry.update(length=str(it.get_record_length()),
                     offset=str(it.get_record_offset()), filename=filename)
        out.append(f"{surt(url)} {stamp} {json.dumps(entry)}")
    return out


def _selection(archive: Archive, ids: list[int]) -> bytes:
    """One WARC of these captures, their page requisites and screenshots, and the
    records their revisits point at."""
    store = archive.store
    originals = {int(r[0]) for r in store.rows(
        f"SELECT revisit_of FROM captures WHERE id {ids_in(ids)} "
        "AND revisit_of IS NOT NULL", ids)}
    wanted = sorted(set(ids) | originals)
    found = store.rows(f"SELECT id, revisit_of FROM resources WHERE capture_id {ids_in(ids)}",
                       ids)
    resources = sorted({int(r[0]) for r in found} | {int(r[1]) for r in found if r[1]})
    members = _Members()
    members.add(members.writer.create_warcinfo_record(
        "data.warc.gz", {"software": "newsarchive", "description": "selected captures"}))
    out = io.BytesIO(members.getvalue())
    located = store.rows(
        "SELECT warc_file, warc_offset, warc_length, fetched_at, 0, id FROM captures WHERE "
        f"warc_file IS NOT NULL AND id {ids_in(wanted)}", wanted)
    located += store.rows(
        "SELECT warc_file, warc_offset, warc_length, fetched_at, 1, id FROM resources WHERE "
        f"id {ids_in(resources)}", resources)
    for name, offset, length, *_ in sorted(located, key=lambda r: (r[3], r[4], r[5])):
        with (archive.path / WARC_DIR / name).open("rb") as fh:
            fh.seek(offset)
            out.write(fh.read(length))
    return out.getvalue()


def _whole_files(archive: Archive) -> list[tuple[str, Path | bytes]]:
    """Every WARC file of the archive, named uniquely: those in its WARC directory and
    (PostgreSQL: by absolute path, from every worker) those its captures name."""
    warc_dir = archive.path / WARC_DIR
    paths = {p.resolve() for p in warc_dir.glob("*.warc.gz")}
    paths |= {(warc_dir / str(r[0])).resolve() for r in archive.store.rows(
        "SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL")}
    out: list[tuple[str, Path | bytes]] = []
    names: set[str] = set()
    for path in sorted(paths, key=lambda p: (p.name, str(p))):
        if not path.is_file():
            raise ArchiveError(f"WARC file {path} is missing (a worker's directory not "
                               "mounted here?); `newsarchive verify` lists what is missing")
        name = path.name
        while name in names:  # two workers' files of one name
            name = f"{len(names)}-{path.name}"
        names.add(name)
        out.append((name, path))
    return out


def write_wacz(archive: Archive, target: Path, *, record_ids: Iterable[int] | None = None,
               capture_ids: Iterable[int] | None = None,
               title: str = "newsarchive export") -> int:
    """Write a WACZ file atomically; returns the number of pages in it.

    Args:
        archive: the archive to package (SQLite or PostgreSQL).
        target: the ``.wacz`` file to write.
        record_ids: only the captures of these records (versions), with their page
            requisites and screenshots.
        capture_ids: only these captures, with their requisites (default, with neither:
            every WARC file, whole).
        title: the collection's title in ``datapackage.json``.

    Raises:
        ArchiveError: the target cannot be written, or a WARC file the archive names
            is missing (``newsarchive verify`` lists them).
    """
    warcs: list[tuple[str, Path | bytes]]
    if record_ids is not None:
        wanted = sorted(set(record_ids))
        capture_ids = [int(r[0]) for r in archive.store.rows(
            f"SELECT id FROM captures WHERE version_id {ids_in(wanted)}", wanted)]
    if capture_ids is None:
        warcs = _whole_files(archive)
        cap_filter = ""
        params: list[int] = []
    else:
        params = sorted(set(capture_ids))
        warcs = [("data.warc.gz", _selection(archive, params))]
        cap_filter = f"AND c.id {ids_in(params)}"
    pages = archive.store.rows(
        "SELECT c.url, c.fetched_at, v.title, v.id FROM captures c LEFT JOIN versions v "
        f"ON v.id = c.version_id WHERE c.kind = 'response' AND c.status < 300 "
        f"{cap_filter} AND (c.content_type LIKE 'text/html%' OR c.content_type IS NULL) "
        "ORDER BY c.fetched_at, c.id", params)
    with replace_atomically(target) as tmp:
        resources: list[dict[str, Any]] = []
        index: list[str] = []
        with zipfile.ZipFile(tmp, "w") as zf:
            for name, source in warcs:
                path = f"archive/{name}"
                digest = hashlib.sha256()
                size = len(source) if isinstance(source, bytes) else source.stat().st_size
                # sizes known up front: a plain local header (zip64 only past 4 GB), no
                # data descriptor, which ReplayWeb.page's ranged ZIP reader relies on
                info = zipfile.ZipInfo(path, _zip_time())
                info.file_size = size
                with zf.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
                    # one read: written, hashed and indexed, up to the size given
                    tee = _Tee(_chunks(source, size), (digest.update, out.write))
                    index += cdxj_lines(tee, name)
                    tee.drain()
                resources.append({"name": name, "path": path,
                                  "hash": f"sha256:{digest.hexdigest()}", "bytes": size})
            lines = [json.dumps({"format": "json-pages-1.0", "id": "pages",
                                 "title": "All Pages"})]
            lines += [json.dumps({"id": f"capture-{i}", "url": url, "ts": _ts(fetched),
                                  "title": t or url, **({"record_id": vid} if vid else {})},
                                 ensure_ascii=False)
                      for i, (url, fetched, t, vid) in enumerate(pages)]
            for path, text in (("indexes/index.cdxj", "\n".join(sorted(index)) + "\n"),
                               ("pages/pages.jsonl", "\n".join(lines) + "\n")):
                data = text.encode()
                zf.writestr(zipfile.ZipInfo(path, _zip_time()), data, zipfile.ZIP_DEFLATED)
                resources.append({"name": Path(path).name, "path": path,
                                  "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                                  "bytes": len(data)})
            package: dict[str, Any] = {
                "profile": "data-package", "wacz_version": WACZ_VERSION, "title": title,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "software": "newsarchive", "resources": resources}
            if pages:  # what ReplayWeb.page opens first
                package.update(mainPageURL=pages[0][0], mainPageTS=_ts(pages[0][1]))
            zf.writestr("datapackage.json", json.dumps(package, indent=2), zipfile.ZIP_DEFLATED)
    return len(pages)


class _Tee(io.RawIOBase):
    """A stream of ``chunks`` that hands every byte read from it to ``sinks`` as well:
    the index reads a WARC once, and its copy and hash come with that read."""

    def __init__(self, chunks: Iterable[bytes], sinks: tuple[Callable[[bytes], object], ...]
                 ) -> None:
        self._chunks = iter(chunks)
        self._sinks = sinks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._left:
            self._left = next(self._chunks, b"")
            for sink in self._sinks:
                sink(self._left)
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n

    def drain(self) -> None:
        """Hand on what the reader left unread (bytes after its last record)."""
        self._left = b""
        for chunk in self._chunks:
            for sink in self._sinks:
                sink(chunk)


def _chunks(source: Path | bytes, size: int) -> Iterable[bytes]:
    """The first ``size`` bytes of ``source`` (a file still being appended to by a crawl
    gives the length it had when the export sized it)."""
    if isinstance(source, bytes):
        yield source[:size]
        return
    with source.open("rb") as fh:
        while size > 0 and (chunk := fh.read(min(1 << 20, size))):
            size -= len(chunk)
            yield chunk


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = dt.datetime.now()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _ts(iso: str) -> str:
    """A capture time as pages.jsonl writes it: UTC, ``Z`` (as browsertrix does)."""
    when = dt.datetime.fromisoformat(iso)
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
