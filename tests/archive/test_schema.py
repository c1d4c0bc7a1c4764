"""Schema migrations, the store's deferred full-text indexing and the covering index (SQLite).

Migration 4 added ``pages.latest_version_id`` (queries read it instead of a max(id)
subquery), moved full-text indexing from a per-row trigger to the store's commit, and
dropped two indexes no query read. An archive written before it must upgrade on open and
answer queries as before."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from archive import Archive, Query, content_hash, open_archive
from archive.db.sqlite import schema
from archive.db.sqlite.store import SqliteStore
from archive.warc import payload_digest
from tests.archive.test_archive import HTML, _article, _response


def _page(arc: Archive, url: str, body: str, when: str = "2026-01-01T00:00:00+00:00") -> str:
    payload = HTML.replace(b"The quick brown fox, proxy war.", body.encode())
    return arc.store_response(_response(url=url, body=payload, when=when), _article(body=body),
                              page_url=url).outcome


def _ids(arc: Archive, text: str, *, all_versions: bool = False) -> list[int]:
    query = Query(text=text, all_versions=all_versions, sort="date")
    return sorted(hit.record.id for hit in arc.search(query))


def _fts_ok(path: Path) -> None:
    db = sqlite3.connect(path / "archive.sqlite")
    try:  # rank 1: also compare the index with the versions table it indexes
        db.execute("INSERT INTO versions_fts(versions_fts, rank) VALUES('integrity-check', 1)")
    finally:
        db.close()


def _schema_3_archive(path: Path, pages: list[tuple[str, str]]) -> None:
    """An archive as newsarchive wrote it before migration 4: rows inserted with that
    schema's columns only (its trigger filled the full-text index)."""
    path.mkdir(exist_ok=True)
    db = sqlite3.connect(path / "archive.sqlite")
    for script in schema.MIGRATIONS[:3]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 3")
    when = "2026-01-01T00:00:00+00:00"
    for n, (url, body) in enumerate(pages, 1):
        payload = HTML.replace(b"The quick brown fox, proxy war.", body.encode())
        article = _article(body=body)
        db.execute("INSERT OR IGNORE INTO pages(url, site, first_seen) VALUES (?, ?, ?)",
                   (url, "news.example", when))
        page = db.execute("SELECT id FROM pages WHERE url = ?", (url,)).fetchone()[0]
        chash = content_hash(article, payload)
        db.execute("INSERT INTO captures(id, page_id, url, fetched_at, status, kind, "
                   "content_type, payload_digest, content_hash, warc_file, warc_offset, "
                   "warc_length, version_id) VALUES (?,?,?,?,200,'response','text/html',"
                   "?,?,'old.warc.gz',0,1,?)",
                   (n, page, url, when, payload_digest(payload), chash, n))
        db.execute("INSERT INTO versions(id, page_id, capture_id, captured_at, content_hash, "
                   "fetched_url, title, authors, body) VALUES (?,?,?,?,?,?,?,?,?)",
                   (n, page, n, when, chash, url, article.title,
                    json.dumps(list(article.authors)), body))
    db.commit()
    db.close()


def test_archive_from_schema_3_upgrades_and_queries_the_latest(tmp_path: Path) -> None:
    a, b = "https://news.example/a", "https://news.example/b"
    _schema_3_archive(tmp_path, [(a, "Proxy war lynx."), (a, "Proxy war cat."),
                                 (b, "Proxy war dog.")])
    db = sqlite3.connect(tmp_path / "archive.sqlite")
    assert db.execute("PRAGMA user_version").fetchone() == (3,)
    assert "latest_version_id" not in [r[1] for r in db.execute("PRAGMA table_info(pages)")]
    db.close()

    with open_archive(tmp_path) as arc:
        conn = arc.store.conn  # type: ignore[union-attr]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
        assert dict(conn.execute("SELECT url, latest_version_id FROM pages").fetchall()) == \
            {a: 2, b: 3}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                              "WHERE type = 'index'")}
        assert not indexes & {"versions_hash", "captures_digest"}
        assert _ids(arc, '"proxy war"') == [2, 3]
        assert _ids(arc, '"proxy war"', all_versions=True) == [1, 2, 3]
        assert _ids(arc, "lynx") == []
        assert _ids(arc, "lynx", all_versions=True) == [1]
    _fts_ok(tmp_path)

    with Archive(tmp_path) as arc:  # writing on: dedup and new versions as before
        assert _page(arc, b, "Proxy war dog.", when="2026-01-02T00:00:00+00:00") == "unchanged"
        assert arc.store.capture(4).kind == "revisit"
        assert _page(arc, b, "Proxy war owl.") == "new-version"
        assert _ids(arc, '"proxy war"') == [2, 4]
        assert _ids(arc, "owl") == [4]
        assert _ids(arc, "dog") == []
    _fts_ok(tmp_path)


def _failing(block: AbstractContextManager[object], arc: Archive, url: str) -> None:
    with block:
        _page(arc, url, "Ceasefire talks, then a failure.")
        raise RuntimeError("this block fails")


def test_batch_indexes_at_commit_and_skips_rolled_back_captures(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        with arc.batch():
            _page(arc, "https://news.example/1", "Ceasefire talks one.")
            with pytest.raises(RuntimeError):
                _failing(arc.store.transaction(), arc, "https://news.example/2")
            _page(arc, "https://news.example/3", "Ceasefire talks three.")
            assert _ids(arc, "ceasefire") == []  # indexed when the batch commits
        assert [hit.record.article.body for hit in
                arc.search(Query(text="ceasefire", sort="date"))] == \
            ["Ceasefire talks three.", "Ceasefire talks one."]
        with pytest.raises(RuntimeError):
            _failing(arc.batch(), arc, "https://news.example/4")
        assert len(_ids(arc, "ceasefire")) == 2
        assert _page(arc, "https://news.example/5", "Ceasefire talks five.") == "new"
        assert len(_ids(arc, "ceasefire")) == 3
    _fts_ok(tmp_path)


def test_version_added_outside_a_transaction_is_indexed_at_once(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        store = arc.store
        assert isinstance(store, SqliteStore)
        page = store.page_id("https://news.example/x", "2026-01-01T00:00:00+00:00")
        cap = store.add_capture(page_id=page, url="https://news.example/x",
                                fetched_at="2026-01-01T00:00:00+00:00", status=200,
                                kind="response", content_type="text/html",
                                payload_digest=None, content_hash=None, warc=None,
                                crawl_id=None)
        version = store.add_version(page_id=page, capture_id=cap,
                                    captured_at="2026-01-01T00:00:00+00:00",
                                    content_hash="sha256:x", article=_article(body="Kidney."))
        assert _ids(arc, "kidney") == [version]
    _fts_ok(tmp_path)


def test_new_archives_use_8_kib_pages(tmp_path: Path) -> None:
    with Archive(tmp_path, create=True) as arc:
        assert arc.store.conn.execute("PRAGMA page_size").fetchone()[0] == 8192  # type: ignore[union-attr]


def test_phrase_and_date_query_reads_the_covering_index(tmp_path: Path) -> None:
    """The filters a full-text hit needs most (date, site, latest) come from versions_filter;
    an author filter reads the row and gives the same hits where both apply."""
    with Archive(tmp_path, create=True) as arc:
        for n in range(6):
            _page(arc, f"https://news.example/{n}", f"Ceasefire talks in Vienna, day {n}.")
        store = arc.store
        assert isinstance(store, SqliteStore)
        traced: list[str] = []
        store.conn.set_trace_callback(traced.append)
        query = Query(text='"ceasefire talks"', since="2015-01-01", until="2015-12-31")
        hits = arc.search(query)
        by_author = arc.search(Query(text='"ceasefire talks"', since="2015-01-01",
                                     until="2015-12-31", author=_article().authors[0]))
        store.conn.set_trace_callback(None)
        assert len(hits) == 6
        assert sorted(h.record.id for h in hits) == sorted(h.record.id for h in by_author)
        searches = [sql for sql in traced if "bm25(" in sql]
        assert "INDEXED BY versions_filter" in searches[0]
        assert "INDEXED BY" not in searches[1]  # the author lives in the row
        plan = store.conn.execute("EXPLAIN QUERY PLAN " + searches[0]).fetchall()
        assert any("COVERING INDEX versions_filter" in row[3] for row in plan)
