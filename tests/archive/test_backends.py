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

from archive import Archive, ArchiveSettings, Article, Attribution, Query, open_archive
from archive.errors import (
    ArchiveError,
    QuerySyntaxError,
    RecordNotFoundError,
    SchemaVersionError,
)
from archive.export import write_csv, write_jsonl
from archive.provenance import rank_sources, spread_tree, trace_passage
from archive.reader import iter_responses
from archive.verify import verify_archive
from archive.wacz import write_wacz
from tests.archive import test_research as research
from tests.archive.test_archive import HTML, _article, _response
from tests.archive.test_wacz_replay import _cdxj, _replay, validate
from tests.conftest import cli

Opener = Callable[..., Archive]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Opener]:
    """(location, open) for an empty archive on each backend."""
    if request.param == "sqlite":
        location = f"sqlite:///{tmp_path / 'arc'}"
    else:
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


def test_one_batch_sees_its_own_captures(backend: tuple[str, Opener]) -> None:
    """In one batch (an import), a page the batch created is captured again: the second
    capture is a revisit of the first, a changed one a new version (PostgreSQL skips the
    look-ups for a page new in the transaction only until it has rows)."""
    _, open_ = backend
    two = Article(title="Two", body="Said one and said two.", attributions=(
        Attribution(source="AP", passage="Said one", start=0, end=8, position=0,
                    pattern="according_to"),
        Attribution(source="AFP", passage="said two", start=13, end=21, position=1,
                    pattern="according_to")))
    with open_(create=True) as arc:
        url = "https://news.example/a"
        with arc.batch():
            first = arc.store_response(_response(), _article(), page_url=url)
            same = arc.store_response(_response(when="2026-01-02T00:00:00+00:00"),
                                      _article(), page_url=url)
            changed = arc.store_response(_response(body=HTML.replace(b"fox", b"cat")),
                                         _article(body="The cat"), page_url=url)
            other = arc.store_response(_response("https://news.example/b"), two,
                                       page_url="https://news.example/b")
        assert [r.outcome for r in (first, same, changed, other)] == \
            ["new", "unchanged", "new-version", "new"]
        assert same.version_id == first.version_id
        assert [arc.store.capture(i).kind for i in range(1, 5)] == \
            ["response", "revisit", "response", "response"]
        assert arc.store.capture(2).revisit_of == first.capture_id
        assert [a.source for a in arc.record(other.version_id or 0).article.attributions] \
            == ["AP", "AFP"]
        assert arc.record(changed.version_id or 0).latest


def test_a_long_batch_sees_its_rows_before_and_after_they_are_sent(
        backend: tuple[str, Opener]) -> None:
    """A batch longer than a bulk send: a page captured again after its first capture
    went to the server (on PostgreSQL, not committed, so not seen by the look-ups) is a
    revisit of it, and a record of the batch counts as imported."""
    _, open_ = backend
    with open_(create=True) as arc:
        store = arc.store
        results = []
        with arc.batch():
            for i in range(450):
                url = f"https://news.example/{i % 400}"  # pages 0-49 twice
                body = HTML + str(i % 400).encode()
                when = f"2026-01-{1 + i // 400:02d}T00:00:00+00:00"
                results.append(arc.store_response(_response(url, body, when=when),
                                                  _article(f"Story {i % 400}"), page_url=url))
            assert store.imported(None, "https://news.example/3", "2026-01-02T00:00:00+00:00",
                                  store.capture(results[403].capture_id).payload_digest or "")
            assert not store.imported(None, "https://news.example/3",
                                      "2026-01-03T00:00:00+00:00", "sha1:X")
        assert [r.outcome for r in results[400:]] == ["unchanged"] * 50
        for first, again in zip(results[:50], results[400:], strict=True):
            assert again.version_id == first.version_id
            assert store.capture(again.capture_id).revisit_of == first.capture_id
        assert store.counts() == {"pages": 400, "captures": 450, "versions": 400,
                                  "attributions": 400}


def test_pages_expected_by_a_batch_are_found_or_made_together(
        backend: tuple[str, Opener]) -> None:
    """``expect`` names a batch's pages first (PostgreSQL finds or makes them in one
    statement): a page archived before is found (its capture unchanged), a new one made
    once with the earliest time it is named with, and one not named found as it comes."""
    _, open_ = backend
    old, new, unnamed = (f"https://news.example/{n}" for n in ("old", "new", "unnamed"))
    early, late = "2026-02-01T00:00:00+00:00", "2026-02-02T00:00:00+00:00"
    with open_(create=True) as arc:
        arc.store_response(_response(old), _article(), page_url=old)
        with arc.batch():
            arc.expect([(old, early), (new, late), (new, early)])
            results = [arc.store_response(_response(url, when=early), _article(), page_url=url)
                       for url in (old, new, new, unnamed)]
        assert [r.outcome for r in results] == ["unchanged", "new", "unchanged", "new"]
        first_seen = dict(arc.store.rows("SELECT url, first_seen FROM pages"))
        assert first_seen == {old: "2026-01-01T00:00:00+00:00", new: early, unnamed: early}
        assert arc.store.counts()["captures"] == 5


def test_a_refused_capture_read_in_its_block_undoes_only_itself(
        backend: tuple[str, Opener]) -> None:
    """A capture whose rows the database refuses, found by a read in its own block,
    fails alone: its rows go, the batch goes on, and the driver's prepared statements
    still work after."""
    _, open_ = backend
    with open_(create=True) as arc:
        store = arc.store
        with arc.batch():
            for i in range(8):  # enough uses for the driver to prepare its statements
                url = f"https://news.example/{i}"
                arc.store_response(_response(url), _article(), page_url=url)
            with pytest.raises(ArchiveError):
                _refused_capture(arc, read_after=True)
            url = "https://news.example/8"
            after = arc.store_response(_response(url), _article(), page_url=url)
        assert after.outcome == "new"
        # its page, a URL without captures, may stay (PostgreSQL adds pages at once)
        assert store.counts() | {"pages": 0} == {"pages": 0, "captures": 9, "versions": 9,
                                                 "attributions": 9}
        assert [c.url for c in store.captures("url LIKE ?", ("%bad",))] == []


@pytest.mark.parametrize("refused_at", [100, 399])
def test_a_refusal_found_at_commit_fails_the_whole_batch(backend: tuple[str, Opener],
                                                         refused_at: int) -> None:
    """On PostgreSQL a batch's rows reach the server in bulk, so a refusal no read
    found shows later (on SQLite, at once): in a bulk sent while the batch goes on (at
    100) or when it commits (at 399), the batch raises and keeps nothing, what came
    before it stays, and the store goes on working."""
    _, open_ = backend
    with open_(create=True) as arc:
        store = arc.store
        arc.store_response(_response("https://news.example/0"), _article(),
                           page_url="https://news.example/0")
        with pytest.raises(ArchiveError):
            _batch_refused_at(arc, refused_at)
        assert store.counts()["captures"] == 1
        after = arc.store_response(_response("https://news.example/1"), _article(),
                                   page_url="https://news.example/1")
        assert after.outcome == "new"
        assert [r.url for r in arc.records()] == ["https://news.example/0",
                                                  "https://news.example/1"]


def _batch_refused_at(arc: Archive, refused_at: int) -> None:
    with arc.batch():
        for i in range(1, 410):  # more than one bulk send
            url = f"https://news.example/{i}"
            arc.store_response(_response(url), _article(), page_url=url)
            if i == refused_at:
                _refused_capture(arc, read_after=False)


def _refused_capture(arc: Archive, *, read_after: bool) -> None:
    store = arc.store
    with store.transaction():
        page = store.page_id("https://news.example/bad", "2026-01-01")
        capture = store.add_capture(
            page_id=page, url="https://news.example/bad", fetched_at="2026-01-01", status=200,
            kind="response", content_type=None, payload_digest=None, content_hash=None,
            warc=None, crawl_id=None)
        store.link_capture(capture, 10**9)  # no such version: refused
        if read_after:
            store.capture(capture)


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


# Plain text and syntax that must mean the same on both backends (issue 12 found each of
# these differing, or failing with a database error).
PARITY = ["*", "fox", "fox -proxy", "tutoring -Stanford", "title:tutoring", "title:fox",
          "body:tutoring", "NEAR(tutoring stanford)", "NEAR(fox war, 5)", "O'Brien",
          "o'brien fox", "C++", "e-mail", "col:thing", '"proxy war"', "proxy OR tutoring",
          "(fox OR cat) -war", "fo*", "tut*", "Stanford AND tutoring", "café", "x_y"]
PARITY_PAGES = [
    ("https://a.example/1", "Fox tutoring", "The quick brown fox, proxy war."),
    ("https://a.example/2", "Tutoring at Stanford", "O'Brien runs tutoring at Stanford."),
    ("https://a.example/3", "Mail", "Send an e-mail about C++ to Tutoring Ltd; x_y thing."),
    ("https://a.example/4", "Cat", "A cat, not a fox; col thing in the café."),
]


def _parity_archive(location: str, tmp_path: Path) -> Archive:
    arc = Archive(location, ArchiveSettings(path=location, warc_root=str(tmp_path)),
                  create=True)
    for n, (url, title, body) in enumerate(PARITY_PAGES):
        article = Article(**{**_article(body=body).__dict__, "title": title})
        arc.store_response(_response(url=url, body=HTML.replace(b"fox", b"fox%d" % n)),
                           article, page_url=url)
    return arc


def test_same_query_same_results_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    with _parity_archive(f"sqlite:///{tmp_path / 'lite'}", tmp_path / "a") as lite, \
            _parity_archive(pg_url, tmp_path / "b") as pg:
        for text in PARITY:
            outcome = []
            for arc in (lite, pg):
                try:
                    hits = arc.search(Query(text=text, all_versions=True, limit=50))
                    outcome.append(sorted(h.record.url for h in hits))
                except QuerySyntaxError as exc:
                    outcome.append(["error", str(exc)])
            assert outcome[0] == outcome[1], text


@pytest.mark.parametrize(("text", "expected"), [
    ("tutoring -Stanford", {"1", "3"}), ("title:tutoring", {"1", "2"}),
    ("O'Brien", {"2"}), ("C++", {"3"}), ("e-mail", {"3"}), ("NEAR(tutoring stanford)", {"2"}),
    ("col:thing", {"4"}), ("x_y", {"3"})])
def test_plain_text_just_works(tmp_path: Path, text: str, expected: set[str]) -> None:
    with _parity_archive(f"sqlite:///{tmp_path / 'lite'}", tmp_path) as arc:
        hits = arc.search(Query(text=text, limit=50))
    assert {h.record.url.rsplit("/", 1)[1] for h in hits} == expected


@pytest.mark.parametrize(("text", "why"), [
    ("*", "no words"), ('"unbalanced', "double quote"), ("(fox", "parenthesis"),
    ("-fox", "only exclude"), ("NOT", "NOT needs"), ("fox OR", "both sides"),
    ("fox)", "no opening")])
def test_query_syntax_errors_name_the_query(text: str, why: str) -> None:
    with pytest.raises(QuerySyntaxError, match=why) as caught:
        Query(text=text)
    assert repr(text) in str(caught.value)
    assert "disk" not in str(caught.value) and "column" not in str(caught.value)


@pytest.mark.parametrize("when", ["yesterday", "today", "7d", "12h", "2w", "2025", "2025-02",
                                  "2025-02-28", "2025-02-28T10:00:00+01:00"])
def test_dates_accept_relative_and_partial_forms(when: str) -> None:
    assert Query(since=when).since


@pytest.mark.parametrize("when", ["2025-13-45", "tomorrowish", "2025-02-30", "7 days", ""])
def test_invalid_dates_are_refused(when: str) -> None:
    with pytest.raises(QuerySyntaxError, match="not a date"):
        Query(since=when or " ")


def test_capture_time_filters(backend: tuple[str, Opener]) -> None:
    _, open_ = backend
    with open_(create=True) as arc:
        for n, when in enumerate(("2026-01-01T10:00:00+00:00", "2026-03-01T10:00:00+00:00")):
            url = f"https://news.example/{n}"
            arc.store_response(_response(url=url, when=when,
                                         body=HTML.replace(b"fox", b"fox%d" % n)),
                               _article(body=f"fox {n}"), page_url=url)
        assert [h.record.url for h in arc.search(Query(captured_since="2026-02"))] == \
            ["https://news.example/1"]
        assert [h.record.url for h in arc.search(Query(captured_until="2026-01"))] == \
            ["https://news.example/0"]
        assert len(arc.search(Query(text="fox", captured_since="2025-12-31"))) == 2


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
        crawl = arc.start_crawl(["https://a.example/"], {"crawl": {"per_host_delay": 0.5}},
                                delay=0.5, hosts={"https://a.example/": "a.example"})
        assert arc.store.last_unfinished_crawl() == crawl
        assert arc.store.unfinished_crawls() == [crawl]
        assert arc.store.crawl_seeds(crawl) == ["https://a.example/"]
        assert arc.store.crawl_settings(crawl) == {"crawl": {"per_host_delay": 0.5}}
        assert arc.frontier.pending() == 1  # its seed is queued with it
        claimed = arc.frontier.refill(10)
        assert [(i.url, i.depth, i.attempts) for i in claimed] == [("https://a.example/", 0, 1)]
        arc.frontier.release([i.url for i in claimed])
        assert arc.frontier.refill(10)[0].attempts == 1  # a release costs no attempt
        arc.finish_crawl(crawl, {"fetched": 1})
        assert arc.store.last_unfinished_crawl() is None
        for missing in (arc.store.crawl_seeds, arc.store.crawl_settings):
            with pytest.raises(RecordNotFoundError, match="no crawl 999"):
                missing(999)


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

    from archive.db.postgres.schema import MIGRATIONS

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
    from archive.db.postgres import store as pgstore

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
    out = cli(*args, "--archive", location, "--archive-warc-root", str(tmp_path / "files"))
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
    table = _cli(location, tmp_path, "sources", "--site", "other.example")
    assert "reuters" in table and "other.example" in table and "Origin Wire" not in table
    assert "no attributions" in _cli(location, tmp_path, "sources", "--site", "none.example")
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
    out = cli("verify", "--archive", location, "--archive-warc-root",
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
    out = cli("verify", "--json", "--archive", location, "--archive-warc-root",
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
