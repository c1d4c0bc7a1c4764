"""Versions and diff, the warcio check of every file, attribution export; sources, trace,
verify/repair and WACZ export are checked on both backends in tests/pg/test_backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveSettings, Article, Attribution, HttpResponse
from archive.diff import diff_versions, pick_versions
from archive.errors import RecordNotFoundError
from tests.conftest import cli

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


def store_spread(arc: Archive) -> None:
    """An origin story, a verbatim copy crediting it, an edited copy crediting the
    copier, an uncredited copy, and two football articles crediting Reuters (spelt two
    ways) - the provenance tests' archive here and in tests/pg/test_backends."""
    _store(arc, "https://origin.example/a", f"Intro line.\n\n“{QUOTE}.”\n\nMore.",
           "2024-01-01T08:00:00+00:00", "Origin", site_name="Origin Wire")
    _store(arc, "https://copier.example/b", f"Copy.\n\n{QUOTE}.\n\nEnd.",
           "2024-01-02T08:00:00+00:00", "Copy", source="Origin Wire")
    edited = QUOTE.replace("senior official", "top diplomat").replace("Tuesday", "Tue")
    _store(arc, "https://third.example/c", f"Also.\n\n{edited}.",
           "2024-01-03T08:00:00+00:00", "Edited", source="copier.example")
    _store(arc, "https://silent.example/d", f"{QUOTE}.", "2024-01-04T08:00:00+00:00", "Silent")
    _store(arc, "https://other.example/e", "Completely different news about football.",
           "2024-01-05T08:00:00+00:00", "Other", source="reuters")
    _store(arc, "https://copier.example/f", "Football again, as Reuters said.",
           "2024-01-06T08:00:00+00:00", "Again", source="Reuters")


@pytest.fixture
def spread(tmp_path: Path) -> Path:
    """An archive holding :func:`store_spread`'s articles (sources, trace, verify and
    WACZ export are checked on it on both backends, in tests/pg/test_backends)."""
    root = tmp_path / "arc"
    with Archive(root, create=True) as arc:
        store_spread(arc)
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
    out = cli("diff", url, "--archive", str(tmp_path), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["fields"]["title"]["new"] == "New title"
    out = cli("history", url, "--archive", str(tmp_path))
    assert out.returncode == 0 and b"New title" in out.stdout


def test_every_warc_file_passes_warcio_check_and_index(spread: Path, tmp_path: Path) -> None:
    settings = ArchiveSettings(path=str(spread), operator="Jane Doe <jane@example.org>")
    with Archive(spread, settings) as arc:  # a revisit and a rotation too
        arc.writer.max_bytes = 1
        _store(arc, "https://origin.example/a", f"Intro line.\n\n“{QUOTE}.”\n\nMore.",
               "2024-02-01T08:00:00+00:00", "Origin", site_name="Origin Wire")
        assert arc.store.capture(7).kind == "revisit" and arc.store.capture(7).revisit_of == 1
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


def test_export_attributions(spread: Path) -> None:
    out = cli("export", "--attributions", "--archive", str(spread))
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(r["source"] for r in rows) == ["Origin Wire", "Reuters", "copier.example",
                                                 "reuters"]
    out = cli("export", "--attributions", "--csv", "--archive", str(spread))
    assert out.stdout.splitlines()[0].startswith(b"record_id,url,site")
