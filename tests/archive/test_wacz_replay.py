"""``export --wacz`` makes a WACZ that replay tools open: py-wacz's validator accepts it,
its structure follows the WACZ 1.1.1 spec, every page replays from the CDXJ index to the
bytes we archived (revisits resolved), and pywb replays it when pywb is installed."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, Article, HttpResponse
from archive.wacz import surt, write_wacz

PAGES = {  # url -> the bytes archived (last capture)
    "https://www.news.example/a": b"<html><body><p>First story, first words.</p></body></html>",
    "https://news.example/b?z=1&a=2": b"<html><body><p>Second story.</p></body></html>",
}
CHANGED = b"<html><body><p>First story, corrected words.</p></body></html>"
LOGO_URL = "https://cdn.example/logo.png"
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(64))  # a page requisite, kept as a resource


def _response(url: str, body: bytes, when: str) -> HttpResponse:
    return HttpResponse(url=url, requested_url=url, status=200, reason="OK",
                        http_version="HTTP/1.1",
                        headers=(("Content-Type", "text/html; charset=utf-8"),),
                        request_headers=(("User-Agent", "t"),), body=body, content=body,
                        fetched_at=when)


def _store(arc: Archive, url: str, body: bytes, when: str) -> int:
    text = body.decode()
    return arc.store_response(_response(url, body, when),
                              Article(url=url, title=f"T {url[-1]}", body=text),
                              page_url=url).capture_id


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    """Two pages; the first fetched again unchanged (a revisit), then changed."""
    a, b = PAGES
    with Archive(tmp_path / "arc", create=True) as arc:
        first = _store(arc, a, PAGES[a], "2024-03-01T10:00:00+00:00")
        logo = HttpResponse(url=LOGO_URL, requested_url=LOGO_URL, status=200, reason="OK",
                            http_version="HTTP/1.1", headers=(("Content-Type", "image/png"),),
                            request_headers=(), body=LOGO, content=LOGO,
                            fetched_at="2024-03-01T10:00:01+00:00")
        arc.store_resource(logo, role="image", capture_id=first)
        _store(arc, b, PAGES[b], "2024-03-01T10:00:05+00:00")
        _store(arc, a, PAGES[a], "2024-03-02T10:00:00+00:00")  # revisit
        _store(arc, a, CHANGED, "2024-03-03T10:00:00+00:00")
    return tmp_path / "arc"


@pytest.fixture
def wacz(crawl: Path, tmp_path: Path) -> Path:
    target = tmp_path / "crawl.wacz"
    with Archive(crawl) as arc:
        assert write_wacz(arc, target) == 3
    return target


def _cdxj(zf: zipfile.ZipFile) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for line in zf.read("indexes/index.cdxj").decode().splitlines():
        key, stamp, data = line.split(" ", 2)
        out.append((key, stamp, json.loads(data)))
    return out


def _record(zf: zipfile.ZipFile, entry: dict[str, Any]) -> Any:
    """The WARC record a CDXJ entry points at, read from exactly its bytes."""
    warc = zf.read(f"archive/{entry['filename']}")
    offset, length = int(entry["offset"]), int(entry["length"])
    member = warc[offset:offset + length]
    assert gzip.decompress(member)  # one whole gzip member, nothing cut or trailing
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    payload = record.content_stream().read()
    return record, payload


def _replay(zf: zipfile.ZipFile, url: str, stamp: str = "") -> bytes:
    """What a replay tool serves for ``url`` at ``stamp``: the closest capture not after
    it (the first one when none is), a revisit resolved by its payload digest."""
    entries = [(s, e) for k, s, e in _cdxj(zf) if k == surt(url)]
    assert entries, url
    before = [x for x in entries if not stamp or x[0] <= stamp.ljust(14, "9")]
    _, entry = (before or entries)[-1]
    if entry["mime"] == "warc/revisit":
        originals = [e for _, _, e in _cdxj(zf)
                     if e.get("digest") == entry["digest"] and e["mime"] != "warc/revisit"]
        entry = originals[0]
    record, payload = _record(zf, entry)
    assert record.rec_type == "response"
    return bytes(payload)


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    """py-wacz's ``wacz validate`` on a file (it exits 0 either way: read its verdict)."""
    pytest.importorskip("wacz", reason="py-wacz (the test extra) validates WACZ files")
    return subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(path)],
                          capture_output=True, text=True, check=False)


def test_py_wacz_validator_accepts_it(wacz: Path, tmp_path: Path) -> None:
    done = validate(wacz)
    assert done.returncode == 0 and "Validation succeeded" in done.stdout, done
    # and it is a real check: a page list changed after packaging is refused
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b"{}\n" if info.filename.startswith("pages/") else data)
    done = validate(bad)
    assert "Validation succeeded" not in done.stdout and "is invalid" in done.stdout  # exit 0


def test_structure_follows_the_spec(wacz: Path) -> None:
    with zipfile.ZipFile(wacz) as zf:
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1" and package["profile"] == "data-package"
        assert package["mainPageURL"] == "https://www.news.example/a"
        listed = {r["path"]: r for r in package["resources"]}
        members = {i.filename: i for i in zf.infolist()}
        assert set(members) - {"datapackage.json"} == set(listed)
        for path, resource in listed.items():
            data = zf.read(path)
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            if path.startswith("archive/"):  # WARCs stored, so replay can seek into them
                assert members[path].compress_type == zipfile.ZIP_STORED
        header, *pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()]
        assert header["format"] == "json-pages-1.0" and header["id"] == "pages"
        assert len({p["id"] for p in pages}) == len(pages) == 3
        assert all(p["url"] in PAGES and p["ts"].startswith("2024-03-0") for p in pages)
        lines = zf.read("indexes/index.cdxj").decode().splitlines()
        assert lines == sorted(lines) and len(lines) == 5  # four captures and a requisite
        for key, stamp, entry in _cdxj(zf):
            assert key == surt(entry["url"]) and len(stamp) == 14
            record, _ = _record(zf, entry)
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            date = record.rec_headers.get_header("WARC-Date")
            assert "".join(c for c in date if c.isdigit())[:14] == stamp
            assert record.rec_type == ("revisit" if entry["mime"] == "warc/revisit"
                                       else "response")


def test_every_page_replays_to_the_archived_bytes(wacz: Path, crawl: Path,
                                                  tmp_path: Path) -> None:
    a, b = PAGES
    with zipfile.ZipFile(wacz) as zf:
        assert _replay(zf, a, "20240301") == PAGES[a]
        assert _replay(zf, a, "20240302") == PAGES[a]  # the revisit, resolved
        assert _replay(zf, a) == CHANGED
        assert _replay(zf, "https://news.example/b?a=2&z=1") == PAGES[b]  # any query order
    selected = tmp_path / "sel.wacz"
    with Archive(crawl) as arc:  # a revisit alone brings the response it refers to
        revisit = next(c.id for c in arc.store.captures() if c.kind == "revisit")
        write_wacz(arc, selected, capture_ids=[revisit])
    with zipfile.ZipFile(selected) as zf:
        assert [e["mime"] for _, _, e in _cdxj(zf)] == ["text/html", "warc/revisit"]
        assert _replay(zf, a, "20240302") == PAGES[a]


def test_surt_keys_match_the_surt_package() -> None:
    assert surt("https://www.Example.org:8080/A?b=1") == "org,example:8080)/a?b=1"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pytest.importorskip("surt", reason="surt comes with py-wacz").surt
    for url in ("https://www.Example.org:8080/A?b=1", "https://example.org/a?b=2&a=1",
                "http://example.org:80/", "https://www2.example.org/x#frag",
                "https://sub.example.co.uk/Path/To?Q=X&a=", "https://example.org/a?a1=2&a=1",
                "https://example.org/a?", "https://127.0.0.1:8000/x",
                "urn:fullPage:https://Example.org/A", *PAGES):
        assert surt(url) == reference(url), url


def test_pywb_replays_it(wacz: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings():  # pywb imports cgi, deprecated since Python 3.11
        warnings.simplefilter("ignore")
        if not os.environ.get("NEWSARCHIVE_REQUIRE_PYWB"):  # .ci/run sets it in a pywb venv
            pytest.importorskip("pywb", reason="pywb is not in the test extra (see pyproject)")
        from pywb.apps.frontendapp import FrontEndApp
    from werkzeug.test import Client

    collection = tmp_path / "collections" / "arc"  # a WACZ unpacked is a pywb collection
    with zipfile.ZipFile(wacz) as zf:
        zf.extractall(collection)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = FrontEndApp(custom_config={"collections_root": str(tmp_path / "collections"),
                                         "framed_replay": False})
        client = Client(app)
        a, b = PAGES
        for url, stamp, body in ((a, "20240301100000", PAGES[a]),
                                 (a, "20240302100000", PAGES[a]),  # a revisit
                                 (a, "20240303100000", CHANGED),
                                 ("https://news.example/b?a=2&z=1", "2024", PAGES[b]),
                                 (LOGO_URL, "20240301100000", LOGO)):  # a requisite
            response = client.get(f"/arc/{stamp}id_/{url}")
            assert response.status_code == 200, (url, stamp)
            assert response.get_data() == body, (url, stamp)


def test_a_warc_is_read_once_and_indexed_only_as_far_as_it_is_copied() -> None:
    """write_wacz copies, hashes and indexes each WARC in one read, up to the size it
    took first: records a crawl appends meanwhile are neither copied nor indexed."""
    import hashlib
    import io

    from archive.wacz import _chunks, _Tee, cdxj_lines

    warc = Path(__file__).parent.parent / "data" / "warc" / "wget.warc.gz"
    whole = cdxj_lines(warc, "w")
    cut = int(json.loads(whole[-1].split(" ", 2)[2])["offset"])  # the last record's start
    copied, digest = io.BytesIO(), hashlib.sha256()
    tee = _Tee(_chunks(warc, cut), (copied.write, digest.update))
    lines = cdxj_lines(tee, "w")
    tee.drain()
    assert copied.getvalue() == warc.read_bytes()[:cut]
    assert digest.hexdigest() == hashlib.sha256(warc.read_bytes()[:cut]).hexdigest()
    assert lines == whole[:-1]
