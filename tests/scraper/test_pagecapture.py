"""A crawl keeps pages as their readers saw them: requisites (plain fetcher), rendering
(browser, auto), screenshots, sessions; and all of it travels in WARC, WACZ and import."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveSettings
from archive.reader import read_records
from archive.verify import verify_archive
from archive.wacz import write_wacz
from scraper.config import CaptureSettings, Settings
from scraper.crawl import Crawler, CrawlStats
from scraper.reextract import reextract
from tests.conftest import cli
from tests.scraper.capture.site import ARTICLE_TEXT, PARAGRAPHS, TITLE, SiteServer, make_fetcher

PLAIN = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title>
<link rel="stylesheet" href="/static/site.css">
<meta property="og:image" content="http://cdn.test/img/og.png"></head>
<body><article><h1>{TITLE}</h1>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<img src="http://img.test/photo-320.png" srcset="http://img.test/photo-320.png 320w,
 http://img.test/photo-1200.png 1200w"></article>
<a href="/plain2">more</a></body></html>"""


def _settings(tmp_path: Path, **capture: object) -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        crawl=dataclasses.replace(base.crawl, per_host_delay=0.0, max_depth=1,
                                  respect_robots=False),
        capture=dataclasses.replace(base.capture, **capture),  # type: ignore[arg-type]
        archive=dataclasses.replace(base.archive, path=str(tmp_path / "arc")))


def _crawl(site: SiteServer, settings: Settings, *urls: str) -> tuple[Archive, CrawlStats]:
    arc = Archive(settings.archive.path, settings.archive, create=True)

    async def crawl() -> CrawlStats:
        async with make_fetcher(site.port) as fetcher:
            return await Crawler(settings, arc, fetcher=fetcher).run(list(urls))

    return arc, asyncio.run(crawl())


@pytest.fixture
def site() -> SiteServer:
    with SiteServer() as server:
        server.add("news.test", "/plain", PLAIN)
        server.add("news.test", "/plain2", PLAIN.replace(TITLE, TITLE + " (2)")
                   .replace("/plain2", "/plain"))
        yield server  # type: ignore[misc]


def test_requisites_are_kept_once_and_replay_from_the_wacz(site: SiteServer,
                                                           tmp_path: Path) -> None:
    arc, stats = _crawl(site, _settings(tmp_path), "http://news.test/plain")
    with arc:
        assert stats.new == 2 and stats.requisites >= 6
        page = arc.history("http://news.test/plain").captures[0]
        kept = {r.url: r for r in arc.store.resources("capture_id = ?", (page.id,))}
        assert {"http://news.test/static/site.css", "http://news.test/static/print.css",
                "http://cdn.test/img/masthead.png", "http://cdn.test/img/og.png",
                "http://img.test/photo-1200.png", "http://news.test/static/story.woff2"} \
            <= set(kept)
        assert "http://img.test/photo-320.png" not in kept  # the largest srcset candidate
        assert kept["http://cdn.test/img/og.png"].role == "image"
        assert kept["http://news.test/static/site.css"].role == "stylesheet"
        # the second page uses the same requisites: fetched once in a crawl
        assert site.paths("cdn.test").count("/img/og.png") == 1
        assert verify_archive(arc).ok
        write_wacz(arc, tmp_path / "x.wacz")
        second = arc.history("http://news.test/plain2").captures[0]
        write_wacz(arc, tmp_path / "one.wacz", capture_ids=[second.id])
    with zipfile.ZipFile(tmp_path / "x.wacz") as zf:
        index = zf.read("indexes/index.cdxj").decode()
    assert "test,cdn)/img/og.png" in index and "test,news)/static/site.css" in index
    with zipfile.ZipFile(tmp_path / "one.wacz") as zf:  # a page alone: no requisites of its own
        assert "og.png" not in zf.read("indexes/index.cdxj").decode()
    imported = cli("import", str(tmp_path / "x.wacz"), "--json", "--archive",
                   str(tmp_path / "again"))
    assert json.loads(imported.stdout)["resources"] >= 6  # the requisites come back too


def test_a_crawl_again_keeps_an_unchanged_requisite_once(site: SiteServer,
                                                         tmp_path: Path) -> None:
    settings = _settings(tmp_path, requisites=True)
    for _ in range(2):
        arc, _ = _crawl(site, settings, "http://news.test/plain")
        arc.close()
    with Archive(settings.archive.path, settings.archive) as arc:
        og = arc.store.resources("url = ?", ("http://cdn.test/img/og.png",))
    assert [r.kind for r in og] == ["response", "revisit"]  # the logo's bytes stored once
    assert og[1].revisit_of == og[0].id


def test_requisites_obey_the_guard_and_robots(site: SiteServer, tmp_path: Path) -> None:
    site.add("news.test", "/guarded", PLAIN.replace(
        "http://img.test/photo-320.png", "http://intranet.test/secret.png"))
    site.add("cdn.test", "/robots.txt", "User-agent: *\nDisallow: /img/\n", "text/plain")
    settings = _settings(tmp_path)
    settings = dataclasses.replace(settings, crawl=dataclasses.replace(
        settings.crawl, respect_robots=True, max_depth=0))
    arc, _ = _crawl(site, settings, "http://news.test/guarded")
    with arc:
        urls = {r.url for r in arc.store.resources()}
    assert "http://cdn.test/img/og.png" not in urls  # robots.txt of the CDN says no
    assert "/img/og.png" not in site.paths("cdn.test")
    assert not any("intranet" in u for u in urls)


def test_sessions_are_sent_to_their_site_and_kept_out_of_warc(site: SiteServer,
                                                              tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("# Netscape HTTP Cookie File\n"
                       "news.test\tFALSE\t/\tFALSE\t0\tsession\ts3cr3t-token\n")
    settings = _settings(tmp_path, cookies=str(cookies))
    arc, _ = _crawl(site, settings, "http://news.test/plain")
    arc.close()
    sent = [h for host, path, h in site.log if path == "/plain"]
    assert sent and sent[0].get("cookie") == "session=s3cr3t-token"
    assert all("cookie" not in h for host, _, h in site.log if host == "cdn.test")
    for path in (tmp_path / "arc" / "warc").glob("*.warc.gz"):
        assert b"s3cr3t-token" not in gzip.decompress(path.read_bytes())
        with path.open("rb") as fh:
            requests = [r for r in ArchiveIterator(fh) if r.rec_type == "request"]
        assert any(r.http_headers.get_header("Cookie") == "session=[redacted]"
                   for r in requests)


def test_browser_rendering_keeps_script_text_exchanges_and_a_screenshot(
        site: SiteServer, tmp_path: Path, chromium: str) -> None:
    settings = _settings(tmp_path, renderer="browser", browser_path=chromium,
                         page_timeout=60.0)
    settings = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl,
                                                                       max_depth=0))
    arc, stats = _crawl(site, settings, "http://news.test/article")
    with arc:
        [record] = [r for r in arc.records() if r.url == "http://news.test/article"]
        assert record.article.title == TITLE and ARTICLE_TEXT[:80] in record.article.body
        assert record.article.signals["renderer"] == "browser"
        assert stats.rendered == 1
        png = arc.screenshot(record.capture_id)
        assert png is not None and png.startswith(b"\x89PNG")
        kept = {r.url: r for r in arc.store.resources("capture_id = ?", (record.capture_id,))}
        assert "http://news.test/api/story.json" in kept  # a request made by a script
        assert f"urn:fullPage:{record.url}" in kept and f"urn:thumbnail:{record.url}" in kept
        assert arc.rendered_dom(record.capture_id) is not None
        assert verify_archive(arc).ok
        again = reextract(arc, settings.extract)  # reads the rendered DOM, not the shell
        assert again.unchanged == 1 and again.changed == 0
    kinds = [i.kind for p in (tmp_path / "arc" / "warc").glob("*.warc.gz")
             for i in read_records(p)]
    assert kinds.count("resource") >= 3  # two screenshots and the DOM


def test_auto_renders_only_pages_that_need_it(site: SiteServer, tmp_path: Path,
                                              chromium: str) -> None:
    settings = _settings(tmp_path, renderer="auto", browser_path=chromium, page_timeout=60.0)
    settings = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl,
                                                                       max_depth=0))
    arc, stats = _crawl(site, settings, "http://news.test/article", "http://news.test/plain")
    with arc:
        records = {r.url: r for r in arc.records()}
    assert stats.rendered == 1
    shell = records["http://news.test/article"].article
    assert ARTICLE_TEXT[:80] in shell.body and shell.signals["render_reason"]
    assert "renderer" not in records["http://news.test/plain"].article.signals


def test_capture_settings_are_checked() -> None:
    from archive.errors import ConfigError

    with pytest.raises(ConfigError, match="renderer"):
        CaptureSettings(renderer="netscape")  # type: ignore[arg-type]
    assert ArchiveSettings  # (the archive settings need nothing of capture)
