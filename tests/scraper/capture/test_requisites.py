"""Finding a page's requisites in HTML and CSS, and fetching them within caps."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from scraper.capture import (
    CaptureSettings,
    Permit,
    fetch_requisites,
    fetcher_hook,
    find_css_requisites,
    find_requisites,
    largest_candidate,
    parse_cookies,
)
from scraper.robots import RobotsCache

from .site import SiteServer, Trap, gzip_bomb, make_fetcher, png

BASE = "https://news.example/section/story.html"


def _urls(html: str, base: str = BASE) -> dict[str, str]:
    return {r.url: r.kind for r in find_requisites(html, base)}


@pytest.mark.parametrize(("srcset", "expected"), [
    ("a.jpg 320w, b.jpg 1200w, c.jpg 800w", "b.jpg"),
    ("a.jpg, b.jpg 2x, c.jpg 1.5x", "b.jpg"),
    ("https://cdn.example/i/w_320,h_200/a.jpg 320w, https://cdn.example/i/w_960,h_600/a.jpg 960w",
     "https://cdn.example/i/w_960,h_600/a.jpg"),
    ("only.jpg", "only.jpg"),
    ("", None),
])
def test_largest_srcset_candidate(srcset: str, expected: str | None) -> None:
    assert largest_candidate(srcset) == expected


def test_images_take_the_largest_candidate_and_the_lazy_source() -> None:
    found = _urls("""<html><head>
      <meta property="og:image" content="/og.jpg">
      <link rel="stylesheet" href="/s.css"><link rel="alternate stylesheet" href="/alt.css">
      <link rel="icon" href="/fav.ico"><link rel="apple-touch-icon" href="/touch.png">
      <link rel="preload" as="font" href="/f.woff2"><link rel="canonical" href="/c">
      </head><body>
      <img src="small.jpg" srcset="small.jpg 300w, big.jpg 1600w">
      <img src="data:image/gif;base64,R0lGOD" data-src="lazy.jpg">
      <img src="ph.gif" data-srcset="lz-1.jpg 1x, lz-2.jpg 2x">
      <picture><source srcset="p-800.webp 800w, p-1600.webp 1600w"><img src="p.jpg"></picture>
      <video poster="/poster.jpg"><source src="/film.mp4"></video>
      <div style="background-image: url('/bg.png')"></div>
      <script src="/app.js"></script><script>var x = "url(/not-css.png)"</script>
      <a href="/next-story.html">next</a>
      </body></html>""")
    base = "https://news.example"
    assert found == {
        f"{base}/s.css": "stylesheet",
        f"{base}/og.jpg": "image",
        f"{base}/section/big.jpg": "image",
        f"{base}/section/lazy.jpg": "image",
        f"{base}/section/lz-2.jpg": "image",
        f"{base}/section/p-1600.webp": "image",
        f"{base}/section/p.jpg": "image",
        f"{base}/poster.jpg": "image",
        f"{base}/bg.png": "image",
        f"{base}/f.woff2": "font",
        f"{base}/app.js": "script",
        f"{base}/fav.ico": "icon",
        f"{base}/touch.png": "icon",
    }
    order = [r.kind for r in find_requisites(
        '<script src="/a.js"></script><img src="/i.png"><link rel=stylesheet href="/s.css">', BASE)]
    assert order == ["stylesheet", "image", "script"]


def test_base_href_fragments_and_non_http_urls() -> None:
    found = _urls('<base href="https://cdn.example/assets/"><img src="a.png#frag">'
                  '<img src="javascript:alert(1)"><img src="ftp://x/y.png"><img src="blob:abc">'
                  '<img src="a.png">')
    assert found == {"https://cdn.example/assets/a.png": "image"}
    assert find_requisites(b"", BASE) == []
    assert find_requisites(b"\x00\xff garbage <<<", BASE) == []


def test_css_imports_first_font_source_and_background_images() -> None:
    css = """@import url("print.css") print; @import 'theme.css';
    /* url(commented-out.png) */
    @font-face { font-family: A; src: url(a.woff2) format("woff2"), url(a.woff) format("woff"); }
    @font-face { font-family: B; src: local(B), url('b.woff2'); }
    .hero { background: #fff url("img/hero.jpg") no-repeat; }
    .icon { mask: url(data:image/svg+xml;utf8,<svg/>); }"""
    found = {r.url: r.kind for r in find_css_requisites(css, "https://cdn.example/css/main.css")}
    assert found == {
        "https://cdn.example/css/print.css": "stylesheet",
        "https://cdn.example/css/theme.css": "stylesheet",
        "https://cdn.example/css/a.woff2": "font",
        "https://cdn.example/css/b.woff2": "font",
        "https://cdn.example/css/img/hero.jpg": "image",
    }


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer() as server:
        server.add("news.test", "/plain", """<html><head>
          <link rel="stylesheet" href="/static/site.css"></head><body>
          <p>Words.</p>
          <img src="http://img.test/photo-320.png" srcset="http://img.test/photo-320.png 320w, http://img.test/photo-1200.png 1200w">
          <img src="/static/blank.png" data-src="http://cdn.test/img/lazy.png">
          <img src="http://cdn.test/bomb.png"><img src="http://cdn.test/blocked/x.png">
          <img src="http://other.test/huge.png"><img src="http://cdn.test/missing.png">
          <img src="http://intranet.test/x.png"><img src="http://127.0.0.1:{trap}/x.png">
          </body></html>""")
        server.add("cdn.test", "/bomb.png", gzip_bomb(100), "image/png",
                   headers={"Content-Encoding": "gzip"})
        server.add("cdn.test", "/robots.txt", "User-agent: *\nDisallow: /blocked/\n", "text/plain")
        server.add("other.test", "/huge.png", b"\x89PNG" + b"\0" * 300_000, "image/png")
        yield server


def _run(site: SiteServer, page_path: str, trap: Trap, settings: CaptureSettings,
         seen: set[str], cookies_txt: str = "") -> tuple[object, object]:
    route = site.routes[("news.test", page_path)]
    status, headers, body = route(None)  # type: ignore[arg-type]
    site.add("news.test", page_path, body.replace(b"{trap}", str(trap.port).encode()),
             headers["Content-Type"], status)

    async def go() -> tuple[object, object]:
        async with make_fetcher(site.port) as fetcher:
            page = await fetcher.fetch(f"http://news.test{page_path}")
            robots = RobotsCache(fetcher.fetch, fetcher.settings.user_agent)
            result = await fetch_requisites(
                page, fetch=fetcher_hook(fetcher), permit=Permit(robots=robots), seen=seen,
                settings=settings, cookies=parse_cookies(cookies_txt) if cookies_txt else None)
            return page, result

    return asyncio.run(go())


def test_fetch_requisites_within_caps_and_every_refusal_has_its_reason(site: SiteServer) -> None:
    seen: set[str] = set()
    with Trap() as trap:
        _, result = _run(site, "/plain", trap, CaptureSettings(requisite_max_bytes=200_000), seen)
    assert trap.connections == 0
    got = {r.url: r.status for r in result.responses}  # type: ignore[attr-defined]
    assert got == {
        "http://news.test/static/site.css": 200,
        "http://news.test/static/print.css": 200,        # @import, one level down
        "http://news.test/static/story.woff2": 200,      # the first font source only
        "http://cdn.test/img/masthead.png": 200,         # a url() in the stylesheet
        "http://img.test/photo-1200.png": 200,           # the largest srcset candidate
        "http://cdn.test/img/lazy.png": 200,             # data-src, not the placeholder
        "http://cdn.test/missing.png": 404,              # archived as the 404 it was
    }
    refused = dict(result.refused)  # type: ignore[attr-defined]
    assert refused == {
        "http://cdn.test/bomb.png": "too-large-decompressed",
        "http://cdn.test/blocked/x.png": "robots",
        "http://other.test/huge.png": "too-large",
        # the guard refuses the host's robots.txt first, and an unreachable robots.txt
        # disallows the host (RFC 9309): no connection either way
        "http://intranet.test/x.png": "robots",
        f"http://127.0.0.1:{trap.port}/x.png": "private-address",
    }
    # what failed may be tried by a later page; what was fetched or refused by rule is not
    assert "http://other.test/huge.png" not in seen
    assert "http://cdn.test/img/lazy.png" in seen and "http://cdn.test/blocked/x.png" in seen
    assert ("cdn.test", "/bomb.png") in {(h, p) for h, p, _ in site.log}


def test_seen_urls_are_not_fetched_again_and_caps_per_page(site: SiteServer) -> None:
    seen = {"http://news.test/static/site.css", "http://img.test/photo-1200.png"}
    with Trap() as trap:
        _, result = _run(site, "/plain", trap,
                         CaptureSettings(page_max_requisites=2, requisite_concurrency=1), seen)
    fetched = [r.url for r in result.responses]  # type: ignore[attr-defined]
    capped = [u for u, why in result.refused if why == "page-cap"]  # type: ignore[attr-defined]
    tried = fetched + [u for u, why in result.refused if why != "page-cap"]  # type: ignore[attr-defined]
    assert tried == ["http://cdn.test/img/lazy.png", "http://cdn.test/bomb.png"]
    assert len(capped) == 5 and not set(capped) & seen


def test_page_bytes_cap(site: SiteServer) -> None:
    with Trap() as trap:
        _, result = _run(site, "/plain", trap,
                         CaptureSettings(page_max_bytes=400, requisite_concurrency=1), set())
    reasons = [why for _, why in result.refused]  # type: ignore[attr-defined]
    assert "page-bytes" in reasons
    assert sum(len(r.content) for r in result.responses) <= 400 + 300  # type: ignore[attr-defined]


def test_cookies_go_only_to_their_domain(site: SiteServer) -> None:
    cookies = ("# Netscape HTTP Cookie File\n"
               "cdn.test\tFALSE\t/img/\tFALSE\t0\tcdn_session\tsecret-1\n"
               ".news.test\tTRUE\t/\tFALSE\t0\tnews_session\tsecret-2\n")
    with Trap() as trap:
        _run(site, "/plain", trap, CaptureSettings(), set(), cookies)
    sent = {(h, p): hd.get("cookie") for h, p, hd in site.log}
    assert sent[("cdn.test", "/img/lazy.png")] == "cdn_session=secret-1"
    assert sent[("cdn.test", "/missing.png")] is None           # outside /img/
    assert sent[("news.test", "/static/site.css")] == "news_session=secret-2"
    assert sent[("img.test", "/photo-1200.png")] is None
    assert sent[("news.test", "/static/site.css")] is not None
    assert png()  # the helper makes real images


def test_a_page_that_is_not_html_has_no_requisites(site: SiteServer) -> None:
    async def go() -> object:
        async with make_fetcher(site.port) as fetcher:
            image = await fetcher.fetch("http://img.test/photo-320.png")
            return await fetch_requisites(image, fetch=fetcher_hook(fetcher), permit=Permit(),
                                          seen=set())

    result = asyncio.run(go())
    assert result.responses == () and result.refused == ()  # type: ignore[attr-defined]
    assert site.paths() == ["/photo-320.png"]
