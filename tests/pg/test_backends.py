"""The archive's behaviour, checked on both backends: SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archive import Archive, ArchiveSettings, Query, open_archive
from archive.errors import ArchiveError, RecordNotFoundError, SchemaVersionError
from archive.export import write_csv, write_jsonl
from tests.archive.test_archive import HTML, _article, _response
from tests.pg.conftest import server_url

Opener = Callable[..., Archive]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Opener]:
    """(location, open) for an empty archive on each backend."""
    if request.param == "sqlite":
        location = f"sqlite:///{tmp_path / 'arc'}"
    else:
        server_url()
        location = request.getfixturevalue("pg_url")
    settings = ArchiveSettings(path=location, warc_root=str(tmp_path / "files"))

    def opener(*, create: bool = False) -> Archive:
        return Archive(location, settings, create=create)

    return location, opener


def test_store_and_read_back(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        result = arc.store_response(_response(), _article(), page_url="https://news.example/a")
        assert result.outcome == "new"
        record = arc.record(result.version_id or 0)
        assert record.article.attributions[0].source == "Yahoo"
        assert record.site == "news.example"
        assert arc.raw(record.id) == HTML
        assert arc.latest_payload("https://news.example/a") == HTML
    with open_() as arc:  # readable by a fresh object, without the crawler
        assert arc.record(1).article.title == "A fox"
        assert arc.store.counts() == {"pages": 1, "captures": 1, "versions": 1,
                                      "attributions": 1}


def test_versions_and_revisits(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        url = "https://news.example/a"
        first = arc.store_response(_response(), _article(), page_url=url)
        same = arc.store_response(_response(when="2026-01-02T00:00:00+00:00"), _article(),
                                  page_url=url)
        assert same.outcome == "unchanged" and same.version_id == first.version_id
        changed = arc.store_response(_response(body=HTML.replace(b"fox", b"cat")),
                                     _article(body="The cat"), page_url=url)
        assert changed.outcome == "new-version"
        not_modified = arc.store_response(_response(status=304, body=b""), None, page_url=url)
        assert not_modified.outcome == "not-modified"
        kinds = [arc.store.capture(i).kind for i in range(1, 5)]
        assert kinds == ["response", "revisit", "response", "not-modified"]
        assert [r.id for r in arc.records()] == [1, 2]


def test_query_filters(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        arc.store_response(_response("https://a.example/1"), _article(),
                           page_url="https://a.example/1")
        arc.store_response(_response("https://www.b.example/2", HTML + b" "),
                           _article("Another fox story", source="Sott", published="2020-05-05"),
                           page_url="https://www.b.example/2")
        assert len(arc.search(Query(text="fox"))) == 2
        assert [h.record.site for h in arc.search(Query(text="fox", site="b.example"))] == \
            ["b.example"]
        assert len(arc.search(Query(text='"proxy war"'))) == 1
        assert len(arc.search(Query(text='"war proxy"'))) == 0
        assert len(arc.search(Query(text="fo*"))) == 2
        assert len(arc.search(Query(text="proxy OR story"))) == 2
        assert len(arc.search(Query(text="fox NOT proxy"))) == 1
        assert len(arc.search(Query(source="yahoo"))) == 1
        assert len(arc.search(Query(since="2016-01-01"))) == 1
        assert len(arc.search(Query(until="2016-01-01"))) == 1
        assert len(arc.search(Query(author="ann"))) == 2
        assert len(arc.search(Query(language="en"))) == 2
        assert [h.record.id for h in arc.search(Query(sort="date"))] == [2, 1]
        hit = arc.search(Query(text="proxy"))[0]
        assert "«proxy»" in hit.snippet
        with pytest.raises(ArchiveError, match="invalid search"):
            arc.search(Query(text='"unbalanced'))


def test_exports(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        arc.store_response(_response(), _article(body='=HYPERLINK("http://evil")'),
                           page_url="https://news.example/a")
        out = io.StringIO()
        assert write_csv(arc.records(), out) == 1
        assert "'=HYPERLINK" in out.getvalue()
        out = io.StringIO()
        write_jsonl(arc.records(), out)
        row = json.loads(out.getvalue())
        assert row["attributions"][0]["source"] == "Yahoo"


def test_missing_archive_and_record(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with pytest.raises(ArchiveError, match="no archive"):
        open_()
    with open_(create=True) as arc, pytest.raises(RecordNotFoundError):
        arc.record(42)


def test_crawl_bookkeeping(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        crawl = arc.start_crawl(["https://a.example/"], {"crawl": {"per_host_delay": 0.5}})
        assert arc.last_unfinished_crawl() == crawl
        assert arc.crawl_seeds(crawl) == ["https://a.example/"]
        arc.finish_crawl(crawl, {"fetched": 1})
        assert arc.last_unfinished_crawl() is None


def test_newer_schema_refused_postgres(pg_url: str) -> None:
    import psycopg

    Archive(pg_url, create=True).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = 999")
    with pytest.raises(SchemaVersionError, match="newer"):
        open_archive(pg_url)


def test_older_schema_is_migrated_on_open(pg_url: str) -> None:
    import psycopg

    from archive.pgschema import MIGRATIONS

    with psycopg.connect(pg_url, autocommit=True) as conn:  # as the first release left it
        conn.execute(b"CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.execute(b"INSERT INTO schema_version VALUES (1)")
        conn.execute(MIGRATIONS[0].encode())
    with open_archive(pg_url) as arc:
        assert arc.search(Query()) == []
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute(b"SELECT version FROM schema_version").fetchone() == \
            (len(MIGRATIONS),)
        assert conn.execute(b"SELECT min_delay FROM hosts").fetchall() == []


def test_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    import socket

    pytest.importorskip("psycopg")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from archive import pgstore

    old = pgstore.CONNECT_TIMEOUT
    pgstore.CONNECT_TIMEOUT = 1.0
    try:
        with pytest.raises(ArchiveError, match="cannot connect"):
            open_archive(f"postgresql://nobody@127.0.0.1:{port}/none?connect_timeout=1")
    finally:
        pgstore.CONNECT_TIMEOUT = old


def test_sqlite_url_and_plain_path_are_one_archive(tmp_path: Path) -> None:
    with Archive(f"sqlite:///{tmp_path}", create=True) as arc:
        arc.store_response(_response(), _article(), page_url="https://news.example/a")
    with open_archive(tmp_path) as arc:
        assert arc.record(1).article.title == "A fox"
