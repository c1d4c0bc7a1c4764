"""One way in: a page reaches the same archived page whichever way it arrives, pages that
go away are recorded as gone, and pages that ask not to be archived are left out."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive import Archive, open_archive
from archive.types import HttpResponse
from scraper.config import Settings
from scraper.demo import SiteServer, site_dir
from scraper.ingest import Ingester, noarchive, page_url_for
from tests.conftest import SEED_PATH, cli

FETCH = ["--allow-private", "--set", "fetch.retries=0"]
FLAGS = [*FETCH, "--delay", "0", "-q"]


def _response(url: str, body: bytes, *, status: int = 200, headers: tuple[tuple[str, str], ...]
              = (("Content-Type", "text/html"),), redirects: tuple[str, ...] = ()
              ) -> HttpResponse:
    return HttpResponse(url=url, requested_url=redirects[0] if redirects else url,
                        status=status, reason="OK", http_version="HTTP/1.1", headers=headers,
                        request_headers=(), body=body, content=body,
                        fetched_at="2026-01-01T00:00:00+00:00", redirects=redirects)


@pytest.mark.parametrize(("final", "canonical", "page"), [
    ("https://a.example/story?utm_source=x", None, "https://a.example/story"),
    ("https://a.example/story", "https://a.example/canonical-story",
     "https://a.example/canonical-story"),
    ("https://a.example/story", "/relative-canonical", "https://a.example/relative-canonical"),
    ("https://a.example/story", "https://other.example/story", "https://a.example/story"),
    ("https://a.example/story", "https://a.example/", "https://a.example/story"),  # home page
    ("https://a.example/", "https://a.example/", "https://a.example/"),
])
def test_one_rule_for_the_page_url(final: str, canonical: str | None, page: str) -> None:
    assert page_url_for(final, canonical) == page


def test_one_article_through_every_way_in_is_one_page(site: SiteServer, tmp_path: Path) -> None:
    """crawl, fetch and import of the same article (one of them reached by a URL with
    tracking parameters) all archive it as the same page."""
    arc = tmp_path / "arc"
    url = site.url(SEED_PATH)
    assert cli("fetch", url + "?utm_source=feed", "--archive", str(arc), *FETCH).returncode == 0
    assert cli("crawl", url, "--max-depth", "0", "--archive", str(arc), *FLAGS).returncode == 0
    other = tmp_path / "other"  # an archive made elsewhere, exported, then imported here
    assert cli("fetch", url, "--archive", str(other), *FETCH).returncode == 0
    assert cli("export", "--wacz", str(tmp_path / "x.wacz"),
               "--archive", str(other)).returncode == 0
    assert cli("import", str(tmp_path / "x.wacz"), "--archive", str(arc)).returncode == 0
    with open_archive(arc) as archive:
        pages = archive.store.rows("SELECT url FROM pages WHERE url LIKE ?",
                                   ("%shared-enemy%",))
        assert [p[0] for p in pages] == [url]
        origins = [r.origin for r in archive.records() if r.url == url]
        assert origins == ["fetch"]  # the same content: one version, whoever brought it
        # fetch, the crawl's check, and the import (unless it came within the same second
        # as the fetch here, with the same bytes: then it is that very record, not added)
        assert len(archive.history(url).captures) in (2, 3)


def test_a_page_that_goes_away_is_recorded_gone(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "site"
    shutil.copytree(site_dir(), root)
    with SiteServer(root) as server:
        arc = str(tmp_path / "arc")
        url = server.url("/world/vienna-talks-syria-ceasefire.html")
        assert cli("crawl", url, "--max-depth", "0", "--archive", arc, *FLAGS).returncode == 0
        (root / "world" / "vienna-talks-syria-ceasefire.html").unlink()
        again = cli("crawl", url, "--max-depth", "0", "--archive", arc, *FLAGS)
        assert again.returncode == 0, again.stderr.decode()
        assert b"gone (404/410)" in again.stdout + again.stderr
    with open_archive(arc) as archive:
        history = archive.history(url)
        assert history.gone_since is not None
        assert [c.kind for c in history.captures] == ["response", "gone"]
        assert history.captures[-1].status == 404 and history.captures[-1].warc_file
        record = archive.record(history.versions[-1].id)
        assert record.gone_since == history.gone_since
    shown = cli("history", url, "--archive", arc)
    assert b"gone since" in shown.stdout


def test_a_redirect_to_the_home_page_is_gone_and_a_return_clears_it(
        httpserver: HTTPServer, tmp_path: Path) -> None:
    page = b"<html><head><title>Talks</title></head><body><article><h1>Talks</h1>" + \
        b"<p>" + b"The talks in Vienna went on all night. " * 20 + b"</p></article></body></html>"
    home = b"<html><body><h1>Home</h1></body></html>"
    httpserver.expect_ordered_request("/story").respond_with_data(page, content_type="text/html")
    httpserver.expect_ordered_request("/story").respond_with_data(
        "", status=301, headers={"Location": "/"})
    httpserver.expect_ordered_request("/").respond_with_data(home, content_type="text/html")
    httpserver.expect_ordered_request("/story").respond_with_data(page, content_type="text/html")
    arc = str(tmp_path / "arc")
    flags = [*FLAGS, "--no-crawl-respect-robots", "--max-depth", "0"]
    url = httpserver.url_for("/story")
    for _ in range(3):
        assert cli("crawl", url, "--archive", arc, *flags).returncode == 0
    with open_archive(arc) as archive:
        history = archive.history(url)
        assert [c.kind for c in history.captures] == ["response", "gone", "revisit"]
        assert history.gone_since is None  # it answers again
        assert len(history.versions) == 1


def test_noarchive_pages_are_left_out_and_said_so(httpserver: HTTPServer, tmp_path: Path,
                                                  settings: Settings) -> None:
    page = b'<html><head><meta name="robots" content="noindex, noarchive"></head>' + \
        b"<body><p>Private.</p></body></html>"
    httpserver.expect_request("/private").respond_with_data(page, content_type="text/html")
    arc = str(tmp_path / "arc")
    result = cli("crawl", httpserver.url_for("/private"), "--archive", arc, *FLAGS,
                 "--no-crawl-respect-robots")
    assert result.returncode == 0
    assert b"skipped: noarchive" in result.stdout + result.stderr
    with open_archive(arc) as archive:
        assert archive.store.counts()["pages"] == 0
    kept = cli("crawl", httpserver.url_for("/private"), "--archive", arc, *FLAGS,
               "--no-crawl-respect-robots", "--no-crawl-honor-noarchive")
    assert kept.returncode == 0
    with open_archive(arc) as archive:
        assert archive.store.counts()["pages"] == 1


@pytest.mark.parametrize(("headers", "head", "expected"), [
    ((), b'<meta name="robots" content="noarchive">', True),
    ((), b"<META NAME='ROBOTS' CONTENT='NONE'>", True),
    ((), b'<meta name="robots" content="noindex">', False),
    ((("X-Robots-Tag", "noarchive"),), b"", True),
    ((), b'<meta name="description" content="noarchive is a word">', False),
])
def test_noarchive_is_read_from_meta_and_header(headers: tuple[tuple[str, str], ...],
                                                head: bytes, expected: bool) -> None:
    body = b"<html><head>" + head + b"</head><body></body></html>"
    response = _response("https://a.example/x", body,
                         headers=(("Content-Type", "text/html"), *headers))
    assert noarchive(response) is expected


def test_extractor_version_is_recorded_on_each_version(archive: Archive,
                                                       settings: Settings) -> None:
    ingester = Ingester(archive, settings.extract, origin="fetch")
    body = (site_dir() / SEED_PATH.lstrip("/")).read_bytes()
    done = ingester.ingest(_response("https://blog.example/a", body))
    record = archive.record(done.result.version_id or 0)  # type: ignore[union-attr]
    assert record.origin == "fetch" and record.extractor == ingester.version
    assert record.extractor and record.extractor.split("+")[0].count(".") == 2
    changed = dataclasses.replace(settings.extract, attribution_patterns=())
    assert Ingester(archive, changed).version != ingester.version
