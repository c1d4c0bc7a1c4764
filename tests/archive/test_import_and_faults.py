"""Importing other tools' WARC/WACZ files, and corrupt inputs: truncated WARC, wrong
digest, newer schema, disk full during a WARC write. Every one ends in one clear line on
stderr and a non-zero exit, never a traceback, and the archive stays valid."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive import ArchiveSettings, open_archive
from archive.errors import WarcError
from archive.reader import iter_responses
from tests.conftest import REPO, cli

DATA = REPO / "tests" / "data" / "warc"


def _err(result: subprocess.CompletedProcess[bytes]) -> str:
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result.stderr.decode()


def test_reader_decodes_chunked_and_gzip_bodies() -> None:
    wget = list(iter_responses(DATA / "wget.warc.gz"))
    assert [r.status for r in wget] == [200, 200]
    assert wget[0].content.lstrip().lower().startswith(b"<!doctype html")
    pywb = list(iter_responses(DATA / "pywb.warc.gz"))
    assert len(pywb) == 1 and b"shared enemy" in pywb[0].content.lower()


def test_import_other_tools_makes_them_searchable(tmp_path: Path) -> None:
    arc = str(tmp_path / "arc")
    files = [str(DATA / n) for n in ("wget.warc.gz", "pywb.warc.gz", "browsertrix.wacz")]
    result = cli("import", *files, "--json", "--archive", arc)
    assert result.returncode == 0, _err(result)
    stats = json.loads(result.stdout)
    assert stats["responses"] == 5 and stats["skipped"] == {}
    assert stats["resources"] == 1  # the PNG, kept for replay
    assert stats["new"] == 2  # two pages, from two hosts each
    found = cli("query", "ceasefire", "--json", "--archive", arc)
    assert found.returncode == 0 and b"vienna" in found.stdout.lower()
    verify = cli("verify", "--archive", arc)
    assert verify.returncode == 0, _err(verify)


@pytest.mark.parametrize(("name", "needle"), [("truncated.warc.gz", "cut short"),
                                              ("bad-digest.warc.gz", "digest")])
def test_import_corrupt_warc(tmp_path: Path, name: str, needle: str) -> None:
    result = cli("import", str(DATA / name), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1
    assert needle in _err(result) and name in _err(result)
    with pytest.raises(WarcError):
        list(iter_responses(DATA / name))


def test_import_missing_and_non_warc_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a WARC file\n" * 10)
    result = cli("import", str(tmp_path / "nope.warc.gz"), str(junk),
                     "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1
    assert "nope.warc.gz" in _err(result) and "junk.warc" in _err(result)


def test_wacz_with_a_wrong_digest_is_refused(tmp_path: Path) -> None:
    import zipfile

    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(DATA / "browsertrix.wacz") as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".warc.gz"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(item, data)
    result = cli("import", str(bad), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1 and "sha256" in _err(result)


@pytest.fixture
def small_archive(tmp_path: Path) -> Path:
    arc = tmp_path / "arc"
    assert cli("import", str(DATA / "browsertrix.wacz"), "--archive", str(arc)).returncode == 0
    return arc


@pytest.mark.parametrize("command", [["query", "ceasefire"], ["show", "1"], ["verify"],
                                     ["history", "https://x.example/"], ["sources"],
                                     ["import", str(DATA / "wget.warc.gz")]])
def test_newer_schema_is_refused_by_every_command(small_archive: Path, command: list[str]
                                                  ) -> None:
    with sqlite3.connect(small_archive / "archive.sqlite") as conn:
        conn.execute("PRAGMA user_version = 99")
    result = cli(*command, "--archive", str(small_archive))
    assert result.returncode == 1
    assert "newer" in _err(result) and len(result.stderr.splitlines()) == 1


def test_show_raw_of_a_corrupted_record_fails_cleanly(small_archive: Path) -> None:
    with open_archive(small_archive) as arc:
        capture = arc.store.capture(arc.record(1).capture_id)
    warc = small_archive / "warc" / (capture.warc_file or "")
    data = bytearray(warc.read_bytes())
    data[(capture.warc_offset or 0) + 60] ^= 0xFF
    warc.write_bytes(bytes(data))
    result = cli("show", "1", "--raw", "--archive", str(small_archive))
    assert result.returncode == 1 and "verify" in _err(result)
    assert cli("show", "1", "--archive", str(small_archive)).returncode == 0  # DB intact
    assert cli("verify", "--archive", str(small_archive)).returncode == 1
    shutil.rmtree(small_archive / "warc")
    result = cli("show", "1", "--raw", "--archive", str(small_archive))
    assert result.returncode == 1 and "missing" in _err(result)


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "archive.sqlite").write_bytes(b"garbage" * 1000)
    for command in (["query", "x"], ["verify"], ["show", "1"]):
        result = cli(*command, "--archive", str(tmp_path))
        assert result.returncode == 1 and "database" in _err(result)


_DISK_FULL = """
import os, resource, signal, sys
from pathlib import Path
from archive import Archive, Article, HttpResponse
from archive.errors import WarcError
def resp(i, size):
    body = b"<p>" + os.urandom(size) + b"</p>"  # incompressible: the WARC grows by size
    return HttpResponse(url=f"https://n.example/{i}", requested_url="x", status=200, reason="OK",
        http_version="HTTP/1.1", headers=(("Content-Type", "text/html"),), request_headers=(),
        body=body, content=body, fetched_at="2026-01-01T00:00:00+00:00")
with Archive(sys.argv[1], create=True) as arc:
    arc.store_response(resp(0, 10), Article(title="t0", body="small"), page_url="https://n.example/0")
    arc.store_response(resp(1, 10), Article(title="t1", body="small too"), page_url="https://n.example/1")
    arc.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = max(p.stat().st_size for p in Path(sys.argv[1]).rglob("*") if p.is_file())
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 65536, resource.RLIM_INFINITY))
    try:
        arc.store_response(resp(2, 3_000_000), Article(title="big", body="x"), page_url="https://n.example/2")
    except WarcError as exc:
        print("ERROR", exc)
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    arc.store_response(resp(3, 10), Article(title="t3", body="after"), page_url="https://n.example/3")
"""


def test_disk_full_during_a_warc_write_leaves_a_valid_archive(tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _DISK_FULL, str(arc)], env=env,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert "ERROR" in done.stdout.decode() and "disk space" in done.stdout.decode()
    with open_archive(arc) as archive:
        assert [r.article.title for r in archive.records()] == ["t0", "t1", "t3"]
        assert all(archive.raw(r.id) for r in archive.records())
    result = cli("verify", "--archive", str(arc))
    assert result.returncode == 0, _err(result) + result.stdout.decode()


def _many_pages_archive(tmp_path: Path, pages: int = 30) -> Path:
    """An archive of ``pages`` articles, each with a body of random (incompressible)
    words, so its WARC file is large enough to cut in the middle."""
    import random

    from archive import Archive, Article, HttpResponse

    rng = random.Random(7)
    arc = tmp_path / "source"
    with Archive(arc, create=True) as archive:
        for n in range(pages):
            words = " ".join(f"{rng.getrandbits(40):x}" for _ in range(800))
            body = f"<html><head><title>Story {n}</title></head><body><article><h1>Story " \
                   f"{n}</h1><p>{words}</p></article></body></html>".encode()
            url = f"https://news.example/{n}"
            archive.store_response(HttpResponse(
                url=url, requested_url=url, status=200, reason="OK", http_version="HTTP/1.1",
                headers=(("Content-Type", "text/html"),), request_headers=(), body=body,
                content=body, fetched_at=f"2026-01-01T00:00:{n:02d}+00:00"),
                Article(title=f"Story {n}", body=words), page_url=url)
    return arc


def _pages(arc: Path) -> set[str]:
    with open_archive(arc) as archive:
        return {r[0] for r in archive.store.rows("SELECT url FROM pages")}


def test_a_truncated_warc_keeps_every_record_before_the_cut(tmp_path: Path) -> None:
    [warc] = (_many_pages_archive(tmp_path) / "warc").glob("*.warc.gz")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(warc.read_bytes()[: warc.stat().st_size * 2 // 3])
    result = cli("import", str(cut), "--json", "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1 and "cut short" in _err(result)
    stats = json.loads(result.stdout)
    kept = _pages(tmp_path / "arc")
    assert stats["new"] == len(kept) and 15 <= len(kept) < 30  # about two thirds, all kept
    assert kept == {f"https://news.example/{n}" for n in range(len(kept))}


def test_a_corrupt_record_in_the_middle_costs_only_that_record(tmp_path: Path) -> None:
    source = _many_pages_archive(tmp_path)
    [warc] = (source / "warc").glob("*.warc.gz")
    with open_archive(source) as archive:
        victim = archive.store.capture(archive.history("https://news.example/10")
                                       .captures[0].id)
    data = bytearray(warc.read_bytes())
    data[(victim.warc_offset or 0) + 200] ^= 0xFF  # inside the record's compressed bytes
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(data))
    result = cli("import", str(bad), "--json", "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1 and f"offset {victim.warc_offset}" in _err(result)
    kept = _pages(tmp_path / "arc")
    assert kept == {f"https://news.example/{n}" for n in range(30) if n != 10}
    warc.write_bytes(bytes(data))
    checked = cli("verify", "--archive", str(source))  # verify reads on after it too
    assert checked.returncode == 1
    assert _err(checked).count("PROBLEM") == 2  # the corrupt record, the capture on it
    assert "--repair" not in _err(checked)  # nothing --repair can mend


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    arc = str(tmp_path / "arc")
    first = json.loads(cli("import", str(DATA / "browsertrix.wacz"), str(DATA / "wget.warc.gz"),
                           "--json", "--archive", arc).stdout)
    with open_archive(arc) as archive:
        before = archive.store.counts()
    again = cli("import", str(DATA / "browsertrix.wacz"), str(DATA / "wget.warc.gz"),
                "--json", "--archive", arc)
    assert again.returncode == 0
    second = json.loads(again.stdout)
    assert second["duplicates"] == first["responses"] == 4
    assert second["new"] == second["new_versions"] == second["resources"] == 0
    with open_archive(arc) as archive:
        assert archive.store.counts() == before


def _arc_file(gzipped: bool) -> bytes:
    """An ARC file (version 1, as the Internet Archive and Heritrix wrote them)."""
    import gzip

    page = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>Old "
            b"talks</title></head><body><article><h1>Old talks</h1><p>" +
            b"Ceasefire talks in Vienna, as archived in 2004. " * 10 + b"</p></article></body>"
            b"</html>")
    head = b"1 0 Example\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://x.arc 0.0.0.0 20040101000000 text/plain %d\n" % len(head) + head,
               b"http://old.example/talks.html 93.184.216.34 20040302101500 text/html %d\n"
               % len(page) + page]
    if not gzipped:
        return b"\n".join(records) + b"\n"
    return b"".join(gzip.compress(r + b"\n") for r in records)


@pytest.mark.parametrize("name", ["x.arc", "x.arc.gz"])
def test_arc_files_are_imported_with_their_url_and_date(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_arc_file(name.endswith(".gz")))
    result = cli("import", str(path), "--json", "--archive", str(tmp_path / "arc"))
    assert result.returncode == 0, _err(result)
    assert json.loads(result.stdout)["new"] == 1
    with open_archive(tmp_path / "arc") as archive:
        [record] = list(archive.records())
    assert record.url == "http://old.example/talks.html"
    assert record.captured_at.startswith("2004-03-02T10:15:00")
    assert record.article.title == "Old talks"


def test_other_record_kinds_are_counted(tmp_path: Path) -> None:
    result = cli("import", str(DATA / "pywb.warc.gz"), "--json", "--archive",
                 str(tmp_path / "arc"))
    stats = json.loads(result.stdout)
    assert stats["other"] == {"warcinfo": 1, "request": 1, "revisit": 1}
    assert stats["records"] == 4 and stats["new"] == 1


@pytest.mark.parametrize("gzipped", [True, False])
def test_byte_ranges_share_out_every_record_exactly_once(tmp_path: Path, gzipped: bool) -> None:
    import gzip

    from archive.reader import read_records
    from scraper.warcimport import pieces_of

    [warc] = (_many_pages_archive(tmp_path) / "warc").glob("*.warc.gz")
    if not gzipped:
        plain = tmp_path / "plain.warc"
        plain.write_bytes(gzip.decompress(warc.read_bytes()))
        warc = plain
    whole = [(i.offset, i.kind) for i in read_records(warc)]
    pieces = pieces_of([warc], size=warc.stat().st_size // 7)
    assert len(pieces) >= 7
    shared = [(i.offset, i.kind) for p in pieces for i in read_records(p.path, p.start, p.end)]
    assert shared == whole and len(whole) > 60


def test_import_jobs_are_shared_by_workers(tmp_path: Path, pg_url: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from scraper import warcimport

    [warc] = (_many_pages_archive(tmp_path) / "warc").glob("*.warc.gz")
    monkeypatch.setattr(warcimport, "RANGE_BYTES", -(-warc.stat().st_size // 5))  # ceil
    queued = cli("import", "--seed-only", str(warc), "--archive", pg_url)
    assert queued.returncode == 0 and b"queued 5 piece(s)" in queued.stderr
    roots = [tmp_path / "w1", tmp_path / "w2"]
    for root in roots:  # two workers in turn (each would also share them at once)
        done = cli("worker", "--archive", pg_url, "--archive-warc-root", str(root), "-j", "2",
                   "-q")
        assert done.returncode == 0, done.stderr.decode()
    with open_archive(pg_url, ArchiveSettings(path=pg_url, warc_root=str(roots[0]))) as arc:
        assert arc.store.counts()["pages"] == 30 and arc.store.counts()["versions"] == 30
        assert arc.store.unfinished_crawls("import") == []
    refused = cli("import", "--seed-only", str(warc), "--archive", str(tmp_path / "lite"))
    assert refused.returncode == 1 and b"postgresql://" in refused.stderr


def test_files_named_by_url_are_imported_and_shared_out(tmp_path: Path) -> None:
    """A file given as a URL is read through fsspec (here ``file://``, the one scheme a
    test may read): imported as the same file by path is, and cut into byte ranges for
    workers the same way."""
    from archive.reader import read_records
    from scraper.warcimport import pieces_of

    [warc] = (_many_pages_archive(tmp_path) / "warc").glob("*.warc.gz")
    url = warc.resolve().as_uri()
    whole = [(i.offset, i.kind) for i in read_records(warc)]
    pieces = pieces_of([url], size=warc.stat().st_size // 4)
    assert {p.path for p in pieces} == {url} and len(pieces) >= 4
    assert [(i.offset, i.kind) for p in pieces
            for i in read_records(p.path, p.start, p.end)] == whole
    result = cli("import", url, "--json", "--archive", str(tmp_path / "by-url"))
    assert result.returncode == 0, _err(result)
    assert json.loads(result.stdout)["new"] == 30
    missing = cli("import", url + ".gone", "--archive", str(tmp_path / "by-url"))
    assert missing.returncode == 1 and b"no such file" in missing.stderr


def test_a_url_that_cannot_be_read_here_is_one_clear_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.errors import WarcError
    from archive.inputs import file_size
    from archive.reader import read_records

    with pytest.raises(WarcError, match="no-such-scheme"):
        list(read_records("no-such-scheme://bucket/crawl.warc.gz"))
    monkeypatch.setitem(sys.modules, "fsspec", None)  # not installed
    with pytest.raises(WarcError, match=r"needs fsspec \(pip install 'newsarchive\[remote\]'"):
        list(read_records("s3://bucket/crawl.warc.gz"))
    with pytest.raises(WarcError, match="needs fsspec"):
        file_size("s3://bucket/crawl.warc.gz")
    assert file_size(__file__) > 0  # a path never needs it
