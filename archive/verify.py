"""Check that an archive's WARC files and database agree, and repair what can be.

``verify_archive`` walks every WARC file member by member (each record is its own gzip
member), so a truncated last record, a corrupt member or a digest mismatch is found
with its file and offset; then it checks that every capture in the database points at
the start of a whole record of the right type and length, with the payload digest the
database recorded. ``repair=True`` trims a truncated tail, unless the database points
into it (that is reported and left alone: the bytes are gone, nothing can bring them
back).

Usage::

    with open_archive("newsarchive-data") as arc:
        report = verify_archive(arc)
        print(report.ok, [p.message for p in report.problems])
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .archive import WARC_DIR, Archive
from .reader import next_record_offset

_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong, with where it is.

    ``kind`` is one of ``missing-file``, ``truncated``, ``corrupt``, ``digest``,
    ``dangling`` (the database points at no record), ``mismatch`` (the record there is
    not the one the database describes) or ``database``.
    """

    kind: str
    message: str
    file: str | None = None
    offset: int | None = None
    capture_id: int | None = None
    repaired: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "file": self.file,
                "offset": self.offset, "capture_id": self.capture_id,
                "repaired": self.repaired}


@dataclass(kw_only=True)
class VerifyReport:
    """What ``verify_archive`` found."""

    files: int = 0
    records: int = 0
    captures: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def repairable(self) -> bool:
        """Whether ``--repair`` would fix something: a truncated tail left unrepaired."""
        return any(p.kind == "truncated" and not p.repaired for p in self.problems)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong any more (every problem found was repaired)."""
        return all(p.repaired for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "files": self.files, "records": self.records,
                "captures": self.captures, "problems": [p.to_dict() for p in self.problems]}


@dataclass(frozen=True)
class _Member:
    offset: int
    length: int
    data: bytes | None  # decompressed; None when the member is cut short or corrupt
    error: str = ""


@dataclass(frozen=True)
class _Scanned:
    rec_type: str
    length: int
    payload_digest: str | None


def _members(fh: BinaryIO) -> Iterator[_Member]:
    """Each gzip member of a file: offset, compressed length, decompressed bytes."""
    offset = 0
    pending = b""
    while True:
        if not pending:
            pending = fh.read(_CHUNK)
            if not pending:
                return
        decomp = zlib.decompressobj(zlib.MAX_WBITS + 16)
        out: list[bytes] = []
        consumed = 0
        try:
            while True:
                out.append(decomp.decompress(pending))
                if decomp.eof:
                    used = len(pending) - len(decomp.unused_data)
                    consumed += used
                    pending = decomp.unused_data
                    break
                consumed += len(pending)
                pending = fh.read(_CHUNK)
                if not pending:
                    yield _Member(offset, consumed, None, "truncated")
                    return
        except zlib.error as exc:
            yield _Member(offset, consumed, None, f"corrupt gzip data ({exc})")
            resume = next_record_offset(fh, offset, gzipped=True)  # read on after it
            if resume is None:
                return
            fh.seek(resume)
            offset, pending = resume, b""
            continue
        yield _Member(offset, consumed, b"".join(out))
        offset += consumed


def _parse(data: bytes) -> _Scanned:
    """Parse one decompressed record, checking its digests. Raises ArchiveLoadFailed."""
    it = ArchiveIterator(io.BytesIO(data), check_digests="raise")
    for record in it:
        while record.raw_stream.read(_CHUNK):
            pass
        if record.length is not None and record.raw_stream.limit:
            raise ArchiveLoadFailed(f"record cut short: {record.raw_stream.limit} bytes "
                                    "of its block missing")
        return _Scanned(record.rec_type or "", len(data),
                        record.rec_headers.get_header("WARC-Payload-Digest"))
    raise ArchiveLoadFailed("no WARC record in this gzip member")


def _scan_file(path: Path, name: str, report: VerifyReport
               ) -> tuple[dict[int, tuple[int, _Scanned]], int | None]:
    """Records by offset, and where a truncated tail starts (None if the file is whole)."""
    records: dict[int, tuple[int, _Scanned]] = {}
    with path.open("rb") as fh:
        for member in _members(fh):
            if member.data is None:
                kind = "truncated" if member.error == "truncated" else "corrupt"
                report.problems.append(Problem(
                    kind=kind, file=name, offset=member.offset,
                    message=f"{name}: {member.error} record at offset {member.offset}"))
                if kind == "truncated":  # the end of the file: nothing follows
                    return records, member.offset
                continue
            try:
                scanned = _parse(member.data)
            except (ArchiveLoadFailed, ValueError, EOFError) as exc:
                text = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                kind = "digest" if "digest" in text else "corrupt"
                report.problems.append(Problem(
                    kind=kind, file=name, offset=member.offset,
                    message=f"{name}: record at offset {member.offset}: {text}"))
                continue
            report.records += 1
            records[member.offset] = (member.length, scanned)
    return records, None


def verify_archive(archive: Archive, *, repair: bool = False) -> VerifyReport:
    """Re-read every WARC record and every capture the database points at.

    On PostgreSQL the files checked are those in this machine's WARC directory and those
    the captures name (by absolute path; a worker's directory not mounted here shows as
    missing).

    Args:
        archive: an open archive (SQLite or PostgreSQL).
        repair: trim a truncated last record when no capture points into it.

    Returns:
        The report; ``report.ok`` is False while any problem is left.
    """
    report = VerifyReport()
    store = archive.store
    for text in store.integrity_problems():
        report.problems.append(Problem(kind="database", message=text))
    warc_dir = archive.path / WARC_DIR
    captures = [("capture", *r) for r in store.rows(
        "SELECT id, kind, payload_digest, warc_file, warc_offset, warc_length FROM "
        "captures WHERE warc_file IS NOT NULL ORDER BY warc_file, warc_offset")]
    captures += [("resource", *r) for r in store.rows(
        "SELECT id, kind, payload_digest, warc_file, warc_offset, warc_length FROM "
        "resources WHERE warc_file IS NOT NULL ORDER BY warc_file, warc_offset")]
    files = {p.resolve(): p.name for p in warc_dir.iterdir() if ".warc" in p.name} \
        if warc_dir.is_dir() else {}
    for name in {str(r[4]) for r in captures}:  # captures name their file relative (SQLite)
        path = (warc_dir / name).resolve()  # or absolute (PostgreSQL)
        if path not in files and path.is_file():
            files[path] = name
    scanned: dict[Path, dict[int, tuple[int, _Scanned]]] = {}
    tails: dict[Path, int] = {}
    for path, name in sorted(files.items()):
        report.files += 1
        records, tail = _scan_file(path, name, report)
        scanned[path] = records
        if tail is not None:
            tails[path] = tail
    beyond_tail: set[Path] = set()
    for table, row_id, kind, digest, name, offset, length in captures:
        report.captures += 1
        cap_id = row_id if table == "capture" else None
        where = f"{table} {row_id} -> {name}:{offset}"
        path = (warc_dir / name).resolve()
        if path not in scanned:
            report.problems.append(Problem(
                kind="missing-file", file=name, offset=offset, capture_id=cap_id,
                message=f"{where}: WARC file missing"))
            continue
        if path in tails and offset >= tails[path]:
            beyond_tail.add(path)
        found = scanned[path].get(offset)
        if found is None:
            report.problems.append(Problem(
                kind="dangling", file=name, offset=offset, capture_id=cap_id,
                message=f"{where}: no whole, valid record starts there"))
            continue
        member_length, record = found
        expected_type = kind if kind in ("revisit", "resource") else "response"
        if record.rec_type != expected_type or (length is not None and length != member_length) \
                or (digest and record.payload_digest and record.payload_digest != digest):
            report.problems.append(Problem(
                kind="mismatch", file=name, offset=offset, capture_id=cap_id,
                message=f"{where}: found a {record.rec_type} record of {member_length} bytes "
                        f"with digest {record.payload_digest}; the database expects a "
                        f"{expected_type} of {length} bytes with {digest}"))
    if repair:
        report.problems = [_repair(p, warc_dir, beyond_tail) for p in report.problems]
    return report


def _repair(problem: Problem, warc_dir: Path, beyond_tail: set[Path]) -> Problem:
    if problem.kind != "truncated" or problem.file is None or problem.offset is None \
            or (warc_dir / problem.file).resolve() in beyond_tail:
        return problem
    path = warc_dir / problem.file
    with path.open("r+b") as fh:
        fh.truncate(problem.offset)
        fh.flush()
        os.fsync(fh.fileno())
    return Problem(kind=problem.kind, file=problem.file, offset=problem.offset,
                   message=problem.message + f"; trimmed to {problem.offset} bytes",
                   repaired=True)
