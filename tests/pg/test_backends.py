"""The archive's behaviour, checked on both backends: SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveSettings, Query, open_archive
from archive.errors import ArchiveError, RecordNotFoundError, SchemaVersionError
from archive.export import write_csv, write_jsonl
from archive.provenance import rank_sources, spread_tree, trace_passage
from archive.reader import iter_responses
from archive.verify import verify_archive
from archive.wacz import write_wacz
from tests.archive import test_research as research
from tests.archive.test_archive import HTML, _article, _response
from tests.archive.test_wacz_replay import _cdxj, _replay, validate
from tests.conftest import run_cli
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
        # the database says which capture holds a revisit's payload
        assert [arc.store.capture(i).revisit_of for i in range(1, 5)] == \
            [None, first.capture_id, None, None]
        assert [r.id for r in arc.records()] == [1, 2]
        warc_dir = arc.path / "warc"
    types = []
    for path in sorted(warc_dir.iterdir()):
        with path.open("rb") as fh:
            types += [r.rec_type for r in ArchiveIterator(fh)]
    assert types == ["warcinfo", "response", "request", "metadata", "revisit", "response",
                     "request", "metadata"]


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
        assert row["body"].startswith("=HYPERLINK") and row["attributions"][0]["source"] == "Yahoo"


def test_missing_archive_and_record(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with pytest.raises(ArchiveError, match=r"no archive (at|in) "):
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


def test_newer_schema_refused(backend: tuple[str, Opener]) -> None:
    location, open_ = backend
    with open_(create=True) as arc:
        if location.startswith("sqlite:"):
            db = sqlite3.connect(arc.path / "archive.sqlite")
            db.execute("PRAGMA user_version = 999")
            db.close()
        else:
            import psycopg

            with psycopg.connect(location, autocommit=True) as conn:
                conn.execute("UPDATE schema_version SET version = 999")
    with pytest.raises(SchemaVersionError, match="newer"):
        open_()


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


def _spread(open_: Opener) -> None:
    with open_(create=True) as arc:
        research.store_spread(arc)


def _cli(location: str, tmp_path: Path, *args: str) -> str:
    out = run_cli(*args, "--archive", location, "--archive-warc-root", str(tmp_path / "files"))
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def test_sources_and_trace(backend: tuple[str, Opener], tmp_path: Path) -> None:
    location, open_ = backend
    _spread(open_)
    quote = research.QUOTE
    with open_() as arc:
        stats = rank_sources(arc.store)
        # by articles, attributions, then name (byte order); spellings of a name are one
        assert [(s.source, s.articles) for s in stats] == \
            [("Reuters", 2), ("Origin Wire", 1), ("copier.example", 1)]
        assert stats[0].sites == ("copier.example", "other.example")
        assert stats[1].first_seen.startswith("2024-01-02")
        assert stats[1].sites == ("copier.example",)
        assert [s.source for s in rank_sources(arc.store, site="other.example")] == ["reuters"]
        assert len(rank_sources(arc.store, limit=1)) == 1
        hits = trace_passage(arc.store, quote)
        assert [h.record.site for h in hits] == ["origin.example", "copier.example",
                                                 "third.example", "silent.example"]
        assert hits[0].similarity == 1.0 and not hits[0].credits
        assert hits[1].matched_text == quote  # the verbatim copy: the whole passage
        assert 0.5 <= hits[2].similarity < 1.0  # the edited copy still matches
        assert [c.source for c in hits[1].credits] == ["Origin Wire"]
        assert spread_tree(hits) == [None, 0, 1, None]
        assert [h.record.site for h in trace_passage(arc.store, quote, min_similarity=0.99)] \
            == ["origin.example", "copier.example", "silent.example"]
        assert trace_passage(arc.store, "nothing like this anywhere at all") == []
        with pytest.raises(ArchiveError, match="at least 3 words"):
            trace_passage(arc.store, "too short")
    lines = _cli(location, tmp_path, "sources", "--json").splitlines()
    assert [json.loads(x)["source"] for x in lines] == ["Reuters", "Origin Wire",
                                                         "copier.example"]
    data = json.loads(_cli(location, tmp_path, "trace", quote, "--json"))
    assert data["articles"][1]["parent"] == data["articles"][0]["record_id"]
    text = _cli(location, tmp_path, "trace", quote)
    assert text.index("origin.example") < text.index("copier.example") < text.index("third")


def test_verify_and_repair(backend: tuple[str, Opener], tmp_path: Path) -> None:
    location, open_ = backend
    _spread(open_)
    with open_() as arc:
        report = verify_archive(arc)
        assert report.ok and report.files == 1 and report.captures == 6, report.problems
        assert report.records == 19  # warcinfo; response, request, metadata a capture
        offset = arc.store.capture(1).warc_offset or 0
        corrupt_at = arc.store.capture(2).warc_offset or 0
        warc = next((arc.path / "warc").iterdir())
    good = warc.read_bytes()
    with warc.open("ab") as fh:  # a crash mid-append: the first part of a record at the end
        fh.write(good[offset:offset + 300])
    out = run_cli("verify", "--archive", location, "--archive-warc-root",
                  str(tmp_path / "files"))
    assert out.returncode == 1 and b"truncated" in out.stderr
    assert json.loads(_cli(location, tmp_path, "verify", "--repair", "--json"))["ok"]
    assert warc.read_bytes() == good
    data = bytearray(good)
    data[corrupt_at + 40] ^= 0xFF  # flip a byte inside a response's gzip member
    warc.write_bytes(bytes(data))
    with open_() as arc:
        report = verify_archive(arc, repair=True)  # which cannot mend a corrupt record
        assert not report.ok
        assert {p.kind for p in report.problems} >= {"corrupt", "dangling"}
        assert any(p.capture_id == 2 for p in report.problems)
    warc.unlink()
    out = run_cli("verify", "--json", "--archive", location, "--archive-warc-root",
                  str(tmp_path / "files"))
    assert out.returncode == 1
    found = json.loads(out.stdout)
    assert {p["kind"] for p in found["problems"]} == {"missing-file"}
    assert found["files"] == 0 and len(found["problems"]) == 6


def test_export_wacz(backend: tuple[str, Opener], tmp_path: Path) -> None:
    location, open_ = backend
    _spread(open_)
    target = tmp_path / "out" / "all.wacz"
    with open_() as arc:
        assert write_wacz(arc, target) == 6
    with zipfile.ZipFile(target) as zf:
        package = json.loads(zf.read("datapackage.json"))
        assert package["mainPageURL"] == "https://origin.example/a"
        assert package["wacz_version"] == "1.1.1"
        warcs = [r["path"] for r in package["resources"] if r["path"].startswith("archive/")]
        assert len(warcs) == 1 and "/" not in warcs[0].removeprefix("archive/")
        index = _cdxj(zf)
        assert len(index) == 6 and index == sorted(index, key=lambda e: e[:2])
        assert index[0][0] == "example,copier)/b"
        assert b"Football again" in _replay(zf, "https://copier.example/f")
    assert "Validation succeeded" in validate(target).stdout
    assert len(list(iter_responses(target))) == 6  # it reads back, digests checked
    selected = tmp_path / "sel.wacz"
    _cli(location, tmp_path, "export", "--wacz", str(selected), "--query", "football")
    with zipfile.ZipFile(selected) as zf:
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()[1:]]
        assert [p["url"] for p in pages] == ["https://other.example/e",
                                             "https://copier.example/f"]
        assert [e["url"] for _, _, e in _cdxj(zf)] == ["https://copier.example/f",
                                                       "https://other.example/e"]
