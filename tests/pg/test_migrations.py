"""PostgreSQL schema migrations on archives that hold records."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import Archive, ArchiveSettings, Query, pgschema
from tests.archive.test_archive import HTML, _article, _response


def _page(arc: Archive, url: str, body: str) -> str:
    payload = HTML.replace(b"The quick brown fox, proxy war.", body.encode())
    return arc.store_response(_response(url=url, body=payload), _article(body=body),
                              page_url=url).outcome


def _ids(arc: Archive, text: str, *, all_versions: bool = False) -> list[int]:
    return sorted(hit.record.id for hit in
                  arc.search(Query(text=text, all_versions=all_versions, sort="date")))


def test_archive_from_schema_2_upgrades_and_queries_the_latest(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    settings = ArchiveSettings(path=pg_url, warc_root=str(tmp_path / "files"))
    a, b = "https://news.example/a", "https://news.example/b"
    with monkeypatch.context() as old:  # as newsarchive wrote archives before migration 3
        old.setattr(pgschema, "MIGRATIONS", pgschema.MIGRATIONS[:2])
        with Archive(pg_url, settings, create=True) as arc:
            assert _page(arc, a, "Proxy war lynx.") == "new"
            assert _page(arc, a, "Proxy war cat.") == "new-version"
            assert _page(arc, b, "Proxy war dog.") == "new"
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
