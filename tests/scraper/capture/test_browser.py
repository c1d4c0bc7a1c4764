"""BrowserRenderer on the loopback site: script-drawn text, requisites, screenshots, and
bad pages, each bounded and reported with its reason.

Limits are generous and assertions are about outcomes (what was captured, refused and
why), never about how fast: a slow machine makes these tests slower, not red.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from scraper.capture import CaptureSettings, Permit, fetcher_hook, parse_cookies
from scraper.extract import Extractor

from .site import (
    ARTICLE_TEXT,
    PARAGRAPHS,
    TITLE,
    SiteServer,
    Trap,
    article_page,
    gzip_bomb,
    make_fetcher,
)

pytestmark = pytest.mark.usefixtures("chromium")

SETTINGS = CaptureSettings(page_timeout=30.0, settle_idle=0.3)
HANG = dataclasses.replace(SETTINGS, page_timeout=12.0, screenshot=False)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


def _render(site: SiteServer, settings: CaptureSettings,
            job: Callable[[Any], Awaitable[Any]], *, cookies: str = "",
            fetch_wrapper: Callable[[Any, Any], Any] | None = None) -> Any:
    from scraper.capture import BrowserRenderer

    async def go() -> Any:
        async with make_fetcher(site.port) as fetcher:
            fetch = fetcher_hook(fetcher)
            holder: dict[str, Any] = {}
            if fetch_wrapper is not None:
                fetch = fetch_wrapper(fetch, holder)
            async with BrowserRenderer(settings, fetch=fetch, permit=Permit(),
                                       cookies=parse_cookies(cookies) if cookies else None,
                                       user_agent=fetcher.settings.user_agent) as renderer:
                holder["renderer"] = renderer
                return await job(renderer)

    return asyncio.run(go())


def _text(html: str | None) -> str:
    assert html is not None
    return Extractor().extract(html, url="http://news.test/article").body


def test_renders_the_script_drawn_article_with_its_requisites(site: SiteServer) -> None:
    cookies = ("news.test\tFALSE\t/\tFALSE\t0\tsession\tS3CRET\n"
               ".cdn.test\tTRUE\t/img/\tFALSE\t0\tcdn\tC00KIE\n")

    async def job(renderer: Any) -> Any:
        return await renderer.render("http://news.test/article")

    r = _render(site, SETTINGS, job, cookies=cookies)
    body = _text(r.dom_html)
    assert all(p in body for p in PARAGRAPHS)
    assert TITLE in r.dom_html and r.dom_url == "http://news.test/article"
    assert not r.timed_out and r.refused == () and r.attempts == 1
    assert r.main.url == "http://news.test/article" and r.main in r.exchanges
    urls = {e.url for e in r.exchanges}
    assert {"http://news.test/api/story.json", "http://news.test/static/app.js",
            "http://news.test/static/site.css", "http://news.test/static/print.css",
            "http://cdn.test/img/masthead.png",
            "http://cdn.test/img/lazy.png",  # only after scrolling it into view
            "http://img.test/photo-1200.png"} <= urls
    # exactly what was fetched: every request the server saw is an exchange, once
    assert sorted(f"http://{h}{p}" for h, p, _ in site.log) == sorted(e.url for e in r.exchanges)
    served = {e.url: e.body for e in r.exchanges}
    assert served["http://news.test/api/story.json"].startswith(b'{"title"')
    # requests carried our name and each cookie only to its scope
    headers = {(h, p): hd for h, p, hd in site.log}
    assert all("newsarchive" in hd["user-agent"] for hd in headers.values())
    assert headers[("news.test", "/api/story.json")]["cookie"] == "session=S3CRET"
    assert "cookie" not in headers[("img.test", "/photo-1200.png")]
    # cdn.test's own cookie is a third-party one here: Chromium's SameSite=Lax default
    # keeps it off cross-site image requests, as in the reader's browser
    assert "cookie" not in headers[("cdn.test", "/img/lazy.png")]
    kinds = {s.kind: s for s in r.screenshots}
    assert kinds["fullPage"].data.startswith(b"\x89PNG") and kinds["fullPage"].content_type == "image/png"
    assert kinds["thumbnail"].data.startswith(b"\xff\xd8")
    assert kinds["fullPage"].target_uri(r.main.url) == "urn:fullPage:http://news.test/article"
    assert r.screenshot_png == kinds["fullPage"].data


def test_prefetched_document_is_not_fetched_again_and_cache_serves_later_pages(
        site: SiteServer) -> None:
    async def job(renderer: Any) -> Any:
        async with make_fetcher(site.port) as fetcher:
            main = await fetcher.fetch("http://news.test/article")
        first = await renderer.render("http://news.test/article", main=main)
        second = await renderer.render("http://news.test/article")
        return main, first, second

    main, first, second = _render(site, SETTINGS, job)
    assert first.main is main and main not in first.exchanges
    assert all(p in _text(first.dom_html) for p in PARAGRAPHS)
    assert site.paths("news.test").count("/article") == 2  # the prefetch, then `second`
    assert "http://news.test/static/site.css" in second.cached
    assert "http://news.test/static/site.css" not in {e.url for e in second.exchanges}
    assert all(p in _text(second.dom_html) for p in PARAGRAPHS)


def test_pages_that_never_settle_are_cut_and_keep_what_they_got(site: SiteServer) -> None:
    def stall(_req: Any) -> tuple[int, dict[str, str], bytes]:
        site.release.wait(120)  # an image that never arrives (freed at teardown)
        return 200, {"Content-Type": "image/png"}, b""

    site.routes[("cdn.test", "/never.png")] = stall
    after = "window.afterStory = () => {{ {} }};"
    site.add("news.test", "/never", article_page(extra_body='<img src="http://cdn.test/never.png">'))
    site.add("news.test", "/loop", article_page(script=after.format("while (true) {}")))
    site.add("news.test", "/alerts", article_page(
        script=after.format("for (let i = 0; i < 500; i++) alert(i); while (true) alert('again');")))
    site.add("news.test", "/poll", article_page(script=after.format(
        "setInterval(() => fetch('/api/story.json?' + Math.random()), 50);")))

    async def job(renderer: Any) -> Any:
        return await asyncio.gather(*(renderer.render(f"http://news.test/{p}")
                                      for p in ("never", "loop", "alerts", "poll")))

    never, loop, alerts, poll = _render(site, dataclasses.replace(HANG, browser_concurrency=4), job)
    for r in (never, loop, alerts, poll):
        assert r.timed_out, r.issues
        assert all(p in _text(r.dom_html) for p in PARAGRAPHS), r.issues
        assert r.main.status == 200 and any(e.url.endswith("story.json") for e in r.exchanges)
    assert ("timeout", "load") in never.issues
    assert any(code == "script-stopped" for code, _ in loop.issues)
    assert any(code == "script-stopped" for code, _ in alerts.issues)
    assert ("timeout", "settle") in poll.issues
    assert int(dict(alerts.issues)["dialogs"]) >= 500


def test_a_50_mb_dom_is_cut_at_the_cap(site: SiteServer) -> None:
    site.add("news.test", "/huge", article_page(script=(
        "window.afterStory = () => { const d = document.createElement('div'); d.hidden = true;"
        " d.textContent = 'x'.repeat(50 * 1000 * 1000); document.body.append(d); };")))

    async def job(renderer: Any) -> Any:
        return await renderer.render("http://news.test/huge")

    r = _render(site, dataclasses.replace(SETTINGS, dom_max_bytes=1_000_000, page_timeout=60.0,
                                          screenshot=False), job)
    assert len(r.dom_html) == 1_000_000
    assert int(dict(r.issues)["dom-truncated"]) > 50_000_000
    assert all(p in _text(r.dom_html) for p in PARAGRAPHS)


def test_a_thousand_subresources_stop_at_the_page_cap(site: SiteServer) -> None:
    imgs = "".join(f'<img src="http://cdn.test/n/{i}.png" width=1 height=1>' for i in range(1000))
    site.add("news.test", "/many", article_page(extra_body=imgs))
    for i in range(1000):
        site.add("cdn.test", f"/n/{i}.png", b"\x89PNG", "image/png")

    async def job(renderer: Any) -> Any:
        return await renderer.render("http://news.test/many")

    r = _render(site, dataclasses.replace(SETTINGS, page_max_requisites=60, screenshot=False), job)
    assert len(r.exchanges) == 60
    capped = [u for u, why in r.refused if why == "page-cap"]
    assert len(capped) >= 900
    assert len(site.log) == 60


def test_private_targets_are_refused_before_any_connection(site: SiteServer) -> None:
    with Trap() as trap:
        t = f"127.0.0.1:{trap.port}"
        site.add("news.test", "/go-private", b"", status=302,
                 headers={"Location": f"http://{t}/redirected"})
        site.add("news.test", "/private", article_page(
            extra_head=f'<link rel="prefetch" href="http://{t}/prefetch">',
            extra_body=f'<img src="http://intranet.test/x.png"><img src="http://localhost:{trap.port}/l.png">'
                       f'<iframe src="http://[::1]:{trap.port}/frame"></iframe>'
                       '<img src="http://news.test/go-private">',
            script=(f"fetch('http://{t}/fetched').catch(() => {{}});"
                    f"navigator.sendBeacon('http://{t}/beacon', 'x');"
                    f"try {{ new WebSocket('ws://{t}/ws'); }} catch (e) {{}}"
                    f"window.afterStory = () => setTimeout(() => {{ location.href = 'http://{t}/away'; }}, 50);")))

        async def job(renderer: Any) -> Any:
            return await renderer.render("http://news.test/private")

        r = _render(site, SETTINGS, job)
    assert trap.connections == 0
    refused = dict(r.refused)
    for path in ("fetched", "away"):
        assert refused[f"http://{t}/{path}"] == "private-address"
    assert refused[f"http://localhost:{trap.port}/l.png"] == "private-address"
    assert refused[f"http://[::1]:{trap.port}/frame"] == "private-address"
    assert refused["http://intranet.test/x.png"] == "private-address"
    assert refused["http://news.test/go-private"] == "private-address"  # the redirect target
    assert refused[f"ws://{t}/ws"] == "websocket"
    # the document stays what it was when its script tried to leave
    assert r.dom_url == "http://news.test/private"
    assert all(p in _text(r.dom_html) for p in PARAGRAPHS)


def test_downloads_and_popups_are_refused_and_the_page_kept(site: SiteServer) -> None:
    site.add("news.test", "/files/report.zip", b"PK\x03\x04" + b"\0" * 1000, "application/zip",
             headers={"Content-Disposition": 'attachment; filename="report.zip"'})
    site.add("news.test", "/popup", "<p>an advert</p>")
    site.add("news.test", "/download", article_page(
        extra_body='<a id="dl" href="/files/report.zip" download>report</a>'
                   '<a id="tab" href="/popup" target="_blank">new tab</a>'
                   '<iframe src="/files/report.zip"></iframe>',
        script="window.afterStory = () => { document.getElementById('dl').click();"
               " window.open('/popup'); document.getElementById('tab').click(); };"))

    async def job(renderer: Any) -> Any:
        page = await renderer.render("http://news.test/download")
        direct = await renderer.render("http://news.test/files/report.zip")
        return page, direct

    page, direct = _render(site, SETTINGS, job)
    assert ("http://news.test/files/report.zip", "download") in page.refused
    assert "http://news.test/files/report.zip" not in {e.url for e in page.exchanges}
    issues = dict(page.issues)
    assert issues["popups"] and "/popup" not in site.paths("news.test")  # never fetched
    assert all(p in _text(page.dom_html) for p in PARAGRAPHS)
    # a document that is itself a download is archived as fetched, not rendered
    assert direct.dom_html is None and direct.main.body.startswith(b"PK")
    assert ("not-rendered", "application/zip") in direct.issues


def test_a_compression_bomb_requisite_is_refused(site: SiteServer) -> None:
    site.add("cdn.test", "/bomb.png", gzip_bomb(100), "image/png", headers={"Content-Encoding": "gzip"})
    site.add("news.test", "/bomb", article_page(extra_body='<img src="http://cdn.test/bomb.png">'))

    async def job(renderer: Any) -> Any:
        return await renderer.render("http://news.test/bomb")

    r = _render(site, dataclasses.replace(SETTINGS, requisite_max_bytes=2_000_000), job)
    assert ("http://cdn.test/bomb.png", "too-large-decompressed") in r.refused
    assert all(p in _text(r.dom_html) for p in PARAGRAPHS)


def test_refused_document_raises_with_its_reason(site: SiteServer) -> None:
    from scraper.capture import RenderError

    async def job(renderer: Any) -> Any:
        with pytest.raises(RenderError) as info:
            await renderer.render("http://intranet.test/")
        ok = await renderer.render("http://news.test/article")
        return info.value, ok

    error, ok = _render(site, SETTINGS, job)
    assert error.reason == "private-address" and error.url == "http://intranet.test/"
    assert ARTICLE_TEXT[:40] in _text(ok.dom_html)


def test_a_crashed_browser_is_restarted_and_the_page_retried(site: SiteServer) -> None:
    def wrapper(fetch: Any, holder: dict[str, Any]) -> Any:
        async def crashing(url: str, headers: Any, *, max_bytes: int) -> Any:
            if url.endswith("story.json") and not holder.get("crashed"):
                holder["crashed"] = True
                await holder["renderer"]._browser.close()  # the browser dies mid-page
            return await fetch(url, headers, max_bytes=max_bytes)
        return crashing

    async def job(renderer: Any) -> Any:
        return await renderer.render("http://news.test/article"), renderer.restarts

    r, restarts = _render(site, SETTINGS, job, fetch_wrapper=wrapper)
    assert r.attempts == 2 and restarts == 1
    assert any(code == "browser-restarted" for code, _ in r.issues)
    assert all(p in _text(r.dom_html) for p in PARAGRAPHS)


def test_the_browser_alone_cannot_reach_any_server(site: SiteServer) -> None:
    """The second wall: without our routing, Chromium launched as the renderer launches it
    reaches nothing (dead proxy, loopback included; no name resolution)."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    from scraper.capture.browser import LAUNCH_ARGS, find_browser

    async def go(trap: Trap) -> list[str]:
        errors = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=find_browser(), args=list(LAUNCH_ARGS))
            page = await browser.new_page()
            for url in (f"http://127.0.0.1:{trap.port}/", f"http://localhost:{trap.port}/",
                        f"http://127.0.0.1:{site.port}/article"):
                try:
                    await page.goto(url, timeout=20_000)
                except PlaywrightError as exc:
                    errors.append(str(exc).splitlines()[0])
            await browser.close()
        return errors

    with Trap() as trap:
        errors = asyncio.run(go(trap))
    assert trap.connections == 0 and site.log == []
    assert len(errors) == 3
