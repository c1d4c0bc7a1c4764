"""The archive: WARC snapshots, versions, queries, exports, schema guard."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, Article, Attribution, HttpResponse, Query, open_archive
from archive.errors import ArchiveError, RecordNotFoundError, SchemaVersionError
from archive.export import write_csv, write_jsonl

HTML = b"<html><body><p>The quick brown fox, proxy war.</p></body></html>"


def _response(url: str = "https://news.example/a", body: bytes = HTML, status: int = 200,
              when: str = "2026-01-01T00:00:00+00:00") -> HttpResponse:
    return HttpResponse(url=url, requested_url=url, status=status, reason="OK",
                        http_version="HTTP/1.1",
                        headers=(("Content-Type", "text/html"), ("ETag", '"v1"')),
                        request_headers=(("User-Agent", "t"),), body=body, content=body,
                        fetched_at=when)


def _article(body: str = "The quick brown fox, proxy war.", source: str = "Yahoo",
             published: str = "2015-11-02") -> Article:
    attribution = Attribution(source=source, passage=body[:9], start=0, end=9, position=0,
                              pattern="originally_posted_by", url=None)
    return Article(title="A fox", body=body, published=published, authors=("Ann Lee",),
                   language="en", attributions=(attribution,))


def test_store_and_read_back(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        result = arc.store_response(_response(), _article(), page_url="https://news.example/a")
        assert result.outcome == "new"
        record = arc.record(result.version_id or 0)
        assert record.article.attributions[0].source == "Yahoo"
        assert record.site == "news.example"
        assert arc.raw(record.id) == HTML
    # readable by a fresh process/object, without the crawler
    with open_archive(tmp_path) as arc:
        assert arc.record(1).article.title == "A fox"


def test_versions_and_revisits(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        url = "https://news.example/a"
        first = arc.store_response(_response(), _article(), page_url=url)
        same = arc.store_response(_response(when="2026-01-02T00:00:00+00:00"), _article(),
                                  page_url=url)
        assert same.outcome == "unchanged" and same.version_id == first.version_id
        changed_body = HTML.replace(b"fox", b"cat")
        changed = arc.store_response(_response(body=changed_body), _article(body="The cat"),
                                     page_url=url)
        assert changed.outcome == "new-version"
        not_modified = arc.store_response(_response(status=304, body=b""), None, page_url=url)
        assert not_modified.outcome == "not-modified"
        kinds = [r[0] for r in arc.store.conn.execute("SELECT kind FROM captures ORDER BY id")]
        assert kinds == ["response", "revisit", "response", "not-modified"]
        # the database says which capture holds a revisit's payload
        revisit_of = [r[0] for r in arc.store.conn.execute(
            "SELECT revisit_of FROM captures ORDER BY id")]
        assert revisit_of == [None, first.capture_id, None, None]
        arc.close()
    types = []
    for path in sorted((tmp_path / "warc").iterdir()):
        with path.open("rb") as fh:
            types += [r.rec_type for r in ArchiveIterator(fh)]
    assert types == ["warcinfo", "response", "request", "metadata", "revisit", "response",
                     "request", "metadata"]


def test_query_filters(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        arc.store_response(_response("https://a.example/1"), _article(), page_url="https://a.example/1")
        arc.store_response(_response("https://www.b.example/2", HTML + b" "),
                           _article("Another fox story", source="Sott", published="2020-05-05"),
                           page_url="https://www.b.example/2")
        assert len(arc.search(Query(text="fox"))) == 2
        assert [h.record.site for h in arc.search(Query(text="fox", site="b.example"))] == ["b.example"]
        assert len(arc.search(Query(text='"proxy war"'))) == 1
        assert len(arc.search(Query(text="fo*"))) == 2
        assert len(arc.search(Query(source="yahoo"))) == 1
        assert len(arc.search(Query(since="2016-01-01"))) == 1
        assert len(arc.search(Query(until="2016-01-01"))) == 1
        assert len(arc.search(Query(author="ann"))) == 2
        assert len(arc.search(Query(language="en"))) == 2
        hit = arc.search(Query(text="proxy"))[0]
        assert "«proxy»" in hit.snippet
        with pytest.raises(ArchiveError, match="invalid search"):
            arc.search(Query(text='"unbalanced'))


def test_exports_escape_formulas(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        arc.store_response(_response(), _article(body="=HYPERLINK(\"http://evil\")"),
                           page_url="https://news.example/a")
        out = io.StringIO()
        assert write_csv(arc.records(), out) == 1
        assert "'=HYPERLINK" in out.getvalue()
        out = io.StringIO()
        write_jsonl(arc.records(), out)
        row = json.loads(out.getvalue())
        assert row["body"].startswith("=HYPERLINK") and row["attributions"][0]["source"] == "Yahoo"


def test_missing_archive_and_record(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(tmp_path / "nothing")
    with Archive(tmp_path, create=True) as arc, pytest.raises(RecordNotFoundError):
        arc.record(42)


def test_newer_schema_refused(tmp_path: Path) -> None:
    Archive(tmp_path, create=True).close()
    conn = sqlite3.connect(tmp_path / "archive.sqlite")
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        open_archive(tmp_path)


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "archive.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a readable"):
        open_archive(tmp_path)
