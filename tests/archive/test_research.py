"""Versions, diff, provenance (sources, trace), verify/repair and WACZ export."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveSettings, Article, Attribution, HttpResponse
from archive.diff import diff_versions, pick_versions
from archive.errors import ArchiveError, RecordNotFoundError
from archive.provenance import rank_sources, spread_tree, trace_passage
from archive.reader import iter_responses
from archive.verify import verify_archive
from archive.wacz import surt, write_wacz
from tests.conftest import run_cli

QUOTE = ("the two countries have agreed to share intelligence on militant groups operating "
         "along the border, a senior official said on Tuesday")


def _response(url: str, body: str, when: str) -> HttpResponse:
    html = f"<html><body><p>{body}</p></body></html>".encode()
    return HttpResponse(url=url, requested_url=url, status=200, reason="OK",
                        http_version="HTTP/1.1", headers=(("Content-Type", "text/html"),),
                        request_headers=(("User-Agent", "t"),), body=html, content=html,
                        fetched_at=when)


def _article(url: str, body: str, title: str, source: str | None = None,
             site_name: str | None = None) -> Article:
    credits: tuple[Attribution, ...] = ()
    if source:
        start = body.index(QUOTE[:30]) if QUOTE[:30] in body else 0
        credits = (Attribution(source=source, passage=body[start:start + 60], start=start,
                               end=start + 60, position=0, pattern="according_to"),)
    return Article(url=url, title=title, body=body, published=None, language="en",
                   site_name=site_name, attributions=credits)


def _store(arc: Archive, url: str, body: str, when: str, title: str = "Deal",
           source: str | None = None, site_name: str | None = None) -> int:
    result = arc.store_response(_response(url, body, when),
                                _article(url, body, title, source, site_name), page_url=url)
    return result.capture_id


@pytest.fixture
def spread(tmp_path: Path) -> Path:
    """An origin story, a verbatim copy crediting it, an edited copy crediting the
    copier, an uncredited copy, and an unrelated article."""
    root = tmp_path / "arc"
    with Archive(root, create=True) as arc:
        _store(arc, "https://origin.example/a", f"Intro line.\n\n“{QUOTE}.”\n\nMore.",
               "2024-01-01T08:00:00+00:00", "Origin", site_name="Origin Wire")
        _store(arc, "https://copier.example/b", f"Copy.\n\n{QUOTE}.\n\nEnd.",
               "2024-01-02T08:00:00+00:00", "Copy", source="Origin Wire")
        edited = QUOTE.replace("senior official", "top diplomat").replace("Tuesday", "Tue")
        _store(arc, "https://third.example/c", f"Also.\n\n{edited}.",
               "2024-01-03T08:00:00+00:00", "Edited", source="copier.example")
        _store(arc, "https://silent.example/d", f"{QUOTE}.", "2024-01-04T08:00:00+00:00",
               "Silent")
        _store(arc, "https://other.example/e", "Completely different news about football.",
               "2024-01-05T08:00:00+00:00", "Other", source="Reuters")
    return root


def test_history_and_diff(tmp_path: Path) -> None:
    url = "https://news.example/story"
    with Archive(tmp_path, create=True) as arc:
        _store(arc, url, "Para one.\n\nPara two.", "2024-01-01T00:00:00+00:00", "Old title")
        _store(arc, url, "Para one.\n\nPara two.", "2024-01-02T00:00:00+00:00", "Old title")
        _store(arc, url, "Para one.\n\nPara two, corrected.", "2024-01-03T00:00:00+00:00",
               "New title", source="AP")
        history = arc.history(url + "/")  # a trailing slash still finds it
        assert [c.kind for c in history.captures] == ["response", "revisit", "response"]
        assert len(history.versions) == 2
        old, new = pick_versions(history.versions, None, None)
        d = diff_versions(old, new)
        assert d.fields["title"] == ("Old title", "New title")
        assert "-Para two." in d.body_diff and "+Para two, corrected." in d.body_diff
        assert [a.source for a in d.added] == ["AP"] and not d.removed
        old, new = pick_versions(history.versions, "2024-01-02T12:00:00Z", "2024-01-03")
        assert (old.id, new.id) == (history.versions[0].id, history.versions[1].id)
        with pytest.raises(RecordNotFoundError):
            pick_versions(history.versions, "2023-01-01", None)
        with pytest.raises(RecordNotFoundError):
            arc.history("https://nowhere.example/")
    out = run_cli("diff", url, "--archive", str(tmp_path), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["fields"]["title"]["new"] == "New title"
    out = run_cli("history", url, "--archive", str(tmp_path))
    assert out.returncode == 0 and b"New title" in out.stdout


def test_sources_ranked(spread: Path) -> None:
    with Archive(spread) as arc:
        stats = rank_sources(arc.store)
    assert [s.source for s in stats] == ["Origin Wire", "Reuters", "copier.example"]  # ties: by name
    assert stats[0].sites == ("copier.example",) and stats[0].first_seen.startswith("2024-01-02")
    out = run_cli("sources", "--archive", str(spread), "--json")
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 3


def test_trace_finds_copies_in_order_with_credits(spread: Path) -> None:
    with Archive(spread) as arc:
        hits = trace_passage(arc.store, QUOTE)
        assert [h.record.site for h in hits] == ["origin.example", "copier.example",
                                                 "third.example", "silent.example"]
        assert hits[0].similarity == 1.0 and not hits[0].credits
        assert QUOTE in hits[1].matched_text.lower() or hits[1].matched_text.startswith("the")
        assert 0.5 <= hits[2].similarity < 1.0  # the edited copy still matches
        assert [c.source for c in hits[1].credits] == ["Origin Wire"]
        assert spread_tree(hits) == [None, 0, 1, None]
        assert trace_passage(arc.store, QUOTE, min_similarity=0.99)[-1].record.site == \
            "silent.example"
        with pytest.raises(ArchiveError):
            trace_passage(arc.store, "too short")
    out = run_cli("trace", QUOTE, "--archive", str(spread))
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert text.index("origin.example") < text.index("copier.example") < text.index("third")
    data = json.loads(run_cli("trace", QUOTE, "--json", "--archive", str(spread)).stdout)
    assert data["articles"][1]["parent"] == data["articles"][0]["record_id"]


def test_verify_clean_then_truncated_then_repaired(spread: Path) -> None:
    with Archive(spread) as arc:
        report = verify_archive(arc)
        assert report.ok and report.captures == 5 and report.records >= 15
        offset = arc.store.capture(1).warc_offset or 0
    warc = next((spread / "warc").iterdir())
    size = warc.stat().st_size
    with warc.open("ab") as fh:  # a crash mid-append: the first part of a record at the end
        fh.write(warc.read_bytes()[offset:offset + 300])
    out = run_cli("verify", "--archive", str(spread))
    assert out.returncode == 1 and b"truncated" in out.stderr
    out = run_cli("verify", "--repair", "--archive", str(spread))
    assert out.returncode == 0, out.stderr
    assert warc.stat().st_size == size
    assert run_cli("verify", "--archive", str(spread)).returncode == 0


def test_verify_reports_corruption_missing_files_and_dangling(spread: Path) -> None:
    warc = next((spread / "warc").iterdir())
    with Archive(spread) as arc:
        offset = arc.store.capture(2).warc_offset or 0
    data = bytearray(warc.read_bytes())
    data[offset + 40] ^= 0xFF  # flip a byte inside a response's gzip member
    warc.write_bytes(bytes(data))
    with Archive(spread) as arc:
        report = verify_archive(arc, repair=True)
        assert not report.ok
        assert {p.kind for p in report.problems} >= {"corrupt", "dangling"}
        assert any(p.capture_id == 2 for p in report.problems)
    warc.unlink()
    out = run_cli("verify", "--json", "--archive", str(spread))
    assert out.returncode == 1
    assert {p["kind"] for p in json.loads(out.stdout)["problems"]} == {"missing-file"}


def test_every_warc_file_passes_warcio_check_and_index(spread: Path, tmp_path: Path) -> None:
    settings = ArchiveSettings(path=str(spread), operator="Jane Doe <jane@example.org>")
    with Archive(spread, settings) as arc:  # a revisit and a rotation too
        arc.writer.max_bytes = 1
        _store(arc, "https://origin.example/a", f"Intro line.\n\n“{QUOTE}.”\n\nMore.",
               "2024-02-01T08:00:00+00:00", "Origin", site_name="Origin Wire")
        assert arc.store.capture(6).kind == "revisit" and arc.store.capture(6).revisit_of == 1
    files = sorted((spread / "warc").iterdir())
    assert len(files) >= 2
    for path in files:
        for cmd in ("check", "index"):
            done = subprocess.run([sys.executable, "-m", "warcio.cli", cmd, str(path)],
                                  capture_output=True, check=False)
            assert done.returncode == 0, (cmd, path, done.stdout, done.stderr)
        with path.open("rb") as fh:
            info = next(iter(ArchiveIterator(fh)))
            assert info.rec_type == "warcinfo"
            fields = info.content_stream().read().decode()
            assert "software: newsarchive" in fields
    assert "operator: Jane Doe" in fields  # the last file was opened with an operator set


def test_export_wacz_whole_and_selected(spread: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "all.wacz"
    with Archive(spread) as arc:
        assert write_wacz(arc, target) == 5
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        assert {"datapackage.json", "indexes/index.cdxj", "pages/pages.jsonl"} <= names
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        index = zf.read("indexes/index.cdxj").decode().splitlines()
        assert len(index) == 5 and index == sorted(index)
        assert index[0].startswith("example,copier)/b ")
    # the WACZ reads back (digests checked) and imports like a browsertrix one
    assert len(list(iter_responses(target))) == 5
    out = run_cli("export", "--wacz", str(tmp_path / "sel.wacz"), "--query", "football",
                  "--archive", str(spread))
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "sel.wacz") as zf:
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
        assert len(pages) == 2 and "other.example" in pages[1]
    assert surt("https://www.Example.org:8080/A?b=1") == "org,example:8080)/a?b=1"


def test_export_attributions(spread: Path) -> None:
    out = run_cli("export", "--attributions", "--archive", str(spread))
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(r["source"] for r in rows) == ["Origin Wire", "Reuters", "copier.example"]
    out = run_cli("export", "--attributions", "--csv", "--archive", str(spread))
    assert out.stdout.splitlines()[0].startswith(b"record_id,url,site")
