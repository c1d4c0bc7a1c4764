"""PostgreSQL schema migrations on archives that hold records."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from archive import Archive, ArchiveSettings, Query, content_hash
from archive.db.postgres import schema as pgschema
from archive.warc import payload_digest
from tests.archive.test_archive import HTML, _article, _response


def _page(arc: Archive, url: str, body: str) -> str:
    payload = HTML.replace(b"The quick brown fox, proxy war.", body.encode())
    return arc.store_response(_response(url=url, body=payload), _article(body=body),
                              page_url=url).outcome


def _ids(arc: Archive, text: str, *, all_versions: bool = False) -> list[int]:
    return sorted(hit.record.id for hit in
                  arc.search(Query(text=text, all_versions=all_versions, sort="date")))


def _schema_2_archive(url: str, pages: list[tuple[str, str]]) -> None:
    """An archive as newsarchive wrote it before migration 3: rows inserted with that
    schema's columns only."""
    when = "2026-01-01T00:00:00+00:00"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(b"CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute(b"INSERT INTO schema_version VALUES (2)")
        for script in pgschema.MIGRATIONS[:2]:
            conn.execute(script.encode())
        for n, (page_url, body) in enumerate(pages, 1):
            payload = HTML.replace(b"The quick brown fox, proxy war.", body.encode())
            article = _article(body=body)
            chash = content_hash(article, payload)
            conn.execute(b"INSERT INTO pages(url, site, first_seen) VALUES (%s, %s, %s) "
                         b"ON CONFLICT (url) DO NOTHING", (page_url, "news.example", when))
            row = conn.execute(b"SELECT id FROM pages WHERE url = %s", (page_url,)).fetchone()
            assert row is not None
            conn.execute(b"INSERT INTO captures(id, page_id, url, fetched_at, status, kind, "
                         b"content_type, payload_digest, content_hash) VALUES "
                         b"(%s, %s, %s, %s, 200, 'response', 'text/html', %s, %s)",
                         (n, row[0], page_url, when, payload_digest(payload), chash))
            conn.execute(b"INSERT INTO versions(id, page_id, capture_id, captured_at, "
                         b"content_hash, fetched_url, title, authors, body) VALUES "
                         b"(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                         (n, row[0], n, when, chash, page_url, article.title,
                          json.dumps(list(article.authors)), body))
            conn.execute(b"UPDATE captures SET version_id = %s WHERE id = %s", (n, n))
        for table in ("captures", "versions"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"{len(pages)})".encode())


def test_archive_from_schema_2_upgrades_and_queries_the_latest(
        pg_url: str, tmp_path: Path) -> None:
    settings = ArchiveSettings(path=pg_url, warc_root=str(tmp_path / "files"))
    a, b = "https://news.example/a", "https://news.example/b"
    _schema_2_archive(pg_url, [(a, "Proxy war lynx."), (a, "Proxy war cat."),
                               (b, "Proxy war dog.")])
    with Archive(pg_url, settings) as arc:
        with psycopg.connect(pg_url) as conn:
            assert conn.execute(b"SELECT version FROM schema_version").fetchone() == \
                (len(pgschema.MIGRATIONS),)
            assert dict(conn.execute(b"SELECT url, latest_version_id FROM pages").fetchall()) \
                == {a: 2, b: 3}
        assert _ids(arc, '"proxy war"') == [2, 3]
        assert _ids(arc, '"proxy war"', all_versions=True) == [1, 2, 3]
        assert _ids(arc, "lynx") == []
        assert _page(arc, b, "Proxy war dog.") == "unchanged"
        assert _page(arc, b, "Proxy war owl.") == "new-version"
        assert _ids(arc, '"proxy war"') == [2, 4]
        assert _ids(arc, "dog") == []
