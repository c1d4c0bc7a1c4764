"""The archive's shared test data, and what only a SQLite archive can get wrong.

The behaviours both backends share (storing and reading back, versions and revisits,
queries, exports, missing archives and records, the schema guard) are tested on SQLite
and PostgreSQL alike in ``tests/pg/test_backends.py``, with the helpers below."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import Article, Attribution, HttpResponse, open_archive
from archive.errors import ArchiveError

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


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "archive.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a readable"):
        open_archive(tmp_path)
